/** What a stack's Deployment runs now, read from its cluster: the checks behind promote and rollback. */
import { deploymentSnapshot } from "../../rollout/cluster";
import { rolloutVerdict, type RolloutVerdict } from "../../rollout/status";
import { clusterOf, required, type Outputs } from "./gitops";
import type { ServiceOf } from "./services";

export interface LiveDeployment {
  /** The image of the pod template: what the Deployment runs once its rollout is complete. */
  readonly image: string;
  /** The version it reports (label app.kubernetes.io/version of the pod template). */
  readonly version: string;
  readonly verdict: RolloutVerdict;
  readonly name: string;
}

/** The Deployment of one service of a stack, as its cluster has it now. */
export async function liveDeployment(cwd: string, stackName: string, outputs: Outputs, service: ServiceOf): Promise<LiveDeployment> {
  const namespace = required(outputs.namespace, "namespace", stackName);
  const name = required(service.deploymentName, `services.${service.name}.deploymentName`, stackName);
  const { apps } = await clusterOf(cwd, stackName, outputs);
  const d = await apps.readNamespacedDeployment({ name, namespace }).catch((e: unknown) => {
    throw new Error(`stack ${stackName}: Deployment ${namespace}/${name} cannot be read (${(e as Error).message.split("\n")[0]})`);
  });
  return {
    image: d.spec?.template.spec?.containers[0]?.image ?? "",
    version: d.spec?.template.metadata?.labels?.["app.kubernetes.io/version"] ?? "",
    verdict: rolloutVerdict(deploymentSnapshot(d)),
    name: `${namespace}/${name}`,
  };
}

/** Whether the Deployment runs that release: its digest and its version (builds of one source share a digest). */
export function runs(live: LiveDeployment, release: { imageRef: string; tag: string }): boolean {
  return live.image === release.imageRef && live.version === release.tag;
}

/** Why a stack is not serving `imageRef` healthily, or undefined when it is. */
export function unhealthyAt(live: LiveDeployment, imageRef: string): string | undefined {
  if (live.image !== imageRef) return `Deployment ${live.name} runs ${live.image || "no image"}, not ${imageRef}`;
  if (live.verdict.state === "failed") return `Deployment ${live.name}: [${live.verdict.reason}] ${live.verdict.message}`;
  if (live.verdict.state === "progressing") return `Deployment ${live.name} is still rolling out (${live.verdict.detail})`;
  return undefined;
}
