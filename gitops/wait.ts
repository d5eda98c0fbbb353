/**
 * The wait for Argo CD in a gitops release, once its commit is pushed: ask the Application to refresh, then wait
 * until it is Synced at that commit, its sync succeeded, it is Healthy, and every service's Deployment has rolled out
 * with no old pod taking new requests. Fails with Argo CD's reason and the Deployment's as soon as either says the
 * release failed, or at the timeout.
 */
import { applicationVerdict, awaitingMetrics, type AutoscalerCondition } from "../rollout/application";
import { connect, deploymentSnapshot, readRetrying, UNREACHABLE_SECONDS } from "../rollout/cluster";
import { canaryReader } from "../rollout/canary-await";
import { retirementReader } from "../rollout/retirement";
import { rolloutVerdict, type RolloutVerdict } from "../rollout/status";

export interface ArgoWaitArgs {
  /** The cluster Argo CD and the workload run in. @default KUBECONFIG or ~/.kube/config, its current context */
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly application: string;
  readonly argocdNamespace: string;
  /** The namespace of the workload, and its Deployments (one per service). */
  readonly namespace: string;
  readonly deployments: readonly string[];
  /** The commit the release pushed: Argo CD must be Synced at it, or at a later one that carries it. */
  readonly commit: string;
  /** Whether a later revision of the branch carries the release (see carriesRelease). @default none does */
  readonly carries?: (revision: string) => boolean;
  /** What the release ships, for the closing line: "version 1.4.0", "api 1.4.0, web 0.9.1". */
  readonly versions: string;
  readonly timeoutSeconds: number;
  /** Told each line of progress. */
  readonly log: (line: string) => void;
  /** Told each phase as it starts: "Argo CD notices the commit", "Argo CD syncs", "roll out". */
  readonly phase: (name: string) => void;
}

/** How long after an autoscaler got its metrics Argo CD may still report the Degraded health it had without them. */
const METRICS_GRACE_MS = 30_000;

/** The reference of an Argo CD Application, for the object API. */
export const applicationRef = (name: string, namespace: string) => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name, namespace },
});

