/**
 * The git half of a gitops release, after `pulumi up` has rendered deploy/<stack>/ and applied the
 * Application (deliver.ts runs it): commit the rendered manifests on the tip of the branch Argo CD tracks and
 * push them there (publish.ts; never the user's own branch), ask Argo CD to refresh, and wait until the Application is Synced at that commit and Healthy and the
 * Deployment's rollout is complete. And, once a stack has left gitops mode, the removal of its manifests
 * from that branch.
 */
import * as path from "node:path";
// The rollout's parts one by one: its index also loads the program's wait and with it the Pulumi SDK.
import { applicationVerdict, awaitingMetrics, type AutoscalerCondition } from "../../rollout/application";
import { connect, deploymentSnapshot, orAbsent, readRetrying, UNREACHABLE_SECONDS } from "../../rollout/cluster";
import { retirementReader } from "../../rollout/retirement";
import { rolloutVerdict, type RolloutVerdict } from "../../rollout/status";
import type { StackOutputs } from "../../release";
import type { PhaseClock } from "./phases";
import { publish } from "./publish";
import { servicesOf, versions } from "./services";

/** The outputs of a stack, as far as it has any: one that was never updated has none. */
export type Outputs = Partial<StackOutputs>;

export interface GitopsStep {
  readonly stackName: string;
  /** The project directory: the git working tree where deploy/<stack>/ is rendered. */
  readonly cwd: string;
  readonly log: (line: string) => void;
  /** The release's phases, moved along as the push and Argo CD progress. */
  readonly clock?: PhaseClock;
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

/** How long after an autoscaler got its metrics Argo CD may still report the Degraded health it had without them. */
const METRICS_GRACE_MS = 30_000;

const applicationRef = (name: string, namespace: string) => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name, namespace },
});

/** Push the rendered manifests and wait until Argo CD has them live. Throws with the reason if it fails. */
export async function pushAndWait(step: GitopsStep, outputs: Outputs, timeoutSeconds: number): Promise<void> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const gitops = required(outputs.gitops, "gitops", step.stackName);
  const dir = repoPathOf(outputs, step.stackName);
  const rendered = path.resolve(step.cwd, required(outputs.renderDirectory, "renderDirectory", step.stackName));
  const application = required(outputs.applicationName, "applicationName", step.stackName);
  const namespace = required(outputs.namespace, "namespace", step.stackName);
  const services = servicesOf(outputs);
  const deployments = services.map((svc) => required(svc.deploymentName, `services.${svc.name}.deploymentName`, step.stackName));
  if (deployments.length === 0) throw new Error(`stack ${step.stackName} has no service: run its \`pulumi up\` first`);
  const tag = versions(outputs);

  // 1. Commit exactly the stack's rendered manifests on the tracked branch's tip, and push it.
  step.clock?.mark("commit and push");
  const subject = `release ${step.stackName} ${services.length === 1 ? (services[0]?.imageTag ?? "") : tag}`;
  const body = services.map((svc) => `${svc.name} ${svc.imageTag ?? ""} ${svc.imageRef ?? ""}`.trim()).join("\n");
  const { commit, changed } = await publish(
    step.cwd,
    {
      repoUrl: gitops.repoUrl,
      branch: gitops.revision,
      repoPath: dir,
      from: rendered,
      message: `${subject}\n\n${body}`,
    },
    step.log,
  );
  step.log(
    `${changed ? "committed" : "no change in"} ${dir}: ${commit.slice(0, 12)} "${subject}", ${changed ? "pushed to" : "already on"} ${gitops.repoUrl} ${gitops.revision} (${elapsed()})`,
  );

  // 2. Ask Argo CD to look now rather than at its next poll (every 3 minutes).
  step.clock?.mark("Argo CD notices the commit");
  const { client, kc, objects, apps } = await clusterOf(step.cwd, step.stackName, outputs);
  const ref = applicationRef(application, gitops.argocdNamespace);
  await objects.patch(
    { ...ref, metadata: { ...ref.metadata, annotations: { "argocd.argoproj.io/refresh": "normal" } } },
    undefined,
    undefined,
    "tagship",
    undefined,
    client.PatchStrategy.MergePatch,
  );

  // Every service's Deployment, judged as one: failed if any failed, complete when all are and no old pod
  // takes new requests any more.
  const retirement = retirementReader({ client, kc }, namespace);
  const deploymentVerdict = async () => {
    const verdicts = await Promise.all(
      deployments.map(async (name) => {
        const d = await apps.readNamespacedDeployment({ name, namespace });
        const rollout = rolloutVerdict(deploymentSnapshot(d));
        return { name, verdict: rollout.state === "complete" ? await retirement(d) : rollout };
      }),
    );
    return combinedVerdict(verdicts);
  };
  const deployment = deployments.length === 1 ? deployments[0] : `{${deployments.join(",")}}`;

  // Autoscalers Argo CD calls Degraded only for want of metrics yet; each is named like its Deployment. Argo CD
  // recomputes health from its own watch, so for a moment after the metrics arrive it may still say Degraded: that
  // moment (METRICS_GRACE_MS) is waited out too.
  let lastAwaitingAt = 0;
  const autoscalersAwaitingMetrics = async (): Promise<string[]> => {
    const waiting = await autoscalersWithoutMetrics();
    if (waiting.length > 0) lastAwaitingAt = Date.now();
    else if (Date.now() - lastAwaitingAt < METRICS_GRACE_MS) return ["metrics arrived; Argo CD has yet to recompute its health"];
    return waiting;
  };
  const autoscalersWithoutMetrics = async (): Promise<string[]> => {
    const found = await Promise.all(
      deployments.map(async (name) => {
        const hpa = (await objects
          .read({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name, namespace } })
          .catch(() => undefined)) as { status?: { conditions?: AutoscalerCondition[] } } | undefined;
        const why = awaitingMetrics(hpa?.status?.conditions ?? []);
        return why === undefined ? [] : [`${name}: ${why}`];
      }),
    );
    return found.flat();
  };

  // 3. Wait: Synced at this commit, the sync succeeded, Healthy, and the Deployment's rollout complete.
  let last = "";
  const stages = argoStages(step.clock);
  for (;;) {
    const app = (await readRetrying(() => objects.read(ref), {
      deadline: started + timeoutSeconds * 1000,
      onFirstFailure: (error) =>
        step.log(`  ${elapsed()}: cannot read Application ${application} (${error}); retrying for up to ${UNREACHABLE_SECONDS} s`),
      giveUp: (error, seconds) => new Error(`Application ${application}: reading it failed for ${seconds.toFixed(0)} s: ${error}`),
    })) as unknown as ArgoApplication;
    const verdict = applicationVerdict(
      {
        syncStatus: app.status?.sync?.status,
        syncRevision: app.status?.sync?.revision,
        healthStatus: app.status?.health?.status,
        healthMessage: app.status?.health?.message,
        operationPhase: app.status?.operationState?.phase,
        operationMessage: app.status?.operationState?.message,
        operationRevision: app.status?.operationState?.syncResult?.revision,
        unhealthy: (app.status?.resources ?? [])
          .filter((r) => r.health && r.health.status !== "Healthy")
          .map((r) => `${r.kind}/${r.name}: ${r.health?.status}${r.health?.message ? ` (${r.health.message})` : ""}`),
        errors: (app.status?.conditions ?? []).filter((c) => c.type.endsWith("Error")).map((c) => `${c.type}: ${c.message}`),
        ...(app.status?.health?.status === "Degraded" ? { awaitingMetrics: await autoscalersAwaitingMetrics() } : {}),
      },
      commit,
    );
    stages.observe(app, commit);
    let detail = verdict.state === "progressing" ? verdict.detail : "";
    if (verdict.state === "failed") {
      // Argo CD 3 keeps resource health out of the Application's status; the Deployment says what failed.
      const rollout = await deploymentVerdict().catch(() => undefined);
      const why = rollout?.state === "failed" ? `; Deployment ${namespace}/${rollout.name}: [${rollout.reason}] ${rollout.message}` : "";
      throw new Error(
        `Application ${gitops.argocdNamespace}/${application} did not roll out ${commit.slice(0, 12)}: ${verdict.message}${why}`,
      );
    }
    if (verdict.state === "complete") {
      // Unreadable for a moment (see above): judged at the next round.
      const rollout = (await deploymentVerdict().catch(() => undefined)) ?? { state: "progressing" as const, detail: "reading it" };
      if (rollout.state === "complete") {
        step.log(
          `Application ${application} Synced at ${commit.slice(0, 12)} and Healthy, Deployment ${namespace}/${deployment} rolled out: release ${tag} live after ${elapsed()}`,
        );
        return;
      }
      if (rollout.state === "failed") throw new Error(`Deployment ${namespace}/${rollout.name}: [${rollout.reason}] ${rollout.message}`);
      detail = `Deployment: ${rollout.detail}`;
    }
    if (detail !== last) step.log(`  ${elapsed()}: ${(last = detail)}`);
    if (Date.now() - started > timeoutSeconds * 1000)
      throw new Error(`Application ${application}: not live after ${timeoutSeconds} s (${detail})`);
    await new Promise((r) => setTimeout(r, 500));
  }
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

