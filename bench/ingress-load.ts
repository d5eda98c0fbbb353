// The load of bench/ingress.sh: GET requests through the lab's ingress with a Host header, on fresh connections,
// until the file named by <stop> exists and at least <min> requests are done (at most 300 s); prints one JSON line:
// requests, failures, p50 and p99 in milliseconds. Loopback or the lab's addresses only (loadLoop refuses others).
// Each of the 4 workers pauses 10 ms between requests: a steady load of a few hundred requests a second, which leaves
// the two cores of the lab's machine to the release being measured.
// Usage: node --import tsx bench/ingress-load.ts <url> <host> <stop file> <min requests>
import * as fs from "node:fs";
import { loadLoop, percentile } from "../tests/integration/load";

const [url, host, stop, min] = process.argv.slice(2);
if (!url || !host || !stop || !min) throw new Error("usage: ingress-load.ts <url> <host> <stop file> <min requests>");
const round = (n: number) => Math.round(n * 10) / 10;
void loadLoop({ url, host, minRequests: Number(min), maxSeconds: 300, pauseMs: 10, until: () => fs.existsSync(stop) }).then((load) => {
  console.log(
    JSON.stringify({
      requests: load.requests,
      failures: load.failures,
      p50: round(percentile(load.latenciesMs, 50)),
      p99: round(percentile(load.latenciesMs, 99)),
      versions: load.versions,
    }),
  );
});
