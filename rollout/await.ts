import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { connect, deploymentSnapshot, readRetrying, UNREACHABLE_SECONDS } from "./cluster";
import { diagnosePods, type EventSnapshot, type PodSnapshot } from "./diagnose";
import { retirementReader } from "./retirement";
import { rolloutVerdict } from "./status";
import { waitForCanary } from "./canary-await";

export interface AwaitRolloutArgs {
  /** The Deployment to wait for; the wait starts once Pulumi has applied it. */
  readonly deployment: k8s.apps.v1.Deployment;
  /**
   * The canary's Argo Rollouts Rollout, when the workload has one: it runs the Deployment's pod template, so the wait
   * follows it instead (canary-await.ts), once both are applied.
   */
  readonly canary?: k8s.apiextensions.CustomResource;
  /** Path of the kubeconfig. @default KUBECONFIG or ~/.kube/config, as the Kubernetes provider */
  readonly kubeconfig?: string;
  /** Context in the kubeconfig. @default its current context */
  readonly context?: string;
  /** Upper bound on the whole wait, in seconds; a stalled rollout fails sooner, at its progress deadline. */
  readonly timeoutSeconds: number;
  /** Seconds between reads of the Deployment. @default 0.5 */
  readonly pollSeconds?: number;
  /**
   * Seconds the API server may stay unreachable (a restart, a network blip) before the wait gives up; the
   * rollout goes on in the cluster meanwhile. @default UNREACHABLE_SECONDS (90)
   */
  readonly unreachableSeconds?: number;
}

export interface RolloutResult {
  /** The Deployment's revision (annotation deployment.kubernetes.io/revision) that is now live. */
  readonly revision: string;
  readonly readyReplicas: number;
}

/**
 * Waits, during `pulumi up`, until the Deployment's rollout is complete (every pod new and available, no old
 * pod left) and fails as soon as the Deployment reports ProgressDeadlineExceeded, naming it, the reason and
 * what its new pods are stuck on. The Kubernetes provider's own await would report that failure only at its
 * timeout; the Deployment therefore carries pulumi.com/skipAwait and this wait takes over.
 *
 * In a preview nothing is waited for and the result is unknown.
 */
export function awaitRollout(args: AwaitRolloutArgs): pulumi.Output<RolloutResult> {
  // The applied object's metadata resolves only after the provider's create or update, so the wait
  // starts after the apply, never before. An object without a generation was not applied to a cluster
  // (a preview, a rendering, Pulumi's mocks): there is no rollout to wait for.
  const canary = args.canary;
  if (canary) {
    return pulumi.all([args.deployment.metadata, canary.metadata]).apply(([d, r]): Promise<RolloutResult> =>
      pulumi.runtime.isDryRun() || d.generation === undefined || r.generation === undefined
        ? Promise.resolve(pulumi.unknown as unknown as RolloutResult)
        : waitForCanary({
            namespace: r.namespace ?? "",
            rolloutName: r.name ?? "",
            deploymentName: d.name,
            ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
            ...(args.context ? { context: args.context } : {}),
            timeoutSeconds: args.timeoutSeconds,
            ...(args.unreachableSeconds !== undefined ? { unreachableSeconds: args.unreachableSeconds } : {}),
            reportOn: canary,
            fail: (message) =>
              quickRunError(
                `${message}\n  Argo Rollouts keeps the stable version serving; tagship's commands name it again in the stack's config (after a plain \`pulumi up\`, set imageTag back yourself).`,
              ),
          }).then(({ readyReplicas }) => ({ revision: d.annotations?.["deployment.kubernetes.io/revision"] ?? "", readyReplicas })),
    );
  }
  return args.deployment.metadata.apply((m): Promise<RolloutResult> =>
    pulumi.runtime.isDryRun() || m.generation === undefined
      ? Promise.resolve(pulumi.unknown as unknown as RolloutResult)
      : waitFor(m.namespace, m.name, args),
  );
}

