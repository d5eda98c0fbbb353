/**
 * Where a Deployment's rollout stands, read from its status the way `kubectl rollout status` reads it
 * (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go), so that tagship and kubectl agree on "done".
 */

export interface DeploymentCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** The fields of a Deployment the verdict needs. */
export interface DeploymentSnapshot {
  readonly generation?: number;
  readonly specReplicas?: number;
  readonly observedGeneration?: number;
  readonly replicas?: number;
  readonly updatedReplicas?: number;
  readonly availableReplicas?: number;
  readonly conditions?: readonly DeploymentCondition[];
}

export type RolloutVerdict =
  | { readonly state: "progressing"; readonly detail: string }
  | { readonly state: "complete" }
  | { readonly state: "failed"; readonly reason: string; readonly message: string };

export function rolloutVerdict(d: DeploymentSnapshot): RolloutVerdict {
  if ((d.observedGeneration ?? 0) < (d.generation ?? 0)) {
    return { state: "progressing", detail: "waiting for the controller to observe the new spec" };
  }
  const progressing = d.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { state: "failed", reason: progressing.reason, message: progressing.message ?? "" };
  }
  const want = d.specReplicas ?? 1;
  const updated = d.updatedReplicas ?? 0;
  if (updated < want) return { state: "progressing", detail: `${updated} of ${want} new pods created` };
  if ((d.replicas ?? 0) > updated) {
    return { state: "progressing", detail: `${(d.replicas ?? 0) - updated} old pods pending termination` };
  }
  if ((d.availableReplicas ?? 0) < updated) {
    return { state: "progressing", detail: `${d.availableReplicas ?? 0} of ${updated} new pods available` };
  }
  return { state: "complete" };
}
