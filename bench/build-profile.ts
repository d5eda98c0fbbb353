// Summarises the go command's action graphs (`go build -debug-actiongraph`, written per binary when
// TAGSHIP_GO_PROFILE is set; see toolchain/lib.sh) into where a cold build's minutes went: per binary, the
// packages compiled, their compile seconds, the link seconds; and across all binaries the compile seconds
// spent on packages that another binary compiled too (the same import path at another version, or in
// another module), which is what a shared build cache cannot save.
// Usage: node --import tsx bench/build-profile.ts <profile dir>
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

interface Action {
  Mode: string;
  Package?: string;
  TimeStart?: string;
  TimeDone?: string;
  Cmd?: string[] | null;
}

interface BinaryProfile {
  binary: string;
  compiled: number;
  compileSeconds: number;
  linkSeconds: number;
  spanSeconds: number;
  perPackage: Map<string, number>;
}

const seconds = (a: Action): number => (a.TimeStart && a.TimeDone ? (Date.parse(a.TimeDone) - Date.parse(a.TimeStart)) / 1000 : 0);

/** Only actions that ran a tool count: a package found in the build cache has no command. */
const ran = (a: Action): boolean => Array.isArray(a.Cmd) && a.Cmd.length > 0;

function profile(file: string): BinaryProfile {
  const actions = JSON.parse(readFileSync(file, "utf8")) as Action[];
  const compiles = actions.filter((a) => a.Mode === "build" && ran(a));
  const links = actions.filter((a) => a.Mode === "link" && ran(a));
  const times = actions.flatMap((a) => (ran(a) && a.TimeStart && a.TimeDone ? [Date.parse(a.TimeStart), Date.parse(a.TimeDone)] : []));
  const perPackage = new Map<string, number>();
  for (const a of compiles) perPackage.set(a.Package ?? "?", seconds(a));
  return {
    binary: basename(file, ".json"),
    compiled: compiles.length,
    compileSeconds: compiles.reduce((s, a) => s + seconds(a), 0),
    linkSeconds: links.reduce((s, a) => s + seconds(a), 0),
    spanSeconds: times.length ? (Math.max(...times) - Math.min(...times)) / 1000 : 0,
    perPackage,
  };
}

const fmt = (n: number): string => n.toFixed(0);

function main(dir: string | undefined): void {
  if (!dir) throw new Error("usage: node bench/build-profile.ts <profile dir>");
  const profiles = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => profile(join(dir, f)));
  const rows = profiles.map(
    (p) => `| ${p.binary} | ${p.compiled} | ${fmt(p.compileSeconds)} | ${fmt(p.linkSeconds)} | ${fmt(p.spanSeconds)} |`,
  );
  const total = (k: "compiled" | "compileSeconds" | "linkSeconds"): number => profiles.reduce((s, p) => s + p[k], 0);

  // An import path compiled by more than one binary: every compile after the cheapest is the price of the
  // binaries' modules disagreeing on a version (or of one package built twice).
  const byPath = new Map<string, number[]>();
  for (const p of profiles) for (const [pkg, s] of p.perPackage) byPath.set(pkg, [...(byPath.get(pkg) ?? []), s]);
  let repeated = 0;
  for (const times of byPath.values()) if (times.length > 1) repeated += times.reduce((s, t) => s + t, 0) - Math.min(...times);

  const cpu = total("compileSeconds") + total("linkSeconds");
  console.log("| binary | packages compiled | compile s (summed) | link s | build span s |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
  console.log(`| all | ${total("compiled")} | ${fmt(total("compileSeconds"))} | ${fmt(total("linkSeconds"))} | |`);
  console.log("");
  console.log(`compile + link, summed: ${fmt(cpu)} s; on 2 cores at best ${fmt(cpu / 2)} s of wall time`);
  console.log(
    `of the compile seconds, ${fmt(repeated)} s went to import paths another binary also compiled; ` +
      `without them the floor is ${fmt((cpu - repeated) / 2)} s on 2 cores`,
  );
}

main(process.argv[2]);
