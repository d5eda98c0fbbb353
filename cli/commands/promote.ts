/**
 * promote: promotion by digest. `promote dev staging` releases on staging the image that dev runs, by its
 * digest, without a rebuild. The digest comes from dev's stack outputs and is checked against dev's cluster:
 * the promotion is refused unless dev's Deployment runs exactly that digest and its rollout is complete.
 * Then staging is pinned to it (imageRef, imageTag) and released as any release is (deliver.ts).
 */
import { command, requireStacks, UsageError } from "../command";
import { openStack, stackNames, stackOutputs } from "../engine/workspace";
import { releaseDigests } from "../release/deliver";
import { liveDeployment, unhealthyAt } from "../release/live";
import { configuredServices, pickService } from "../release/services";

export default command({
  name: "promote",
  summary: "release on <to> the image <from> runs, by digest, once <from> runs it healthy; no rebuild",
  usage: "<from> <to> [--service <name>]",
  options: {
    service: { type: "string", value: "<name>", description: "the service to promote (default: the stacks' only one)" },
  },
  common: ["timeout"],
  positionals: true,
  async run({ cwd, timeoutSeconds, options, positionals }) {
    const [from, to] = positionals;
    if (positionals.length !== 2 || !from || !to)
      throw new UsageError(`expected <from> <to>, got ${positionals.length} arguments: run \`tagship promote dev staging\``);
    if (from === to) throw new UsageError(`<from> and <to> are both "${from}": promote between two stacks`);
    requireStacks(await stackNames(cwd), [
      ["<from>", from],
      ["<to>", to],
    ]);
    const source = await stackOutputs(await openStack(cwd, from));
    const service = pickService(source, from, options.service);
    if (!service.imageRef || !service.imageTag)
      throw new Error(`stack ${from} has no output imageRef for ${service.name}: it has never been released; release it first`);
    const why = unhealthyAt(await liveDeployment(cwd, from, source, service), service.imageRef);
    if (why) throw new Error(`not promoting ${from} to ${to}: ${why}; promote only what runs healthy`);
    const target = await openStack(cwd, to);
    // A target that declares services must ship this one (promoting api's image into web would be a silent
    // mix-up); a target of one service from the stack-wide keys takes it whatever its name.
    const configured = configuredServices(await target.getAllConfig());
    const into = options.service ?? service.name;
    if (configured !== undefined && !configured.includes(into))
      throw new UsageError(
        `stack ${to} has no service ${into} (its services: ${configured.join(", ")}): promote a service between stacks that both ship it`,
      );
    console.log(`${from} runs ${service.name} ${service.imageTag} (${service.imageRef}), rollout complete: promoting to ${to}`);
    await releaseDigests({ stack: target, cwd, timeoutSeconds }, [{ service: into, imageRef: service.imageRef, tag: service.imageTag }]);
    console.log(`promoted: ${to} runs ${service.name} ${service.imageTag} (${service.imageRef}), built once, for ${from}`);
  },
});
