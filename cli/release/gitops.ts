/**
 * What the commands read of a stack's gitops outputs, and, once a stack has left gitops mode, the removal of its
 * manifests from the branch Argo CD read. The release itself (commit, push, wait for Argo CD) runs inside
 * `pulumi up` (gitops/release.ts).
 */
import * as path from "node:path";
// The rollout's parts one by one: its index also loads the program's wait and with it the Pulumi SDK.
import { publish } from "../../gitops/publish";
import { applicationRef } from "../../gitops/wait";
import type { StackOutputs } from "../../release";
import { connect, orAbsent } from "../../rollout/cluster";

/** The outputs of a stack, as far as it has any: one that was never updated has none. */
export type Outputs = Partial<StackOutputs>;

export interface GitopsStep {
  readonly stackName: string;
  /** The project directory, in the git repository the release commits from. */
  readonly cwd: string;
  readonly log: (line: string) => void;
}

/** Where a stack's manifests live in its repository (older stacks rendered them there too: renderDirectory). */
export function repoPathOf(outputs: Outputs, stackName: string): string {
  return outputs.gitops?.repoPath ?? required(outputs.renderDirectory, "renderDirectory", stackName);
}

export function required<T>(value: T | undefined, what: string, stackName: string): T {
  if (value === undefined || value === "") throw new Error(`stack ${stackName} has no output ${what}: run its \`pulumi up\` first`);
  return value;
}

/** The stack's cluster, from its `cluster` output. */
export async function clusterOf(cwd: string, stackName: string, outputs: Outputs) {
  const cluster = required(outputs.cluster, "cluster", stackName);
  const { client, kc } = await connect(cluster.kubeconfig && path.resolve(cwd, cluster.kubeconfig), cluster.kubeContext || undefined);
  return { client, kc, objects: client.KubernetesObjectApi.makeApiClient(kc), apps: kc.makeApiClient(client.AppsV1Api) };
}

/**
 * Once a stack's Application is gone (a switch back to direct mode, or the environment removed) and the render
 * provider has deleted deploy/<stack>/: commit ("<reason>: remove deploy/<stack>") and push the removal of the
 * stack's manifests, so that a later Application never syncs stale ones. `previous` are the stack's outputs
 * from when it was in gitops mode.
 */
export async function retireManifests(step: GitopsStep, previous: Outputs, reason: string): Promise<void> {
  const gitops = required(previous.gitops, "gitops (before the switch)", step.stackName);
  const dir = repoPathOf(previous, step.stackName);
  const application = required(previous.applicationName, "applicationName (before the switch)", step.stackName);
  // With the Application still there, removing its manifests would make Argo CD prune the live workload.
  const { objects } = await clusterOf(step.cwd, step.stackName, previous);
  const stillThere = (await orAbsent(objects.read(applicationRef(application, gitops.argocdNamespace)), undefined)) !== undefined;
  if (stillThere) {
    throw new Error(
      `Application ${gitops.argocdNamespace}/${application} still exists: removing ${dir} from ${gitops.repoUrl} would make Argo CD delete the workload; delete the Application first (\`pulumi up\` in direct mode, or \`pulumi destroy\`)`,
    );
  }
  const message = `${reason}: remove ${dir}`;
  const { commit, changed } = await publish(
    step.cwd,
    { repoUrl: gitops.repoUrl, branch: gitops.revision, repoPath: dir, message },
    step.log,
  );
  step.log(
    changed
      ? `committed ${commit.slice(0, 12)} "${message}", pushed to ${gitops.repoUrl} ${gitops.revision}`
      : `${dir} already gone from ${gitops.repoUrl} ${gitops.revision} (at ${commit.slice(0, 12)})`,
  );
}
