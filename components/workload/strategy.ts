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
 * The pods' topology spread constraints, each over the workload's own pods (its selector labels).
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export function topologySpreadConstraints(
  w: ResolvedWorkload,
  selector: Record<string, string>,
): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  return w.topologySpread.map((t) => ({
    topologyKey: t.topologyKey,
    maxSkew: t.maxSkew,
    whenUnsatisfiable: t.whenUnsatisfiable,
    labelSelector: { matchLabels: selector },
  }));
}
