/**
 * After a release failed: the services whose canary Argo Rollouts aborted (or whose analysis ended inconclusive),
 * read from the cluster. For each, what the canary ran (the version to quarantine) and what its stable ReplicaSet
 * runs (the version to name again as the desired state), so that the stack's config, and in gitops mode its branch,
 * stop naming a version that no pod runs.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { canaryVerdict, INCONCLUSIVE_REASON } from "../../rollout/canary-status";
import { canarySnapshot } from "../../rollout/canary-await";
import { orAbsent } from "../../rollout/cluster";
import { clusterOf, type Outputs } from "./gitops";
import { configuredImages, servicesOf } from "./services";

/** One release of one service by digest. */
export interface Version {
  readonly imageRef: string;
  readonly tag: string;
}

export interface AbortedCanary {
  readonly service: string;
  /** What the canary ran: the release that was aborted. */
  readonly aborted: Version;
  /** What the stable pods run, and serve again. */
  readonly stable: Version;
  /** Argo Rollouts' reason, in one line. */
  readonly reason: string;
  /**
   * Whether the analysis judged the version bad (or its pods never became ready): then it is quarantined. An analysis
   * that ended inconclusive, for want of requests, judged nothing.
   */
  readonly judgedBad: boolean;
}

/**
 * The stack's services whose Rollout ended this release aborted or inconclusive: the canary's version is the one the
 * release configured (a canary aborted earlier, by another release, is not this one's to undo).
 */
export async function abortedCanaries(cwd: string, stackName: string, before: Outputs, config: ConfigMap): Promise<AbortedCanary[]> {
  if (!before.namespace || !before.cluster) return [];
  const namespace = before.namespace;
  const { client, kc, apps } = await clusterOf(cwd, stackName, before);
  const custom = kc.makeApiClient(client.CustomObjectsApi);
  const configured = new Map(
    configuredImages(
      config,
      servicesOf(before).map((s) => s.name),
    ).map((c) => [c.service, c] as const),
  );
  const found: AbortedCanary[] = [];
  for (const svc of servicesOf(before)) {
    const name = svc.deploymentName;
    if (!name) continue;
    const rollout = (await orAbsent(
      custom.getNamespacedCustomObject({ group: "argoproj.io", version: "v1alpha1", namespace, plural: "rollouts", name }),
      undefined,
    )) as Parameters<typeof canarySnapshot>[0] | undefined;
    const status = rollout?.status;
    if (!rollout || !status?.currentPodHash || !status.stableRS || status.currentPodHash === status.stableRS) continue;
    const verdict = canaryVerdict(canarySnapshot(rollout, true));
    if (verdict.state !== "failed") continue;
    const runs = async (hash: string): Promise<Version | undefined> => {
      const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: `rollouts-pod-template-hash=${hash}` });
      const rs = sets.items.find((s) => s.metadata?.ownerReferences?.some((o) => o.kind === "Rollout" && o.name === name));
      const template = rs?.spec?.template;
      const imageRef = template?.spec?.containers[0]?.image;
      const tag = template?.metadata?.labels?.["app.kubernetes.io/version"];
      return imageRef && tag ? { imageRef, tag } : undefined;
    };
    const [aborted, stable] = [await runs(status.currentPodHash), await runs(status.stableRS)];
    if (!aborted || !stable || configured.get(svc.name)?.tag !== aborted.tag) continue;
    found.push({
      service: svc.name,
      aborted,
      stable,
      reason: `[${verdict.reason}] ${verdict.message}`.split("\n")[0] ?? "",
      judgedBad: verdict.reason !== INCONCLUSIVE_REASON,
    });
  }
  return found;
}
