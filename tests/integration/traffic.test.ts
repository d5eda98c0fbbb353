// A service behind the lab's real ingress controller (Traefik) in direct mode, scaled by a real autoscaler on
// metrics-server's numbers: requests go through the Ingress and the HTTPRoute by Host header, as users' requests do,
// and 0 of them fail during a release, a release while the autoscaler scales out, a scale-in, and a failed release.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, type Sandbox } from "./engine";
import { dropNamespace, Kube, LAB_INGRESS, labStack, pollUntil } from "./kube";
import { loadLoop, releaseUnderLoad, type LoadResult } from "./load";
import { autoscaler, deploymentReplicas, get, SCALING_LOAD, versionsAfter, type Autoscaler } from "./traffic";

const STACK = "it-traffic";
const NAMESPACE = `hello-${STACK}`;
const HOST = `${STACK}.lab.test`;
const ROUTE_HOST = `${STACK}-route.lab.test`;

describe("traffic through the ingress, with an autoscaler (direct mode)", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  const hpa = (): Promise<Autoscaler> => autoscaler(kube, NAMESPACE, "hello");
  const replicas = () => deploymentReplicas(kube, NAMESPACE, "hello");
  async function ship(): Promise<{ code: number; output: string }> {
    return cliCommand(box, "ship", ["--stack", STACK, "--timeout", "240"], 420_000);
  }
  const versionThrough = async (host: string) => (await get(`${LAB_INGRESS.url}/version`, host)).version;
  const assertClean = (load: LoadResult, what: string) => {
    console.log(`${what}: ${load.requests} requests, ${load.failures} failed, versions ${JSON.stringify(load.versions)}`);
    assert.ok(load.requests >= 2000, `${what}: ${load.requests} requests`);
    assert.equal(load.failures, 0, `${what}: ${load.failureSamples.join("\n")}`);
  };

  before(async () => {
    kube = new Kube();
    ({ box, stack } = await labStack(
      STACK,
      NAMESPACE,
      {
        imageTag: "1.0.0",
        progressDeadlineSeconds: "30",
        cpuRequest: "50m",
        cpuLimit: "100m",
        autoscaling: JSON.stringify({ minReplicas: 2, maxReplicas: 5, cpuUtilization: 50, scaleDownStabilizationSeconds: 10 }),
        ingress: JSON.stringify({ host: HOST, className: LAB_INGRESS.className }),
        httpRoute: JSON.stringify({ hostnames: [ROUTE_HOST], gateway: LAB_INGRESS.gateway }),
      },
      { repoUrl: false },
    ));
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("first release: the Ingress and the HTTPRoute both route to it; the autoscaler holds it at its minimum", async () => {
    const run = await ship();
    assert.equal(run.code, 0, run.output);
    assert.equal(await versionThrough(HOST), "1.0.0");
    assert.equal(await versionThrough(ROUTE_HOST), "1.0.0");
    // Another host is not this service's: the controller answers 404.
    await assert.rejects(get(`${LAB_INGRESS.url}/version`, `other-${HOST}`), /HTTP 404/);
    const ingress = await kube.get<{ status: { loadBalancer: { ingress?: { ip: string }[] } } }>(
      `/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/ingresses/hello`,
    );
    assert.deepEqual(ingress?.status.loadBalancer.ingress, [{ ip: "127.0.0.1" }]);
    const settled = await pollUntil(hpa, (h) => h.currentCpu !== undefined && h.current === 2, 120_000, 2000);
    assert.equal(settled.current, 2, JSON.stringify(settled));
    assert.equal(await replicas(), 2);
  });

  it("a release through the ingress: 0 failed of 2,000 or more, both versions during it, only the new one after", async () => {
    await stack.setConfig("tagship:imageTag", { value: "2.0.0" });
    const run = await releaseUnderLoad(kube, NAMESPACE, `${LAB_INGRESS.url}/version`, ship, HOST);
    assert.ifError(run.error);
    assert.equal(run.value.code, 0, run.value.output);
    assertClean(run.traffic, "release through the ingress");
    assert.ok((run.traffic.versions["1.0.0"] ?? 0) > 0 && (run.traffic.versions["2.0.0"] ?? 0) > 0, JSON.stringify(run.traffic.versions));
    // The release ended once the ingress, too, had let the old pods go.
    assert.deepEqual(run.afterEnd, { "2.0.0": 20 });
    assert.deepEqual(await versionsAfter(kube, NAMESPACE, "2.0.0", `${LAB_INGRESS.url}/version`, HOST), ["2.0.0"]);
    assert.equal(await versionThrough(ROUTE_HOST), "2.0.0");
  });

  it("a release while the autoscaler scales out: 0 failed; the count after it is the autoscaler's", async () => {
    let stop = false;
    const busy = loadLoop({ ...SCALING_LOAD, url: `${LAB_INGRESS.url}${SCALING_LOAD.path}`, host: HOST, until: () => stop });
    try {
      // The release starts once the autoscaler has asked for more pods than run.
      const rising = await pollUntil(hpa, (h) => h.desired > 2, 180_000, 2000);
      assert.ok(rising.desired > 2, `the autoscaler never scaled out: ${JSON.stringify(rising)}`);
      await stack.setConfig("tagship:imageTag", { value: "3.0.0" });
      const run = await ship();
      assert.equal(run.code, 0, run.output);
      const scaled = await pollUntil(hpa, (h) => h.current >= 4, 120_000, 2000);
      assert.ok(scaled.current >= 4, `scaled out to ${scaled.current}`);
      // The Deployment carries no replicas: the release left the autoscaler's count alone.
      assert.equal(await replicas(), scaled.desired);
    } finally {
      stop = true;
    }
    const load = await busy;
    assertClean(load, "release while scaling out");
    assert.ok((load.versions["2.0.0"] ?? 0) > 0 && (load.versions["3.0.0"] ?? 0) > 0, JSON.stringify(load.versions));
    assert.deepEqual(await versionsAfter(kube, NAMESPACE, "3.0.0", `${LAB_INGRESS.url}/version`, HOST), ["3.0.0"]);
  });

  it("a scale-in under load: 0 failed while the autoscaler removes pods down to its minimum", async () => {
    const peak = await replicas();
    assert.ok(peak > 2, `at ${peak} pods`);
    let minimum = false;
    // A light load (at most 40 requests a second), which does not itself keep the CPU above the target.
    const load = loadLoop({
      url: `${LAB_INGRESS.url}/version`,
      host: HOST,
      minRequests: 2000,
      maxSeconds: 300,
      pauseMs: 100,
      until: () => minimum,
    });
    const settled = await pollUntil(replicas, (n) => n === 2, 240_000, 2000);
    minimum = true;
    assert.equal(settled, 2, `scaled in from ${peak} to ${settled}`);
    assertClean(await load, `scale-in ${peak} -> 2`);
  });

  it("a failed release behind the ingress (readiness never passes): the old version keeps answering, 0 failed", async () => {
    await stack.setAllConfig({ "tagship:imageTag": { value: "4.0.0" }, "tagship:readinessPath": { value: "/never-ready" } });
    const run = await releaseUnderLoad(kube, NAMESPACE, `${LAB_INGRESS.url}/version`, ship, HOST);
    assert.ifError(run.error);
    assert.notEqual(run.value.code, 0, run.value.output);
    assertClean(run.traffic, "failed release behind the ingress");
    assert.deepEqual(Object.keys(run.traffic.versions), ["3.0.0"]);
    assert.equal(await versionThrough(HOST), "3.0.0");
  });
});
