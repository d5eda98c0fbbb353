/**
 * Where an Argo Rollouts canary stands, read from its Rollout's status as Argo CD's health check for the kind reads
 * it (Healthy, Degraded, Paused), with the one question Argo Rollouts' status does not answer for a workloadRef: has
 * the controller taken the Deployment's new pod template yet.
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/specification/
 */
import type { RolloutVerdict } from "./status";

/** The fields of a Rollout (and of its current ReplicaSet) the verdict needs. */
export interface CanarySnapshot {
  readonly generation?: number;
  /** A Rollout's status.observedGeneration is a string. */
  readonly observedGeneration?: string;
  readonly phase?: string;
  readonly message?: string;
  readonly abort?: boolean;
  /** status.pauseConditions[].reason */
  readonly pauseReasons: readonly string[];
  /** The message of a True InvalidSpec condition: the controller refuses the Rollout and will not act on it. */
  readonly invalidSpec?: string;
  readonly currentPodHash?: string;
  readonly stableRS?: string;
  readonly currentStepIndex?: number;
  readonly steps: number;
  readonly replicas?: number;
  readonly updatedReplicas?: number;
  /** Whether the ReplicaSet of currentPodHash runs the pod template the Deployment has now (image and version). */
  readonly templateCurrent: boolean;
}

/** The pause reason of a Rollout whose analysis ended inconclusive (Argo Rollouts' PauseReasonInconclusiveAnalysis). */
export const INCONCLUSIVE_REASON = "InconclusiveAnalysisRun";

export function canaryVerdict(r: CanarySnapshot): RolloutVerdict {
  if (String(r.generation ?? "") !== (r.observedGeneration ?? "")) {
    return { state: "progressing", detail: "waiting for Argo Rollouts to observe the new spec" };
  }
  if (r.invalidSpec !== undefined) return { state: "failed", reason: "InvalidSpec", message: r.invalidSpec };
  if (!r.templateCurrent) return { state: "progressing", detail: "waiting for Argo Rollouts to take the Deployment's new pod template" };
  if (r.abort === true || r.phase === "Degraded") {
    return { state: "failed", reason: "RolloutAborted", message: r.message || "the canary was aborted" };
  }
  if (r.pauseReasons.includes(INCONCLUSIVE_REASON)) {
    return {
      state: "failed",
      reason: INCONCLUSIVE_REASON,
      message: `${r.message ? `${r.message}: ` : ""}the analysis found too few requests to judge the new version until its deadline`,
    };
  }
  if (r.phase === "Healthy" && r.currentPodHash !== undefined && r.currentPodHash === r.stableRS) return { state: "complete" };
  const step = r.currentStepIndex === undefined ? "" : `step ${Math.min(r.currentStepIndex + 1, r.steps)} of ${r.steps}, `;
  return {
    state: "progressing",
    detail: `canary: ${step}${r.updatedReplicas ?? 0} of ${r.replicas ?? 0} pods on the new version${r.message ? ` (${r.message})` : ""}`,
  };
}
