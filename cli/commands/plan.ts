/**
 * The rollout plan of one or more stacks as markdown, for a pull-request comment (scripts/cli/rollout-plan.ts
 * says what it contains). Each argument is a stack, previewed here with `pulumi preview --json` and read as
 * it is now with `pulumi stack export`, or `<stack>=<file>`, a preview already saved (`-` for standard input).
 *
 * Usage: node --import tsx scripts/cli/plan.ts [--cwd <project dir>] <stack>[=<preview.json>] ...
 */
import * as fs from "node:fs";
import { fail, parseCommandLine, projectDir } from "./command";
import { policyPackArgs, pulumi as runPulumi } from "./pulumi";
import { rolloutPlan, type PreviewJson, type StateResource } from "./rollout-plan";

const USAGE = "npm run plan -- [--cwd <project dir>] <stack>[=<preview.json>] ...";
const { values, positionals } = parseCommandLine(USAGE, { options: { cwd: { type: "string" } }, allowPositionals: true });
const cwd = projectDir(values.cwd);
if (positionals.length === 0) fail("name at least one stack, e.g. `plan dev` or `plan dev=preview-dev.json`");

function pulumi(stack: string, args: string[]): string {
  try {
    return runPulumi(cwd, stack, args);
  } catch (e) {
    fail((e as Error).message);
  }
}

function preview(stack: string, file: string | undefined): PreviewJson {
  let text: string;
  if (file === undefined) {
    text = pulumi(stack, ["preview", "--json", ...policyPackArgs(cwd)]);
  } else {
    try {
      text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (e) {
      fail(`${stack}=${file}: cannot read the preview (${(e as Error).message})`);
    }
  }
  try {
    const parsed = JSON.parse(text) as PreviewJson;
    if (!Array.isArray(parsed.steps)) throw new Error("no steps array");
    return parsed;
  } catch (e) {
    fail(`the preview of stack ${stack} is not the JSON of \`pulumi preview --json\` (${(e as Error).message})`);
  }
}

const stacks = positionals.map((arg) => {
  const [stack = "", file] = arg.split("=", 2);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack))
    fail(`"${arg}": allowed <stack> or <stack>=<preview.json>, with a stack name of letters, digits, _ . -`);
  const current =
    file === undefined
      ? ((JSON.parse(pulumi(stack, ["stack", "export"])) as { deployment?: { resources?: StateResource[] } }).deployment?.resources ?? [])
      : undefined;
  return { stack, preview: preview(stack, file), current };
});
process.stdout.write(`${rolloutPlan(stacks)}\n`);
