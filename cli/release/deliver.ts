/**
 * One release of one stack, ending only when it is live, as every command that changes what runs does it
 * (ship, promote, rollback, recover): the engine's update (which, in direct mode, waits for the
 * rollout); then in gitops mode the commit, the push and the wait for Argo CD (gitops.ts), or, after a switch
 * back to direct mode, the removal of the stack's manifests from the branch Argo CD read. A release that went
 * live is recorded as the stack's newest good release (history.ts), which rollback returns to. For a stack
 * that already runs, the pods are watched throughout and the picture of the rollout is written (timeline.ts),
 * live or not. Every release times its phases (phases.ts), prints them, and records them (record.ts).
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { exitCode, policyPacks, stackOutputs, streamed, update } from "../engine/workspace";
import { pushAndWait, retireManifests, type Outputs } from "./gitops";
import { entries, recordGoodRelease } from "./history";
import { engineEvents, PhaseClock } from "./phases";
import { commandStart, recordRelease } from "./record";
import { recordRollout } from "./timeline";

export interface ReleaseOptions {
  readonly stack: Stack;
  /** The project directory. */
  readonly cwd: string;
  /** Bound on the wait for Argo CD. */
  readonly timeoutSeconds: number;
  /** The stack's outputs before the release, when the caller has read them already. */
  readonly before?: Outputs;
}

export async function releaseStack(o: ReleaseOptions): Promise<Outputs> {
  const clock = new PhaseClock(commandStart(), "start: the command, the stack's outputs");
  const before = o.before ?? (await stackOutputs(o.stack));
  // A picture needs pods to watch: a stack that has a namespace on a cluster already.
  const recorder =
    before.namespace && before.cluster ? await recordRollout(o.cwd, o.stack.name, before, clock.origin).catch(() => undefined) : undefined;
  let outcome = "failed";
  try {
    const after = await upAndWait(o, before, clock);
    outcome = `live, version ${after.imageTag}`;
    return after;
  } finally {
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
async function up(o: ReleaseOptions, clock: PhaseClock): Promise<void> {
  clock.mark("engine: start");
  try {
    await update(o.stack, { policyPacks: policyPacks(o.cwd), ...streamed, onEvent: engineEvents(clock) });
  } catch (e) {
    // The engine's own output, streamed above, says why; the Automation API's error repeats all of it.
    throw new Error(`pulumi up of stack ${o.stack.name} failed (exit ${exitCode(e)}); the release is not live`);
  }
}

async function upAndWait(o: ReleaseOptions, before: Outputs, clock: PhaseClock): Promise<Outputs> {
  // Read while the update runs, so that recording the release once it is live is one write.
  const history = entries(o.stack).catch(() => undefined);
  await up(o, clock);
  clock.mark("read the stack's outputs");
  // After an update that succeeded, outputs that cannot be read are an error, not an empty stack.
  const after = await stackOutputs(o.stack, { required: true });
  const step = { stackName: o.stack.name, cwd: o.cwd, log: (line: string) => console.log(line), clock };
  if (after.deliveryMode === "gitops") {
    console.log(`gitops: commit and push ${after.renderDirectory}, wait for Argo CD`);
    await pushAndWait(step, after, o.timeoutSeconds);
  } else if (before.deliveryMode === "gitops") {
    console.log(`back to direct mode: Pulumi applies the workload now; removing ${before.renderDirectory} from ${before.gitops?.repoUrl}`);
    clock.mark("remove the manifests from git");
    await retireManifests(step, before, `hand ${o.stack.name} back to direct mode`);
  }
  clock.mark("record the good release");
  if (after.imageRef && after.imageTag) {
    await recordGoodRelease(o.stack, { imageRef: after.imageRef, tag: after.imageTag, at: new Date().toISOString() }, await history);
  }
  return after;
}

/** Pins the stack to an image by digest (no build) and releases it: how promote and rollback deploy. */
export async function releaseDigest(o: ReleaseOptions, imageRef: string, tag: string): Promise<Outputs> {
  await o.stack.setAllConfig({ "tagship:imageRef": { value: imageRef, secret: false }, "tagship:imageTag": { value: tag, secret: false } });
  console.log(`stack ${o.stack.name}: imageRef = ${imageRef}, imageTag = ${tag} (to release a new build later: pulumi config rm imageRef)`);
  return releaseStack(o);
}
