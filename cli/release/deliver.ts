/**
 * One release of one stack, ending only when it is live, as every command that changes what runs does it
 * (ship, promote, rollback, recover): the engine's update, which waits for the rollout in direct mode and, in
 * gitops mode, commits, pushes and waits for Argo CD (gitops/release.ts); then, after a switch back to direct
 * mode, the removal of the stack's manifests from the branch Argo CD read. A release that went
 * live is recorded as the stack's newest good release (history.ts), which rollback returns to. For a stack
 * that already runs, the pods are watched throughout and the picture of the rollout is written (timeline.ts),
 * live or not. Every release times its phases (phases.ts), prints them, and records them (record.ts).
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { ReleaseKind } from "../ledger/entry";
import { openRelease, type Pin } from "../ledger/record";
import { exitCode, policyPacks, stackOutputs, streamed, update } from "../engine/workspace";
import { RELEASE_TIMEOUT_VARIABLE } from "../../gitops/protocol";
import { repoPathOf, retireManifests, type Outputs } from "./gitops";
import { entriesIn, recordGoodRelease } from "./history";
import { engineEvents, PhaseClock } from "./phases";
import { commandStart, recordRelease } from "./record";
import { configuredServices, servicesOf, versions } from "./services";
import { recordRollout } from "./timeline";

export interface ReleaseOptions {
  readonly stack: Stack;
  /** The project directory. */
  readonly cwd: string;
  /** Bound on the wait for Argo CD, in seconds: the program reads it from RELEASE_TIMEOUT_VARIABLE. */
  readonly timeoutSeconds: number;
  /** The stack's outputs before the release, when the caller has read them already. */
  readonly before?: Outputs;
  /** Update only the resources with these URNs (wildcards allowed): `ship --service`. @default the whole stack */
  readonly targets?: readonly string[];
  /** The command that releases, as the stack's ledger records it. @default "ship" */
  readonly kind?: ReleaseKind;
  /** The services pinned by digest (promote, rollback), with the commits their images were built from. */
  readonly pins?: readonly Pin[];
}