/** Resolves once the release is live; throws with the reason when it failed or did not make it in time. */
export async function awaitArgo(a: ArgoWaitArgs): Promise<void> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const { application, namespace, deployments, commit, timeoutSeconds } = a;
  // Ask Argo CD to look now rather than at its next poll (every 3 minutes).
  a.phase("Argo CD notices the commit");
  const { client, kc } = await connect(a.kubeconfig, a.context);
  const objects = client.KubernetesObjectApi.makeApiClient(kc);
  const apps = kc.makeApiClient(client.AppsV1Api);
  const ref = applicationRef(application, a.argocdNamespace);
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
  // A service released by canary runs its pods through its Rollout (named like the Deployment): that says where it is.
  const canary = canaryReader({ client, kc }, namespace);
  // The first canary whose Rollout failed (aborted, inconclusive, refused), if any; rolling updates are left to
  // Argo CD's health, which says why in its own words.
  const failedCanary = async () => {
    for (const name of deployments) {
      const viaRollout = await canary(name, name);
      if (viaRollout?.verdict.state === "failed") return { name, ...viaRollout.verdict };
    }
    return undefined;
  };
  const deploymentVerdict = async () => {
    const verdicts = await Promise.all(
      deployments.map(async (name) => {
        const viaRollout = await canary(name, name);
        if (viaRollout) return { name, verdict: viaRollout.verdict };
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

  // A later revision that carries the release counts as its commit; each is asked about once.
  const judged = new Map<string, boolean>();
  const ours = (revision: string | undefined) => {
    if (revision === undefined || revision === commit || !a.carries) return revision;
    if (!judged.has(revision)) judged.set(revision, a.carries(revision));
    return judged.get(revision) ? commit : revision;
  };

  // Wait: Synced at this commit, the sync succeeded, Healthy, and the Deployment's rollout complete.
  let last = "";
  const stages = argoStages(a.phase);
  for (;;) {
    const app = (await readRetrying(() => objects.read(ref), {
      deadline: started + timeoutSeconds * 1000,
      onFirstFailure: (error) =>
        a.log(`  ${elapsed()}: cannot read Application ${application} (${error}); retrying for up to ${UNREACHABLE_SECONDS} s`),
      giveUp: (error, seconds) => new Error(`Application ${application}: reading it failed for ${seconds.toFixed(0)} s: ${error}`),
    })) as unknown as ArgoApplication;
    const verdict = applicationVerdict(
      {
        syncStatus: app.status?.sync?.status,
        syncRevision: ours(app.status?.sync?.revision),
        healthStatus: app.status?.health?.status,
        healthMessage: app.status?.health?.message,
        operationPhase: app.status?.operationState?.phase,
        operationMessage: app.status?.operationState?.message,
        operationRevision: ours(app.status?.operationState?.syncResult?.revision),
        unhealthy: (app.status?.resources ?? [])
          .filter((r) => r.health && r.health.status !== "Healthy")
          .map((r) => `${r.kind}/${r.name}: ${r.health?.status}${r.health?.message ? ` (${r.health.message})` : ""}`),
        errors: (app.status?.conditions ?? []).filter((c) => c.type.endsWith("Error")).map((c) => `${c.type}: ${c.message}`),
        ...(app.status?.health?.status === "Degraded" ? { awaitingMetrics: await autoscalersAwaitingMetrics() } : {}),
      },
      commit,
    );
    stages.observe(app, commit, ours);
    let detail = verdict.state === "progressing" ? verdict.detail : "";
    if (verdict.state === "progressing" && app.status?.sync?.status === "Synced" && ours(app.status.sync.revision) === commit) {
      // Synced at this commit: a canary that ended aborted or inconclusive is this release's outcome, whatever
      // Argo CD's health says yet (a Rollout paused on an inconclusive analysis is only Suspended there).
      const rollout = await failedCanary().catch(() => undefined);
      if (rollout) throw new Error(`Rollout ${namespace}/${rollout.name}: [${rollout.reason}] ${rollout.message}`);
    }
    if (verdict.state === "failed") {
      // Argo CD 3 keeps resource health out of the Application's status; the Deployment says what failed.
      const rollout = await deploymentVerdict().catch(() => undefined);
      const why = rollout?.state === "failed" ? `; Deployment ${namespace}/${rollout.name}: [${rollout.reason}] ${rollout.message}` : "";
      throw new Error(`Application ${a.argocdNamespace}/${application} did not roll out ${commit.slice(0, 12)}: ${verdict.message}${why}`);
    }
    if (verdict.state === "complete") {
      // Unreadable for a moment (see above): judged at the next round.
      const rollout = (await deploymentVerdict().catch(() => undefined)) ?? { state: "progressing" as const, detail: "reading it" };
      if (rollout.state === "complete") {
        a.log(
          `Application ${application} Synced at ${commit.slice(0, 12)} and Healthy, Deployment ${namespace}/${deployment} rolled out: release ${a.versions} live after ${elapsed()}`,
        );
        return;
      }
      if (rollout.state === "failed") throw new Error(`Deployment ${namespace}/${rollout.name}: [${rollout.reason}] ${rollout.message}`);
      detail = `Deployment: ${rollout.detail}`;
    }
    if (detail !== last) a.log(`  ${elapsed()}: ${(last = detail)}`);
    if (Date.now() - started > timeoutSeconds * 1000)
      throw new Error(`Application ${application}: not live after ${timeoutSeconds} s (${detail})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The phases of Argo CD's part, only ever forward (a poll may miss one): it noticed the commit (it compares
 * or syncs at it), then its sync succeeded and the Deployment rolls out.
 */
function argoStages(phase: (name: string) => void) {
  const order = ["Argo CD notices the commit", "Argo CD syncs", "roll out"];
  let reached = 0;
  return {
    observe(app: ArgoApplication, commit: string, ours: (revision: string | undefined) => string | undefined) {
      const operation = app.status?.operationState;
      const synced = operation?.phase === "Succeeded" && ours(operation.syncResult?.revision) === commit;
      const noticed = synced || ours(app.status?.sync?.revision) === commit || ours(operation?.syncResult?.revision) === commit;
      const stage = synced ? 2 : noticed ? 1 : 0;
      if (stage > reached) phase(order[(reached = stage)] as string);
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
