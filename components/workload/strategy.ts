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
