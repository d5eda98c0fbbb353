// When a release's old pods stop taking new requests: retirementVerdict, and the reader that builds its input
// from a cluster (here a stand-in API server on loopback).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { V1Deployment } from "@kubernetes/client-node";
import { connect, retirementReader, retirementVerdict, type RetiringPod } from "../../rollout";
import { standInCluster, type StandInCluster } from "./stand-in-cluster";

const pod = (over: Partial<RetiringPod> = {}): RetiringPod => ({
  name: "web-old-1",
  terminatingForMs: 6000,
  preStopSeconds: 5,
  routedBy: [],
  ...over,
});

describe("retirementVerdict", () => {
  it("is complete with no pod terminating, or each unrouted and past its preStop pause", () => {
    assert.deepEqual(retirementVerdict([]), { state: "complete" });
    assert.deepEqual(retirementVerdict([pod(), pod({ name: "web-old-2", preStopSeconds: 0, terminatingForMs: 0 })]), { state: "complete" });
  });
  it("waits while an EndpointSlice still lists a terminating pod as ready, naming both", () => {
    assert.deepEqual(retirementVerdict([pod({ routedBy: ["web-x7k2p"] }), pod({ name: "web-old-2" })]), {
      state: "progressing",
      detail: "1 old pods still ready endpoints (web-old-1 in EndpointSlice web-x7k2p)",
    });
  });
  it("waits out the longest preStop pause left, even once no Service routes to the pods", () => {
    assert.deepEqual(retirementVerdict([pod({ terminatingForMs: 1200 }), pod({ name: "web-old-2", terminatingForMs: 4500 })]), {
      state: "progressing",
      detail: "2 old pods in their preStop pause (4 s left)",
    });
  });
});

describe("retirementReader", () => {
  const deployment: V1Deployment = { spec: { selector: { matchLabels: { "app.kubernetes.io/name": "web" } }, template: {} } };
  let old: { ready: boolean; preStop: number; terminating: boolean };
  let slices: object | number;
  let cluster: StandInCluster;
  const endpoint = (name: string, ready: boolean) => ({ addresses: ["10.0.0.1"], targetRef: { kind: "Pod", name }, conditions: { ready } });
  const podOf = (name: string, terminating: boolean, preStop: number) => ({
    metadata: { name, ...(terminating ? { deletionTimestamp: "2026-12-01T00:00:00Z" } : {}) },
    spec: { containers: [{ name: "app", lifecycle: preStop ? { preStop: { sleep: { seconds: preStop } } } : undefined }] },
  });

  before(async () => {
    cluster = await standInCluster((url) => {
      if (url.startsWith("/api/v1/namespaces/ns/pods"))
        return { items: [podOf("web-new-1", false, old.preStop), podOf("web-old-1", old.terminating, old.preStop)] };
      if (url.startsWith("/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices")) return slices;
      return undefined;
    });
  });
  after(() => cluster.close());
  const reader = async () => retirementReader(await connect(cluster.kubeconfig), "ns");

  it("reads the Deployment's pods by its selector and follows one old pod out of its Service", async () => {
    old = { ready: true, preStop: 1, terminating: true };
    slices = { items: [{ metadata: { name: "web-abc" }, endpoints: [endpoint("web-new-1", true), endpoint("web-old-1", old.ready)] }] };
    const judge = await reader();
    assert.deepEqual(await judge(deployment), {
      state: "progressing",
      detail: "1 old pods still ready endpoints (web-old-1 in EndpointSlice web-abc)",
    });
    assert.ok(
      cluster.requests.some((r) => r.includes("/pods?labelSelector=app.kubernetes.io%2Fname%3Dweb")),
      cluster.requests.join("\n"),
    );

    // Out of the Service: the preStop pause is counted from when this reader first saw the pod terminating.
    slices = { items: [{ metadata: { name: "web-abc" }, endpoints: [endpoint("web-new-1", true), endpoint("web-old-1", false)] }] };
    assert.deepEqual(await judge(deployment), { state: "progressing", detail: "1 old pods in their preStop pause (1 s left)" });
    await new Promise((r) => setTimeout(r, 1100));
    assert.deepEqual(await judge(deployment), { state: "complete" });
  });

  it("is complete at once when no pod is terminating, without reading EndpointSlices", async () => {
    old = { ready: true, preStop: 5, terminating: false };
    cluster.requests.length = 0;
    assert.deepEqual(await (await reader())(deployment), { state: "complete" });
    assert.ok(!cluster.requests.some((r) => r.includes("endpointslices")), cluster.requests.join("\n"));
  });

  it("without the right to list EndpointSlices, waits the preStop pause alone; other failures are thrown", async () => {
    old = { ready: true, preStop: 5, terminating: true };
    slices = 403;
    assert.deepEqual(await (await reader())(deployment), { state: "progressing", detail: "1 old pods in their preStop pause (5 s left)" });
    slices = 500;
    await assert.rejects((await reader())(deployment));
  });
});
