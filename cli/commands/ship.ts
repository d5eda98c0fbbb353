/**
 * ship: a release of one stack, ending only when it is live (deliver.ts): the engine's update, then in gitops
 * mode the push and the wait for Argo CD. scripts/up.sh runs it after the set-up, so `pulumi config set
 * imageTag X` and `make up` (or `tagship ship --stack <stack>`) are the whole release, and `pulumi config set
 * deliveryMode gitops|direct` followed by the same command is the whole switch.
 *
 * --rollback-on-failure: when the release does not go live, release the stack's last good digest again
 * (rollback does the same by hand) and still fail, naming both.
 */
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { serviceResourceNames } from "../../components/resource-names";
import { command, requireStacks, UsageError } from "../command";
import { openStack, stackNames, stackOutputs } from "../engine/workspace";
import type { Pin } from "../ledger/record";
import { releaseDigests, releaseStack, type ReleaseOptions } from "../release/deliver";
import type { Outputs } from "../release/gitops";
import { goodReleases } from "../release/history";
import { liveDeployment, runs } from "../release/live";
import { refuseQuarantined } from "../ledger/lookup";
import { readLedger } from "../ledger/store";
import { configuredImages, configuredServices, servicesOf } from "../release/services";

export default command({
  name: "ship",
  summary: "release a stack: pulumi up, then in gitops mode the push and the wait for Argo CD; ends when live",
  usage: "[--service <name>] [--rollback-on-failure] [--force]",
  options: {
    service: {
      type: "string",
      value: "<name>",
      description:
        "release only this service (its image, Secret and workload); the others keep what they run, even if their config changed",
    },
    "rollback-on-failure": {
      type: "boolean",
      default: false,
      description: "if the release does not go live, release the last good digest again (and still exit 1)",
    },
    force: { type: "boolean", default: false, description: "release a quarantined digest anyway (one whose release was aborted)" },
  },
  common: ["stack", "timeout"],
  positionals: false,
  async run({ cwd, stack: name, timeoutSeconds, options }) {
    // The stack's outputs are read beside the check that it exists: two runs of the CLI at once.
    const stack = await openStack(cwd, name);
    const [names, before] = await Promise.all([stackNames(cwd), stackOutputs(stack)]);
    requireStacks(names, [["--stack", name]]);
    // Read once, for both checks; a stack with neither check reads nothing.
    const config = options.service !== undefined || !options.force ? await stack.getAllConfig() : {};
    const targets = options.service === undefined ? undefined : await serviceTargets(stack, config, before, options.service);
    if (!options.force) await refusePinnedQuarantine(stack, config, before, options.service);
    const release: ReleaseOptions = { stack, cwd, timeoutSeconds, before, force: options.force, ...(targets ? { targets } : {}) };
    try {
      await releaseStack(release);
    } catch (e) {
      const failure = e instanceof Error ? e : new Error(String(e));
      if (!options["rollback-on-failure"]) throw failure;
      await rollBack(release, failure).catch((r: unknown) => {
        throw new Error(`${failure.message}\nthe rollback failed too: ${r instanceof Error ? r.message : String(r)}`);
      });
    }
  },
});

/**
 * Releases each service's last good digest again after a failed release, in one update; always ends in an error
 * naming the failure and what was done.
 */
async function rollBack(release: ReleaseOptions, failure: Error): Promise<never> {
  const { stack, cwd, timeoutSeconds } = release;
  // The outputs as the failed release left them, not as they were before it.
  const outputs = await stackOutputs(stack);
  const services = servicesOf(outputs);
  const pins: Pin[] = [];
  for (const svc of services) {
    const last = (await goodReleases(stack, { name: svc.name, only: services.length === 1 }))[0];
    if (!last) continue;
    const running = await liveDeployment(cwd, stack.name, outputs, svc).catch(() => undefined);
    // A service that runs its last good release already has nothing to go back to: if it is the one that
    // failed, its configuration did, and releasing the same digest again would fail the same way.
    if (running && runs(running, last)) continue;
    pins.push({ service: svc.name, imageRef: last.imageRef, tag: last.tag });
  }
  if (pins.length === 0) {
    throw new Error(
      `${failure.message}\nnot rolled back: the failing release is the last good one, so its configuration failed; fix it and release again`,
    );
  }
  const what = pins.map((p) => `${services.length === 1 ? "" : `${p.service} `}${p.tag} (${p.imageRef})`).join(", ");
  console.error(`release failed: ${failure.message.split("\n")[0]}\nrolling back to the last good release: ${what}`);
  await releaseDigests({ stack, cwd, timeoutSeconds, before: outputs, kind: "rollback" }, pins);
  throw new Error(`${failure.message}\nrolled back: stack ${stack.name} runs ${what} again`);
}

/**
 * The URNs of one service's resources, for a release of that service alone. The service must be one the stack
 * ships now or is configured to ship.
 */
async function serviceTargets(stack: Stack, config: ConfigMap, before: Outputs, service: string): Promise<string[]> {
  const configured = configuredServices(config) ?? [];
  const known = [...new Set([...servicesOf(before).map((s) => s.name), ...configured])];
  if (!known.includes(service))
    throw new UsageError(
      `--service = "${service}": stack ${stack.name} has no such service; its services: ${known.join(", ") || "none yet"}`,
    );
  const project = (await stack.workspace.projectSettings()).name;
  return serviceResourceNames(service).map((n) => `urn:pulumi:${stack.name}::${project}::**::${n}`);
}

/**
 * Refuses a release whose config pins a service (imageRef) to a quarantined digest, before anything runs. A build's
 * digest is known only once built, inside the update: the program refuses a quarantined one there (deliver.ts hands
 * it the stack's quarantined digests).
 */
async function refusePinnedQuarantine(stack: Stack, config: ConfigMap, before: Outputs, service: string | undefined): Promise<void> {
  const pinned = configuredImages(
    config,
    servicesOf(before).map((s) => s.name),
  ).filter((c) => c.digest !== "" && (service === undefined || c.service === service));
  if (pinned.length === 0) return;
  const ledger = await readLedger(stack);
  for (const c of pinned) refuseQuarantined(c.digest, [[stack.name, ledger]]);
}
