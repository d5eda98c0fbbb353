// The load of bench/ingress.sh: GET requests through the lab's ingress with a Host header, on fresh connections,
// until the file named by <stop> exists and at least <min> requests are done (at most 300 s); prints one JSON line:
// requests, failures, p50 and p99 in milliseconds, and the versions that answered. When <stop>.window holds two epoch
// milliseconds "<from> <to>" by then (the rollout's part of a release), it adds windowRequests, windowP50 and
// windowP99: the requests that started within it. Loopback or the lab's addresses only (loadLoop refuses others).
// Each of the 4 workers pauses 10 ms between requests: a steady load of a few hundred requests a second, which leaves
// the two cores of the lab's machine to the release being measured.
// Usage: node --import tsx bench/ingress-load.ts <url> <host> <stop file> <min requests>
import * as fs from "node:fs";
import { loadLoop, percentile } from "../tests/integration/load";

const [url, host, stop, min] = process.argv.slice(2);
if (!url || !host || !stop || !min) throw new Error("usage: ingress-load.ts <url> <host> <stop file> <min requests>");
const round = (n: number) => Math.round(n * 10) / 10;

/** The latencies of the requests that started within <stop>.window, when it exists. */
function inWindow(latencies: readonly number[], startedAt: readonly number[]): number[] | undefined {
  if (!fs.existsSync(`${stop}.window`)) return undefined;
  const [from = NaN, to = NaN] = fs.readFileSync(`${stop}.window`, "utf8").trim().split(/\s+/).map(Number);
  if (!(from < to)) throw new Error(`${stop}.window: expected "<from ms> <to ms>", from before to`);
  return latencies.filter((_, i) => (startedAt[i] ?? 0) >= from && (startedAt[i] ?? 0) <= to);
}

void loadLoop({ url, host, minRequests: Number(min), maxSeconds: 300, pauseMs: 10, until: () => fs.existsSync(stop) }).then((load) => {
  const window = inWindow(load.latenciesMs, load.startedAtMs);
  console.log(
    JSON.stringify({
      requests: load.requests,
      failures: load.failures,
      p50: round(percentile(load.latenciesMs, 50)),
      p99: round(percentile(load.latenciesMs, 99)),
      versions: load.versions,
      ...(window
        ? { windowRequests: window.length, windowP50: round(percentile(window, 50)), windowP99: round(percentile(window, 99)) }
        : {}),
    }),
  );
});
