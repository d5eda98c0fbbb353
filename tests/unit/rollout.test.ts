// The rollout verdict and diagnosis that `pulumi up` waits on in direct mode (rollout).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applicationVerdict, diagnosePods, readRetrying, rolloutVerdict, type DeploymentSnapshot } from "../../rollout";
import { awaitingMetrics } from "../../rollout/application";

const done: DeploymentSnapshot = {
  generation: 4,
  observedGeneration: 4,
  specReplicas: 3,
  replicas: 3,
  updatedReplicas: 3,
  availableReplicas: 3,
  conditions: [{ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }],
};

describe("rolloutVerdict", () => {
  it("is complete only when every pod is new and available and no old pod is left", () => {
    assert.deepEqual(rolloutVerdict(done), { state: "complete" });
  });

  it("waits while the controller has not observed the new spec", () => {
    const v = rolloutVerdict({ ...done, observedGeneration: 3 });
    assert.equal(v.state, "progressing");
  });

  it("waits for new pods, for old pods to go, and for new pods to become available", () => {
    assert.deepEqual(rolloutVerdict({ ...done, updatedReplicas: 1, replicas: 4 }), {
      state: "progressing",
      detail: "1 of 3 new pods created",
    });
    assert.deepEqual(rolloutVerdict({ ...done, replicas: 4 }), { state: "progressing", detail: "1 old pods pending termination" });
    assert.deepEqual(rolloutVerdict({ ...done, availableReplicas: 2 }), { state: "progressing", detail: "2 of 3 new pods available" });
  });

  it("fails as soon as the Deployment reports ProgressDeadlineExceeded, with its message", () => {
    const message = 'ReplicaSet "hello-abc" has timed out progressing.';
    const v = rolloutVerdict({
      ...done,
      updatedReplicas: 1,
      replicas: 4,
      conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message }],
    });
    assert.deepEqual(v, { state: "failed", reason: "ProgressDeadlineExceeded", message });
  });

  it("does not take a stale failure for the new spec's", () => {
    const stale = {
      ...done,
      observedGeneration: 3,
      conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
    };
    assert.equal(rolloutVerdict(stale).state, "progressing");
  });
});

describe("diagnosePods", () => {
  const event = (podName: string, type: string, reason: string, message: string, at: number) => ({ podName, type, reason, message, at });

  it("names each pod that is not ready with its container problem or newest warning", () => {
    const lines = diagnosePods(
      [
        { name: "a", ready: false },
        { name: "b", ready: false, containerProblem: "ImagePullBackOff: Back-off pulling image" },
        { name: "c", ready: true },
        { name: "d", ready: false },
      ],
      [
        event("a", "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", 1),
        event("a", "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404", 2),
        event("a", "Normal", "Started", "Started container", 3),
        event("c", "Warning", "Unhealthy", "old news", 1),
      ],
    );
    assert.deepEqual(lines, [
      "pod a: Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404",
      "pod b: ImagePullBackOff: Back-off pulling image",
      "pod d: not ready",
    ]);
  });

  it("stays short however many pods are stuck", () => {
    const pods = Array.from({ length: 40 }, (_, i) => ({ name: `p${i}`, ready: false }));
    const lines = diagnosePods(pods, []);
    assert.equal(lines.length, 6);
    assert.equal(lines[5], "... and 35 more pods");
  });
});

