/** What the traffic tests read: the autoscaler's state, a Deployment's count, and answers through the ingress. */
import { pollUntil, type Kube } from "./kube";
import { loadLoop, once } from "./load";

/**
 * The load that scales a service out: paced requests that each spend 10 ms of CPU, at most 30 a second (300m of CPU
 * demand), enough to hold 2 pods of a 50m request and a 50 % target well above it (the autoscaler goes to 5) and light
 * enough that the lab's ingress controller and the rest of the machine keep up. At least 2,000 of them, in at most 480 s.
 */
export const SCALING_LOAD = { path: "/?workMs=10", workers: 3, pauseMs: 100, minRequests: 2000, maxSeconds: 480 } as const;

export interface Autoscaler {
  readonly current: number;
  readonly desired: number;
  /** The pods' average CPU as a percentage of their request; undefined until metrics-server has a sample. */
  readonly currentCpu?: number;
}

interface HpaObject {
  status?: {
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: { resource?: { name: string; current?: { averageUtilization?: number } } }[];
  };
}

export async function autoscaler(kube: Kube, namespace: string, name: string): Promise<Autoscaler> {
  const h = await kube.get<HpaObject>(`/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers/${name}`);
  const cpu = h?.status?.currentMetrics?.find((m) => m.resource?.name === "cpu")?.resource?.current?.averageUtilization;
  return {
    current: h?.status?.currentReplicas ?? 0,
    desired: h?.status?.desiredReplicas ?? 0,
    ...(cpu !== undefined ? { currentCpu: cpu } : {}),
  };
}

/** The Deployment's spec.replicas: whoever set it last, the autoscaler when it scales it. */
export async function deploymentReplicas(kube: Kube, namespace: string, name: string): Promise<number> {
  return (await kube.get<{ spec: { replicas: number } }>(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`))?.spec.replicas ?? 0;
}

/** One GET through the ingress with a Host header; the JSON answer, or an error naming the status. Loopback only. */
export async function get(url: string, host: string): Promise<{ version: string }> {
  const r = await once(url, host);
  if (!r.ok) throw new Error(r.detail);
  return { version: r.version ?? "?" };
}

/**
 * The versions that answer `count` requests through the ingress once no pod of another version than `version` is
 * left: only that one. Until the old pods are gone (their preStop pause, then their drain) the controller may still
 * send them a request it picked before its endpoint update, which they answer: that is the pause doing its work.
 */
export async function versionsAfter(
  kube: Kube,
  namespace: string,
  version: string,
  url: string,
  host: string,
  count = 200,
): Promise<string[]> {
  const others = async () =>
    (await kube.get<{ items: { metadata: { labels?: Record<string, string> } }[] }>(`/api/v1/namespaces/${namespace}/pods`))!.items.filter(
      (p) => p.metadata.labels?.["app.kubernetes.io/version"] !== version,
    ).length;
  const left = await pollUntil(others, (n) => n === 0, 120_000, 500);
  if (left > 0) throw new Error(`${left} pods of another version than ${version} still there after 120 s`);
  return versionsNow(url, host, count);
}

/** The versions that answer `count` requests through the ingress now. */
export async function versionsNow(url: string, host: string, count = 200): Promise<string[]> {
  const load = await loadLoop({ url, host, minRequests: count, maxSeconds: 60, until: () => true });
  if (load.failures > 0) throw new Error(`${load.failures} of ${load.requests} failed: ${load.failureSamples.join("; ")}`);
  return Object.keys(load.versions).sort();
}
