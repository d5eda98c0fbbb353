/**
 * A canary release by Argo Rollouts: a Rollout that takes its pod template from the workload's Deployment
 * (workloadRef), so that the Deployment stays the one place the template is written and a switch between a rolling
 * update and a canary replaces no object; and the AnalysisTemplate its steps run.
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/canary/
 * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/prometheus/
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedCanary, ResolvedWorkload } from "./resolve";

/** The analysis' one argument: the version released, as its pods' label app.kubernetes.io/version has it. */
const VERSION_ARG = "version";

/** What the Rollout's spec is made of besides the resolved arguments. */
export interface CanaryRolloutArgs {
  /** The Deployment whose pod template the Rollout runs. */
  readonly deploymentName: pulumi.Input<string>;
  readonly selector: Record<string, string>;
  readonly templateName: pulumi.Input<string>;
  readonly version: pulumi.Input<string>;
}

/**
 * The Rollout's spec: each step sets its weight (its share of the pods) and runs the analysis, which passes after
 * pauseSeconds of good measurements; after the last step every pod moves to the new version, as a rolling update
 * would. The Deployment is scaled down as the Rollout scales up (scaleDown: progressively), so a workload that
 * switches from a rolling update keeps serving throughout.
 */
export function canaryRolloutSpec(w: ResolvedWorkload, c: ResolvedCanary, a: CanaryRolloutArgs): Record<string, unknown> {
  const analysis = { templates: [{ templateName: a.templateName }], args: [{ name: VERSION_ARG, value: a.version }] };
  return {
    // With autoscaling the autoscaler scales the Rollout, as it scaled the Deployment.
    ...(w.replicas !== undefined ? { replicas: w.replicas } : {}),
    selector: { matchLabels: a.selector },
    workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: a.deploymentName, scaleDown: "progressively" },
    minReadySeconds: w.minReadySeconds,
    revisionHistoryLimit: w.revisionHistoryLimit,
    progressDeadlineSeconds: w.progressDeadlineSeconds,
    // A canary whose pods never become ready goes back to the stable version instead of holding a share of the pods.
    progressDeadlineAbort: true,
    strategy: {
      canary: {
        maxSurge: w.maxSurge,
        maxUnavailable: w.maxUnavailable,
        steps: c.steps.flatMap((weight) => [{ setWeight: weight }, { analysis }]),
      },
    },
  };
}

/** Where the measurements read the service's requests: its pods, by the labels Prometheus' pod discovery maps. */
export interface AnalysisScope {
  readonly namespace: string;
  /** The workload's name: its pods' app.kubernetes.io/name. */
  readonly name: string;
}

/**
 * The AnalysisTemplate: every intervalSeconds, the new version's share of failed requests (5xx) less the other
 * versions' share, and as asked its p99 latency, each over the last windowSeconds. A measurement over fewer than
 * minRequests requests returns nothing and is inconclusive: neither passing nor failing, so that a near-idle
 * service waits for data; deadlineSeconds of them and the analysis ends inconclusive. One failed measurement
 * fails it (the Rollout aborts); pauseSeconds of passing ones in a row pass the step.
 */
export function analysisTemplateSpec(c: ResolvedCanary, scope: AnalysisScope): Record<string, unknown> {
  const q = queries(c, scope);
  const passing = Math.ceil(c.pauseSeconds / c.intervalSeconds);
  const waiting = Math.ceil(c.deadlineSeconds / c.intervalSeconds);
  const limits = {
    interval: `${c.intervalSeconds}s`,
    consecutiveSuccessLimit: passing,
    failureLimit: 0,
    inconclusiveLimit: waiting,
    // A step's analysis must end (Argo Rollouts refuses one that runs indefinitely): by then it has passed, failed or
    // been inconclusive too often; a count reached without either limit is inconclusive too.
    count: passing + waiting,
  };
  const provider = (query: string) => ({
    prometheus: { ...(c.prometheusAddress !== undefined ? { address: c.prometheusAddress } : {}), query },
  });
  const judged = (limit: number) => ({
    // No result: fewer requests than minRequests, or none measured yet. Neither condition holds: inconclusive.
    successCondition: `len(result) > 0 && result[0] <= ${limit}`,
    failureCondition: `len(result) > 0 && result[0] > ${limit}`,
  });
  return {
    args: [{ name: VERSION_ARG }],
    metrics: [
      { name: "error-share", ...limits, ...judged(c.maxErrorPercent / 100), provider: provider(q.errorShare) },
      ...(c.maxP99Milliseconds !== undefined
        ? [{ name: "p99-latency", ...limits, ...judged(c.maxP99Milliseconds / 1000), provider: provider(q.p99) }]
        : []),
    ],
  };
}

/** The PromQL of the measurements; exported for their tests. */
export function queries(c: ResolvedCanary, scope: AnalysisScope): { errorShare: string; p99: string; requests: string } {
  const base = `namespace="${scope.namespace}",app_kubernetes_io_name="${scope.name}"`;
  const released = `${base},app_kubernetes_io_version="{{args.${VERSION_ARG}}}"`;
  const others = `${base},app_kubernetes_io_version!="{{args.${VERSION_ARG}}}"`;
  const range = `[${c.windowSeconds}s]`;
  const total = (sel: string) => `sum(increase(${c.requestsMetric}{${sel}}${range}))`;
  const failed = (sel: string) => `sum(increase(${c.requestsMetric}{${sel},code=~"5.."}${range}))`;
  const enough = `and on() (${total(released)} >= ${c.minRequests})`;
  const share = `((${failed(released)} or vector(0)) / ${total(released)})`;
  // The other versions' share, 0 when they served nothing in the window (the first release, a finished rollout).
  const baseline = `((${failed(others)} or vector(0)) / (${total(others)} > 0) or vector(0))`;
  return {
    errorShare: `(${share} - ${baseline}) ${enough}`,
    p99: `histogram_quantile(0.99, sum by (le) (rate(${c.latencyMetric}_bucket{${released}}${range}))) ${enough}`,
    requests: total(released),
  };
}
