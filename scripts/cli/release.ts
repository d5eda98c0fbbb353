/**
 * One release of one stack, ending only when it is live, as every command that changes what runs does it
 * (ship, promote, rollback): `pulumi up` (which, in direct mode, waits for the rollout); then in gitops mode
 * the commit, the push and the wait for Argo CD (gitops.ts), or, after a switch back to direct mode, the
 * removal of the stack's manifests from the branch Argo CD read. A release that went live is recorded as the
 * stack's newest good release (history.ts), which rollback returns to.
 */
import { spawnSync } from "node:child_process";
import { pushAndWait, retireManifests, type StackOutputs } from "./gitops";
import { recordGoodRelease } from "./history";
import { pulumi, stackOutputs } from "./pulumi";

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
  const up = spawnSync("pulumi", ["up", "--stack", o.stackName, "--yes", "--non-interactive", ...(o.upArgs ?? [])], {
    cwd: o.cwd,
    stdio: "inherit",
  });
  if (up.status !== 0)
    throw new Error(`pulumi up of stack ${o.stackName} failed (exit ${up.status ?? up.signal}); the release is not live`);
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