async function waitFor(namespace: string, name: string, args: AwaitRolloutArgs): Promise<RolloutResult> {
  const connection = await connect(args.kubeconfig, args.context);
  const { client, kc } = connection;
  const apps = kc.makeApiClient(client.AppsV1Api);
  const core = kc.makeApiClient(client.CoreV1Api);
  const retirement = retirementReader(connection, namespace);
  const id = `Deployment ${namespace}/${name}`;

  const started = Date.now();
  const deadline = started + args.timeoutSeconds * 1000;
  const read = <T>(what: () => Promise<T>) =>
    readRetrying(what, {
      seconds: args.unreachableSeconds,
      deadline,
      onFirstFailure: (error) =>
        void pulumi.log.warn(
          `rollout: cannot read ${id} (${error}); retrying for up to ${args.unreachableSeconds ?? UNREACHABLE_SECONDS} s`,
          args.deployment,
        ),
      giveUp: (error, seconds) =>
        quickRunError(
          `${id}: reading its rollout status failed for ${seconds.toFixed(0)} s: ${error}. The rollout goes on in the cluster; run \`pulumi up\` again to wait for it.`,
        ),
    });
  let detail = "";
  for (;;) {
    const d = await read(() => apps.readNamespacedDeployment({ name, namespace }));
    const rollout = rolloutVerdict(deploymentSnapshot(d));
    // Complete for Kubernetes; live once the old pods take no new requests.
    const verdict = rollout.state === "complete" ? await read(() => retirement(d)) : rollout;
    const revision = d.metadata?.annotations?.["deployment.kubernetes.io/revision"] ?? "";
    if (verdict.state === "complete") {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      void pulumi.log.info(
        `rollout complete in ${seconds} s: revision ${revision}, ${d.status?.readyReplicas ?? 0} pods ready`,
        args.deployment,
      );
      return { revision, readyReplicas: d.status?.readyReplicas ?? 0 };
    }
    const timedOut = Date.now() > deadline;
    if (verdict.state === "failed" || timedOut) {
      const why =
        verdict.state === "failed" ? `[${verdict.reason}] ${verdict.message}` : `not complete after ${args.timeoutSeconds} s (${detail})`;
      const stuck = await stuckPods(apps, core, namespace, d.spec?.selector?.matchLabels ?? {}, revision);
      const message = [
        `${id} did not roll out: ${why}`,
        ...stuck.map((l) => `  ${l}`),
        `  ${d.status?.availableReplicas ?? 0} of ${d.spec?.replicas ?? 0} pods available.`,
        "  Fix the release and run `pulumi up` again, or set the previous imageTag back.",
      ].join("\n");
      throw quickRunError(message);
    }
    if (verdict.detail !== detail) {
      detail = verdict.detail;
      void pulumi.log.info(`rollout: ${detail}`, args.deployment, undefined, true);
    }
    await new Promise((r) => setTimeout(r, (args.pollSeconds ?? 0.5) * 1000));
  }
}

/**
 * A RunError (shown without a stack) whose stack is never computed: the SDK still formats it, and under
 * ts-node that maps every frame through its source map, which blocked the run for 20 s with
 * @kubernetes/client-node's frames on the stack in our measurements.
 */
export function quickRunError(message: string): pulumi.RunError {
  const error = new pulumi.RunError(message);
  error.stack = message;
  return error;
}

type Client = typeof import("@kubernetes/client-node");
/** The pods of the Deployment's current ReplicaSet that are not ready, and why. */
async function stuckPods(
  apps: InstanceType<Client["AppsV1Api"]>,
  core: InstanceType<Client["CoreV1Api"]>,
  namespace: string,
  matchLabels: Record<string, string>,
  revision: string,
): Promise<string[]> {
  const labelSelector = Object.entries(matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector });
  const current = sets.items.find((rs) => rs.metadata?.annotations?.["deployment.kubernetes.io/revision"] === revision);
  const hash = current?.metadata?.labels?.["pod-template-hash"];
  if (!hash) return [];
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `${labelSelector},pod-template-hash=${hash}` });
  const events = await core.listNamespacedEvent({ namespace, fieldSelector: "involvedObject.kind=Pod" });
  const podSnapshots: PodSnapshot[] = pods.items.map((p) => {
    const waiting = p.status?.containerStatuses?.map((c) => c.state?.waiting ?? c.lastState?.terminated).find((s) => s?.reason);
    return {
      name: p.metadata?.name ?? "",
      ready: p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
      ...(waiting?.reason ? { containerProblem: [waiting.reason, waiting.message].filter(Boolean).join(": ") } : {}),
    };
  });
  const eventSnapshots: EventSnapshot[] = events.items.map((e) => ({
    podName: e.involvedObject.name ?? "",
    type: e.type ?? "",
    reason: e.reason ?? "",
    message: e.message ?? "",
    at: new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime(),
  }));
  return diagnosePods(podSnapshots, eventSnapshots);
}
