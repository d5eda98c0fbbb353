/**
 * What a destroy leaves of a stack in a namespace it did not make. The stack's workload objects are kept on delete
 * (a switch to gitops hands the live ones to Argo CD without a gap, and an Application deleted without Argo CD's
 * finalizer leaves what it applied), and in its own namespace they go with the namespace; in one it found, they stay.
 * env-rm removes them here, by the labels every object of the stack carries, and nothing else in the namespace.
 */
import type { KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";

/** The kinds a Workload makes, as apiVersion and kind. */
const WORKLOAD_KINDS: readonly (readonly [string, string])[] = [
  ["apps/v1", "Deployment"],
  ["v1", "Service"],
  ["v1", "ConfigMap"],
  ["v1", "ServiceAccount"],
  ["policy/v1", "PodDisruptionBudget"],
  ["autoscaling/v2", "HorizontalPodAutoscaler"],
  ["networking.k8s.io/v1", "Ingress"],
  ["gateway.networking.k8s.io/v1", "HTTPRoute"],
];

/** The label selector of a stack's objects: made by tagship, for this stack. */
export function stackSelector(stack: string): string {
  return `app.kubernetes.io/managed-by=tagship,app.kubernetes.io/instance=${stack}`;
}

/** Deletes the stack's workload objects left in `namespace`; returns them as "Kind/name". */
export async function removeLeftovers(objects: KubernetesObjectApi, namespace: string, stack: string): Promise<string[]> {
  const removed: string[] = [];
  for (const [apiVersion, kind] of WORKLOAD_KINDS) {
    const list = await objects
      .list<KubernetesObject>(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, stackSelector(stack))
      // A kind the cluster does not serve (no Gateway API) has no objects to leave.
      .catch((e: unknown) => ((e as { code?: number }).code === 404 ? { items: [] } : Promise.reject(e as Error)));
    for (const item of list.items) {
      await objects.delete({ apiVersion, kind, metadata: { name: item.metadata?.name, namespace } });
      removed.push(`${kind}/${item.metadata?.name ?? "?"}`);
    }
  }
  return removed;
}
