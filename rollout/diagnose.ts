/**
 * Why a rollout is stuck, in words: for each pod of the new ReplicaSet that is not ready, its container's
 * waiting or termination reason, or else the newest warning event about it (a failing probe, a pull error).
 */

export interface PodSnapshot {
  readonly name: string;
  readonly ready: boolean;
  /** e.g. "ImagePullBackOff: Back-off pulling image ..." or "CrashLoopBackOff" */
  readonly containerProblem?: string;
}

export interface EventSnapshot {
  readonly podName: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** One line per pod that is not ready, at most `limit` of them. */
export function diagnosePods(pods: readonly PodSnapshot[], events: readonly EventSnapshot[], limit = 5): string[] {
  const lines = pods
    .filter((p) => !p.ready)
    .map((p) => {
      if (p.containerProblem) return `pod ${p.name}: ${p.containerProblem}`;
      const newest = events
        .filter((e) => e.podName === p.name && e.type === "Warning")
        .reduce<EventSnapshot | undefined>((a, e) => (!a || e.at > a.at ? e : a), undefined);
      return newest ? `pod ${p.name}: ${newest.reason}: ${newest.message}` : `pod ${p.name}: not ready`;
    });
  return lines.length > limit ? [...lines.slice(0, limit), `... and ${lines.length - limit} more pods`] : lines;
}
