/**
 * promote: promotion by digest. `promote dev staging` releases on staging the image that dev runs, by its
 * digest, without a rebuild. The digest comes from dev's stack outputs and is checked against dev's cluster:
 * the promotion is refused unless dev's Deployment runs exactly that digest and its rollout is complete.
 * Then staging is pinned to it (imageRef, imageTag) and released as any release is (deliver.ts).
 */
import { command, requireStacks, UsageError } from "../command";
import { openStack, stackNames, stackOutputs } from "../engine/workspace";
import { releaseDigest } from "../release/deliver";
import { liveDeployment, unhealthyAt } from "../release/live";

export default command({
  name: "promote",
  summary: "release on <to> the image <from> runs, by digest, once <from> runs it healthy; no rebuild",
  usage: "<from> <to>",
  options: {},
  common: ["timeout"],
  positionals: true,
  async run({ cwd, timeoutSeconds, positionals }) {
    const [from, to] = positionals;
    if (positionals.length !== 2 || !from || !to)
      throw new UsageError(`expected <from> <to>, got ${positionals.length} arguments: run \`tagship promote dev staging\``);
    if (from === to) throw new UsageError(`<from> and <to> are both "${from}": promote between two stacks`);
    requireStacks(await stackNames(cwd), [
      ["<from>", from],
      ["<to>", to],
    ]);
    const source = await stackOutputs(await openStack(cwd, from));
    if (!source.imageRef || !source.imageTag)
      throw new Error(`stack ${from} has no output imageRef: it has never been released; release it first`);
    const why = unhealthyAt(await liveDeployment(cwd, from, source), source.imageRef);
    if (why) throw new Error(`not promoting ${from} to ${to}: ${why}; promote only what runs healthy`);
    console.log(`${from} runs ${source.imageTag} (${source.imageRef}), rollout complete: promoting to ${to}`);
    await releaseDigest({ stack: await openStack(cwd, to), cwd, timeoutSeconds }, source.imageRef, source.imageTag);
    console.log(`promoted: ${to} runs ${source.imageTag} (${source.imageRef}), built once, for ${from}`);
  },
});
