/**
 * DORA's four figures of a stack, from its release ledger: how often it deploys, how long a commit takes to go
 * live, what share of its releases fail, and how long it takes to be good again after one did. Pure: the commits
 * of a release come from `changes` (source.ts reads them from git).
 *
 * - Deployment frequency: the live releases (one per service shipped) in the window, per day of the window the
 *   ledger covers (a ledger begun an hour ago is not averaged over thirty days).
 * - Lead time for changes: for each commit a live release brought (`git log from..to`), from its commit time to
 *   the end of the first live release that brought it; the median.
 * - Change failure rate: failed and aborted releases over all releases that ended (unfinished ones are counted
 *   apart: nobody knows how they ended).
 * - Time to restore: for each failed or aborted release, until the end of the next live release of the same
 *   service; the median. One with no live release after it is still open.
 */
import type { LedgerEntry } from "./entry";
import type { Change } from "./source";

const DAY_MS = 86_400_000;

export interface DoraFigures {
  /** The window: its start (epoch ms), its end (now), and the days it covers. */
  readonly since: number;
  readonly until: number;
  readonly days: number;
  readonly deployments: number;
  readonly perDay: number;
  /** Median milliseconds; undefined with no commit known. */
  readonly leadTimeMs: number | undefined;
  readonly commits: number;
  /** Live releases whose commits git could not list (another repository, a shallow clone). */
  readonly leadTimeUnknown: number;
  readonly failures: number;
  readonly finished: number;
  /** failures / finished, from 0 to 1; undefined with nothing finished. */
  readonly changeFailureRate: number | undefined;
  readonly timeToRestoreMs: number | undefined;
  readonly restored: number;
  /** Failures not yet followed by a live release of their service. */
  readonly stillFailing: number;
  readonly unfinished: number;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const failed = (e: LedgerEntry) => e.outcome === "failed" || e.outcome === "aborted";

/** The figures over the releases that started in the last `days` days before `now`. */
export function doraFigures(
  ledger: readonly LedgerEntry[],
  now: number,
  days: number,
  changes: (e: LedgerEntry) => readonly Change[] | undefined,
): DoraFigures {
  const since = now - days * DAY_MS;
  const inWindow = ledger.filter((e) => e.start >= since && e.start <= now).sort((a, b) => a.start - b.start);
  const finished = inWindow.filter((e) => e.outcome !== "unfinished");
  const live = finished.filter((e) => e.outcome === "live");
  const failures = finished.filter(failed);
  const oldest = inWindow[0]?.start ?? now;
  const covered = Math.max(1, Math.min(days, (now - oldest) / DAY_MS));

  // Each commit once: the first live release that brought it.
  const firstLive = new Map<string, number>();
  const committed = new Map<string, number>();
  let leadTimeUnknown = 0;
  for (const e of live) {
    const brought = changes(e);
    if (brought === undefined) {
      if (e.to !== "") leadTimeUnknown++;
      continue;
    }
    for (const c of brought) {
      if (!firstLive.has(c.commit)) firstLive.set(c.commit, e.end);
      committed.set(c.commit, c.committed);
    }
  }
  const leadTimes = [...firstLive].map(([commit, end]) => end - (committed.get(commit) ?? end));

  const restores: number[] = [];
  for (const f of failures) {
    const next = live.find((e) => e.service === f.service && e.start > f.start);
    if (next) restores.push(next.end - f.end);
  }
  return {
    since,
    until: now,
    days,
    deployments: live.length,
    perDay: live.length / covered,
    leadTimeMs: median(leadTimes),
    commits: leadTimes.length,
    leadTimeUnknown,
    failures: failures.length,
    finished: finished.length,
    changeFailureRate: finished.length === 0 ? undefined : failures.length / finished.length,
    timeToRestoreMs: median(restores),
    restored: restores.length,
    stillFailing: failures.length - restores.length,
    unfinished: inWindow.length - finished.length,
  };
}
