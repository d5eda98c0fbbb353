/**
 * What the program reads from the cluster before it declares anything: whose namespace it deploys into, and that no
 * object it would write belongs to someone else. A render-only stack has no cluster to read, and renders its own.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../settings/settings";
import { namespaceOwner, type NamespaceOwner } from "./namespace";
import { objectsOwnedByOthers } from "./ownership";

/** The namespace's owner; throws a RunError listing every object another owns, before anything is registered. */
export async function preflight(s: Settings): Promise<NamespaceOwner> {
  if (s.gitops?.renderOnly) return "stack";
  const cluster = {
    ...(s.cluster.kubeconfig ? { kubeconfig: s.cluster.kubeconfig } : {}),
    ...(s.cluster.context ? { context: s.cluster.context } : {}),
  };
  const owner = await namespaceOwner({ name: s.namespace, appName: s.appName, stack: s.stack, ...cluster });
  const taken = await objectsOwnedByOthers({
    namespace: s.namespace,
    services: s.services.map((svc) => svc.name),
    stack: s.stack,
    ...cluster,
  });
  if (taken.length > 0)
    throw new pulumi.RunError(
      `Stack "${s.stack}": ${taken.length} object${taken.length === 1 ? "" : "s"} it would write belong${taken.length === 1 ? "s" : ""} to someone else, nothing was changed:\n${taken.map((t, i) => `  ${i + 1}. ${t}`).join("\n")}`,
    );
  return owner;
}
