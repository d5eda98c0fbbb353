// A stack of several services on the lab (direct mode), set up the way a team points tagship at its own:
// `pulumi config set --path 'tagship:services.<name>.<field>'` only. web is app/ on the lab's base image;
// static is a Go binary in a FROM scratch image with no BASE_IMAGE and no ENTRYPOINT, run by the stack's
// command and args as another UID, writing to a writable path, with env from a ConfigMap and its own
// ServiceAccount; private is the same binary pushed to and pulled from the lab's registry that requires a
// password. A release of one keeps the others' pods; a release of two rolls them out side by side.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { newStack, sandbox, type Sandbox } from "./engine";
import { isServing, Kube, LAB_KUBECONFIG, LAB_STACK, type Pod } from "./kube";
import { loadLoop, type LoadResult } from "./load";
import { addStaticService, configureThreeServices, PRIVATE_REGISTRY, STATIC_UID } from "./static-service";

const STACK = "it-services";
const NAMESPACE = `hello-${STACK}`;
const SERVICES = ["web", "static", "private"];

interface Deployment {
  metadata: { annotations?: Record<string, string> };
  status: { readyReplicas?: number; updatedReplicas?: number };
}
interface ServicePod extends Pod {
  metadata: Pod["metadata"] & { uid: string; creationTimestamp: string; labels: Record<string, string> };
  spec: { serviceAccountName?: string; imagePullSecrets?: { name: string }[] };
}

