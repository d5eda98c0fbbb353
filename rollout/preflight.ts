/**
 * What the program reads from the cluster before it declares anything: whose namespace it deploys into, and that no
 * object it would write belongs to someone else. A render-only stack has no cluster to read, and renders its own.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../settings/settings";
import { connect } from "./cluster";
import { namespaceOwner, type NamespaceOwner } from "./namespace";
import { objectsOwnedByOthers } from "./ownership";

/** The namespace's owner; throws a RunError listing every object another owns, before anything is registered. */
export async function preflight(s: Settings): Promise<NamespaceOwner> {
  if (s.gitops?.renderOnly) return "stack";
  // One connection for every read; the objects' reads go at once (ownership.ts): each preview and update waits for them.
  const { client, kc } = await connect(s.cluster.kubeconfig, s.cluster.context);
  const core = kc.makeApiClient(client.CoreV1Api);
  const apps = kc.makeApiClient(client.AppsV1Api);
  const read = async () => {
    const owner = await namespaceOwner(core, { name: s.namespace, appName: s.appName, stack: s.stack });
    return {
      owner,
      taken: await objectsOwnedByOthers(
        { apps, core },
        { namespace: s.namespace, services: s.services.map((svc) => svc.name), stack: s.stack },
      ),
    };
  };
  const { owner, taken } = await read().catch((e: unknown) => {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      `reading namespace ${s.namespace} and the objects the stack would write failed (${why.split("\n")[0]}): the stack creates its namespace only if it does not exist, uses an existing one as it is and never takes over another's objects, so it must read them first; check that the cluster is reachable with tagship:kubeconfig and tagship:kubeContext (or KUBECONFIG)`,
    );
  });
  if (taken.length > 0)
    throw new pulumi.RunError(
      `Stack "${s.stack}": ${taken.length} object${taken.length === 1 ? "" : "s"} it would write belong${taken.length === 1 ? "s" : ""} to someone else, nothing was changed:\n${taken.map((t, i) => `  ${i + 1}. ${t}`).join("\n")}`,
    );
  return owner;
}
