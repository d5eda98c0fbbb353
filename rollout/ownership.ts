/**
 * Whose objects a release would write. Pulumi's server-side apply takes over an object of the same name whoever made
 * it (and a direct stack forces its field ownership), so two stacks pointed at one namespace, or a stack pointed at
 * objects kubectl or Helm made, would silently fight over them. The program reads each service's Deployment and
 * Service before declaring anything, and refuses any that is not this stack's, naming its owner.
 */
import type { AppsV1Api, CoreV1Api, V1ObjectMeta } from "@kubernetes/client-node";
import { isStackObject } from "../components/workload/labels";
import { orAbsent } from "./cluster";

/** The owner of a live object, when it is not this stack: another stack, or whatever last applied it. */
export function foreignOwner(meta: V1ObjectMeta | undefined, stack: string): string | undefined {
  const labels = meta?.labels ?? {};
  if (isStackObject(labels, stack)) return undefined;
  const managedBy = labels["app.kubernetes.io/managed-by"];
  const instance = labels["app.kubernetes.io/instance"];
  if (managedBy === "tagship") return `tagship stack ${instance ?? "(unnamed)"} (label app.kubernetes.io/instance=${instance ?? ""})`;
  const managers = [...new Set((meta?.managedFields ?? []).map((f) => f.manager).filter((m): m is string => Boolean(m)))];
  const by = managedBy ? `label app.kubernetes.io/managed-by=${managedBy}` : `written by ${managers.join(", ") || "an unknown manager"}`;
  return `something other than tagship (${by})`;
}

/** Every Deployment and Service the stack would write that another owns, as problems naming the object and its owner. */
export async function objectsOwnedByOthers(
  api: { apps: AppsV1Api; core: CoreV1Api },
  a: { namespace: string; services: readonly string[]; stack: string },
): Promise<string[]> {
  const namespace = a.namespace;
  // Every read at once: each preview and update waits for them.
  const reads = a.services.flatMap((name) => [
    {
      kind: "Deployment",
      name,
      meta: orAbsent(api.apps.readNamespacedDeployment({ name, namespace }), undefined).then((d) => d?.metadata),
    },
    { kind: "Service", name, meta: orAbsent(api.core.readNamespacedService({ name, namespace }), undefined).then((s) => s?.metadata) },
  ]);
  const problems: string[] = [];
  for (const { kind, name, meta } of reads) {
    const read = await meta;
    const owner = read ? foreignOwner(read, a.stack) : undefined;
    if (owner)
      problems.push(
        `${kind} ${namespace}/${name} already exists and belongs to ${owner}: stack ${a.stack} would take it over. Give this stack its own namespace (\`pulumi config set tagship:namespace <name>\`) or another service name, or remove that ${kind} if it is stale`,
      );
  }
  return problems;
}
