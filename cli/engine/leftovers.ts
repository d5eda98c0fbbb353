/**
 * What a destroy leaves of a stack in a namespace it did not make. The stack's workload objects are kept on delete
 * (a switch to gitops hands the live ones to Argo CD without a gap, and an Application deleted without Argo CD's
 * finalizer leaves what it applied), and in its own namespace they go with the namespace; in one it found, they stay.
 * env-rm removes them here, by the labels every object of the stack carries, and nothing else in the namespace.
 */
import type { KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import { WORKLOAD_KINDS } from "../../components/workload/kinds";
import { stackSelector } from "../../components/workload/labels";
import { orAbsent } from "../../rollout/cluster";

/** Deletes the stack's workload objects left in `namespace`; returns them as "Kind/name". */
export async function removeLeftovers(objects: KubernetesObjectApi, namespace: string, stack: string): Promise<string[]> {
  const removed: string[] = [];
  for (const { group, version, kind } of Object.values(WORKLOAD_KINDS)) {
    const apiVersion = group ? `${group}/${version}` : version;
    // A kind the cluster does not serve (no Gateway API) has no objects to leave.
    const list = await orAbsent(
      objects.list<KubernetesObject>(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, stackSelector(stack)),
      { items: [] },
    );
    for (const item of list.items) {
      await objects.delete({ apiVersion, kind, metadata: { name: item.metadata?.name, namespace } });
      removed.push(`${kind}/${item.metadata?.name ?? "?"}`);
    }
  }
  return removed;
}
