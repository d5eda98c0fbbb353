import type { WorkloadArgs } from "./args";
import { resolveWorkload } from "./resolve";

/** A Kubernetes kind by API group ("" for the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** Every kind a Workload can make, by what it makes it for, with the API version it is written in. */
export const WORKLOAD_KINDS = {
  deployment: { group: "apps", version: "v1", kind: "Deployment" },
  service: { group: "", version: "v1", kind: "Service" },
  disruptionBudget: { group: "policy", version: "v1", kind: "PodDisruptionBudget" },
  env: { group: "", version: "v1", kind: "ConfigMap" },
  serviceAccount: { group: "", version: "v1", kind: "ServiceAccount" },
  autoscaler: { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler" },
  ingress: { group: "networking.k8s.io", version: "v1", kind: "Ingress" },
  httpRoute: { group: "gateway.networking.k8s.io", version: "v1", kind: "HTTPRoute" },
  rollout: { group: "argoproj.io", version: "v1alpha1", kind: "Rollout" },
  analysisTemplate: { group: "argoproj.io", version: "v1alpha1", kind: "AnalysisTemplate" },
} as const;

/**
 * The kinds a Workload with these arguments makes: what an Argo CD AppProject must allow, and no more, for an
 * Application to sync it.
 */
export function workloadKinds(
  args: Pick<WorkloadArgs, "env" | "serviceAccount" | "autoscaling" | "ingress" | "httpRoute" | "canary">,
): GroupKind[] {
  const w = resolveWorkload({ namespace: "", image: "", version: "", probes: { readiness: { path: "/" } }, ...args });
  const K = WORKLOAD_KINDS;
  return [
    K.deployment,
    ...(w.canary ? [K.rollout, K.analysisTemplate] : []),
    K.service,
    K.disruptionBudget,
    ...(Object.keys(w.env).length > 0 ? [K.env] : []),
    ...(w.serviceAccount ? [K.serviceAccount] : []),
    ...(w.autoscaling ? [K.autoscaler] : []),
    ...(w.ingress ? [K.ingress] : []),
    ...(w.httpRoute ? [K.httpRoute] : []),
  ].map(({ group, kind }) => ({ group, kind }));
}
