/**
 * rollback: by digest. `rollback staging` releases on staging its newest good release (history.ts) other
 * than what its Deployment runs now (digest and version), or the one named with --to; pinned by digest,
 * nothing rebuilt. It goes through the same path as a release (deliver.ts): in gitops mode a commit that
 * Argo CD syncs, so it never fights Argo CD's auto-sync.
 */
import { command, oneStack, requireStacks, UsageError } from "../command";
import { openStack, stackNames, stackOutputs } from "../engine/workspace";
import { releaseDigests } from "../release/deliver";
import { digestOf } from "../../components/image/reference";
import { builtFrom, refuseQuarantined } from "../ledger/lookup";
import { readLedger } from "../ledger/store";
import { goodReleases } from "../release/history";
import { liveDeployment, runs } from "../release/live";
import { pickService, servicesOf } from "../release/services";

export default command({
  name: "rollback",
  summary: "release the stack's previous good release again, by digest",
  usage: "<stack> [--service <name>] [--to <imageRef>] [--force]",
  options: {
    service: { type: "string", value: "<name>", description: "the service to roll back (default: the stack's only one)" },
    to: { type: "string", value: "<imageRef>", description: "the good release to return to (default: the newest one not running)" },
    force: { type: "boolean", default: false, description: "release a quarantined digest anyway (one whose release was aborted)" },
  },
  common: ["timeout"],
  positionals: true,
  async run({ cwd, timeoutSeconds, options, positionals }) {
    const name = oneStack(positionals, "tagship rollback staging");
    requireStacks(await stackNames(cwd), [["<stack>", name]]);
    const stack = await openStack(cwd, name);
    const outputs = await stackOutputs(stack);
    const service = pickService(outputs, name, options.service);
    // One service: the stack's name, as before services existed; several: <stack>/<service>.
    const label = servicesOf(outputs).length === 1 ? name : `${name}/${service.name}`;
    const of = `stack ${label}`;
    const [history, ledger] = await Promise.all([
      goodReleases(stack, { name: service.name, only: servicesOf(outputs).length === 1 }),
      readLedger(stack),
    ]);
    if (history.length === 0)
      throw new Error(`${of} has no recorded good release (releases through make up or tagship ship record them): nothing to roll back to`);
    const live = await liveDeployment(cwd, name, outputs, service);
    const target = options.to ? history.find((r) => r.imageRef === options.to) : history.find((r) => !runs(live, r));
    if (!target && options.to)
      throw new UsageError(
        `--to = "${options.to}": not a good release of ${of}; known: ${history.map((r) => `${r.tag} ${r.imageRef}`).join(", ")}`,
      );
    if (!target)
      throw new Error(`${of} runs its only recorded good release (${live.version}, ${live.image}): nothing older to roll back to`);
    if (!options.force) refuseQuarantined(digestOf(target.imageRef), [[name, ledger]]);
    console.log(`${of} runs ${live.version} (${live.image}); rolling back to ${target.tag} (${target.imageRef}, live since ${target.at})`);
    const commit = builtFrom(ledger, digestOf(target.imageRef));
    await releaseDigests({ stack, cwd, timeoutSeconds, kind: "rollback", force: options.force }, [
      { service: service.name, imageRef: target.imageRef, tag: target.tag, ...(commit ? { commit } : {}) },
    ]);
    console.log(`rolled back: ${label} runs ${target.tag} (${target.imageRef})`);
  },
});
