/**
 * A release's entries in its stack's ledger (store.ts): opened when the release starts, closed when it ends with
 * one entry per service whose image it changed (or was to change, when it failed), each with the commits it
 * brought. The ledger is a record: failing to write it warns and never fails a release.
 */
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import type { Outputs } from "../release/gitops";
import { configuredImages, servicesOf } from "../release/services";
import { digestOf } from "../../components/image/reference";
import type { LedgerEntry, Outcome, ReleaseKind } from "./entry";
import { headCommit, whoRuns } from "./source";
import { finishRelease, ledgerFromTags, releaseCount, releaseId, startRelease } from "./store";

/** A service pinned by digest, with the commit its image was built from when the ledger knows it. */
export interface Pin {
  readonly service: string;
  readonly imageRef: string;
  readonly tag: string;
  readonly commit?: string;
}

/** How a release ended, as its entries say. */
export interface Ending {
  readonly outcome: Exclude<Outcome, "unfinished">;
  readonly reason: string;
  readonly before: Outputs;
  /** The outputs once live; undefined for a release that failed. */
  readonly after: Outputs | undefined;
  /** The stack's config as the release ran it: what a failed release was to ship. */
  readonly config: ConfigMap;
  /** The services pinned by digest (promote, rollback); none for a build. */
  readonly pins: readonly Pin[];
  /** Whether the engine changed any resource: a live release with no new image still is one when it did. */
  readonly changedResources: boolean;
}

export interface OpenRelease {
  readonly release: string;
  /** The stack's tags as read when it started (the ledger and the good releases are among them); undefined when unreadable. */
  readonly tags: Readonly<Record<string, string>> | undefined;
  /** The ledger among those tags, newest first; undefined when they were unreadable. */
  readonly ledger: readonly LedgerEntry[] | undefined;
  close(ending: Ending): Promise<void>;
}

function warn(what: string, e: unknown): void {
  console.error(`warning: the release ledger ${what}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
}

/** Marks the release as started in the ledger, and reads what it needs to close it (the previous releases). */
export async function openRelease(stack: Stack, cwd: string, kind: ReleaseKind): Promise<OpenRelease> {
  const start = Date.now();
  const release = releaseId(start);
  const who = whoRuns(cwd);
  const head = headCommit(cwd);
  await startRelease(stack, { release, kind, who, start }).catch((e: unknown) => warn("could not be written", e));
  // One after the other, and before the update: a self-managed backend rewrites the stack's tags file in place
  // (so does the update, with its own tags), and a read beside a write can find it half written.
  const tags = await stack.workspace.listTags(stack.name).catch((e: unknown) => {
    warn("could not be read", e);
    return undefined;
  });
  const read = tags && ledgerFromTags(tags);
  return {
    release,
    tags,
    ledger: read,
    async close(ending) {
      const previous = read ?? [];
      const entries = releasedServices(ending).map((s) => {
        const lastLive = previous.find((e) => e.service === s.service && e.outcome === "live");
        return {
          release,
          kind,
          outcome: ending.outcome,
          service: s.service,
          tag: s.tag,
          digest: s.digest,
          from: lastLive?.to ?? "",
          to: s.commit ?? head.commit,
          dirty: s.commit === undefined && head.dirty,
          who,
          start,
          end: Date.now(),
          reason: ending.outcome === "live" ? "" : ending.reason,
        } satisfies LedgerEntry;
      });
      // This release's marker is among those read.
      const known = read && releaseCount(read) - 1;
      await finishRelease(stack, release, entries, known).catch((e: unknown) => warn("could not be written", e));
    },
  };
}

interface Released {
  readonly service: string;
  readonly tag: string;
  readonly digest: string;
  readonly commit?: string;
}

/**
 * The services a release shipped: once live, those pinned (promote, rollback: released even when the update found
 * them running already, as after a failed release) and those whose image or version changed; when it failed, those
 * it was to change (pinned, or configured with another version than they ran). A release that changed no service's
 * image is one entry for the stack's config (service ""), when it changed anything or failed.
 */
export function releasedServices(e: Ending): Released[] {
  const ran = new Map(servicesOf(e.before).map((s) => [s.name, s] as const));
  const pinned = new Map(e.pins.map((p) => [p.service, p] as const));
  const withCommit = (r: Released): Released => {
    const commit = pinned.get(r.service)?.commit;
    return commit === undefined ? r : { ...r, commit };
  };
  let changed: Released[];
  if (e.after) {
    changed = servicesOf(e.after)
      .filter((s) => pinned.has(s.name) || ran.get(s.name)?.imageRef !== s.imageRef || ran.get(s.name)?.imageTag !== s.imageTag)
      .map((s) => ({ service: s.name, tag: s.imageTag ?? "", digest: digestOf(s.imageRef) }));
  } else if (e.pins.length > 0) {
    changed = e.pins.map((p) => ({ service: p.service, tag: p.tag, digest: digestOf(p.imageRef) }));
  } else {
    changed = configuredImages(e.config, [...ran.keys()]).filter(
      (c) => ran.get(c.service)?.imageTag !== c.tag || (c.digest !== "" && digestOf(ran.get(c.service)?.imageRef) !== c.digest),
    );
  }
  if (changed.length > 0) return changed.map(withCommit);
  return e.after === undefined || e.changedResources ? [{ service: "", tag: "", digest: "" }] : [];
}
