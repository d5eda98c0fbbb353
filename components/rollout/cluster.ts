import type { V1Deployment } from "@kubernetes/client-node";
import type { DeploymentSnapshot } from "./status";

/**
 * A connection to the cluster a kubeconfig names, read as the Kubernetes provider reads it: the file given,
 * else KUBECONFIG or ~/.kube/config, at the context given, else its current one. The client package is
 * ESM-only, so it is loaded here, on first use.
 */
export async function connect(kubeconfig?: string, context?: string) {
  const client = await import("@kubernetes/client-node");
  const kc = new client.KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  if (context) kc.setCurrentContext(context);
  return { client, kc };
}

/** The fields of a Deployment that rolloutVerdict reads. */
export function deploymentSnapshot(d: V1Deployment): DeploymentSnapshot {
  return {
    generation: d.metadata?.generation,
    specReplicas: d.spec?.replicas,
    observedGeneration: d.status?.observedGeneration,
    replicas: d.status?.replicas,
    updatedReplicas: d.status?.updatedReplicas,
    availableReplicas: d.status?.availableReplicas,
    conditions: d.status?.conditions,
  };
}
