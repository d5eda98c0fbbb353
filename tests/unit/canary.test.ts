import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { queries } from "../../components/workload/canary";
import { resolveWorkload, workloadKinds, type WorkloadArgs } from "../../components/workload";
import { canaryVerdict, type CanarySnapshot } from "../../rollout/canary-status";
import { canarySnapshot } from "../../rollout/canary-await";
import { parseSettings } from "../../settings/parse";
import { deployWorkload, fakeDigest, find, recorded, useMocks } from "./harness";
import { configSource as source, problemsOf, stackConfig } from "./stack-config";

const IMAGE = `127.0.0.1:5000/tagship/hello@${fakeDigest("canary")}`;
const args = (over: Partial<WorkloadArgs> = {}): WorkloadArgs => ({
  namespace: "hello-dev",
  image: IMAGE,
  version: "0.3.0",
  metricsPath: "/metrics",
  probes: { readiness: { path: "/readyz" } },
  canary: { steps: [10, 50] },
  ...over,
});

describe("canary: the Workload's Rollout and AnalysisTemplate", () => {
  beforeEach(() => useMocks());

  it("runs the Deployment's template through a Rollout: a weight and an analysis per step, the Deployment without replicas", async () => {
    await deployWorkload(args(), "hello");
    const deployment = find("kubernetes:apps/v1:Deployment").inputs.spec;
    assert.equal(deployment.replicas, undefined, "Argo Rollouts scales the Deployment down; Pulumi must not set it back");
    const rollout = find("kubernetes:argoproj.io/v1alpha1:Rollout").inputs;
    assert.equal(rollout.metadata.labels["app.kubernetes.io/version"], "0.3.0");
    const spec = rollout.spec;
    assert.equal(spec.replicas, 3);
    assert.deepEqual(spec.workloadRef, { apiVersion: "apps/v1", kind: "Deployment", name: "hello", scaleDown: "progressively" });
    assert.deepEqual(spec.selector.matchLabels, deployment.selector.matchLabels);
    assert.equal(spec.progressDeadlineAbort, true);
    const analysis = { templates: [{ templateName: "hello" }], args: [{ name: "version", value: "0.3.0" }] };
    assert.deepEqual(spec.strategy.canary.steps, [{ setWeight: 10 }, { analysis }, { setWeight: 50 }, { analysis }]);
    assert.deepEqual(spec.strategy.canary.maxSurge, 1);
  });

  it("judges with limits from the arguments: pause and deadline as counts of measurements, one failure aborts", async () => {
    await deployWorkload(
      args({
        canary: { steps: [20], pauseSeconds: 25, intervalSeconds: 10, deadlineSeconds: 95, maxErrorPercent: 2.5, maxP99Milliseconds: 400 },
      }),
      "hello",
    );
    const t = find("kubernetes:argoproj.io/v1alpha1:AnalysisTemplate").inputs.spec;
    assert.deepEqual(t.args, [{ name: "version" }]);
    const [errors, latency] = t.metrics;
    assert.equal(t.metrics.length, 2);
    assert.deepEqual(
      { ...errors, provider: undefined },
      {
        name: "error-share",
        interval: "10s",
        consecutiveSuccessLimit: 3,
        failureLimit: 0,
        inconclusiveLimit: 10,
        count: 13,
        successCondition: "len(result) > 0 && result[0] <= 0.025",
        failureCondition: "len(result) > 0 && result[0] > 0.025",
        provider: undefined,
      },
    );
    assert.equal(errors.provider.prometheus.address, undefined, "without prometheusAddress, the controller's default");
    assert.equal(latency.name, "p99-latency");
    assert.equal(latency.successCondition, "len(result) > 0 && result[0] <= 0.4");
    assert.match(
      latency.provider.prometheus.query,
      /histogram_quantile\(0\.99, sum by \(le\) \(rate\(http_request_duration_seconds_bucket\{/,
    );
  });

  it("reads only this service's pods in its namespace, the released version against the others, gated on minRequests", () => {
    const w = resolveWorkload(args({ canary: { steps: [10], minRequests: 40, windowSeconds: 20, requestsMetric: "app_requests_total" } }));
    assert.ok(w.canary);
    const q = queries(w.canary, { namespace: "shop", name: "api" });
    const scope = 'namespace="shop",app_kubernetes_io_name="api"';
    assert.ok(q.errorShare.includes(`app_requests_total{${scope},app_kubernetes_io_version="{{args.version}}",code=~"5.."}[20s]`));
    assert.ok(q.errorShare.includes(`app_requests_total{${scope},app_kubernetes_io_version!="{{args.version}}",code=~"5.."}[20s]`));
    assert.ok(
      q.errorShare.endsWith(
        `and on() (sum(increase(app_requests_total{${scope},app_kubernetes_io_version="{{args.version}}"}[20s])) >= 40)`,
      ),
    );
    assert.ok(!q.errorShare.includes("hello"));
  });

  it("passes prometheusAddress, and points the autoscaler at the Rollout, which runs the pods", async () => {
    await deployWorkload(
      args({ autoscaling: { maxReplicas: 6 }, canary: { steps: [10], prometheusAddress: "http://prometheus.monitoring:9090" } }),
      "hello",
    );
    const rollout = find("kubernetes:argoproj.io/v1alpha1:Rollout").inputs.spec;
    assert.equal(rollout.replicas, undefined, "the autoscaler owns the count");
    const hpa = find("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
    assert.deepEqual(hpa.scaleTargetRef, { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "hello" });
    const t = find("kubernetes:argoproj.io/v1alpha1:AnalysisTemplate").inputs.spec;
    assert.equal(t.metrics[0].provider.prometheus.address, "http://prometheus.monitoring:9090");
  });

  it("makes no Rollout for a rolling update, and asks the AppProject for the two kinds only with a canary", async () => {
    await deployWorkload(args({ canary: undefined }), "hello");
    assert.equal(recorded.filter((r) => r.type.includes("argoproj.io")).length, 0);
    assert.equal(find("kubernetes:apps/v1:Deployment").inputs.spec.replicas, 3);
    const kinds = (a: Parameters<typeof workloadKinds>[0]) => workloadKinds(a).map((k) => `${k.group}/${k.kind}`);
    assert.ok(kinds({ canary: { steps: [10] } }).includes("argoproj.io/Rollout"));
    assert.ok(kinds({ canary: { steps: [10] } }).includes("argoproj.io/AnalysisTemplate"));
    assert.ok(!kinds({}).some((k) => k.startsWith("argoproj.io/")));
  });

  it("refuses bad canaries before registering anything, every problem named", async () => {
    const bad = args({
      metricsPath: undefined,
      canary: { steps: [50, 10, 100], pauseSeconds: 5, intervalSeconds: 10, deadlineSeconds: 3, requestsMetric: "requests-total" },
    });
    await assert.rejects(deployWorkload(bad, "hello"), (e: Error) => {
      for (const part of [
        "WorkloadArgs.canary and WorkloadArgs.metricsPath",
        "weights rising from step to step",
        "an integer from 1 to 99 (100% is the end of the rollout, not a step)",
        "a pause of at least one interval",
        "a deadline no shorter than the pause",
        "a Prometheus metric name",
      ]) {
        assert.ok(e.message.includes(part), `${part} in:\n${e.message}`);
      }
      return true;
    });
    assert.equal(recorded.length, 0);
  });
});

describe("canary: stack config", () => {
  const dev = (over: Record<string, string>) => ({ ...stackConfig("dev"), ...over });

  it("reads the canary key, numbers given as text as `config set --path` stores them", () => {
    const s = parseSettings(
      source("dev", dev({ "tagship:canary": JSON.stringify({ steps: ["10", 50], maxErrorPercent: "0.5", pauseSeconds: 20 }) })),
    );
    assert.deepEqual(s.services[0]?.workload.canary, { steps: [10, 50], maxErrorPercent: 0.5, pauseSeconds: 20 });
  });

  it("names the key, the value and the fix for a canary it cannot read", () => {
    const text = problemsOf(source("dev", dev({ "tagship:canary": JSON.stringify({ steps: ["ten"], pauseSecond: 30 }) })));
    assert.match(text, /tagship:canary\.steps[^\n]*\["ten"\][^\n]*a list of whole numbers/);
    assert.match(text, /tagship:canary\.pauseSecond[^\n]*30[^\n]*one of the fields steps, pauseSeconds/);
    assert.match(text, /set pauseSeconds instead/);
  });

  it("refuses a canary without metricsPath, naming both keys", () => {
    const text = problemsOf(source("dev", dev({ "tagship:canary": JSON.stringify({ steps: [10] }), "tagship:metricsPath": "" })));
    assert.match(text, /tagship:canary and tagship:metricsPath/);
  });
});

describe("canary: the wait's verdict", () => {
  const base: CanarySnapshot = {
    generation: 2,
    observedGeneration: "2",
    phase: "Progressing",
    pauseReasons: [],
    currentPodHash: "new",
    stableRS: "old",
    currentStepIndex: 1,
    steps: 4,
    replicas: 4,
    updatedReplicas: 1,
    templateCurrent: true,
  };

  it("waits while the controller has not taken the new spec or the Deployment's new template", () => {
    assert.equal(canaryVerdict({ ...base, observedGeneration: "1" }).state, "progressing");
    const stale = canaryVerdict({ ...base, phase: "Healthy", stableRS: "new", templateCurrent: false });
    assert.deepEqual(stale, { state: "progressing", detail: "waiting for Argo Rollouts to take the Deployment's new pod template" });
  });

  it("is complete only when Healthy with the new template stable", () => {
    assert.deepEqual(canaryVerdict({ ...base, phase: "Healthy", stableRS: "new" }), { state: "complete" });
    assert.equal(canaryVerdict({ ...base, phase: "Healthy" }).state, "progressing");
    assert.match(JSON.stringify(canaryVerdict(base)), /step 2 of 4, 1 of 4 pods on the new version/);
  });

  it("fails at once on a Rollout the controller refuses, whatever its template", () => {
    const verdict = canaryVerdict({
      ...base,
      templateCurrent: false,
      invalidSpec: "AnalysisTemplate hello has metric x which runs indefinitely",
    });
    assert.deepEqual(verdict, {
      state: "failed",
      reason: "InvalidSpec",
      message: "AnalysisTemplate hello has metric x which runs indefinitely",
    });
    const read = canarySnapshot({ status: { conditions: [{ type: "InvalidSpec", status: "True", message: "bad" }] } }, false);
    assert.equal(read.invalidSpec, "bad");
  });

  it("fails on an abort, a Degraded phase, or an inconclusive analysis, with the controller's message", () => {
    const message = 'RolloutAborted: Metric "error-share" assessed Failed due to failed (1) > failureLimit (0)';
    assert.deepEqual(canaryVerdict({ ...base, abort: true, message }), { state: "failed", reason: "RolloutAborted", message });
    assert.equal(canaryVerdict({ ...base, phase: "Degraded" }).state, "failed");
    const inconclusive = canaryVerdict({ ...base, phase: "Paused", pauseReasons: ["InconclusiveAnalysisRun"] });
    assert.equal(inconclusive.state, "failed");
    assert.match(JSON.stringify(inconclusive), /too few requests to judge the new version until its deadline/);
    assert.equal(canaryVerdict({ ...base, phase: "Paused", pauseReasons: ["CanaryPauseStep"] }).state, "progressing");
  });

  it("reads a Rollout object's status as the verdict needs it", () => {
    const snapshot = canarySnapshot(
      {
        metadata: { generation: 3 },
        spec: { strategy: { canary: { steps: [{}, {}] } } },
        status: { observedGeneration: "3", phase: "Paused", pauseConditions: [{ reason: "InconclusiveAnalysisRun" }], currentStepIndex: 1 },
      },
      true,
    );
    assert.deepEqual(snapshot, {
      generation: 3,
      observedGeneration: "3",
      phase: "Paused",
      pauseReasons: ["InconclusiveAnalysisRun"],
      currentStepIndex: 1,
      steps: 2,
      templateCurrent: true,
    });
  });
});
