import type { IncomingMessage, ServerResponse } from "node:http";
import { createFaultSchedule } from "./fault.ts";
import type { Lifecycle } from "./lifecycle.ts";
import { CONTENT_TYPE as METRICS_CONTENT_TYPE, createMetrics, renderMetrics } from "./metrics.ts";

/** Upper bound for `GET /?delayMs=N`, so a caller cannot park requests forever. */
export const MAX_DELAY_MS = 30_000;

/** Upper bound for `GET /?workMs=N`, so a caller cannot hold the event loop for long. */
export const MAX_WORK_MS = 200;

export interface AppInfo {
  readonly version: string;
  readonly podName: string;
  /** Share of requests to "/" answered 500 on purpose (tests only); 0 is off. */
  readonly faultErrorPercent: number;
}

/** The service's traffic: what /metrics counts. Probes and /metrics are not. */
const COUNTED_PATHS: ReadonlySet<string> = new Set(["/", "/version"]);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function createHandler(info: AppInfo, lifecycle: Lifecycle): Handler {
  const metrics = createMetrics(info.version);
  const shouldFail = createFaultSchedule(info.faultErrorPercent);

  const sendBody = (res: ServerResponse, status: number, contentType: string, body: string) => {
    res.statusCode = status;
    res.setHeader("Content-Type", contentType);
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.setHeader("Cache-Control", "no-store");
    // The server stops listening when the drain starts; telling clients to
    // drop keep-alive connections lets those close as soon as their last
    // response is out instead of holding the drain open.
    if (lifecycle.phase === "draining") res.setHeader("Connection", "close");
    res.end(body); // Node leaves the body out for HEAD by itself.
  };
  const send = (res: ServerResponse, status: number, body: object) => {
    sendBody(res, status, "application/json; charset=utf-8", JSON.stringify(body));
  };

  // Recorded on "finish", i.e. once the whole response is handed to the OS;
  // a client that hung up before its response gets no "finish" and so is not
  // counted: it saw no status code.
  const measure = (res: ServerResponse) => {
    const arrived = performance.now();
    res.once("finish", () => {
      metrics.observe(res.statusCode, (performance.now() - arrived) / 1000);
    });
  };

  return (req, res) => {
    // Split by hand rather than new URL(): a request target like "//x/readyz"
    // would otherwise be read as a host name.
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const path = q === -1 ? target : target.slice(0, q);
    const query = new URLSearchParams(q === -1 ? "" : target.slice(q + 1));

    // Before the method check: a POST to / is the service's traffic too.
    if (COUNTED_PATHS.has(path)) measure(res);

    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      send(res, 405, { error: "method not allowed", method: req.method });
      return;
    }

    switch (path) {
      case "/healthz":
        // Liveness stays OK during the drain: restarting a pod that is
        // shutting down on purpose would only cut its drain short.
        send(res, 200, { status: "ok" });
        return;

      case "/readyz":
        if (lifecycle.phase === "ready") send(res, 200, { status: "ready" });
        else send(res, 503, { status: lifecycle.phase });
        return;

      case "/version":
        send(res, 200, { version: info.version, pod: info.podName });
        return;

      case "/metrics":
        // Answered during the drain too: Prometheus scrapes a draining pod's
        // last counts.
        sendBody(res, 200, METRICS_CONTENT_TYPE, renderMetrics(metrics.snapshot()));
        return;

      case "/": {
        // Decided first, so the share is exact over all requests to "/"
        // whatever their parameters; a fault answers at once, without the
        // requested delay or work.
        if (shouldFail()) {
          send(res, 500, { error: "injected fault", version: info.version, pod: info.podName });
          return;
        }
        // A bad parameter is answered 400 naming it, its value and its range.
        const bounded = (name: string, max: number): number | undefined => {
          const raw = query.get(name);
          const n = raw === null ? 0 : parseBounded(raw, max);
          if (n === undefined) {
            send(res, 400, {
              error: `${name} must be an integer from 0 to ${String(max)}`,
              [name]: raw,
            });
          }
          return n;
        };
        const delayMs = bounded("delayMs", MAX_DELAY_MS);
        if (delayMs === undefined) return;
        const workMs = bounded("workMs", MAX_WORK_MS);
        if (workMs === undefined) return;
        // CPU work on demand: what makes a load test move the autoscaler.
        busy(workMs);
        const greet = () => {
          send(res, 200, {
            message: "hello from tagship",
            version: info.version,
            pod: info.podName,
          });
        };
        if (delayMs === 0) {
          greet();
          return;
        }
        const timer = setTimeout(greet, delayMs);
        // A client that hangs up mid-delay should not keep a timer (and so the
        // drain) alive. "close" also fires after a normal finish; harmless.
        res.once("close", () => {
          clearTimeout(timer);
        });
        return;
      }

      default:
        send(res, 404, { error: "not found", path });
    }
  };
}

function parseBounded(raw: string, max: number): number | undefined {
  if (!/^\d{1,5}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n <= max ? n : undefined;
}

/** Keeps the CPU busy for `ms` milliseconds. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}
