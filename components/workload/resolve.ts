import type { IntOrPercent } from "../rules";
import {
  WORKLOAD_DEFAULTS as D,
  type CanaryArgs,
  type HttpProbeArgs,
  type HttpRouteArgs,
  type IngressArgs,
  type WorkloadArgs,
} from "./args";

export interface ResolvedProbe {
  readonly path: string;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly timeoutSeconds: number;
}

/** WorkloadArgs with every default applied: what validation checks and the builders consume. */
export interface ResolvedWorkload {
  readonly providerAwait: boolean;
  readonly fieldManager?: string;
  readonly partOf: string;
  readonly containerPort: number;
  readonly servicePort: number;
  /** Absent with autoscaling: the autoscaler sets the count. */
  readonly replicas?: number;
  readonly autoscaling?: ResolvedAutoscaling;
  readonly topologySpread: readonly ResolvedTopologySpread[];
  readonly ingress?: Required<Omit<IngressArgs, "className" | "tlsSecretName">> & Pick<IngressArgs, "className" | "tlsSecretName">;
  readonly httpRoute?: Required<Omit<HttpRouteArgs, "sectionName">> & Pick<HttpRouteArgs, "sectionName">;
  readonly maxSurge: IntOrPercent;
  readonly maxUnavailable: IntOrPercent;
  readonly minReadySeconds: number;
  readonly progressDeadlineSeconds: number;
  readonly revisionHistoryLimit: number;
  /** Absent: a rolling update. */
  readonly canary?: ResolvedCanary;
  readonly metricsPath?: string;
  readonly readiness: ResolvedProbe;
  readonly liveness?: ResolvedProbe;
  readonly startup?: ResolvedProbe;
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
  readonly preStopSeconds: number;
  readonly terminationGracePeriodSeconds: number;
  /** Names of the variables read from the Secret; empty without one. */
  readonly secretEnvNames: readonly string[];
  /** Plain variables, in the order given; empty without any. */
  readonly env: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup?: number;
  /** Writable directories, path to emptyDir size limit. */
  readonly writablePaths: Readonly<Record<string, string>>;
  /** Absent: the namespace's default account. */
  readonly serviceAccount?: { readonly automountToken: boolean };
}

export type ResolvedCanary = Required<Omit<CanaryArgs, "maxP99Milliseconds" | "prometheusAddress">> &
  Pick<CanaryArgs, "maxP99Milliseconds" | "prometheusAddress">;

export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  readonly scaleDownStabilizationSeconds: number;
}

export interface ResolvedTopologySpread {
  readonly topologyKey: string;
  readonly maxSkew: number;
  readonly whenUnsatisfiable: string;
}

function probe(p: HttpProbeArgs): ResolvedProbe {
  return {
    path: p.path,
    periodSeconds: p.periodSeconds ?? D.probePeriodSeconds,
    failureThreshold: p.failureThreshold ?? D.probeFailureThreshold,
    timeoutSeconds: p.timeoutSeconds ?? D.probeTimeoutSeconds,
  };
}

