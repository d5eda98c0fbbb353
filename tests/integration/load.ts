/**
 * A bounded load loop for rollout tests: a few workers send GET requests, each on a fresh connection so
 * that kube-proxy (or the ingress controller) picks a pod per request, until at least `minRequests` are done and
 * `until()` holds, or `maxSeconds` pass. Only for loopback and the lab's own addresses; `host` is the Host header an
 * ingress routes by.
 */
import * as http from "node:http";
import { watchServingPods, type Kube } from "./kube";

export interface LoadResult {
  readonly requests: number;
  readonly failures: number;
  /** The first few failures, for the assertion message. */
  readonly failureSamples: string[];
  /** How many answers named each version. */
  readonly versions: Record<string, number>;
  /** Each request's time to its answer (or failure), in milliseconds, in the order they ended. */
  readonly latenciesMs: number[];
  /** When each of those requests started, in epoch milliseconds (same order). */
  readonly startedAtMs: number[];
  /** The version each of those requests was answered by, "" when no answer named one (same order). */
  readonly answeredBy: string[];
}

/** One GET on a fresh connection: whether it answered 200 with JSON, why not, the version it named (failed or not), and its time. */
export function once(url: string, host?: string): Promise<{ ok: boolean; detail: string; version?: string; ms: number }> {
  const started = performance.now();
  return new Promise<{ ok: boolean; detail: string; version?: string }>((resolve) => {
    const headers = { connection: "close", ...(host ? { host } : {}) };
    const req = http.get(url, { agent: false, timeout: 5_000, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        if (res.statusCode !== 200) {
          // A version that fails on purpose (FAULT_ERROR_PERCENT) still names itself.
          const named = /"version":"([^"]*)"/.exec(body)?.[1];
          return resolve({ ok: false, detail: `HTTP ${res.statusCode}: ${body.slice(0, 200)}`, ...(named ? { version: named } : {}) });
        }
        try {
          resolve({ ok: true, detail: "", version: (JSON.parse(body) as { version?: string }).version ?? "?" });
        } catch {
          resolve({ ok: false, detail: `not JSON: ${body.slice(0, 200)}` });
        }
      });
      res.on("error", (e) => resolve({ ok: false, detail: e.message }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out after 5 s")));
    req.on("error", (e) => resolve({ ok: false, detail: e.message }));
  }).then((r) => ({ ...r, ms: performance.now() - started }));
}

/** How many of `count` requests, one after another, each on a fresh connection, named each version ("failed": no answer). */
export async function versionsAnswering(url: string, count: number, host?: string): Promise<Record<string, number>> {
  const versions: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const r = await once(url, host);
    const key = r.ok ? (r.version ?? "?") : "failed";
    versions[key] = (versions[key] ?? 0) + 1;
  }
  return versions;
}

export interface LoadOptions {
  readonly url: string;
  /** The Host header, for an ingress. @default the URL's */
  readonly host?: string;
  readonly minRequests: number;
  readonly maxSeconds: number;
  /** A bound on the count whatever `until` says. @default 100,000 */
  readonly maxRequests?: number;
  /** Requests in flight at once. @default 4 */
  readonly workers?: number;
  /** Each worker's pause between requests, for a light load that does not itself move an autoscaler. @default 0 */
  readonly pauseMs?: number;
  readonly until: () => boolean;
}

export function loadLoop(opts: LoadOptions) {
  const { hostname } = new URL(opts.url);
  if (!/^(127\.|10\.)/.test(hostname)) throw new Error(`load tests hit only loopback or the lab's addresses, not ${hostname}`);
  const deadline = Date.now() + opts.maxSeconds * 1000;
  const result = {
    requests: 0,
    failures: 0,
    failureSamples: [] as string[],
    versions: {} as Record<string, number>,
    latenciesMs: [] as number[],
    startedAtMs: [] as number[],
    answeredBy: [] as string[],
  };
  const done = () =>
    Date.now() > deadline || result.requests >= (opts.maxRequests ?? 100_000) || (result.requests >= opts.minRequests && opts.until());
  const worker = async () => {
    while (!done()) {
      if (opts.pauseMs) await new Promise((resolve) => setTimeout(resolve, opts.pauseMs));
      const startedAt = Date.now();
      const r = await once(opts.url, opts.host);
      result.requests++;
      result.latenciesMs.push(r.ms);
      result.startedAtMs.push(startedAt);
      result.answeredBy.push(r.version ?? "");
      if (r.ok && r.version) result.versions[r.version] = (result.versions[r.version] ?? 0) + 1;
      else {
        result.failures++;
        if (result.failureSamples.length < 5) result.failureSamples.push(r.detail);
      }
    }
  };
  return Promise.all(Array.from({ length: opts.workers ?? 4 }, worker)).then((): LoadResult => result);
}

/**
 * Runs `release` under a load loop against `url` (at least 2000 requests, at most 240 s) and a watch of the
 * namespace's pods; returns its outcome (never throws), its duration, and what the load and the watch saw.
 */
export async function releaseUnderLoad<T>(kube: Kube, namespace: string, url: string, release: () => Promise<T>, host?: string) {
  const watch = await watchServingPods(kube, namespace);
  let released = false;
  const load = loadLoop({ url, ...(host ? { host } : {}), minRequests: 2000, maxSeconds: 240, until: () => released });
  const started = Date.now();
  const outcome = await release().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error: error instanceof Error ? error : new Error(String(error)) }),
  );
  const endedAt = Date.now();
  const seconds = (endedAt - started) / 1000;
  // Who answers new connections the moment the release has ended: only the version it says is live.
  const afterEnd = await versionsAnswering(url, 20, host);
  released = true;
  const traffic = await load;
  const capacity = watch.stop();
  return { ...outcome, seconds, endedAt, traffic, capacity, afterEnd };
}

/** The p-th percentile (0 to 100) of some numbers, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
