// The lab's Argo CD for real: an Application that tracks a git repository over file:// syncs a pushed
// commit to the lab cluster, and reports that exact commit as Synced and Healthy.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { runCommand } from "./engine";
import { Kube, LAB, pollUntil } from "./kube";

const NS = "it-argocd";
const kubectl = (...args: string[]) =>
  runCommand(path.join(LAB, "bin", "kubectl"), args, { env: { KUBECONFIG: path.join(LAB, "kubeconfig") } });
const git = (cwd: string, ...args: string[]) =>
  runCommand("git", ["-c", "user.name=tagship-test", "-c", "user.email=test@tagship.invalid", ...args], { cwd });

describe("Argo CD in the lab", () => {
  let base: string;
  let kube: Kube;

  before(() => {
    kube = new Kube();
    base = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-argocd-"));
  });
  after(async () => {
    await kubectl("-n", "argocd", "delete", "application", NS, "--ignore-not-found");
    await kubectl("-n", "argocd", "delete", "appproject", NS, "--ignore-not-found");
    await kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    fs.rmSync(base, { recursive: true, force: true });
  });

  it("syncs a pushed commit from a file:// repository and reports it Synced and Healthy", async () => {
    const remote = path.join(base, "remote.git");
    const work = path.join(base, "work");
    assert.equal((await runCommand("git", ["init", "-q", "--bare", "--initial-branch=main", remote])).code, 0);
    fs.mkdirSync(path.join(work, "manifests"), { recursive: true });
    // The lab's own pause image: nothing to build, ready at once.
    fs.writeFileSync(
      path.join(work, "manifests", "deployment.yaml"),
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: sleeper, namespace: ${NS}}
spec:
  replicas: 2
  selector: {matchLabels: {app: sleeper}}
  template:
    metadata: {labels: {app: sleeper}}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: pause
        image: 127.0.0.1:5000/pause:3.10.1
        securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}
`,
    );
    for (const args of [
      ["init", "-q", "--initial-branch=main"],
      ["add", "-A"],
      ["commit", "-qm", "a release"],
      ["push", "-q", remote, "HEAD:main"],
    ]) {
      const r = await git(work, ...args);
      assert.equal(r.code, 0, r.output);
    }
    const sha = (await git(work, "rev-parse", "HEAD")).output.trim();

    const manifest = path.join(base, "app.yaml");
    fs.writeFileSync(
      manifest,
      `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: ${NS}, namespace: argocd}
spec:
  sourceRepos: ["file://${remote}"]
  destinations: [{namespace: ${NS}, server: "https://kubernetes.default.svc"}]
  clusterResourceWhitelist: [{group: "", kind: Namespace}]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ${NS}, namespace: argocd}
spec:
  project: ${NS}
  source: {repoURL: "file://${remote}", path: manifests, targetRevision: main}
  destination: {server: "https://kubernetes.default.svc", namespace: ${NS}}
  syncPolicy: {automated: {prune: true, selfHeal: true}, syncOptions: [CreateNamespace=true]}
`,
    );
    const started = Date.now();
    const applied = await kubectl("apply", "-f", manifest);
    assert.equal(applied.code, 0, applied.output);

    const status = await pollUntil(
      () => kube.applicationStatus(NS),
      (a) => a?.sync?.status === "Synced" && a.health?.status === "Healthy",
      120_000,
    );
    console.log(`Application Synced and Healthy ${((Date.now() - started) / 1000).toFixed(1)} s after it was applied`);
    assert.equal(status?.sync?.status, "Synced", JSON.stringify(status));
    assert.equal(status?.health?.status, "Healthy", JSON.stringify(status));
    assert.equal(status?.sync?.revision, sha);
    const d = await kube.get<{ status: { readyReplicas?: number } }>(`/apis/apps/v1/namespaces/${NS}/deployments/sleeper`);
    assert.equal(d?.status.readyReplicas, 2);
  });
});
