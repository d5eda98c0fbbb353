/**
 * The record of a release, live or not: its phases printed as a table, and written with its outcome and the
 * pods' samples to rollouts/<stack>-<time>.json (gitignored, beside the picture of the rollout, timeline.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { phaseTable, splitByBatches, type Phase } from "./phases";
import { series, timelineSvg, writeTimeline, type Sample } from "./timeline";

/**
 * When the command started, in epoch milliseconds: the launcher's clock (cli/tagship sets
 * TAGSHIP_COMMAND_STARTED_MS, so the toolchain check and Node's own start count too), or this process's start.
 * Only the first release of a process counts from there; a second one (a rollback after a failed release)
 * starts when it starts.
 */
let firstRelease = true;
export function commandStart(): number {
  const now = Date.now();
  if (!firstRelease) return now;
  firstRelease = false;
  const launched = Number(process.env.TAGSHIP_COMMAND_STARTED_MS);
  const origin = performance.timeOrigin;
  // A value inherited from another command (or nonsense) would stretch the first phase: only a recent one counts.
  return Number.isFinite(launched) && launched <= origin && origin - launched < 60_000 ? launched : origin;
}

export interface ReleaseRecord {
  readonly cwd: string;
  readonly stackName: string;
  /** "live, version X" or "failed". */
  readonly outcome: string;
  /** From the command's start to now, one after the other. */
  readonly phases: readonly Phase[];
  /** Epoch milliseconds the phases and the samples count from. */
  readonly origin: number;
  /** The stack's pods during the release, when it ran already. */
  readonly samples?: readonly Sample[] | undefined;
}

/** The moments the new version gained ready pods, and how many it had then. */
function newPodsReady(samples: readonly Sample[]): { t: number; count: number }[] {
  const points = series(samples);
  return points.flatMap((p, i) => (i > 0 && p.new > (points[i - 1]?.new ?? 0) ? [{ t: p.t, count: p.new }] : []));
}

/** Prints the phase table, writes the record (and the picture, with pods to draw), and prints where. */
export function recordRelease(r: ReleaseRecord): void {
  const samples = r.samples ?? [];
  const phases = splitByBatches(r.phases, newPodsReady(samples));
  const wall = phases.reduce((s, p) => s + p.seconds, 0);
  const title = `release of ${r.stackName}: ${r.outcome} after ${wall.toFixed(1)} s`;
  console.log(phaseTable(phases, `phases of the release of ${r.stackName} (${r.outcome})`));
  const name = `${r.stackName}-${new Date(r.origin).toISOString().replace(/[:.]/g, "")}`;
  if (samples.length > 0) {
    // The dashed line: the pods ready once it settled, the stack's replicas.
    const ready = Object.values(samples.at(-1)?.ready ?? {}).reduce((a, b) => a + b, 0);
    console.log(`rollout picture: ${writeTimeline(r.cwd, name, timelineSvg(samples, title, ready, phases))}`);
  }
  const file = path.join(r.cwd, "rollouts", `${name.replace(/[^\w.-]/g, "_")}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const record = { stack: r.stackName, startedAt: new Date(r.origin).toISOString(), outcome: r.outcome, seconds: wall, phases, samples };
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`release record: ${file}`);
}
