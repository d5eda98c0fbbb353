/**
 * One release of one stack, ending only when it is live, as every command that changes what runs does it
 * (ship, promote, rollback): `pulumi up` (which, in direct mode, waits for the rollout); then in gitops mode
 * the commit, the push and the wait for Argo CD (gitops.ts), or, after a switch back to direct mode, the
 * removal of the stack's manifests from the branch Argo CD read. A release that went live is recorded as the
 * stack's newest good release (history.ts), which rollback returns to. For a stack that already runs, the
 * pods are watched throughout and the picture of the rollout is written (timeline.ts), live or not.
 */
import { spawn } from "node:child_process";
import { pushAndWait, retireManifests, type StackOutputs } from "./gitops";
import { recordGoodRelease } from "./history";
import { policyPackArgs, pulumi, stackOutputs } from "./pulumi";
import { recordRollout, timelineSvg, writeTimeline } from "./timeline";

export interface ReleaseOptions {
  readonly stackName: string;
  readonly cwd: string;
  /** Bound on the wait for Argo CD. */
  readonly timeoutSeconds: number;
  /** More `pulumi up` flags, e.g. --skip-preview. */
  readonly upArgs?: readonly string[];
}

export async function releaseStack(o: ReleaseOptions): Promise<StackOutputs> {
  const before = stackOutputs(o.cwd, o.stackName);
  const started = new Date();
  // A picture needs pods to watch: a stack that has a namespace on a cluster already.
  const recorder = before.namespace && before.cluster ? await recordRollout(o.cwd, o.stackName, before).catch(() => undefined) : undefined;
  let outcome = "failed";
  try {
    const after = await upAndWait(o, before);
    outcome = `live, version ${after.imageTag}`;
    return after;
  } finally {
    const samples = recorder?.stop() ?? [];
    if (samples.length > 0) {
      const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(1);
      // The dashed line: the pods ready once it settled, the stack's replicas.
      const ready = Object.values(samples.at(-1)?.ready ?? {}).reduce((a, b) => a + b, 0);
      const name = `${o.stackName}-${started.toISOString().replace(/[:.]/g, "")}`;
      const file = writeTimeline(o.cwd, name, timelineSvg(samples, `release of ${o.stackName}: ${outcome} after ${seconds} s`, ready));
      console.log(`rollout picture: ${file}`);
    }
  }
}

async function upAndWait(o: ReleaseOptions, before: StackOutputs): Promise<StackOutputs> {
  // Asynchronously: the rollout's watch (timeline.ts) runs on this event loop meanwhile.
  const up = spawn("pulumi", ["up", "--stack", o.stackName, "--yes", "--non-interactive", ...policyPackArgs(o.cwd), ...(o.upArgs ?? [])], {
    cwd: o.cwd,
    stdio: "inherit",
  });
  const exit = await new Promise<string | number>((resolve, reject) => {
    up.on("error", reject);
    up.on("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  if (exit !== 0) throw new Error(`pulumi up of stack ${o.stackName} failed (exit ${exit}); the release is not live`);
  const after = stackOutputs(o.cwd, o.stackName);
  const step = { stackName: o.stackName, cwd: o.cwd, log: (line: string) => console.log(line) };
  if (after.deliveryMode === "gitops") {
    console.log(`gitops: commit and push ${after.renderDirectory}, wait for Argo CD`);
    await pushAndWait(step, after, o.timeoutSeconds);
  } else if (before.deliveryMode === "gitops") {
    console.log(`back to direct mode: Pulumi applies the workload now; removing ${before.renderDirectory} from ${before.gitops?.repoUrl}`);
    await retireManifests(step, before, `hand ${o.stackName} back to direct mode`);
  }
  if (after.imageRef && after.imageTag) {
    recordGoodRelease(o.cwd, o.stackName, { imageRef: after.imageRef, tag: after.imageTag, at: new Date().toISOString() });
  }
  return after;
}

/** Pins the stack to an image by digest (no build) and releases it: how promote and rollback deploy. */
export async function releaseDigest(o: ReleaseOptions, imageRef: string, tag: string): Promise<StackOutputs> {
  pulumi(o.cwd, o.stackName, [
    "config",
    "set-all",
    "--plaintext",
    `tagship:imageRef=${imageRef}`,
    "--plaintext",
    `tagship:imageTag=${tag}`,
  ]);
  console.log(`stack ${o.stackName}: imageRef = ${imageRef}, imageTag = ${tag} (to release a new build later: pulumi config rm imageRef)`);
  return releaseStack(o);
}