describe("applicationVerdict", () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const live = {
    syncStatus: "Synced",
    syncRevision: commit,
    healthStatus: "Healthy",
    operationPhase: "Succeeded",
    operationRevision: commit,
  };

  it("is complete only when Synced at exactly the pushed commit and Healthy", () => {
    assert.deepEqual(applicationVerdict(live, commit), { state: "complete" });
    assert.equal(applicationVerdict({ ...live, syncRevision: "fedcba9876543210" }, commit).state, "progressing");
    assert.equal(applicationVerdict({ ...live, healthStatus: "Progressing" }, commit).state, "progressing");
    assert.equal(applicationVerdict({ ...live, syncStatus: "OutOfSync" }, commit).state, "progressing");
  });

  it("shows why it waits: the commit it waits for and Argo CD's error conditions", () => {
    const v = applicationVerdict(
      { syncStatus: "Unknown", syncRevision: "main", errors: ["ComparisonError: repository not found"] },
      commit,
    );
    assert.deepEqual(v, {
      state: "progressing",
      detail: "waiting for commit 0123456789ab (sync Unknown at main, health Unknown); ComparisonError: repository not found",
    });
  });

  it("fails on a failed sync or a Degraded Application, naming the failing resources", () => {
    const degraded = applicationVerdict(
      {
        ...live,
        healthStatus: "Degraded",
        healthMessage: "Deployment has timed out progressing",
        unhealthy: ["Deployment/hello: Degraded"],
      },
      commit,
    );
    assert.deepEqual(degraded, {
      state: "failed",
      message: `sync Synced at 0123456789ab, health Degraded: Deployment has timed out progressing; Deployment/hello: Degraded`,
    });
    const failed = applicationVerdict(
      { ...live, operationPhase: "Failed", operationMessage: "one or more objects failed to apply" },
      commit,
    );
    assert.equal(failed.state, "failed");
    assert.match(failed.state === "failed" ? failed.message : "", /^sync Failed: one or more objects failed to apply/);
  });

  it("waits, naming it, while an autoscaler is Degraded only for want of its first metrics", () => {
    const v = applicationVerdict(
      { ...live, healthStatus: "Degraded", awaitingMetrics: ["hello: FailedGetResourceMetric: no metrics"] },
      commit,
    );
    assert.equal(v.state, "progressing");
    assert.match(
      v.state === "progressing" ? v.detail : "",
      /waiting for the autoscaler's first metrics \(is a metrics API such as metrics-server installed\?\); autoscaler hello: FailedGetResourceMetric/,
    );
    // Degraded with every autoscaler fine is a failure as before.
    assert.equal(applicationVerdict({ ...live, healthStatus: "Degraded", awaitingMetrics: [] }, commit).state, "failed");
  });

  it("tells an autoscaler that has no metrics yet from one that has them or fails otherwise", () => {
    const active = (status: string, reason: string) => [
      { type: "AbleToScale", status: "True", reason: "SucceededGetScale" },
      { type: "ScalingActive", status, reason, message: "unable to get metrics for resource cpu" },
    ];
    assert.match(awaitingMetrics(active("False", "FailedGetResourceMetric")) ?? "", /^FailedGetResourceMetric: unable to get metrics/);
    assert.equal(awaitingMetrics(active("True", "ValidMetricFound")), undefined);
    assert.equal(awaitingMetrics(active("False", "InvalidSelector")), undefined);
    assert.equal(awaitingMetrics([]), undefined);
  });

  it("does not take a state from before this commit's sync for its outcome", () => {
    // The commit is known but not synced yet: an old Degraded Deployment, an earlier commit's failed sync.
    assert.equal(applicationVerdict({ ...live, syncStatus: "OutOfSync", healthStatus: "Degraded" }, commit).state, "progressing");
    assert.equal(
      applicationVerdict({ ...live, healthStatus: "Progressing", operationPhase: "Failed", operationRevision: "0ld" }, commit).state,
      "progressing",
    );
  });
});

describe("readRetrying (both release waits, through an API server restart)", () => {
  it("retries a failing read until it succeeds, telling the first failure once", async () => {
    let calls = 0;
    const told: string[] = [];
    const value = await readRetrying(() => (++calls < 3 ? Promise.reject(new Error("connect ECONNREFUSED")) : Promise.resolve("read")), {
      deadline: Date.now() + 60_000,
      onFirstFailure: (e) => told.push(e),
      giveUp: () => new Error("gave up"),
    });
    assert.equal(value, "read");
    assert.equal(calls, 3);
    assert.deepEqual(told, ["connect ECONNREFUSED"]);
  });

  it("gives up with the caller's error once reads have failed longer than allowed, or past the deadline", async () => {
    const failing = () => Promise.reject(new Error("connect ECONNREFUSED"));
    const giveUp = (e: string, s: number) => new Error(`gave up after ${s.toFixed(0)} s: ${e}`);
    await assert.rejects(
      readRetrying(failing, { seconds: 0.5, deadline: Date.now() + 60_000, onFirstFailure: () => undefined, giveUp }),
      /gave up after 1 s: connect ECONNREFUSED/,
    );
    await assert.rejects(
      readRetrying(failing, { deadline: Date.now() - 1, onFirstFailure: () => undefined, giveUp }),
      /gave up after 0 s: connect ECONNREFUSED/,
    );
  });
});
