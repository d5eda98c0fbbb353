/**
 * affected: the stacks a change affects (cli/plan/affected.ts), as a JSON array for a workflow's matrix.
 * --exclude leaves out stacks the caller cannot reach (the workflows: dev, whose cluster is the local lab).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { command, UsageError } from "../command";
import { affectedStacks } from "../plan/affected";

export default command({
  name: "affected",
  summary: "the stacks a change since <git ref> affects, as a JSON array (for a workflow's matrix)",
  usage: "--base <git ref> [--exclude <stack,...>]",
  options: {
    base: { type: "string", value: "<git ref>", description: "the commit the change is compared with, e.g. origin/main" },
    exclude: { type: "string", value: "<stack,...>", default: "", description: "stacks to leave out" },
  },
  common: [],
  positionals: false,
  run({ cwd, options }) {
    if (!options.base) throw new UsageError("--base <git ref> is required: the commit the change is compared with, e.g. origin/main");
    const excluded = options.exclude.split(",").filter(Boolean);
    const changed = execFileSync("git", ["diff", "--name-only", `${options.base}...HEAD`], { cwd, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    const stacks = fs
      .readdirSync(cwd)
      .map((f) => /^Pulumi\.([^./]+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined && !excluded.includes(s))
      .sort();
    process.stdout.write(`${JSON.stringify(affectedStacks(changed, stacks))}\n`);
    return Promise.resolve();
  },
});
