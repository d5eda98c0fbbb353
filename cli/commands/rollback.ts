/**
 * Rollback by digest: `rollback staging` releases on staging its newest good release (history.ts) other than
 * what its Deployment runs now (digest and version), or the one named with --to; pinned by digest, nothing
 * rebuilt. It goes through the same path as a release (release.ts): in gitops mode a commit that Argo CD
 * syncs, so it never fights Argo CD's auto-sync.
 *
 * Usage: node --import tsx scripts/cli/rollback.ts <stack> [--to <imageRef>] [--cwd <dir>] [--timeout <s>]
 */
import { liveDeployment, runs } from "./deployment";
import { goodReleases } from "./history";
import { fail, parseCommandLine, projectDir, requireStacks, run } from "./command";
import { stackOutputs } from "./pulumi";
import { releaseDigest } from "./release";

const USAGE = "npm run rollback -- <stack> [--to <imageRef>] [--cwd <dir>] [--timeout <s>]";
const { values, positionals } = parseCommandLine(USAGE, {
  options: { to: { type: "string" }, cwd: { type: "string" }, timeout: { type: "string", default: "600" } },
  allowPositionals: true,
});
const cwd = projectDir(values.cwd);

async function main() {
  const stack = positionals[0];
  if (positionals.length !== 1 || !stack) fail(`expected one stack name, got ${positionals.length}: run \`npm run rollback -- staging\``);
  requireStacks(cwd, [["<stack>", stack]]);
  const history = goodReleases(cwd, stack);
  if (history.length === 0)
    fail(`stack ${stack} has no recorded good release (releases through make up or npm run ship record them): nothing to roll back to`);
  const live = await liveDeployment(cwd, stack, stackOutputs(cwd, stack));
  const target = values.to ? history.find((r) => r.imageRef === values.to) : history.find((r) => !runs(live, r));
  if (!target) {
    fail(
      values.to
        ? `--to = "${values.to}": not a good release of stack ${stack}; known: ${history.map((r) => `${r.tag} ${r.imageRef}`).join(", ")}`
        : `stack ${stack} runs its only recorded good release (${live.version}, ${live.image}): nothing older to roll back to`,
    );
  }
  console.log(
    `stack ${stack} runs ${live.version} (${live.image}); rolling back to ${target.tag} (${target.imageRef}, live since ${target.at})`,
  );
  await releaseDigest({ stackName: stack, cwd, timeoutSeconds: Number(values.timeout) }, target.imageRef, target.tag);
  console.log(`rolled back: ${stack} runs ${target.tag} (${target.imageRef})`);
}

run(main);
