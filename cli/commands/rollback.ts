/**
 * rollback: by digest. `rollback staging` releases on staging its newest good release (history.ts) other
 * than what its Deployment runs now (digest and version), or the one named with --to; pinned by digest,
 * nothing rebuilt. It goes through the same path as a release (deliver.ts): in gitops mode a commit that
 * Argo CD syncs, so it never fights Argo CD's auto-sync.
 */
import { command, requireStacks, UsageError } from "../command";
import { openStack, stackNames, stackOutputs } from "../engine/workspace";
import { releaseDigest } from "../release/deliver";
import { goodReleases } from "../release/history";
import { liveDeployment, runs } from "../release/live";

export default command({
  name: "rollback",
  summary: "release the stack's previous good release again, by digest",
  usage: "<stack> [--to <imageRef>]",
  options: {
    to: { type: "string", value: "<imageRef>", description: "the good release to return to (default: the newest one not running)" },
  },
  common: ["timeout"],
  positionals: true,
  async run({ cwd, timeoutSeconds, options, positionals }) {
    const name = positionals[0];
    if (positionals.length !== 1 || !name)
      throw new UsageError(`expected one stack name, got ${positionals.length}: run \`tagship rollback staging\``);
    requireStacks(await stackNames(cwd), [["<stack>", name]]);
    const stack = await openStack(cwd, name);
    const history = await goodReleases(stack);
    if (history.length === 0)
      throw new Error(
        `stack ${name} has no recorded good release (releases through make up or tagship ship record them): nothing to roll back to`,
      );
    const live = await liveDeployment(cwd, name, await stackOutputs(stack));
    const target = options.to ? history.find((r) => r.imageRef === options.to) : history.find((r) => !runs(live, r));
    if (!target && options.to)
      throw new UsageError(
        `--to = "${options.to}": not a good release of stack ${name}; known: ${history.map((r) => `${r.tag} ${r.imageRef}`).join(", ")}`,
      );
    if (!target)
      throw new Error(`stack ${name} runs its only recorded good release (${live.version}, ${live.image}): nothing older to roll back to`);
    console.log(
      `stack ${name} runs ${live.version} (${live.image}); rolling back to ${target.tag} (${target.imageRef}, live since ${target.at})`,
    );
    await releaseDigest({ stack, cwd, timeoutSeconds }, target.imageRef, target.tag);
    console.log(`rolled back: ${name} runs ${target.tag} (${target.imageRef})`);
  },
});
