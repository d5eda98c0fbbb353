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
import type { LedgerEntry, ReleaseKind } from "../ledger/entry";
import { openRelease, type OpenRelease, type Pin } from "../ledger/record";
import { builtFrom, quarantineRefusals } from "../ledger/lookup";
import { digestOf } from "../../components/image/reference";
import { abortedCanaries, type AbortedCanary } from "./canary-abort";
import { exitCode, policyPacks, stackOutputs, streamed, update } from "../engine/workspace";
import { QUARANTINE_VARIABLE, RELEASE_TIMEOUT_VARIABLE } from "../../gitops/protocol";
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
  /**
   * Run a quarantined digest anyway (`--force`). Otherwise the program refuses any the update would run, a build that
   * comes out as one among them.
   * @default false
   */
  readonly force?: boolean;
}

export async function releaseStack(o: ReleaseOptions): Promise<Outputs> {
  try {
    return await releaseOnce(o);
  } catch (e) {
    if (!(e instanceof CanaryAborted)) throw e;
    return await restoreStable(o, e);
  }
}

/** A release that Argo Rollouts aborted: its ledger entries say so; what the stable pods run is to be named again. */
class CanaryAborted extends Error {
  constructor(
    readonly aborted: readonly AbortedCanary[],
    /** The stack's ledger as the release read it at its start (newest first). */
    readonly ledger: readonly LedgerEntry[],
  ) {
    super(
      aborted
        .map((a) => `the canary of ${a.service} ${a.aborted.tag} ${a.judgedBad ? "was aborted" : "ended inconclusive"}: ${a.reason}`)
        .join("; "),
    );
  }
}

/**
 * After an aborted canary, names the stable version again as the stack's desired state: its config pins each such
 * service to what its stable pods run (imageRef and imageTag, as rollback does) and a release applies that, which in
 * gitops mode commits it to the branch, so that Argo CD is Synced and Healthy again and the next `pulumi up` does not
 * release the aborted version anew. The release still fails: it did not go live.
 */
async function restoreStable(o: ReleaseOptions, e: CanaryAborted): Promise<never> {
  for (const a of e.aborted) {
    console.log(
      `${a.service}: the canary of ${a.aborted.tag} ${a.judgedBad ? "was aborted" : "ended inconclusive"} (${a.reason}); its stable pods serve ${a.stable.tag} again`,
    );
  }
  console.log(`stack ${o.stack.name}: naming the stable versions again as the desired state`);
  const pins = e.aborted.map((a) => {
    const commit = builtFrom(e.ledger, digestOf(a.stable.imageRef));
    return { service: a.service, imageRef: a.stable.imageRef, tag: a.stable.tag, ...(commit ? { commit } : {}) };
  });
  await releaseDigests({ ...o, before: undefined, kind: "rollback", targets: undefined }, pins);
  const bad = e.aborted.filter((a) => a.judgedBad);
  const quarantined = bad.map((a) => `${digestOf(a.aborted.imageRef)} (${a.service} ${a.aborted.tag})`).join(", ");
  throw new Error(
    `${e.message}\nstack ${o.stack.name} runs and names ${pins.map((p) => `${p.service} ${p.tag}`).join(", ")} again` +
      (bad.length > 0 ? `; quarantined: ${quarantined}: ship, promote and rollback refuse it unless --force` : ""),
  );
}

async function releaseOnce(o: ReleaseOptions): Promise<Outputs> {
  const clock = new PhaseClock(commandStart(), "start: the command, the stack's outputs");
  const before = o.before ?? (await stackOutputs(o.stack));
  // A picture needs pods to watch: a stack that has a namespace on a cluster already.
  const recorder =
    before.namespace && before.cluster ? await recordRollout(o.cwd, o.stack.name, before, clock.origin).catch(() => undefined) : undefined;
  const opened = await openRelease(o.stack, o.cwd, o.kind ?? "ship");
  const engine = { changed: false };
  let outcome = "failed";
  let after: Outputs | undefined;
  let reason = "";
  let aborted: readonly AbortedCanary[] = [];
  try {
    after = await upAndWait(o, before, clock, engine, opened);
    outcome = `live, ${versions(after)}`;
    return after;
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
    // The release that names the stable version again (restoreStable) cannot end here: its template is the stable one.
    aborted = await canariesAborted(o, before);
    if (aborted.length > 0) {
      outcome = aborted.some((a) => a.judgedBad) ? "aborted" : "failed";
      reason = aborted.map((a) => a.reason).join("; ");
      throw new CanaryAborted(aborted, opened.ledger ?? []);
    }
    throw e;
  } finally {
    const config = after ? {} : await o.stack.getAllConfig().catch(() => ({}));
    await opened.close({
      // Aborted: judged bad, and so quarantined; a canary that found too few requests to judge only failed.
      outcome: after ? "live" : aborted.some((a) => a.judgedBad) ? "aborted" : "failed",
      reason,
      before,
      after,
      config,
      // An aborted canary is recorded with the digest it ran: the one its quarantine refuses.
      pins: aborted.length > 0 ? aborted.map((a) => ({ service: a.service, ...a.aborted })) : (o.pins ?? []),
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
async function up(
  o: ReleaseOptions,
  clock: PhaseClock,
  engine: { changed: boolean },
  ledger: readonly LedgerEntry[] | undefined,
): Promise<void> {
  clock.mark("engine: start");
  // The engine's process inherits this one's environment: how the program learns the command's --timeout, and the
  // digests it must not run.
  process.env[RELEASE_TIMEOUT_VARIABLE] = String(o.timeoutSeconds);
  const refusals = o.force || !ledger ? {} : quarantineRefusals(o.stack.name, ledger);
  process.env[QUARANTINE_VARIABLE] = Object.keys(refusals).length > 0 ? JSON.stringify(refusals) : "";
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

/** The services whose canary this failed release left aborted; none when the cluster cannot tell (warned). */
async function canariesAborted(o: ReleaseOptions, before: Outputs): Promise<readonly AbortedCanary[]> {
  try {
    return await abortedCanaries(o.cwd, o.stack.name, before, await o.stack.getAllConfig());
  } catch (e) {
    console.error(`warning: whether a canary was aborted could not be read: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    return [];
  }
}

async function upAndWait(
  o: ReleaseOptions,
  before: Outputs,
  clock: PhaseClock,
  engine: { changed: boolean },
  { tags, ledger }: Pick<OpenRelease, "tags" | "ledger">,
): Promise<Outputs> {
  // The good releases among the tags the ledger read at the start, so that recording the release once it is live is
  // one write per service; unread, recordGoodRelease reads them itself.
  const only = servicesOf(before).length === 1;
  const history = new Map(servicesOf(before).map((svc) => [svc.name, tags && entriesIn(tags, { name: svc.name, only })] as const));
  await up(o, clock, engine, ledger);
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
