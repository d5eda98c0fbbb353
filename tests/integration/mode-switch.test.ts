// Switching a stack between direct and gitops mode on the lab, through the release command (`tagship ship`)
// after `pulumi config set deliveryMode ...`: the running Deployment is handed from Pulumi to Argo CD and
// back without being deleted or rolled, with no failed request and never fewer than `replicas` pods ready.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { runCommand, type Sandbox, ship } from "./engine";
import { dropNamespace, Kube, labStack } from "./kube";
import { releaseUnderLoad } from "./load";

const STACK = "it-switch";
const NAMESPACE = `hello-${STACK}`;
const REPLICAS = 3;

interface Deployment {
  metadata: { uid: string; generation: number };
}
interface ReplicaSet {
  metadata: { name: string };
  status: { replicas: number };
}

describe("switching a stack between direct and gitops mode", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  let remote = "";
  /** The Deployment and the ReplicaSet with pods, as the first release left them. */
  let original = { uid: "", generation: 0, replicaSets: [] as string[] };

  const url = () => kube.versionUrl(NAMESPACE);
  /** The live Deployment's identity and the ReplicaSets that have pods: a rollout or a re-creation changes them. */
  async function live() {
    const d = (await kube.get<Deployment>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`))!;
    const sets = (await kube.get<{ items: ReplicaSet[] }>(`/apis/apps/v1/namespaces/${NAMESPACE}/replicasets`))!.items;
    return {
      uid: d.metadata.uid,
      generation: d.metadata.generation,
      replicaSets: sets.filter((s) => s.status.replicas > 0).map((s) => s.metadata.name),
    };
  }
  const application = () => kube.get(`/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${NAMESPACE}`);
  const remoteFiles = async () =>
    (await runCommand("git", ["--git-dir", remote, "ls-tree", "-r", "--name-only", "main", "--", `deploy/${STACK}`])).output.trim();

  /** A release under load that must hand over without a gap: no failure, `replicas` serving throughout. */
  async function switchUnderLoad(mode: "direct" | "gitops") {
    await stack.setConfig("tagship:deliveryMode", { value: mode });
    const run = await releaseUnderLoad(kube, NAMESPACE, await url(), () => ship(box, STACK));
    assert.ifError(run.error);
    console.log(
      `switch to ${mode}: ${run.seconds.toFixed(1)} s, ${run.traffic.requests} requests, ${run.traffic.failures} failed, min ${run.capacity.min} serving`,
    );
    assert.ok(run.traffic.requests >= 2000);
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.ok(run.capacity.min >= REPLICAS, `serving pods fell to ${run.capacity.min}`);
    return run;
  }

  before(async () => {
    kube = new Kube();
    // repoUrl, read only in gitops mode, is set from the start, so that a switch is one `config set deliveryMode`.
    ({ box, remote, stack } = await labStack(STACK, NAMESPACE, {
      imageTag: "1.0.0",
      replicas: String(REPLICAS),
      progressDeadlineSeconds: "20",
    }));
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("direct: the first release is applied by Pulumi", async () => {
    const output = await ship(box, STACK);
    assert.match(output, /rollout complete in [\d.]+ s: revision 1, 3 pods ready/);
    original = await live();
    assert.equal(original.replicaSets.length, 1);
  });

  it("direct → gitops: Argo CD adopts the running Deployment, which is neither deleted nor rolled", async () => {
    await switchUnderLoad("gitops");
    assert.deepEqual(await live(), original);
    assert.notEqual(await application(), null);
    assert.match(await remoteFiles(), /apps_v1-deployment-hello-it-switch-hello\.yaml/);
    // Pulumi no longer holds the live Deployment: its state has only the rendered one.
    const state = await stack.exportStack();
    const deployments = (state.deployment as { resources: { type: string; provider?: string }[] }).resources.filter(
      (r) => r.type === "kubernetes:apps/v1:Deployment",
    );
    assert.deepEqual(
      deployments.map((r) => r.provider?.split("::")[3]),
      ["render"],
    );
  });

  it("gitops → direct: Pulumi takes it back, the Application goes, and its manifests leave the branch", async () => {
    const run = await switchUnderLoad("direct");
    assert.deepEqual(await live(), original);
    assert.equal(await application(), null);
    assert.equal(await remoteFiles(), "");
    assert.match(String(run.value), /"hand it-switch back to direct mode: remove deploy\/it-switch", pushed to file:\/\//);
  });

  it("back in direct mode, a release rolls out under Pulumi's own wait; a switch to gitops then serves only the new version", async () => {
    await stack.setConfig("tagship:imageTag", { value: "2.0.0" });
    const release = await releaseUnderLoad(kube, NAMESPACE, await url(), () => ship(box, STACK));
    assert.ifError(release.error);
    assert.match(String(release.value), /rollout complete in [\d.]+ s: revision 2, 3 pods ready/);
    assert.equal(release.traffic.failures, 0, release.traffic.failureSamples.join("\n"));
    const released = await live();
    // Argo CD finds no stale manifests of 1.0.0 on the branch to sync before the new ones arrive.
    const again = await switchUnderLoad("gitops");
    assert.deepEqual(Object.keys(again.traffic.versions), ["2.0.0"]);
    assert.deepEqual(await live(), released);
  });
});
