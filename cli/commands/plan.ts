/**
 * plan: the rollout plan of one or more stacks as markdown, for a pull-request comment (cli/plan/rollout-plan.ts
 * says what it contains). Each argument is a stack, previewed here and read as it is now (its state), or
 * `<stack>=<file>`, a `pulumi preview --json` already saved (`-` for standard input).
 */
import * as fs from "node:fs";
import { command, UsageError } from "../command";
import { openStack, previewJson } from "../engine/workspace";
import { changesBetween } from "../ledger/source";
import { readLedger } from "../ledger/store";
import { rolloutPlan, type PreviewJson, type ServiceChangelog, type StateResource } from "../plan/rollout-plan";

/** The arguments, each a stack and perhaps a saved preview; a bad one is a usage error. */
function parseTargets(positionals: readonly string[]): { stack: string; file: string | undefined }[] {
  if (positionals.length === 0)
    throw new UsageError("name at least one stack, e.g. `tagship plan dev` or `tagship plan dev=preview-dev.json`");
  return positionals.map((arg) => {
    const [stack = "", file] = arg.split("=", 2);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack))
      throw new UsageError(`"${arg}": allowed <stack> or <stack>=<preview.json>, with a stack name of letters, digits, _ . -`);
    return { stack, file };
  });
}

async function preview(cwd: string, stack: string, file: string | undefined): Promise<PreviewJson> {
  let text: string;
  if (file === undefined) {
    text = await previewJson(cwd, stack);
  } else {
    try {
      text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (e) {
      throw new Error(`${stack}=${file}: cannot read the preview (${(e as Error).message})`);
    }
  }
  try {
    const parsed = JSON.parse(text) as PreviewJson;
    if (!Array.isArray(parsed.steps)) throw new Error("no steps array");
    return parsed;
  } catch (e) {
    throw new Error(`the preview of stack ${stack} is not the JSON of \`pulumi preview --json\` (${(e as Error).message})`);
  }
}

/** The stack's resources as they are now, for what the preview leaves out (it lists only what changes). */
async function currentResources(cwd: string, stack: string): Promise<StateResource[]> {
  const state = (await (await openStack(cwd, stack)).exportStack()) as { deployment?: { resources?: StateResource[] } };
  return state.deployment?.resources ?? [];
}

/**
 * Each service's changelog: the commits from its live release (the newest live entry of the stack's ledger) to
 * this checkout. None for a stack whose ledger cannot be read (a preview file of a stack not reachable here).
 */
async function changelogs(cwd: string, stack: string): Promise<Record<string, ServiceChangelog>> {
  const ledger = await readLedger(await openStack(cwd, stack)).catch(() => []);
  const out: Record<string, ServiceChangelog> = {};
  for (const e of ledger) {
    if (e.outcome !== "live" || e.service === "" || e.to === "" || e.service in out) continue;
    out[e.service] = { tag: e.tag, from: e.to, changes: changesBetween(cwd, e.to, "HEAD") };
  }
  return out;
}

export default command({
  name: "plan",
  summary: "the rollout plan of stacks as markdown, for a pull-request comment",
  usage: "<stack>[=<preview.json>] ...",
  options: {},
  common: [],
  positionals: true,
  async run({ cwd, positionals }) {
    const stacks = [];
    for (const { stack, file } of parseTargets(positionals)) {
      const current = file === undefined ? await currentResources(cwd, stack) : undefined;
      stacks.push({ stack, preview: await preview(cwd, stack, file), current, changelogs: await changelogs(cwd, stack) });
    }
    process.stdout.write(`${rolloutPlan(stacks)}\n`);
  },
});