describe("several services in one stack (direct mode)", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;

  const deployment = async (name: string) => (await kube.get<Deployment>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}`))!;
  const podsOf = async (name: string) =>
    (await kube.get<{ items: ServicePod[] }>(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app.kubernetes.io/name%3D${name}`))!.items;
  const setPaths = (values: Record<string, string>) =>
    stack.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`tagship:${k}`, { value: v }])), true);
  const versionOf = async (url: string) =>
    (await (await fetch(url, { signal: AbortSignal.timeout(5000) })).json()) as Record<string, unknown>;

  /** Load on both services' Services while `release` runs; what each saw. */
  async function releaseUnderLoad(release: () => Promise<unknown>): Promise<Record<string, LoadResult>> {
    let done = false;
    const urls = await Promise.all(SERVICES.map(async (name) => [name, await kube.versionUrl(NAMESPACE, name)] as const));
    const loads = urls.map(
      async ([name, url]) => [name, await loadLoop({ url, minRequests: 2000, maxSeconds: 300, workers: 2, until: () => done })] as const,
    );
    try {
      await release();
    } finally {
      done = true;
    }
    return Object.fromEntries(await Promise.all(loads));
  }

  before(async () => {
    assert.ok(fs.existsSync(LAB_KUBECONFIG), `the lab's cluster is up (make lab-up): ${LAB_KUBECONFIG}`);
    kube = new Kube();
    box = sandbox();
    addStaticService(box);
    const anonymous = await fetch(`http://${PRIVATE_REGISTRY}/v2/`, { signal: AbortSignal.timeout(5000) });
    assert.equal(anonymous.status, 401, "the private registry refuses anonymous access");
    stack = await newStack(box, STACK, { imageTag: "1.0.0", ...LAB_STACK });
    await configureThreeServices(stack);
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    box?.cleanup();
  });

  it("first release: the three services serve, each as configured", async () => {
    const result = await stack.up();
    const services = result.outputs.services?.value as Record<string, { imageRef: string; deploymentName: string }>;
    assert.deepEqual(Object.keys(services).sort(), [...SERVICES].sort());
    assert.match(services.static?.imageRef ?? "", /^127\.0\.0\.1:5000\/tagship\/static@sha256:[a-f0-9]{64}$/);
    assert.match(services.web?.imageRef ?? "", /^127\.0\.0\.1:5000\/tagship\/web@sha256:[a-f0-9]{64}$/);
    assert.match(services.private?.imageRef ?? "", /^127\.0\.0\.1:5002\/tagship\/private@sha256:[a-f0-9]{64}$/);
    for (const name of SERVICES) assert.equal((await deployment(name)).status.readyReplicas, 2, name);
    // private's pods pulled with the stack's pull Secret; the others name none.
    const pullSecrets = async (name: string) => (await podsOf(name))[0]?.spec.imagePullSecrets?.map((s) => s.name);
    assert.deepEqual(await pullSecrets("private"), ["hello-registry"]);
    assert.equal(await pullSecrets("static"), undefined);
    assert.equal((await versionOf(await kube.versionUrl(NAMESPACE, "private"))).mode, "private");

    const web = await versionOf(await kube.versionUrl(NAMESPACE, "web"));
    assert.equal(web.version, "1.0.0");
    // static: the version, its UID, the state file it could write, and its env from the ConfigMap.
    const stat = await versionOf(await kube.versionUrl(NAMESPACE, "static"));
    assert.deepEqual(stat, { version: "1.0.0", uid: STATIC_UID, gid: STATIC_UID, state: "/data/state", mode: "static" });
    const [pod] = await podsOf("static");
    assert.equal(pod?.spec.serviceAccountName, "static");
  });

  it("a release of one service: 0 failed requests on any, the others keep their ReplicaSets and pods", async () => {
    const podsBefore = async () => Promise.all(["static", "private"].map(async (n) => (await podsOf(n)).map((p) => p.metadata.uid).sort()));
    const revisions = () =>
      Promise.all(
        ["static", "private"].map(async (n) => (await deployment(n)).metadata.annotations?.["deployment.kubernetes.io/revision"]),
      );
    const [othersBefore, revisionsBefore] = [await podsBefore(), await revisions()];
    await setPaths({ "services.web.imageTag": "1.1.0" });
    // The preview names only web's image and Deployment.
    const preview = await stack.preview({ diff: false });
    const changed = preview.stdout
      .split("\n")
      .filter((l) => /^\s+[~+-]{1,2}\s+[\w-]+:[\w./-]+:\w+\s/.test(l))
      .join("\n");
    assert.doesNotMatch(changed, /static|private/, preview.stdout);
    assert.match(changed, /web/, preview.stdout);

    const traffic = await releaseUnderLoad(() => stack.up());
    for (const [name, t] of Object.entries(traffic)) {
      assert.equal(t.failures, 0, `${name}: ${t.failures} of ${t.requests} failed: ${t.failureSamples.join("; ")}`);
      assert.ok(t.requests >= 2000, `${name}: ${t.requests} requests`);
    }
    assert.ok(traffic.web?.versions["1.1.0"], JSON.stringify(traffic.web?.versions));
    assert.deepEqual(Object.keys(traffic.static?.versions ?? {}), ["1.0.0"]);
    assert.deepEqual(await podsBefore(), othersBefore);
    assert.deepEqual(await revisions(), revisionsBefore);
    const counts = SERVICES.map((n) => `${n} ${traffic[n]?.requests}`).join(", ");
    console.log(`web 1.0.0 → 1.1.0: requests ${counts}, 0 failed; static and private untouched`);
  });

  it("a release of two: they roll out side by side, and the release ends when both are live", async () => {
    const before = new Set([...(await podsOf("web")), ...(await podsOf("static"))].map((p) => p.metadata.uid));
    await setPaths({ "services.web.imageTag": "1.2.0", "services.static.imageTag": "1.2.0" });
    const traffic = await releaseUnderLoad(() => stack.up());
    for (const [name, t] of Object.entries(traffic)) assert.equal(t.failures, 0, `${name}: ${t.failureSamples.join("; ")}`);
    // Once `up` returns both are complete: every serving pod runs the new version.
    for (const name of ["web", "static"]) {
      const pods = (await podsOf(name)).filter(isServing);
      assert.equal(pods.length, 2, name);
      for (const p of pods) assert.equal(p.metadata.labels["app.kubernetes.io/version"], "1.2.0", p.metadata.name);
    }
    // Side by side: each service's new pods were created while the other's were still being created.
    const created = async (name: string) =>
      (await podsOf(name)).filter((p) => !before.has(p.metadata.uid)).map((p) => Date.parse(p.metadata.creationTimestamp));
    const [web, stat] = [await created("web"), await created("static")];
    assert.equal(web.length, 2);
    assert.equal(stat.length, 2);
    const overlap = Math.min(Math.max(...web), Math.max(...stat)) - Math.max(Math.min(...web), Math.min(...stat));
    assert.ok(overlap >= 0, `web's new pods at ${web.join(", ")}, static's at ${stat.join(", ")}: one rollout waited for the other`);
    console.log(
      `web and static to 1.2.0 side by side (overlap ${overlap / 1000} s): ${SERVICES.map((n) => `${n} ${traffic[n]?.requests}`).join(", ")} requests, 0 failed`,
    );
  });
});