/**
 * The phases of Argo CD's part, only ever forward (a poll may miss one): it noticed the commit (it compares
 * or syncs at it), then its sync succeeded and the Deployment rolls out.
 */
function argoStages(clock: PhaseClock | undefined) {
  const order = ["Argo CD notices the commit", "Argo CD syncs", "roll out"];
  let reached = 0;
  return {
    observe(app: ArgoApplication, commit: string) {
      const operation = app.status?.operationState;
      const synced = operation?.phase === "Succeeded" && operation.syncResult?.revision === commit;
      const noticed = synced || app.status?.sync?.revision === commit || operation?.syncResult?.revision === commit;
      const stage = synced ? 2 : noticed ? 1 : 0;
      if (stage > reached) clock?.mark(order[(reached = stage)] as string);
    },
  };
}

interface ArgoApplication {
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; syncResult?: { revision?: string } };
    resources?: { kind: string; name: string; health?: { status?: string; message?: string } }[];
    conditions?: { type: string; message: string }[];
  };
}

/** A Deployment's verdict, with the Deployment it is about. */
export type NamedVerdict = RolloutVerdict & { readonly name: string };

/**
 * Several Deployments' verdicts as one: the first failure, else the first still in progress (its detail naming
 * the Deployment when there are several), else complete.
 */
export function combinedVerdict(judged: readonly { readonly name: string; readonly verdict: RolloutVerdict }[]): NamedVerdict {
  const failed = judged.find((j) => j.verdict.state === "failed");
  if (failed) return { ...failed.verdict, name: failed.name };
  for (const { name, verdict } of judged) {
    if (verdict.state === "progressing")
      return { state: "progressing", detail: judged.length === 1 ? verdict.detail : `${name}: ${verdict.detail}`, name };
  }
  return { state: "complete", name: judged.map((j) => j.name).join(",") };
}
