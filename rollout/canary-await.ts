/**
 * The wait of a canary release: until the workload's Rollout is Healthy on the Deployment's new pod template, failing
 * as soon as Argo Rollouts aborts it (a failed analysis, a missed progress deadline) or its analysis ends inconclusive.
 * Polled like the Deployment's wait (await.ts), and for the same reason: the engine would otherwise report a failure
 * only at its own timeout, and Argo CD's health is not there in direct mode.
 */
import * as pulumi from "@pulumi/pulumi";
import { canaryVerdict, type CanarySnapshot } from "./canary-status";
import { connect, orAbsent, readRetrying, UNREACHABLE_SECONDS } from "./cluster";
import type { RolloutVerdict } from "./status";

const GROUP = "argoproj.io";
const VERSION = "v1alpha1";

export interface CanaryWaitArgs {
  readonly namespace: string;
  readonly rolloutName: string;
  readonly deploymentName: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly timeoutSeconds: number;
  readonly unreachableSeconds?: number;
  readonly pollSeconds?: number;
  /** What the wait's progress is reported on. */
  readonly reportOn: pulumi.Resource;
  readonly fail: (message: string) => Error;
}

export interface RolloutObject {
  readonly metadata?: { readonly generation?: number };
  readonly spec?: { readonly strategy?: { readonly canary?: { readonly steps?: readonly unknown[] } } };
  readonly status?: {
    readonly observedGeneration?: string;
    readonly phase?: string;
    readonly message?: string;
    readonly abort?: boolean;
    readonly pauseConditions?: readonly { readonly reason?: string }[];
    readonly currentPodHash?: string;
    readonly stableRS?: string;
    readonly currentStepIndex?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly readyReplicas?: number;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly message?: string }[];
  };
}

type Connection = Awaited<ReturnType<typeof connect>>;

/**
 * Reads a canary's verdict: its Rollout (the workload's name) and whether that runs the Deployment's pod template
 * yet. Undefined when the workload has no Rollout (a rolling update). Both release waits use it: this module's in
 * direct mode, and Argo CD's in gitops mode (gitops/wait.ts), which Argo CD's health alone would leave waiting on an
 * inconclusive analysis (a paused Rollout is Suspended, not Degraded).
 */
export function canaryReader({ client, kc }: Connection, namespace: string) {
  const custom = kc.makeApiClient(client.CustomObjectsApi);
  const apps = kc.makeApiClient(client.AppsV1Api);

  /** Whether the Rollout's current ReplicaSet runs the Deployment's pod template: same image, same version label. */
  const templateCurrent = async (name: string, deploymentName: string, hash: string | undefined): Promise<boolean> => {
    if (!hash) return false;
    const d = await apps.readNamespacedDeployment({ name: deploymentName, namespace });
    const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: `rollouts-pod-template-hash=${hash}` });
    const rs = sets.items.find((s) => s.metadata?.ownerReferences?.some((o) => o.kind === "Rollout" && o.name === name));
    type Template = NonNullable<typeof d.spec>["template"] | undefined;
    const image = (t: Template) => t?.spec?.containers[0]?.image;
    const version = (t: Template) => t?.metadata?.labels?.["app.kubernetes.io/version"];
    return (
      rs !== undefined && image(rs.spec?.template) === image(d.spec?.template) && version(rs.spec?.template) === version(d.spec?.template)
    );
  };

  return async (name: string, deploymentName: string): Promise<{ verdict: RolloutVerdict; readyReplicas: number } | undefined> => {
    const r = (await orAbsent(
      custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "rollouts", name }),
      undefined,
    )) as RolloutObject | undefined;
    if (!r) return undefined;
    const current = await templateCurrent(name, deploymentName, r.status?.currentPodHash);
    return { verdict: canaryVerdict(canarySnapshot(r, current)), readyReplicas: r.status?.readyReplicas ?? 0 };
  };
}

/** Waits for the canary; returns the ready pods once it is Healthy on the new template, throws `args.fail(...)` otherwise. */
export async function waitForCanary(args: CanaryWaitArgs): Promise<{ readyReplicas: number }> {
  const read = canaryReader(await connect(args.kubeconfig, args.context), args.namespace);
  const id = `Rollout ${args.namespace}/${args.rolloutName}`;
  const started = Date.now();
  const deadline = started + args.timeoutSeconds * 1000;
  let detail = "";
  for (;;) {
    const canary = await readRetrying(
      async () => {
        const found = await read(args.rolloutName, args.deploymentName);
        if (!found) throw new Error("not found");
        return found;
      },
      {
        seconds: args.unreachableSeconds,
        deadline,
        onFirstFailure: (error) =>
          void pulumi.log.warn(
            `canary: cannot read ${id} (${error}); retrying for up to ${args.unreachableSeconds ?? UNREACHABLE_SECONDS} s`,
            args.reportOn,
          ),
        giveUp: (error, seconds) =>
          args.fail(`${id}: reading its status failed for ${seconds.toFixed(0)} s: ${error}. The canary goes on in the cluster.`),
      },
    );
    const { verdict } = canary;
    if (verdict.state === "complete") {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      void pulumi.log.info(`canary complete in ${seconds} s: ${canary.readyReplicas} pods ready`, args.reportOn);
      return { readyReplicas: canary.readyReplicas };
    }
    if (verdict.state === "failed") throw args.fail(`${id} did not roll out: [${verdict.reason}] ${verdict.message}`);
    if (Date.now() > deadline) throw args.fail(`${id} did not roll out: not complete after ${args.timeoutSeconds} s (${detail})`);
    if (verdict.detail !== detail) {
      detail = verdict.detail;
      void pulumi.log.info(`rollout: ${detail}`, args.reportOn, undefined, true);
    }
    await new Promise((resolve) => setTimeout(resolve, (args.pollSeconds ?? 1) * 1000));
  }
}

export function canarySnapshot(r: RolloutObject, templateCurrent: boolean): CanarySnapshot {
  const s = r.status ?? {};
  return {
    ...(r.metadata?.generation !== undefined ? { generation: r.metadata.generation } : {}),
    ...(s.observedGeneration !== undefined ? { observedGeneration: s.observedGeneration } : {}),
    ...(s.phase !== undefined ? { phase: s.phase } : {}),
    ...(s.message !== undefined ? { message: s.message } : {}),
    ...(s.abort !== undefined ? { abort: s.abort } : {}),
    pauseReasons: (s.pauseConditions ?? []).map((p) => p.reason ?? ""),
    ...invalid(s.conditions),
    ...(s.currentPodHash !== undefined ? { currentPodHash: s.currentPodHash } : {}),
    ...(s.stableRS !== undefined ? { stableRS: s.stableRS } : {}),
    ...(s.currentStepIndex !== undefined ? { currentStepIndex: s.currentStepIndex } : {}),
    steps: r.spec?.strategy?.canary?.steps?.length ?? 0,
    ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
    ...(s.updatedReplicas !== undefined ? { updatedReplicas: s.updatedReplicas } : {}),
    templateCurrent,
  };
}

/** A True InvalidSpec condition's message, as a snapshot field. */
function invalid(conditions: NonNullable<RolloutObject["status"]>["conditions"]): { invalidSpec?: string } {
  const c = conditions?.find((x) => x.type === "InvalidSpec" && x.status === "True");
  return c ? { invalidSpec: c.message ?? "the controller refuses the Rollout" } : {};
}
