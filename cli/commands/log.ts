/**
 * log: the release ledger of a stack, newest first (cli/ledger/store.ts): each release's service, version,
 * digest, commits, who ran it, when, how long it took and how it ended. --changes lists each one's commits
 * (`git log from..to`), its changelog.
 */
import { command, oneStack, requireStacks, wholeNumberOption } from "../command";
import { openStack, stackNames } from "../engine/workspace";
import type { LedgerEntry } from "../ledger/entry";
import { columns, humanDuration, range, shortDigest, utc } from "../ledger/format";
import { changesBetween, type Change } from "../ledger/source";
import { KEEP, readLedger } from "../ledger/store";

export default command({
  name: "log",
  summary: "the stack's releases, newest first: service, version, digest, commits, who, when, outcome",
  usage: "<stack> [--service <name>] [--limit <n>] [--changes] [--json]",
  options: {
    service: { type: "string", value: "<name>", description: "only this service's releases" },
    limit: { type: "string", value: "<n>", default: "20", description: `the newest n releases, 1 to ${KEEP} (default 20)` },
    changes: { type: "boolean", default: false, description: "list each release's commits (git log from..to)" },
    json: { type: "boolean", default: false, description: "print the entries (and with --changes their commits) as JSON" },
  },
  common: [],
  positionals: true,
  async run({ cwd, options, positionals }) {
    const name = oneStack(positionals, "tagship log dev");
    const limit = wholeNumberOption("limit", options.limit, KEEP, "the ledger keeps the newest 500");
    requireStacks(await stackNames(cwd), [["<stack>", name]]);
    const ledger = await readLedger(await openStack(cwd, name));
    const shown = ledger.filter((e) => options.service === undefined || e.service === options.service).slice(0, limit);
    const changes = (e: LedgerEntry) => (options.changes ? changesBetween(cwd, e.from, e.to) : undefined);
    if (options.json) {
      const out = shown.map((e) => ({ ...e, ...(options.changes ? { changes: changes(e) ?? null } : {}) }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    if (shown.length === 0) {
      console.log(`stack ${name} has no release in its ledger${options.service ? ` for service ${options.service}` : ""} yet`);
      return;
    }
    console.log(`releases of stack ${name}, newest first (${shown.length} of ${ledger.length}):`);
    const header = ["started (UTC)", "outcome", "kind", "service", "version", "digest", "commits", "who", "took"];
    const rows = shown.map((e) => [
      utc(e.start),
      e.outcome,
      e.kind,
      e.service || "(config)",
      e.tag || "-",
      shortDigest(e.digest),
      range(e),
      e.who,
      e.outcome === "unfinished" ? "-" : humanDuration(e.end - e.start),
    ]);
    const lines = columns(header, rows).split("\n");
    console.log(lines[0]);
    shown.forEach((e, i) => {
      console.log(lines[i + 1]);
      if (e.reason !== "") console.log(`    ${e.reason}`);
      if (options.changes) console.log(changelogLines(changes(e)));
    });
  },
});

function changelogLines(changes: readonly Change[] | undefined): string {
  if (changes === undefined) return "    (commits unknown: not in this repository's history)";
  if (changes.length === 0) return "    (no commits)";
  return changes.map((c) => `    ${c.commit.slice(0, 7)} ${c.subject} (${c.author})`).join("\n");
}
