/**
 * One line of a stack's release ledger: a release of one service (or of the stack's config alone), what it
 * shipped, the commits it brought, who ran it, when, and how it ended. Pure: store.ts keeps entries in the
 * stack's tags, encoded here as a compact JSON array (a tag's value holds 256 characters; store.ts splits longer
 * ones).
 */

/** How a release ended. "unfinished": its command stopped before it could say (killed, machine lost). */
export type Outcome = "live" | "failed" | "aborted" | "unfinished";

/** The command that made the release. */
export type ReleaseKind = "ship" | "promote" | "rollback" | "recover";

export interface LedgerEntry {
  /** The release's id: one command's release, shared by the entries of the services it shipped together. */
  readonly release: string;
  readonly kind: ReleaseKind;
  readonly outcome: Outcome;
  /** The service; "" for a release that changed the stack's config but no service's image. */
  readonly service: string;
  /** The version (imageTag) released; "" when unknown. */
  readonly tag: string;
  /** The image digest released ("sha256:..."); "" when unknown (a build that failed). */
  readonly digest: string;
  /**
   * The commits it brought: `git log from..to`. `to`: the commit its image was built from; `from`: the one the
   * service's previous live release was built from ("" for its first). Either is "" outside a git repository.
   */
  readonly from: string;
  readonly to: string;
  /** Whether the working tree had uncommitted changes when it was built: then `to` is only near its source. */
  readonly dirty: boolean;
  /** Who ran it: their git identity (or the CI runner's), else the system user. */
  readonly who: string;
  /** Epoch milliseconds. */
  readonly start: number;
  readonly end: number;
  /** Why it failed or was aborted, in one line; "" when live. */
  readonly reason: string;
}

const KINDS: readonly ReleaseKind[] = ["ship", "promote", "rollback", "recover"];
const OUTCOMES: readonly Outcome[] = ["live", "failed", "aborted", "unfinished"];
/** The encoding's version: the first element, so a later layout can read an older one. */
const FORMAT = 1;
/** A reason is one line, kept short: the ledger is a record, the command's output has the whole story. */
export const MAX_REASON_CHARS = 160;

/** The entry as stored. */
export function encodeEntry(e: LedgerEntry): string {
  const reason = e.reason.split("\n")[0]?.slice(0, MAX_REASON_CHARS) ?? "";
  return JSON.stringify([
    FORMAT,
    e.kind,
    e.outcome,
    e.service,
    e.tag,
    e.digest,
    e.from,
    e.to,
    e.dirty ? 1 : 0,
    e.who,
    e.start,
    e.end,
    reason,
  ]);
}

/** The entry stored as `text` for release `release`; undefined when it is not one (damaged, or a later format). */
export function decodeEntry(release: string, text: string): LedgerEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed[0] !== FORMAT || parsed.length !== 13) return undefined;
  const [, kind, outcome, service, tag, digest, from, to, dirty, who, start, end, reason] = parsed as unknown[];
  const strings = [service, tag, digest, from, to, who, reason];
  if (!KINDS.includes(kind as ReleaseKind) || !OUTCOMES.includes(outcome as Outcome)) return undefined;
  if (!strings.every((s) => typeof s === "string") || !Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return undefined;
  return {
    release,
    kind: kind as ReleaseKind,
    outcome: outcome as Outcome,
    service: service as string,
    tag: tag as string,
    digest: digest as string,
    from: from as string,
    to: to as string,
    dirty: dirty === 1,
    who: who as string,
    start: start as number,
    end: end as number,
    reason: reason as string,
  };
}
