/**
 * Promotion by digest: `promote dev staging` releases on staging the image that dev runs, by its digest,
 * without a rebuild. The digest comes from dev's stack outputs and is checked against dev's cluster: the
 * promotion is refused unless dev's Deployment runs exactly that digest and its rollout is complete.
 * Then staging is pinned to it (imageRef, imageTag) and released as any release is (release.ts).
 *
 * Usage: node --import tsx scripts/cli/promote.ts <from> <to> [--cwd <dir>] [--timeout <s>]
 */
import { liveDeployment, unhealthyAt } from "./deployment";
import { fail, parseCommandLine, projectDir, requireStacks, run } from "./command";
import { stackOutputs } from "./pulumi";
import { releaseDigest } from "./release";

const USAGE = "npm run promote -- <from> <to> [--cwd <dir>] [--timeout <s>]";
const { values, positionals } = parseCommandLine(USAGE, {
  options: { cwd: { type: "string" }, timeout: { type: "string", default: "600" } },
  allowPositionals: true,
});
const cwd = projectDir(values.cwd);

async function main() {
  const [from, to] = positionals;
  if (positionals.length !== 2 || !from || !to)
    fail(`expected <from> <to>, got ${positionals.length} arguments: run \`npm run promote -- dev staging\``);
  requireStacks(cwd, [
    ["<from>", from],
    ["<to>", to],
  ]);
  if (from === to) fail(`<from> and <to> are both "${from}": promote between two stacks`);
  const source = stackOutputs(cwd, from);
  if (!source.imageRef || !source.imageTag) fail(`stack ${from} has no output imageRef: it has never been released; release it first`);
  const live = await liveDeployment(cwd, from, source);
  const why = unhealthyAt(live, source.imageRef);
  if (why) fail(`not promoting ${from} to ${to}: ${why}; promote only what runs healthy`);
  console.log(`${from} runs ${source.imageTag} (${source.imageRef}), rollout complete: promoting to ${to}`);
  await releaseDigest({ stackName: to, cwd, timeoutSeconds: Number(values.timeout) }, source.imageRef, source.imageTag);
  console.log(`promoted: ${to} runs ${source.imageTag} (${source.imageRef}), built once, for ${from}`);
}

run(main);
