import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { ArgoApplication, applicationManifest, type ArgoValues } from "../../components/argocd";
import { find, settle, useMocks, valueOf } from "./harness";

const APP = "kubernetes:argoproj.io/v1alpha1:Application";
const PROJECT = "kubernetes:argoproj.io/v1alpha1:AppProject";

describe("ArgoApplication", () => {
  beforeEach(() => useMocks("prod"));

  async function create() {
    const a = new ArgoApplication("hello-prod", {
      repoUrl: "https://github.com/acme/tagship.git",
      path: "deploy/prod",
      targetRevision: "main",
      destinationNamespace: "hello-prod",
    });
    await valueOf(a.applicationName);
    await settle();
    return a;
  }

  it("tracks the repository path with automated sync, prune, selfHeal and retry, into a namespace it does not create", async () => {
    await create();
    const app = find(APP, "hello-prod-application").inputs;
    assert.equal(app.apiVersion, "argoproj.io/v1alpha1");
    assert.equal(app.kind, "Application");
    assert.deepEqual(app.metadata, { name: "hello-prod", namespace: "argocd", labels: { "app.kubernetes.io/managed-by": "tagship" } });
    assert.equal(app.spec.project, "hello-prod");
    assert.deepEqual(app.spec.source, {
      repoURL: "https://github.com/acme/tagship.git",
      path: "deploy/prod",
      targetRevision: "main",
      directory: { recurse: true },
    });
    assert.deepEqual(app.spec.destination, { server: "https://kubernetes.default.svc", namespace: "hello-prod" });
    assert.deepEqual(app.spec.syncPolicy, {
      automated: { prune: true, selfHeal: true },
      retry: { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } },
    });
  });

  it("confines the AppProject to that repository, that destination and the workload's kinds, nothing cluster-wide", async () => {
    await create();
    const project = find(PROJECT, "hello-prod-project").inputs;
    assert.deepEqual(project.metadata, { name: "hello-prod", namespace: "argocd" });
    assert.deepEqual(project.spec.sourceRepos, ["https://github.com/acme/tagship.git"]);
    assert.deepEqual(project.spec.destinations, [{ server: "https://kubernetes.default.svc", namespace: "hello-prod" }]);
    // No cluster-scoped kind: the stack applies the namespace itself.
    assert.deepEqual(project.spec.clusterResourceWhitelist, []);
    assert.deepEqual(project.spec.namespaceResourceWhitelist, [
      { group: "apps", kind: "Deployment" },
      { group: "", kind: "Service" },
      { group: "policy", kind: "PodDisruptionBudget" },
    ]);
  });

  it("checks manifests against Argo CD's schema", async () => {
    const values: ArgoValues = {
      name: "x",
      argocdNamespace: "argocd",
      repoUrl: "file:///srv/git/x.git",
      path: "deploy/x",
      targetRevision: "main",
      destinationNamespace: "x",
      destinationServer: "https://kubernetes.default.svc",
      allowedKinds: [],
      // A value of the wrong type, as a loose object could carry: the CRD schema wants an integer.
      retry: { limit: "five" as unknown as number, backoffDuration: "5s", backoffFactor: 2, backoffMaxDuration: "3m" },
    };
    await assert.rejects(applicationManifest(values), /spec\/syncPolicy\/retry\/limit must be integer/);
  });

  it("rejects a bad repository URL, path and namespace together", () => {
    assert.throws(
      () => new ArgoApplication("hello-prod", { repoUrl: "", path: "/deploy/../prod", destinationNamespace: "Prod" }),
      (e: Error) => {
        assert.match(e.message, /3 problems/);
        assert.match(e.message, /ArgoApplicationArgs\.repoUrl = "": allowed a git URL/);
        assert.match(e.message, /ArgoApplicationArgs\.path = "\/deploy\/\.\.\/prod": allowed a relative directory/);
        assert.match(e.message, /ArgoApplicationArgs\.destinationNamespace = "Prod": allowed a DNS label/);
        return true;
      },
    );
  });
});
