// gitops mode against the lab's Argo CD: the program applies its Application and AppProject to the cluster,
// and the AppProject refuses an Application that points at another repository or another namespace.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { newStack, runCommand, sandbox, type Sandbox } from "./engine";
import { Kube, kubectl, LAB_KUBECONFIG, pollUntil } from "./kube";

const STACK = "it-gitops";
const NAMESPACE = `hello-${STACK}`;

interface Application {
  status?: { conditions?: { type: string; message: string }[] };
}

describe("gitops mode on the lab's Argo CD", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  let remote = "";

  before(async () => {
    kube = new Kube();
    box = sandbox();
    remote = path.join(box.workDir, "..", "remote.git");
    assert.equal((await runCommand("git", ["init", "-q", "--bare", "--initial-branch=main", remote])).code, 0);
    stack = await newStack(box, STACK, {
      imageRef: `127.0.0.1:5000/tagship/hello@sha256:${"a".repeat(64)}`,
      imageTag: "1.0.0",
      deliveryMode: "gitops",
      repoUrl: `file://${remote}`,
      kubeconfig: LAB_KUBECONFIG,
    });
  });
  after(async () => {
    await kubectl("-n", "argocd", "delete", "application", "intruder", "--ignore-not-found");
    await stack?.destroy().catch(() => undefined);
    box?.cleanup();
  });

  /** Applies an Application in the stack's project and returns the condition Argo CD gives it. */
  async function refusal(name: string, repoUrl: string, namespace: string): Promise<string> {
    const file = path.join(box.workDir, `${name}.yaml`);
    fs.writeFileSync(
      file,
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ${name}, namespace: argocd}
spec:
  project: ${NAMESPACE}
  source: {repoURL: "${repoUrl}", path: deploy/${STACK}, targetRevision: main}
  destination: {server: "https://kubernetes.default.svc", namespace: ${namespace}}
`,
    );
    const applied = await kubectl("apply", "-f", file);
    assert.equal(applied.code, 0, applied.output);
    const invalid = (app: Application | null) => app?.status?.conditions?.find((c) => c.type === "InvalidSpecError");
    const app = await pollUntil(
      () => kube.get<Application>(`/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${name}`),
      (a) => invalid(a) !== undefined,
      60_000,
    );
    return invalid(app)?.message ?? "no InvalidSpecError within 60 s";
  }

  it("applies the Application and its AppProject to the cluster and renders the workload", async () => {
    const result = await stack.up();
    assert.equal(result.outputs.applicationName?.value, NAMESPACE);
    const project = await kube.get<{ spec: { sourceRepos: string[]; destinations: { namespace: string }[] } }>(
      `/apis/argoproj.io/v1alpha1/namespaces/argocd/appprojects/${NAMESPACE}`,
    );
    assert.deepEqual(project?.spec.sourceRepos, [`file://${remote}`]);
    assert.deepEqual(
      project?.spec.destinations.map((d) => d.namespace),
      [NAMESPACE],
    );
    assert.ok(fs.existsSync(path.join(box.workDir, "deploy", STACK)), "the workload is rendered, not applied");
    assert.equal(await kube.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`), null);
  });

  it("refuses an Application from another repository", async () => {
    const message = await refusal("intruder", "file:///srv/another.git", NAMESPACE);
    assert.match(message, /file:\/\/\/srv\/another\.git.*not permitted in project/, message);
  });

  it("refuses an Application into another namespace", async () => {
    await kubectl("-n", "argocd", "delete", "application", "intruder", "--ignore-not-found");
    const message = await refusal("intruder", `file://${remote}`, "kube-system");
    assert.match(message, /namespace 'kube-system' do not match any of the allowed destinations/, message);
  });
});
