/**
 * stats: DORA's four figures of a stack from its release ledger (cli/ledger/dora.ts says how each is counted):
 * deployment frequency, lead time for changes, change failure rate and time to restore.
 */
import { command, oneStack, requireStacks, wholeNumberOption } from "../command";
import { openStack, stackNames } from "../engine/workspace";
import { doraFigures, type DoraFigures } from "../ledger/dora";
import { humanDuration, utc } from "../ledger/format";
import { changesBetween } from "../ledger/source";
import { readLedger } from "../ledger/store";

/** The longest window: the ledger keeps 500 releases, and DORA's figures are read over weeks or months. */
const MAX_DAYS = 3650;

export default command({
  name: "stats",
  summary: "DORA's four figures of a stack from its ledger: frequency, lead time, change failure rate, time to restore",
  usage: "<stack> [--days <n>] [--json]",
  options: {
    days: { type: "string", value: "<n>", default: "30", description: `the window, the last n days, 1 to ${MAX_DAYS} (default 30)` },
    json: { type: "boolean", default: false, description: "print the figures as JSON (durations in milliseconds, the rate from 0 to 1)" },
  },
  common: [],
  positionals: true,
  async run({ cwd, options, positionals }) {
    const name = oneStack(positionals, "tagship stats dev");
    const days = wholeNumberOption("days", options.days, MAX_DAYS, "ten years");
    requireStacks(await stackNames(cwd), [["<stack>", name]]);
    const ledger = await readLedger(await openStack(cwd, name));
    const figures = doraFigures(ledger, Date.now(), days, (e) => changesBetween(cwd, e.from, e.to));
    process.stdout.write(options.json ? `${JSON.stringify(figures, null, 2)}\n` : `${report(name, figures)}\n`);
  },
});

function report(stack: string, f: DoraFigures): string {
  const percent = (r: number) => `${(r * 100).toFixed(1)}%`;
  const unknownLead = f.leadTimeUnknown > 0 ? `; ${f.leadTimeUnknown} live release(s) with commits git cannot list here` : "";
  return [
    `DORA figures of stack ${stack}, releases started ${utc(f.since)} to ${utc(f.until)} UTC (${f.days} days):`,
    `  deployment frequency   ${f.deployments} live release(s), ${f.perDay.toFixed(1)} a day`,
    `  lead time for changes  ${f.leadTimeMs === undefined ? "no commit known" : `median ${humanDuration(f.leadTimeMs)} over ${f.commits} commit(s)`}${unknownLead}`,
    `  change failure rate    ${f.changeFailureRate === undefined ? "no release ended" : `${percent(f.changeFailureRate)} (${f.failures} of ${f.finished} releases failed or were aborted)`}`,
    `  time to restore        ${f.timeToRestoreMs === undefined ? "nothing to restore" : `median ${humanDuration(f.timeToRestoreMs)} over ${f.restored} restore(s)`}${f.stillFailing > 0 ? `; ${f.stillFailing} failure(s) not yet followed by a live release` : ""}`,
    ...(f.unfinished > 0
      ? [`  unfinished             ${f.unfinished} release(s) whose command stopped before they ended (not counted)`]
      : []),
  ].join("\n");
}
