/**
 * Where an Argo CD Application stands for one pushed commit: a gitops release is complete only when the
 * Application is Synced at exactly that commit, its last sync operation succeeded, and it is Healthy.
 */

export interface ApplicationSnapshot {
  readonly syncStatus?: string;
  readonly syncRevision?: string;
  readonly healthStatus?: string;
  readonly healthMessage?: string;
  /** The last sync operation's phase (Running, Succeeded, Failed, Error), the commit it synced, and message. */
  readonly operationPhase?: string;
  readonly operationRevision?: string;
  readonly operationMessage?: string;
  /** Resources Argo CD reports not Healthy, as "Kind/name: status (message)". */
  readonly unhealthy?: readonly string[];
  /** The Application's error conditions (ComparisonError, InvalidSpecError...), as "Type: message". */
  readonly errors?: readonly string[];
  /**
   * The release's autoscalers that Argo CD counts Degraded only because they have no metrics yet (see
   * awaitingMetrics), as "name: message". Asked for only while the Application is Degraded.
   */
  readonly awaitingMetrics?: readonly string[];
}

export type ApplicationVerdict =
  | { readonly state: "progressing"; readonly detail: string }
  | { readonly state: "complete" }
  | { readonly state: "failed"; readonly message: string };

export function applicationVerdict(app: ApplicationSnapshot, commit: string): ApplicationVerdict {
  const status = `sync ${app.syncStatus ?? "Unknown"} at ${app.syncRevision?.slice(0, 12) ?? "no commit"}, health ${app.healthStatus ?? "Unknown"}`;
  const resources = [...(app.unhealthy ?? []), ...(app.errors ?? [])].map((r) => `; ${r}`).join("");
  if (app.syncRevision !== commit) {
    return { state: "progressing", detail: `waiting for commit ${commit.slice(0, 12)} (${status})${resources}` };
  }
  // Judge only what this commit caused: an earlier commit's failed sync or a Degraded state from before the
  // sync of this commit are not this release's outcome.
  if (app.operationRevision === commit && (app.operationPhase === "Failed" || app.operationPhase === "Error")) {
    return { state: "failed", message: `sync ${app.operationPhase}: ${app.operationMessage ?? ""} (${status})${resources}` };
  }
  if (app.syncStatus === "Synced" && app.healthStatus === "Degraded" && (app.awaitingMetrics ?? []).length > 0) {
    // A new autoscaler, or new pods, have no metrics for a sample period or two: Argo CD calls that Degraded, but it
    // passes. Without a metrics API it never does, and the release runs out of time naming the autoscaler.
    const waiting = (app.awaitingMetrics ?? []).map((a) => `; autoscaler ${a}`).join("");
    return {
      state: "progressing",
      detail: `${status}: waiting for the autoscaler's first metrics (is a metrics API such as metrics-server installed?)${waiting}`,
    };
  }
  if (app.syncStatus === "Synced" && app.healthStatus === "Degraded") {
    return { state: "failed", message: `${status}: ${app.healthMessage ?? "Degraded"}${resources}` };
  }
  if (app.syncStatus === "Synced" && app.healthStatus === "Healthy") return { state: "complete" };
  return { state: "progressing", detail: status + resources };
}

/** A HorizontalPodAutoscaler condition, as its status lists them. */
export interface AutoscalerCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/**
 * Why an autoscaler has no metrics to act on, or undefined when it has them: its ScalingActive condition is False
 * because getting a metric failed, which is how every new autoscaler (and one whose pods all just started) begins.
 */
export function awaitingMetrics(conditions: readonly AutoscalerCondition[]): string | undefined {
  const active = conditions.find((c) => c.type === "ScalingActive");
  if (active?.status !== "False" || !/^FailedGet\w*Metric$|^FailedComputeMetricsReplicas$/.test(active.reason ?? "")) return undefined;
  return `${active.reason}: ${active.message ?? ""}`;
}