export function resolveWorkload(args: WorkloadArgs): ResolvedWorkload {
  const r = args.rollout ?? {};
  const res = args.resources ?? {};
  const s = args.shutdown ?? {};
  return {
    providerAwait: args.providerAwait ?? true,
    fieldManager: args.fieldManager,
    partOf: args.partOf ?? D.partOf,
    containerPort: args.containerPort ?? D.containerPort,
    servicePort: args.servicePort ?? D.servicePort,
    // With autoscaling a replicas given anyway is kept, for validation to refuse.
    ...(args.autoscaling === undefined || r.replicas !== undefined ? { replicas: r.replicas ?? D.replicas } : {}),
    ...(args.autoscaling ? { autoscaling: autoscaling(args.autoscaling) } : {}),
    topologySpread: (args.topologySpread ?? []).map((t) => ({
      topologyKey: t.topologyKey,
      maxSkew: t.maxSkew ?? D.maxSkew,
      whenUnsatisfiable: t.whenUnsatisfiable ?? D.whenUnsatisfiable,
    })),
    ...(args.ingress ? { ingress: { ...args.ingress, path: args.ingress.path ?? D.routePath } } : {}),
    ...(args.httpRoute ? { httpRoute: { ...args.httpRoute, path: args.httpRoute.path ?? D.routePath } } : {}),
    maxSurge: r.maxSurge ?? D.maxSurge,
    maxUnavailable: r.maxUnavailable ?? D.maxUnavailable,
    minReadySeconds: r.minReadySeconds ?? D.minReadySeconds,
    progressDeadlineSeconds: r.progressDeadlineSeconds ?? D.progressDeadlineSeconds,
    revisionHistoryLimit: r.revisionHistoryLimit ?? D.revisionHistoryLimit,
    ...(args.canary ? { canary: canary(args.canary) } : {}),
    ...(args.metricsPath !== undefined ? { metricsPath: args.metricsPath } : {}),
    // A missing readiness probe is reported by validation; an empty path keeps the shape total.
    readiness: probe((args.probes as Partial<WorkloadArgs["probes"]> | undefined)?.readiness ?? { path: "" }),
    liveness: args.probes?.liveness && probe(args.probes.liveness),
    startup: args.probes?.startup && probe(args.probes.startup),
    cpuRequest: res.cpuRequest ?? D.cpuRequest,
    cpuLimit: res.cpuLimit ?? D.cpuLimit,
    memoryRequest: res.memoryRequest ?? D.memoryRequest,
    memoryLimit: res.memoryLimit ?? D.memoryLimit,
    preStopSeconds: s.preStopSeconds ?? D.preStopSeconds,
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds ?? D.terminationGracePeriodSeconds,
    secretEnvNames: args.secretEnv?.names ?? [],
    env: args.env ?? {},
    ...(args.command ? { command: args.command } : {}),
    ...(args.args ? { args: args.args } : {}),
    runAsUser: args.identity?.runAsUser ?? D.runAsUser,
    runAsGroup: args.identity?.runAsGroup ?? D.runAsGroup,
    ...(args.identity?.fsGroup !== undefined ? { fsGroup: args.identity.fsGroup } : {}),
    writablePaths: args.writablePaths ?? {},
    ...(args.serviceAccount ? { serviceAccount: { automountToken: args.serviceAccount.automountToken ?? false } } : {}),
  };
}

function autoscaling(a: NonNullable<WorkloadArgs["autoscaling"]>): ResolvedAutoscaling {
  const noTarget = a.cpuUtilization === undefined && a.memoryUtilization === undefined;
  return {
    minReplicas: a.minReplicas ?? D.minReplicas,
    maxReplicas: a.maxReplicas,
    ...(noTarget ? { cpuUtilization: D.cpuUtilization } : {}),
    ...(a.cpuUtilization !== undefined ? { cpuUtilization: a.cpuUtilization } : {}),
    ...(a.memoryUtilization !== undefined ? { memoryUtilization: a.memoryUtilization } : {}),
    scaleDownStabilizationSeconds: a.scaleDownStabilizationSeconds ?? D.scaleDownStabilizationSeconds,
  };
}

function canary(c: CanaryArgs): ResolvedCanary {
  return {
    steps: c.steps,
    pauseSeconds: c.pauseSeconds ?? D.canaryPauseSeconds,
    intervalSeconds: c.intervalSeconds ?? D.canaryIntervalSeconds,
    windowSeconds: c.windowSeconds ?? D.canaryWindowSeconds,
    minRequests: c.minRequests ?? D.canaryMinRequests,
    maxErrorPercent: c.maxErrorPercent ?? D.canaryMaxErrorPercent,
    deadlineSeconds: c.deadlineSeconds ?? D.canaryDeadlineSeconds,
    requestsMetric: c.requestsMetric ?? D.requestsMetric,
    latencyMetric: c.latencyMetric ?? D.latencyMetric,
    ...(c.maxP99Milliseconds !== undefined ? { maxP99Milliseconds: c.maxP99Milliseconds } : {}),
    ...(c.prometheusAddress !== undefined ? { prometheusAddress: c.prometheusAddress } : {}),
  };
}
