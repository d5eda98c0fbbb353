/**
 * Whose namespace the stack deploys into. A stack creates, labels and (on destroy) deletes its namespace only when
 * it made it; a namespace that was there before (a team's shared one) is used as it is: never relabelled, adopted
 * or deleted. Decided from the cluster each time the program runs, before anything is declared.
 */
import { connect } from "./cluster";

/** "stack": the stack made the namespace and owns it; "existing": it was there before and stays someone else's. */
export type NamespaceOwner = "stack" | "existing";

/**
 * Whether a live namespace's labels make it this stack's: the ones restrictedNamespace puts on a namespace it
 * creates (managed-by tagship, the app's name, the stack as instance). Stacks made before this rule carry them too.
 */
export function madeByStack(labels: Readonly<Record<string, string>> | undefined, appName: string, stack: string): boolean {
  return (
    labels?.["app.kubernetes.io/managed-by"] === "tagship" &&
    labels["app.kubernetes.io/name"] === appName &&
    labels["app.kubernetes.io/instance"] === stack
  );
}

export interface NamespaceOwnerArgs {
  readonly name: string;
  readonly appName: string;
  readonly stack: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** Reads the namespace from the cluster: absent or made by this stack is the stack's; any other is existing. */
export async function namespaceOwner(a: NamespaceOwnerArgs): Promise<NamespaceOwner> {
  const { client, kc } = await connect(a.kubeconfig, a.context);
  try {
    const ns = await kc.makeApiClient(client.CoreV1Api).readNamespace({ name: a.name });
    return madeByStack(ns.metadata?.labels, a.appName, a.stack) ? "stack" : "existing";
  } catch (e) {
    if ((e as { code?: number }).code === 404) return "stack";
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      `reading namespace ${a.name} on the cluster failed (${why.split("\n")[0]}): the stack creates its namespace only if it does not exist, and uses an existing one as it is, so it must read it first; check that the cluster is reachable with tagship:kubeconfig and tagship:kubeContext (or KUBECONFIG)`,
    );
  }
}
