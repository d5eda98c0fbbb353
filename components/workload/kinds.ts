import type { WorkloadArgs } from "./args";
import { resolveWorkload } from "./resolve";

/** A Kubernetes kind by API group ("" for the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * The kinds a Workload with these arguments makes: what an Argo CD AppProject must allow, and no more, for an
 * Application to sync it.
 */
export function workloadKinds(args: Pick<WorkloadArgs, "env" | "serviceAccount" | "autoscaling" | "ingress" | "httpRoute">): GroupKind[] {
  const w = resolveWorkload({ namespace: "", image: "", version: "", probes: { readiness: { path: "/" } }, ...args });
  return [
    { group: "apps", kind: "Deployment" },
    { group: "", kind: "Service" },
    { group: "policy", kind: "PodDisruptionBudget" },
    ...(Object.keys(w.env).length > 0 ? [{ group: "", kind: "ConfigMap" }] : []),
    ...(w.serviceAccount ? [{ group: "", kind: "ServiceAccount" }] : []),
    ...(w.autoscaling ? [{ group: "autoscaling", kind: "HorizontalPodAutoscaler" }] : []),
    ...(w.ingress ? [{ group: "networking.k8s.io", kind: "Ingress" }] : []),
    ...(w.httpRoute ? [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }] : []),
  ];
}
