/**
 * Whose objects a release would write. Pulumi's server-side apply takes over an object of the same name whoever made
 * it (and a direct stack forces its field ownership), so two stacks pointed at one namespace, or a stack pointed at
 * objects kubectl or Helm made, would silently fight over them. The program reads each service's Deployment and
 * Service before declaring anything, and refuses any that is not this stack's, naming its owner.
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import { connect } from "./cluster";

/** The owner of a live object, when it is not this stack: another stack, or whatever last applied it. */
export function foreignOwner(meta: V1ObjectMeta | undefined, stack: string): string | undefined {
  const labels = meta?.labels ?? {};
  const managedBy = labels["app.kubernetes.io/managed-by"];
  const instance = labels["app.kubernetes.io/instance"];
  if (managedBy === "tagship" && instance === stack) return undefined;
  if (managedBy === "tagship") return `tagship stack ${instance ?? "(unnamed)"} (label app.kubernetes.io/instance=${instance ?? ""})`;
  const managers = [...new Set((meta?.managedFields ?? []).map((f) => f.manager).filter((m): m is string => Boolean(m)))];
  const by = managedBy ? `label app.kubernetes.io/managed-by=${managedBy}` : `written by ${managers.join(", ") || "an unknown manager"}`;
  return `something other than tagship (${by})`;
}

export interface OwnershipArgs {
  readonly namespace: string;
  readonly services: readonly string[];
  readonly stack: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** Every Deployment and Service the stack would write that another owns, as problems naming the object and its owner. */
export async function objectsOwnedByOthers(a: OwnershipArgs): Promise<string[]> {
  const { client, kc } = await connect(a.kubeconfig, a.context);
  const apps = kc.makeApiClient(client.AppsV1Api);
  const core = kc.makeApiClient(client.CoreV1Api);
  const absent = (e: unknown): undefined => {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  };
  const problems: string[] = [];
  for (const name of a.services) {
    const reads = [
      ["Deployment", apps.readNamespacedDeployment({ name, namespace: a.namespace }).then((d) => d.metadata, absent)],
      ["Service", core.readNamespacedService({ name, namespace: a.namespace }).then((s) => s.metadata, absent)],
    ] as const;
    for (const [kind, read] of reads) {
      const meta = await read;
      const owner = meta ? foreignOwner(meta, a.stack) : undefined;
      if (owner)
        problems.push(
          `${kind} ${a.namespace}/${name} already exists and belongs to ${owner}: stack ${a.stack} would take it over. Give this stack its own namespace (\`pulumi config set tagship:namespace <name>\`) or another service name, or remove that ${kind} if it is stale`,
        );
    }
  }
  return problems;
}
