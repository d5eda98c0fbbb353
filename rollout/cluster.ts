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

/** A read's value, or `absent` when the object does not exist (404); any other failure is thrown as it came. */
export function orAbsent<T, A>(read: Promise<T>, absent: A): Promise<T | A> {
  return orOnStatus(404, read, absent);
}

/** A read's value, or `instead` when the API server answers with `status`; any other failure is thrown as it came. */
export function orOnStatus<T, A>(status: number, read: Promise<T>, instead: A): Promise<T | A> {
  return read.catch((e: unknown) => {
    if ((e as { code?: number }).code === status) return instead;
    throw e;
  });
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

/** Seconds the API server may stay unreachable (a restart, a network blip) before a wait gives up. */
export const UNREACHABLE_SECONDS = 90;

export interface UnreachableOptions {
  /** How long reads may keep failing in a row. @default UNREACHABLE_SECONDS */
  readonly seconds?: number;
  /** Epoch milliseconds after which a failed read is not retried. */
  readonly deadline: number;
  /** Told once, at the first failure of a run of them. */
  readonly onFirstFailure: (error: string) => void;
  /** The error to throw when giving up, from the last failure and how long reads have failed. */
  readonly giveUp: (error: string, seconds: number) => Error;
}

/**
 * One read of the cluster during a wait, retried every second while it fails, so that a restarting API server
 * does not end a release whose rollout goes on in the cluster meanwhile. Both release waits use it: the
 * rollout's in direct mode (awaitRollout) and Argo CD's in gitops mode (cli/release/gitops.ts).
 */
export async function readRetrying<T>(read: () => Promise<T>, o: UnreachableOptions): Promise<T> {
  let since: number | undefined;
  for (;;) {
    try {
      return await read();
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      if (since === undefined) {
        since = Date.now();
        o.onFirstFailure(error);
      }
      const seconds = (Date.now() - since) / 1000;
      if (seconds > (o.seconds ?? UNREACHABLE_SECONDS) || Date.now() > o.deadline) throw o.giveUp(error, seconds);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
