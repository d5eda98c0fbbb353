// Entry point: reads config, serves HTTP, and drains gracefully on
// SIGTERM/SIGINT. Run directly with Node >= 22.18 (type stripping).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "./config.ts";
import { createHandler } from "./handler.ts";
import { createLifecycle } from "./lifecycle.ts";
import { log } from "./log.ts";

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  log("error", "invalid configuration", { errors: loaded.errors });
  process.exit(1);
}
const config = loaded.config;

const lifecycle = createLifecycle();
const server = createServer(
  createHandler({ version: config.version, podName: config.podName, faultErrorPercent: config.faultErrorPercent }, lifecycle),
);

let readyTimer: NodeJS.Timeout | undefined;

function exit(code: number): never {
  log(code === 0 ? "info" : "error", "exit", { code });
  process.exit(code);
}

server.on("error", (err) => {
  // Typically EADDRINUSE / EACCES at listen time: nothing to serve, give up.
  log("error", "server error", { error: err.message });
  exit(1);
});

server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  log("info", "listening", {
    host: config.host,
    port,
    version: config.version,
    // A deliberately faulty build should be plain to see in its logs.
    ...(config.faultErrorPercent > 0 ? { faultErrorPercent: config.faultErrorPercent } : {}),
  });
  // Warm-up is counted from the moment the port is open, so /readyz reports
  // "starting" for at least startupDelayMs.
  readyTimer = setTimeout(() => {
    lifecycle.markReady();
    log("info", "ready");
  }, config.startupDelayMs);
});

function drain(signal: "SIGTERM" | "SIGINT"): void {
  if (!lifecycle.beginDrain()) {
    // Kubernetes sends SIGTERM once and SIGKILLs after the grace period; a
    // repeated signal changes nothing, the deadline below still applies.
    log("warn", "already draining", { signal });
    return;
  }
  clearTimeout(readyTimer);
  log("info", "draining", { signal, drainTimeoutMs: config.drainTimeoutMs });

  const deadline = setTimeout(() => {
    log("error", "drain timeout exceeded, closing remaining connections", {
      drainTimeoutMs: config.drainTimeoutMs,
    });
    server.closeAllConnections();
    exit(1);
  }, config.drainTimeoutMs);

  // Stop accepting connections; the callback runs once every open connection
  // has closed, i.e. all in-flight requests got their response.
  server.close((err) => {
    clearTimeout(deadline);
    // ERR_SERVER_NOT_RUNNING: signalled before listen finished; nothing to drain.
    if (err) log("warn", "close", { error: err.message });
    exit(0);
  });
  // Keep-alive connections with no request in flight would otherwise hold the
  // drain open until their keep-alive timeout. server.close() does this too
  // on Node >= 19; explicit because the drain depends on it.
  server.closeIdleConnections();
}

process.on("SIGTERM", () => {
  drain("SIGTERM");
});
process.on("SIGINT", () => {
  drain("SIGINT");
});
