/**
 * Where an Argo CD Application stands for one pushed commit: a gitops release is complete only when the
 * Application is Synced at exactly that commit, its last sync operation succeeded, and it is Healthy.
 */

export interface ApplicationSnapshot {
  readonly syncStatus?: string;
  readonly syncRevision?: string;
  readonly healthStatus?: string;
  readonly healthMessage?: string;
  /** The last sync operation's phase (Running, Succeeded, Failed, Error), the commit it synced, and message. */
  readonly operationPhase?: string;
  readonly operationRevision?: string;
  readonly operationMessage?: string;
  /** Resources Argo CD reports not Healthy, as "Kind/name: status (message)". */
  readonly unhealthy?: readonly string[];
  /** The Application's error conditions (ComparisonError, InvalidSpecError...), as "Type: message". */
  readonly errors?: readonly string[];
}

export type ApplicationVerdict =
  | { readonly state: "progressing"; readonly detail: string }
  | { readonly state: "complete" }
  | { readonly state: "failed"; readonly message: string };

export function applicationVerdict(app: ApplicationSnapshot, commit: string): ApplicationVerdict {
  const status = `sync ${app.syncStatus ?? "Unknown"} at ${app.syncRevision?.slice(0, 12) ?? "no commit"}, health ${app.healthStatus ?? "Unknown"}`;
  const resources = [...(app.unhealthy ?? []), ...(app.errors ?? [])].map((r) => `; ${r}`).join("");
  if (app.syncRevision !== commit) {
    return { state: "progressing", detail: `waiting for commit ${commit.slice(0, 12)} (${status})${resources}` };
  }
  // Judge only what this commit caused: an earlier commit's failed sync or a Degraded state from before the
  // sync of this commit are not this release's outcome.
  if (app.operationRevision === commit && (app.operationPhase === "Failed" || app.operationPhase === "Error")) {
    return { state: "failed", message: `sync ${app.operationPhase}: ${app.operationMessage ?? ""} (${status})${resources}` };
  }
  if (app.syncStatus === "Synced" && app.healthStatus === "Degraded") {
    return { state: "failed", message: `${status}: ${app.healthMessage ?? "Degraded"}${resources}` };
  }
  if (app.syncStatus === "Synced" && app.healthStatus === "Healthy") return { state: "complete" };
  return { state: "progressing", detail: status + resources };
}
