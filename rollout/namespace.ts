/**
 * Whose namespace the stack deploys into. A stack creates, labels and (on destroy) deletes its namespace only when
 * it made it; a namespace that was there before (a team's shared one) is used as it is: never relabelled, adopted
 * or deleted. Decided from the cluster each time the program runs, before anything is declared.
 */
import type { CoreV1Api } from "@kubernetes/client-node";
import { isStackObject } from "../components/workload/labels";
import { orAbsent } from "./cluster";

/** "stack": the stack made the namespace and owns it; "existing": it was there before and stays someone else's. */
export type NamespaceOwner = "stack" | "existing";

/**
 * Whether a live namespace's labels make it this stack's: the ones restrictedNamespace puts on a namespace it
 * creates (managed-by tagship, the stack as instance, the app's name). Stacks made before this rule carry them too.
 */
export function madeByStack(labels: Readonly<Record<string, string>> | undefined, appName: string, stack: string): boolean {
  return isStackObject(labels, stack) && labels?.["app.kubernetes.io/name"] === appName;
}

/** Reads the namespace from the cluster: absent or made by this stack is the stack's; any other is existing. */
export async function namespaceOwner(core: CoreV1Api, a: { name: string; appName: string; stack: string }): Promise<NamespaceOwner> {
  const ns = await orAbsent(core.readNamespace({ name: a.name }), undefined);
  return !ns || madeByStack(ns.metadata?.labels, a.appName, a.stack) ? "stack" : "existing";
}
