/**
 * When the last old pod stops taking new requests. A Deployment's rollout is complete, for Kubernetes and for
 * `kubectl rollout status`, as soon as its old pods are marked for deletion; they then serve out their preStop
 * pause while the EndpointSlice controller, kube-proxy and any ingress controller drop them, each a moment
 * later. A release that ended at "complete" could still see a new connection answered by the version it
 * replaced; it ends here instead: once no EndpointSlice lists a terminating pod as ready, and each one has been
 * terminating for at least its preStop pause, the time its owner gave the proxies to let it go.
 */
import type { V1Deployment } from "@kubernetes/client-node";
import { orOnStatus, type connect } from "./cluster";
import type { RolloutVerdict } from "./status";

/** A pod of the Deployment on its way out, as one read sees it. */
export interface RetiringPod {
  readonly name: string;
  /** Milliseconds since this wait first saw it terminating (a later start of the wait only waits longer). */
  readonly terminatingForMs: number;
  /** Its preStop sleep, in seconds; 0 without one (a preStop command's length cannot be known). */
  readonly preStopSeconds: number;
  /** The EndpointSlices that still list it as ready: Services that still send it new connections. */
  readonly routedBy: readonly string[];
}

/** Complete when no retiring pod is routed to and each has served out its preStop pause. */
export function retirementVerdict(pods: readonly RetiringPod[]): RolloutVerdict {
  const routed = pods.filter((p) => p.routedBy.length > 0);
  if (routed.length > 0) {
    const first = routed[0]!;
    return {
      state: "progressing",
      detail: `${routed.length} old pods still ready endpoints (${first.name} in EndpointSlice ${first.routedBy.join(", ")})`,
    };
  }
  const pausing = pods.map((p) => p.preStopSeconds * 1000 - p.terminatingForMs).filter((left) => left > 0);
  if (pausing.length > 0) {
    return {
      state: "progressing",
      detail: `${pausing.length} old pods in their preStop pause (${Math.ceil(Math.max(...pausing) / 1000)} s left)`,
    };
  }
  return { state: "complete" };
}

type Connection = Awaited<ReturnType<typeof connect>>;

/**
 * A reader of a namespace's retiring pods, one per wait: it remembers when it first saw each pod terminating, so
 * that the pause is counted on this machine's clock rather than compared with the API server's.
 */
export function retirementReader({ client, kc }: Connection, namespace: string) {
  const core = kc.makeApiClient(client.CoreV1Api);
  const discovery = kc.makeApiClient(client.DiscoveryV1Api);
  const firstSeen = new Map<string, number>();

  return async (deployment: V1Deployment): Promise<RolloutVerdict> => {
    const labelSelector = Object.entries(deployment.spec?.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    // Once the rollout is complete, the pods the selector finds terminating are the old ones (or ones an
    // autoscaler is removing, which must leave the Service too).
    const pods = (await core.listNamespacedPod({ namespace, labelSelector })).items.filter((p) => p.metadata?.deletionTimestamp);
    if (pods.length === 0) return { state: "complete" };
    // Without the right to list EndpointSlices, the preStop pause alone stands for the proxies' delay.
    const slices = (await orOnStatus(403, discovery.listNamespacedEndpointSlice({ namespace }), { items: [] })).items;
    const now = Date.now();
    return retirementVerdict(
      pods.map((p) => {
        const name = p.metadata?.name ?? "";
        if (!firstSeen.has(name)) firstSeen.set(name, now);
        const preStop = p.spec?.containers.map((c) => c.lifecycle?.preStop?.sleep?.seconds ?? 0) ?? [];
        return {
          name,
          terminatingForMs: now - (firstSeen.get(name) ?? now),
          preStopSeconds: Math.max(0, ...preStop),
          routedBy: slices
            .filter((s) =>
              // An endpoint whose readiness is unset counts as ready (discovery.k8s.io/v1's EndpointConditions).
              (s.endpoints ?? []).some((e) => e.targetRef?.kind === "Pod" && e.targetRef.name === name && e.conditions?.ready !== false),
            )
            .map((s) => s.metadata?.name ?? ""),
        };
      }),
    );
  };
}
