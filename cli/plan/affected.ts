/**
 * The stacks a change affects, as a JSON array for a workflow's matrix: a change to a stack's own
 * Pulumi.<stack>.yaml affects that stack; a change to anything the program is made of affects every stack;
 * documentation, tests and workflows affect none.
 *
 * --exclude leaves out stacks the caller cannot reach (the workflows: dev, whose cluster is the local lab).
 *
 * Usage: node --import tsx scripts/cli/affected.ts --base <git ref> [--exclude <stack,...>] [--cwd <dir>]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseCommandLine } from "./command";

const USAGE = "node --import tsx scripts/cli/affected.ts --base <git ref> [--exclude <stack,...>] [--cwd <dir>]";

/** Files that change no stack's deployment. */
const INERT = [/^README\.md$/, /^tests\//, /^\.github\//, /^\.ci\//, /\.md$/, /^scripts\/bench-/];

export function affectedStacks(changed: readonly string[], stacks: readonly string[]): string[] {
  const affected = new Set<string>();
  for (const file of changed) {
    const own = /^Pulumi\.([^./]+)\.yaml$/.exec(file);
    if (own?.[1]) {
      if (stacks.includes(own[1])) affected.add(own[1]);
    } else if (!INERT.some((re) => re.test(file))) {
      return [...stacks];
    }
  }
  return stacks.filter((s) => affected.has(s));
}

if (require.main === module) {
  const { values } = parseCommandLine(USAGE, {
    options: { base: { type: "string" }, exclude: { type: "string", default: "" }, cwd: { type: "string" } },
  });
  const excluded = values.exclude.split(",").filter(Boolean);
  const cwd = path.resolve(values.cwd ?? path.join(__dirname, "../.."));
  if (!values.base) {
    console.error("error: --base <git ref> is required: the commit the change is compared with, e.g. origin/main");
    process.exit(1);
  }
  const changed = execFileSync("git", ["diff", "--name-only", `${values.base}...HEAD`], { cwd, encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  const stacks = fs
    .readdirSync(cwd)
    .map((f) => /^Pulumi\.([^./]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && !excluded.includes(s))
    .sort();
  process.stdout.write(`${JSON.stringify(affectedStacks(changed, stacks))}\n`);
}
