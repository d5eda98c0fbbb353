/**
 * The picture of a rollout: ready pods of the old and the new version over time, recorded from a watch of
 * the stack's pods during a release and drawn as an SVG, like the screenshots of the manual process this
 * project started from. deliver.ts records one for every release of a stack that already runs and prints
 * where it is.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { clusterOf, type Outputs } from "./gitops";
import type { Phase } from "./phases";

/** One moment: seconds since the release started, and ready pods per ReplicaSet (pod-template-hash). */
export interface Sample {
  readonly t: number;
  readonly ready: Readonly<Record<string, number>>;
}

export interface Series {
  readonly t: number;
  readonly old: number;
  readonly new: number;
}

/**
 * Old and new ready pods at each moment. The new version is the ReplicaSet with the most ready pods at the
 * end (after a failed release that rolled back, that is the version that serves again).
 */
export function series(samples: readonly Sample[]): Series[] {
  const last = samples.at(-1)?.ready ?? {};
  const newest = Object.entries(last).sort((a, b) => b[1] - a[1])[0]?.[0];
  return samples.map((s) => {
    const total = Object.values(s.ready).reduce((a, b) => a + b, 0);
    const fresh = newest ? (s.ready[newest] ?? 0) : 0;
    return { t: s.t, old: total - fresh, new: fresh };
  });
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The timeline as an SVG document: two step lines, old and new ready pods, over the release's seconds, and
 * under them the release's phases as a band of blocks (each names itself and its seconds on hover).
 */
export function timelineSvg(samples: readonly Sample[], title: string, replicas: number, phases: readonly Phase[] = []): string {
  const points = series(samples);
  const band = phases.length > 0 ? 24 : 0;
  const W = 720,
    H = 300 + band,
    left = 50,
    right = 20,
    top = 40,
    bottom = 40 + band;
  const end = Math.max(1, ...points.map((p) => p.t), ...phases.map((p) => p.at + p.seconds));
  const most = Math.max(1, replicas, ...points.map((p) => Math.max(p.old, p.new, p.old + p.new)));
  const x = (t: number) => (left + (t / end) * (W - left - right)).toFixed(1);
  const y = (n: number) => (H - bottom - (n / most) * (H - top - bottom)).toFixed(1);
  const steps = (pick: (p: Series) => number) =>
    points.map((p, i) => `${i === 0 ? "" : `${x(p.t)},${y(pick(points[i - 1] as Series))} `}${x(p.t)},${y(pick(p))}`).join(" ");
  const grid = Array.from({ length: most + 1 }, (_, n) => `<text x="${left - 8}" y="${y(n)}" text-anchor="end" dy="4">${n}</text>`);
  const ticks = Array.from({ length: 6 }, (_, i) => (end * i) / 5).map(
    (t) => `<text x="${x(t)}" y="${H - bottom + 18}" text-anchor="middle">${t.toFixed(0)} s</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14">${escape(title)}</text>`,
    `<line x1="${left}" y1="${y(0)}" x2="${W - right}" y2="${y(0)}" stroke="#999"/>`,
    `<line x1="${left}" y1="${y(replicas)}" x2="${W - right}" y2="${y(replicas)}" stroke="#999" stroke-dasharray="4 4"/>`,
    `<text x="${W - right}" y="${y(replicas)}" dy="-4" text-anchor="end" fill="#666">replicas ${replicas}</text>`,
    ...grid,
    ...ticks,
    `<polyline class="old" fill="none" stroke="#d62728" stroke-width="2" points="${steps((p) => p.old)}"/>`,
    `<polyline class="new" fill="none" stroke="#2ca02c" stroke-width="2" points="${steps((p) => p.new)}"/>`,
    `<text x="${W - right - 170}" y="22" fill="#d62728">old version ready</text>`,
    `<text x="${W - right - 60}" y="22" fill="#2ca02c">new ready</text>`,
    ...phases.map(
      (p, i) =>
        `<rect class="phase" x="${x(p.at)}" y="${H - band - 8}" width="${(Number(x(p.at + p.seconds)) - Number(x(p.at))).toFixed(1)}" height="12" fill="${i % 2 ? "#9ecae1" : "#3182bd"}"><title>${escape(`${p.name}: ${p.seconds.toFixed(1)} s`)}</title></rect>`,
    ),
    "</svg>",
    "",
  ].join("\n");
}

interface PodObject {
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/**
 * Watches the stack's pods from now on; `stop` ends the watch and returns what it saw, in seconds since
 * `started` (epoch milliseconds: the release's start).
 */
export async function recordRollout(cwd: string, stackName: string, outputs: Outputs, started: number) {
  const { client, kc } = await clusterOf(cwd, stackName, outputs);
  const core = kc.makeApiClient(client.CoreV1Api);
  const namespace = outputs.namespace ?? "";
  let pods = new Map<string, { hash: string; ready: boolean }>();
  const samples: Sample[] = [];
  const sample = () => {
    const ready: Record<string, number> = {};
    for (const p of pods.values()) if (p.ready) ready[p.hash] = (ready[p.hash] ?? 0) + 1;
    samples.push({ t: (Date.now() - started) / 1000, ready });
  };
  const state = (pod: PodObject) => ({
    hash: pod.metadata?.labels?.["pod-template-hash"] ?? "",
    ready: !pod.metadata?.deletionTimestamp && (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
  });
  let stopped = false;
  let watch: { abort(): void } | undefined;
  // A list, then a watch from the list's version. A watch the API server ends (a restart, a timeout, load) is
  // followed by a new list that replaces what was known at once, so a pod's end is never missed and the
  // samples never dip while the list arrives.
  const follow = async (): Promise<void> => {
    const list = await core.listNamespacedPod({ namespace });
    pods = new Map(list.items.map((pod) => [pod.metadata?.name ?? "", state(pod as PodObject)]));
    sample();
    watch = await new client.Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (phase: string, pod: PodObject) => {
        // An ERROR event carries a Status (e.g. 410 Gone after an API server restart), not a pod; the watch
        // ends after it and the next list brings the pods again.
        if (phase === "BOOKMARK" || phase === "ERROR") return;
        if (phase === "DELETED") pods.delete(pod.metadata?.name ?? "");
        else pods.set(pod.metadata?.name ?? "", state(pod));
        sample();
      },
      restart,
    );
  };
  // Until stopped, however often the API server ends the watch or cannot be reached for a moment.
  const restart = () => {
    if (!stopped) setTimeout(() => void follow().catch(restart), 500);
  };
  await follow();
  return {
    stop(): Sample[] {
      stopped = true;
      sample();
      watch?.abort();
      return samples;
    },
  };
}

/** Writes the picture under rollouts/ in the project (gitignored) and returns its path. */
export function writeTimeline(cwd: string, name: string, svg: string): string {
  const file = path.join(cwd, "rollouts", `${name.replace(/[^\w.-]/g, "_")}.svg`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, svg);
  return file;
}
