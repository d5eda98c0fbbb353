import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedWorkload } from "./resolve";

/**
 * A RollingUpdate strategy. With the defaults (maxSurge 1, maxUnavailable 0) a new pod must be ready before
 * an old one is removed, so capacity never drops below `replicas`.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
 */
export function rollingUpdate(w: ResolvedWorkload): k8s.types.input.apps.v1.DeploymentStrategy {
  return { type: "RollingUpdate", rollingUpdate: { maxSurge: w.maxSurge, maxUnavailable: w.maxUnavailable } };
}

/**
 * How many surge batches a rollout takes, and so roughly how long: each batch waits for its pods to pass
 * readiness and stay ready for minReadySeconds. Used for reporting, not for scheduling.
 */
export function rolloutBatches(w: ResolvedWorkload): number {
  const surge = absolute(w.maxSurge, w.replicas, Math.ceil);
  const unavailable = absolute(w.maxUnavailable, w.replicas, Math.floor);
  const perBatch = Math.max(1, surge + unavailable);
  return Math.ceil(w.replicas / perBatch);
}

function absolute(v: number | string, replicas: number, round: (x: number) => number): number {
  return typeof v === "number" ? v : round((Number(v.slice(0, -1)) / 100) * replicas);
}