export async function releaseStack(o: ReleaseOptions): Promise<Outputs> {
  const clock = new PhaseClock(commandStart(), "start: the command, the stack's outputs");
  const before = o.before ?? (await stackOutputs(o.stack));
  // A picture needs pods to watch: a stack that has a namespace on a cluster already.
  const recorder =
    before.namespace && before.cluster ? await recordRollout(o.cwd, o.stack.name, before, clock.origin).catch(() => undefined) : undefined;
  const ledger = await openRelease(o.stack, o.cwd, o.kind ?? "ship");
  const engine = { changed: false };
  let outcome = "failed";
  let after: Outputs | undefined;
  let reason = "";
  try {
    after = await upAndWait(o, before, clock, engine, ledger.tags);
    outcome = `live, ${versions(after)}`;
    return after;
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
    throw e;
  } finally {
    const config = after ? {} : await o.stack.getAllConfig().catch(() => ({}));
    await ledger.close({
      outcome: after ? "live" : "failed",
      reason,
      before,
      after,
      config,
      pins: o.pins ?? [],
      changedResources: engine.changed,
    });
    const record = {
      cwd: o.cwd,
      stackName: o.stack.name,
      outcome,
      phases: clock.finish(),
      origin: clock.origin,
      samples: recorder?.stop(),
    };
    try {
      recordRelease(record);
    } catch (e) {
      // The record is a report: failing to write it neither fails a live release nor hides why one failed.
      console.error(`warning: the release record was not written: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * The engine's update, printing as the CLI does. As everywhere in the Automation API, no separate preview runs
 * first: a second program run with its plugins and policy pack would add seconds to every release, and the
 * update checks the same config and policies before it changes anything.
 */
async function up(o: ReleaseOptions, clock: PhaseClock, engine: { changed: boolean }): Promise<void> {
  clock.mark("engine: start");
  // The engine's process inherits this one's environment: how the program learns the command's --timeout.
  process.env[RELEASE_TIMEOUT_VARIABLE] = String(o.timeoutSeconds);
  try {
    await update(o.stack, {
      policyPacks: policyPacks(o.cwd),
      ...(o.targets ? { target: [...o.targets] } : {}),
      ...streamed,
      onEvent: withChanges(engineEvents(clock), engine),
    });
  } catch (e) {
    // The engine's own output, streamed above, says why; the Automation API's error repeats all of it.
    throw new Error(`pulumi up of stack ${o.stack.name} failed (exit ${exitCode(e)}); the release is not live`);
  }
}

/** The engine's events passed on, noting whether the update changed any resource (its summary says). */
function withChanges(onEvent: (e: EngineEvent) => void, engine: { changed: boolean }): (e: EngineEvent) => void {
  return (e) => {
    onEvent(e);
    const counts = e.summaryEvent?.resourceChanges ?? {};
    if (Object.entries(counts).some(([op, n]) => op !== "same" && (n ?? 0) > 0)) engine.changed = true;
  };
}

async function upAndWait(
  o: ReleaseOptions,
  before: Outputs,
  clock: PhaseClock,
  engine: { changed: boolean },
  tags: Readonly<Record<string, string>> | undefined,
): Promise<Outputs> {
  // The good releases among the tags the ledger read at the start, so that recording the release once it is live is
  // one write per service; unread, recordGoodRelease reads them itself.
  const only = servicesOf(before).length === 1;
  const history = new Map(servicesOf(before).map((svc) => [svc.name, tags && entriesIn(tags, { name: svc.name, only })] as const));
  await up(o, clock, engine);
  clock.mark("read the stack's outputs");
  // After an update that succeeded, outputs that cannot be read are an error, not an empty stack.
  const after = await stackOutputs(o.stack, { required: true });
  const step = { stackName: o.stack.name, cwd: o.cwd, log: (line: string) => console.log(line) };
  if (after.deliveryMode !== "gitops" && before.deliveryMode === "gitops") {
    console.log(
      `back to direct mode: Pulumi applies the workload now; removing ${repoPathOf(before, o.stack.name)} from ${before.gitops?.repoUrl}`,
    );
    clock.mark("remove the manifests from git");
    await retireManifests(step, before, `hand ${o.stack.name} back to direct mode`);
  }
  clock.mark("record the good release");
  const services = servicesOf(after);
  const at = new Date().toISOString();
  for (const svc of services) {
    if (!svc.imageRef || !svc.imageTag) continue;
    const scope = { name: svc.name, only: services.length === 1 };
    // Entries read before are of the same service only while the stack's number of services stays the same.
    const known = servicesOf(before).length === services.length ? history.get(svc.name) : undefined;
    await recordGoodRelease(o.stack, scope, { imageRef: svc.imageRef, tag: svc.imageTag, at }, known);
  }
  return after;
}

/**
 * Pins services of the stack to images by digest (no build) and releases the stack: how promote and rollback
 * deploy. Each service's own imageRef and imageTag when the stack declares `services`, else the stack-wide keys
 * of its only service.
 */
export async function releaseDigests(o: ReleaseOptions, pins: readonly Pin[]): Promise<Outputs> {
  const config = await o.stack.getAllConfig();
  const prefix = (service: string) => (configuredServices(config) === undefined ? "tagship:" : `tagship:services.${service}.`);
  await o.stack.setAllConfig(
    Object.fromEntries(
      pins.flatMap((p) => [
        [`${prefix(p.service)}imageRef`, { value: p.imageRef, secret: false }],
        [`${prefix(p.service)}imageTag`, { value: p.tag, secret: false }],
      ]),
    ),
    true,
  );
  for (const p of pins) {
    console.log(
      `stack ${o.stack.name}: ${prefix(p.service)}imageRef = ${p.imageRef}, ${prefix(p.service)}imageTag = ${p.tag} (to release a new build later: pulumi config rm --path ${prefix(p.service)}imageRef)`,
    );
  }
  return releaseStack({ ...o, pins });
}
