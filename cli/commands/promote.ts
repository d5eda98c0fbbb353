/**
 * promote: promotion by digest. `promote dev staging` releases on staging the image that dev runs, by its
 * digest, without a rebuild. The digest comes from dev's stack outputs and is checked against dev's cluster:
 * the promotion is refused unless dev's Deployment runs exactly that digest and its rollout is complete.
 * Then staging is pinned to it (imageRef, imageTag) and released as any release is (deliver.ts).
 */
import { command, requireStacks, UsageError } from "../command";
import { openStack, stackNames, stackOutputs } from "../engine/workspace";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { digestOf, repositoryOf } from "../../components/image/reference";
import { copyImage, pullRepository, registryLogins } from "../release/copy-image";
import { builtFrom, refuseQuarantined } from "../ledger/lookup";
import { readLedger } from "../ledger/store";
import { releaseDigests } from "../release/deliver";
import { liveDeployment, unhealthyAt } from "../release/live";
import { configuredServices, pickService } from "../release/services";

/** This checkout, whose toolchain/ builds crane. */
const TOOLCHAIN_ROOT = path.join(__dirname, "..", "..");

export default command({
  name: "promote",
  summary: "release on <to> the image <from> runs, by digest, once <from> runs it healthy; no rebuild",
  usage: "<from> <to> [--service <name>] [--force]",
  options: {
    service: { type: "string", value: "<name>", description: "the service to promote (default: the stacks' only one)" },
    force: { type: "boolean", default: false, description: "release a quarantined digest anyway (one whose release was aborted)" },
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
    const sourceStack = await openStack(cwd, from);
    const source = await stackOutputs(sourceStack);
    const service = pickService(source, from, options.service);
    if (!service.imageRef || !service.imageTag)
      throw new Error(`stack ${from} has no output imageRef for ${service.name}: it has never been released; release it first`);
    const why = unhealthyAt(await liveDeployment(cwd, from, source, service), service.imageRef);
    if (why) throw new Error(`not promoting ${from} to ${to}: ${why}; promote only what runs healthy`);
    const target = await openStack(cwd, to);
    const [fromLedger, toLedger] = await Promise.all([readLedger(sourceStack), readLedger(target)]);
    const digest = digestOf(service.imageRef);
    if (!options.force)
      refuseQuarantined(digest, [
        [from, fromLedger],
        [to, toLedger],
      ]);
    // A target that declares services must ship this one (promoting api's image into web would be a silent
    // mix-up); a target of one service from the stack-wide keys takes it whatever its name.
    const config = await target.getAllConfig();
    const configured = configuredServices(config);
    const into = options.service ?? service.name;
    if (configured !== undefined && !configured.includes(into))
      throw new UsageError(
        `stack ${to} has no service ${into} (its services: ${configured.join(", ")}): promote a service between stacks that both ship it`,
      );
    console.log(`${from} runs ${service.name} ${service.imageTag} (${service.imageRef}), rollout complete: promoting to ${to}`);
    const imageRef = await intoTargetRegistry(service.imageRef, service.imageTag, sourceStack.getAllConfig(), config, into);
    const commit = builtFrom(fromLedger, digest);
    await releaseDigests({ stack: target, cwd, timeoutSeconds, kind: "promote", force: options.force }, [
      { service: into, imageRef, tag: service.imageTag, ...(commit ? { commit } : {}) },
    ]);
    console.log(`promoted: ${to} runs ${service.name} ${service.imageTag} (${imageRef}), built once, for ${from}`);
  },
});

/**
 * The reference the target is pinned to: the source's own, or, when the target pulls from a registry or repository
 * of its own, the copy made there by digest (the same digest, checked).
 */
async function intoTargetRegistry(imageRef: string, tag: string, sourceConfig: Promise<ConfigMap>, target: ConfigMap, service: string) {
  const from = repositoryOf(imageRef);
  const to = pullRepository(target, service, from);
  if (to === undefined || to === from) return imageRef;
  const copied = copyImage(
    { from: imageRef, to, tag, logins: { ...registryLogins(await sourceConfig), ...registryLogins(target) } },
    TOOLCHAIN_ROOT,
  );
  console.log(`copied ${imageRef} into ${to}: ${copied}, the same digest`);
  return copied;
}
