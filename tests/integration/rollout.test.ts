// Releases on the lab's real cluster in direct mode (lab/lab.sh up): the image is built and pushed,
// the Deployment rolls with zero downtime under load, a release that never gets ready fails within its
// progress deadline while the old pods keep serving, and the next good release rolls over it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack, UpResult } from "@pulumi/pulumi/automation";
import { assertPhases, cliCommand, newStack, sandbox, type Sandbox } from "./engine";
import { isServing, Kube, LAB_KUBECONFIG, LAB_STACK, type Pod } from "./kube";
import { releaseUnderLoad } from "./load";

const STACK = "it-rollout";
const NAMESPACE = `hello-${STACK}`;
const REPLICAS = 3;
const PROGRESS_DEADLINE = 20;

interface Deployment {
  metadata: { generation: number; annotations?: Record<string, string> };
  spec: { template: { spec: { containers: { image: string }[] } } };
  status: { readyReplicas?: number; updatedReplicas?: number; observedGeneration?: number };
}
interface ReplicaSet {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { replicas: number };
  status: { replicas: number };
}

describe("releases on the lab cluster (direct mode)", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  let serviceUrl = "";

  const deployment = async () => (await kube.get<Deployment>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`))!;
  const pods = async () => (await kube.get<{ items: Pod[] }>(`/api/v1/namespaces/${NAMESPACE}/pods`))!.items;
  const versionOf = async (url: string) =>
    ((await (await fetch(url, { signal: AbortSignal.timeout(5000) })).json()) as { version: string }).version;

  /** Every serving pod, asked directly (not through the Service), answers `version`. */
  async function everyPodAnswers(version: string) {
    const serving = (await pods()).filter(isServing);
    assert.equal(serving.length, REPLICAS);
    for (const pod of serving) assert.equal(await versionOf(`http://${pod.status?.podIP}:8080/version`), version, pod.metadata.name);
  }

  /** Only the Deployment's current ReplicaSet has pods; every older one is scaled to 0. */
  async function oldReplicaSetsAtZero() {
    const revision = (await deployment()).metadata.annotations?.["deployment.kubernetes.io/revision"];
    const sets = (await kube.get<{ items: ReplicaSet[] }>(`/apis/apps/v1/namespaces/${NAMESPACE}/replicasets`))!.items;
    const old = sets.filter((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"] !== revision);
    assert.ok(old.length > 0, "a rollout leaves the previous ReplicaSet behind, at 0");
    for (const rs of old) assert.deepEqual([rs.metadata.name, rs.spec.replicas, rs.status.replicas], [rs.metadata.name, 0, 0]);
  }

  const underLoad = <T>(release: () => Promise<T>) => releaseUnderLoad(kube, NAMESPACE, `${serviceUrl}/version`, release);

  before(async () => {
    assert.ok(fs.existsSync(LAB_KUBECONFIG), `the lab's cluster is up (make lab-up): ${LAB_KUBECONFIG}`);
    kube = new Kube();
    box = sandbox();
    stack = await newStack(box, STACK, {
      imageTag: "1.0.0",
      ...LAB_STACK,
      replicas: String(REPLICAS),
      progressDeadlineSeconds: String(PROGRESS_DEADLINE),
    });
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    box?.cleanup();
  });

  it("first deploy: the image is built and pushed, 3 pods are ready, the Service answers the version", async () => {
    const result = await stack.up();
    assert.match(String(result.outputs.imageRef?.value), /^127\.0\.0\.1:5000\/tagship\/hello@sha256:[a-f0-9]{64}$/);
    const d = await deployment();
    assert.equal(d.status.readyReplicas, REPLICAS);
    assert.equal(d.spec.template.spec.containers[0]?.image, result.outputs.imageRef?.value);
    const svc = (await kube.get<{ spec: { clusterIP: string; ports: { port: number }[] } }>(
      `/api/v1/namespaces/${NAMESPACE}/services/hello`,
    ))!;
    serviceUrl = `http://${svc.spec.clusterIP}:${svc.spec.ports[0]?.port}`;
    assert.equal(await versionOf(`${serviceUrl}/version`), "1.0.0");
  });

  it("the rollout plan of the next tag, from the real `pulumi preview --json` and the stack's state", async () => {
    await stack.setConfig("tagship:imageTag", { value: "2.0.0" });
    const deployed = String((await stack.outputs()).imageRef?.value);
    const run = await cliCommand(box, "plan", [STACK]);
    assert.equal(run.code, 0, run.output);
    const plan = run.output;
    // The new digest is known only once `pulumi up` has built the image.
    assert.ok(plan.includes(`| image | \`${deployed}\` | **computed by \`pulumi up\` (a new build)** |`), plan);
    assert.match(plan, /\| version \| `1\.0\.0` \| \*\*`2\.0\.0`\*\* \|/);
    assert.match(plan, /\| replicas \| `3` \| unchanged \|/);
    assert.match(
      plan,
      /Rollout: 3 batches of 1 new pod, never fewer than 3 ready; estimated 12–18 s \(readiness every 2 s, minReadySeconds 3\)/,
    );
    assert.match(plan, /PodDisruptionBudget: maxUnavailable 1/);
    assert.doesNotMatch(plan, /REPLACED|deleted/);
  });

  it("a new tag, through `tagship ship`, rolls out with 0 failed requests, never fewer than `replicas` ready pods, and accounts for its seconds", async () => {
    await stack.setConfig("tagship:imageTag", { value: "2.0.0" });
    const run = await underLoad(() => cliCommand(box, "ship", ["--stack", STACK]));
    assert.ifError(run.error);
    assert.equal(run.value.code, 0, run.value.output);
    // Every phase from the command's start to its end, the rollout split at each batch of new pods ready.
    assertPhases(run.value, [
      /^start/,
      /^engine: start$/,
      /^run the program and plan$/,
      /^build and push the image$/,
      /^apply the Deployment and roll out: until 1 new ready$/,
      /^apply the Deployment and roll out: until 2 new ready$/,
      /^apply the Deployment and roll out: until 3 new ready$/,
      /^apply the Deployment and roll out: after 3 new ready$/,
      /^record the good release$/,
    ]);
    console.log(`rollout 1.0.0 -> 2.0.0: ${run.seconds.toFixed(1)} s, ${run.traffic.requests} requests, min serving ${run.capacity.min}`);
    assert.ok(run.traffic.requests >= 2000, `${run.traffic.requests} requests`);
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.ok(run.capacity.events > 0, "the watch saw the rollout");
    assert.ok(run.capacity.min >= REPLICAS, `serving pods fell to ${run.capacity.min}`);
    // The load really spanned the rollout: it was answered by both versions.
    assert.ok((run.traffic.versions["1.0.0"] ?? 0) > 0 && (run.traffic.versions["2.0.0"] ?? 0) > 0, JSON.stringify(run.traffic.versions));
    // Ended only once the old pods take no new connection: every one made at its end reaches the new version.
    assert.deepEqual(run.afterEnd, { "2.0.0": 20 });
    await oldReplicaSetsAtZero();
    await everyPodAnswers("2.0.0");
  });

  it("a release that never gets ready fails within the progress deadline; the old pods keep serving", async () => {
    await stack.setAllConfig({ "tagship:imageTag": { value: "3.0.0" }, "tagship:readinessPath": { value: "/never-ready" } });
    const run = await underLoad(() => stack.up());
    assert.ok(run.error, "pulumi up must fail");
    const sinceFirstPod = (run.endedAt - (run.capacity.firstPodAddedAt ?? run.endedAt)) / 1000;
    console.log(
      `failed release reported ${sinceFirstPod.toFixed(1)} s after its first pod (up took ${run.seconds.toFixed(1)} s):\n${run.error.message}`,
    );
    assert.match(run.error.message, /Deployment/);
    assert.match(run.error.message, /hello/);
    assert.match(run.error.message, /ProgressDeadlineExceeded|timed out progressing/);
    // The deadline runs from the rollout's first new pod; a few seconds more for the controller to notice.
    assert.ok(sinceFirstPod <= PROGRESS_DEADLINE + 10, `${sinceFirstPod} s after the first new pod`);
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.ok(run.capacity.min >= REPLICAS, `serving pods fell to ${run.capacity.min}`);
    assert.deepEqual(Object.keys(run.traffic.versions), ["2.0.0"]);
    await everyPodAnswers("2.0.0");
  });

  it("the next good release, through `tagship ship`, rolls over the failed one", async () => {
    await stack.setConfig("tagship:imageTag", { value: "3.0.1" });
    await stack.removeConfig("tagship:readinessPath");
    const run = await underLoad(() => cliCommand(box, "ship", ["--stack", STACK]));
    assert.ifError(run.error);
    assert.equal(run.value.code, 0, run.value.output);
    assertPhases(run.value, [/^start/, /^apply the Deployment and roll out: until 3 new ready$/, /^record the good release$/]);
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.ok(run.capacity.min >= REPLICAS, `serving pods fell to ${run.capacity.min}`);
    await oldReplicaSetsAtZero();
    await everyPodAnswers("3.0.1");
  });

  it("a no-op up changes nothing; a changed source file rebuilds and rolls the new digest out", async () => {
    const noop: UpResult = await stack.up();
    const changes = noop.summary.resourceChanges ?? {};
    assert.deepEqual(Object.keys(changes), ["same"], JSON.stringify(changes));
    const before = String(noop.outputs.imageRef?.value);

    fs.appendFileSync(path.join(box.workDir, "app", "src", "server.ts"), "\n// a change that must reach the pods\n");
    const changed = await stack.up();
    const after = String(changed.outputs.imageRef?.value);
    assert.notEqual(after, before);
    assert.equal((await deployment()).spec.template.spec.containers[0]?.image, after);
    const running = (await pods()).filter(isServing) as (Pod & { spec: { containers: { image: string }[] } })[];
    assert.equal(running.length, REPLICAS);
    for (const pod of running) assert.equal(pod.spec.containers[0]?.image, after);
  });
});
