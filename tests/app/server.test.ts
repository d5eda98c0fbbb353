// Black-box tests of the sample app (app/src/server.ts): each test spawns the
// real entry point with Node's type stripping, exactly as the image runs it,
// and talks to it over 127.0.0.1 only.
import { spawn } from "node:child_process";
import type { ChildProcess, ChildProcessByStdio } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:net";
import { resolve } from "node:path";
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Readable } from "node:stream";

const SERVER = resolve(__dirname, "../../app/src/server.ts");
const HOST = "127.0.0.1";
const TEST_TIMEOUT_MS = 20_000;

type LogLine = Record<string, unknown> & { msg?: string };

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

interface App {
  child: ChildProcessByStdio<null, Readable, Readable>;
  logs: LogLine[];
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
  waitForLog: (msg: string, timeoutMs?: number) => Promise<LogLine>;
  kill: () => void;
}

const running = new Set<ChildProcess>();

// Safety net: whatever a test did, no app process outlives the file.
after(() => {
  for (const child of running) child.kill("SIGKILL");
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${String(ms)} ms: ${what}`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startApp(env: Record<string, string>): App {
  // A clean environment: a PORT or HOST set in the caller's shell must not
  // leak into the app under test.
  const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", SERVER], {
    env: { PATH: process.env.PATH ?? "", HOST, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);

  let out = "";
  let err = "";
  const logs: LogLine[] = [];
  const waiters: Array<() => void> = [];
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf("\n")) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: "<non-json>", line });
      }
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });

  const exited = new Promise<Exit>((res) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      for (const w of waiters.splice(0)) w();
      res({ code, signal, at: Date.now() });
    });
  });

  const waitForLog = (msg: string, timeoutMs = 5_000) =>
    withTimeout(
      new Promise<LogLine>((res, rej) => {
        const check = () => {
          const hit = logs.find((l) => l.msg === msg);
          if (hit) {
            res(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            rej(new Error(`app exited before logging "${msg}": ${err}`));
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
      timeoutMs,
      `log line "${msg}"; stdout so far: ${out}; stderr: ${err}`,
    );

  return {
    child,
    logs,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
      }
    },
  };
}

async function startListening(env: Record<string, string>) {
  const app = startApp(env);
  const line = await app.waitForLog("listening");
  const port = line.port;
  assert.equal(typeof port, "number");
  assert.ok((port as number) > 0, `bound a real port, got ${String(port)}`);
  return { app, port: port as number, line };
}

/** The fields the app's JSON bodies may carry. */
interface Body {
  status?: string;
  error?: string;
  version?: string;
  pod?: string;
  message?: string;
}

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Body;
}

/** One request on a fresh connection (no agent pooling), bounded in time. */
function get(port: number, path: string, { method = "GET", timeoutMs = 5_000 } = {}): Promise<Res> {
  return new Promise((res, rej) => {
    const req = request({ host: HOST, port, path, method, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (c: string) => (text += c));
      response.on("error", rej);
      response.on("end", () => {
        res({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text,
          json: () => JSON.parse(text) as Body,
        });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request ${method} ${path} timed out`)));
    req.on("error", rej);
    req.end();
  });
}

/**
 * Opens a connection and sends only the first line of a request, so the
 * server sees a request in progress (not an idle keep-alive connection that a
 * drain would close). finish() completes the request and returns the raw
 * response once the server closes the connection.
 */
async function startRawRequest(port: number, path: string) {
  const socket = connect({ host: HOST, port });
  let raw = "";
  socket.setEncoding("utf8");
  socket.on("data", (c: string) => (raw += c));
  const closed = new Promise<string>((res, rej) => {
    socket.once("close", () => {
      res(raw);
    });
    socket.once("error", rej);
  });
  void closed.catch(() => {}); // Surfaced by finish().
  await withTimeout(
    new Promise<void>((res, rej) => {
      socket.once("connect", res);
      socket.once("error", rej);
    }),
    5_000,
    "raw connect",
  );
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\n`);
  return {
    finish: () => {
      socket.write("\r\n");
      return withTimeout(closed, 5_000, `raw response to ${path}`);
    },
    destroy: () => socket.destroy(),
  };
}

/**
 * A request whose headers are sent before SIGTERM and finished after it (a probe or a scrape racing the shutdown):
 * its raw response. `beforeSignal` runs once the request has had `settleMs` to reach the server.
 */
async function rawAcrossSigterm(app: App, port: number, path: string, settleMs: number, beforeSignal = () => {}): Promise<string> {
  const request = await startRawRequest(port, path);
  await sleep(settleMs);
  beforeSignal();
  app.child.kill("SIGTERM");
  await app.waitForLog("draining");
  try {
    return await request.finish();
  } finally {
    request.destroy();
  }
}

/** A scrape's samples, keyed by name and labels as written, e.g. `x{code="200"}`. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** The samples of one metric name, in the order the scrape lists them. */
function family(all: Map<string, number>, name: string): Array<[string, number]> {
  return [...all].filter(([key]) => key.startsWith(name + "{"));
}

async function scrape(port: number): Promise<Map<string, number>> {
  const r = await get(port, "/metrics");
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  return samples(r.text);
}

async function waitUntilReady(port: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await get(port, "/readyz");
    if (r.status === 200) return r;
    if (Date.now() >= deadline) {
      assert.fail(`not ready after ${String(timeoutMs)} ms`);
    }
    await sleep(50);
  }
}

// describe() and test() return promises that the runner itself awaits.
void describe("sample app", { timeout: TEST_TIMEOUT_MS }, () => {
  void test("is not ready during warm-up, then ready; health and version", async () => {
    const startedAt = Date.now();
    const { app, port, line } = await startListening({
      STARTUP_DELAY_MS: "500",
      APP_VERSION: "1.2.3-test",
      POD_NAME: "pod-under-test",
    });
    try {
      assert.equal(line.host, HOST);
      assert.equal(line.version, "1.2.3-test");

      const early = await get(port, "/readyz");
      assert.equal(early.status, 503);
      assert.deepEqual(early.json(), { status: "starting" });

      const health = await get(port, "/healthz");
      assert.equal(health.status, 200);
      assert.deepEqual(health.json(), { status: "ok" });

      const ready = await waitUntilReady(port, 5_000);
      assert.deepEqual(ready.json(), { status: "ready" });
      // The warm-up is counted from listen, which happened after spawn.
      assert.ok(Date.now() - startedAt >= 450, "ready no sooner than the delay");

      const version = await get(port, "/version");
      assert.equal(version.status, 200);
      assert.deepEqual(version.json(), {
        version: "1.2.3-test",
        pod: "pod-under-test",
      });

      const root = await get(port, "/");
      assert.equal(root.status, 200);
      assert.equal(root.json().version, "1.2.3-test");
      assert.match(root.headers["content-type"] as string, /application\/json/);
    } finally {
      app.kill();
    }
  });

  void test("rejects unknown paths, other methods and bad delayMs or workMs; workMs spends CPU first", async () => {
    const { app, port } = await startListening({ STARTUP_DELAY_MS: "0" });
    try {
      const missing = await get(port, "/nope");
      assert.equal(missing.status, 404);
      assert.equal(missing.json().error, "not found");

      const post = await get(port, "/", { method: "POST" });
      assert.equal(post.status, 405);
      assert.equal(post.headers.allow, "GET, HEAD");
      assert.equal(post.json().error, "method not allowed");

      for (const bad of ["30001", "-1", "abc", "1.5", ""]) {
        const r = await get(port, `/?delayMs=${bad}`);
        assert.equal(r.status, 400, `delayMs=${bad}`);
        assert.match(r.json().error ?? "", /delayMs/);
      }
      const ok = await get(port, "/?delayMs=0");
      assert.equal(ok.status, 200);
      for (const bad of ["201", "-1", "x"]) {
        const r = await get(port, `/?workMs=${bad}`);
        assert.equal(r.status, 400, `workMs=${bad}`);
        assert.match(r.json().error ?? "", /workMs must be an integer from 0 to 200/);
      }
      // workMs spends that much CPU before answering.
      const started = performance.now();
      const worked = await get(port, "/?workMs=150");
      assert.equal(worked.status, 200);
      assert.ok(performance.now() - started >= 150, "answered only after its work");

      const head = await get(port, "/healthz", { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.text, "");
    } finally {
      app.kill();
    }
  });

  void test("SIGTERM drains: not ready, in-flight request completes, exit 0", async () => {
    const { app, port } = await startListening({
      STARTUP_DELAY_MS: "0",
      DRAIN_TIMEOUT_MS: "10000",
    });
    try {
      await waitUntilReady(port, 5_000);

      const sentAt = Date.now();
      const inFlight = get(port, "/?delayMs=800");
      let finishedAt = 0;
      void inFlight.then(
        () => (finishedAt = Date.now()),
        () => {},
      );
      // A /readyz request whose headers finish only after the signal: it
      // must see the draining state (a probe racing the shutdown).
      // Given 200 ms to reach the server before the signal, as is the request in flight.
      const probeResponse = await rawAcrossSigterm(app, port, "/readyz", 200, () => {
        assert.equal(finishedAt, 0, "request still in flight at SIGTERM");
      });
      assert.match(probeResponse, /^HTTP\/1\.1 503 /);
      assert.match(probeResponse, /\r\nConnection: close\r\n/i);
      assert.match(probeResponse, /\r\n\r\n\{"status":"draining"\}$/);

      // A new connection: the listener is closed, so connection refused (a
      // 503 "draining" would be fine too).
      const afterSignal = await get(port, "/readyz").then(
        (r) => ({ status: r.status, body: r.json() }),
        (e: unknown) => ({
          status: (e as NodeJS.ErrnoException).code,
          body: undefined,
        }),
      );
      if (afterSignal.status === 503) {
        assert.deepEqual(afterSignal.body, { status: "draining" });
      } else {
        assert.equal(afterSignal.status, "ECONNREFUSED");
      }

      const r = await inFlight;
      assert.equal(r.status, 200);
      assert.equal(r.json().message, "hello from tagship");
      // Written during the drain, so it tells the client to drop the socket.
      assert.equal(r.headers.connection, "close");

      const exit = await withTimeout(app.exited, 5_000, "app exit after drain");
      assert.deepEqual([exit.code, exit.signal], [0, null]);
      // Did not exit before the 800 ms request could have finished.
      assert.ok(exit.at - sentAt >= 750, `exited ${String(exit.at - sentAt)} ms after the request was sent`);
      assert.equal(app.logs.at(-1)?.msg, "exit");
      assert.equal(app.logs.at(-1)?.code, 0);
    } finally {
      app.kill();
    }
  });

  void test("SIGINT on an idle server exits 0 promptly", async () => {
    const { app } = await startListening({ STARTUP_DELAY_MS: "0" });
    try {
      app.child.kill("SIGINT");
      const exit = await withTimeout(app.exited, 3_000, "app exit on SIGINT");
      assert.deepEqual([exit.code, exit.signal], [0, null]);
    } finally {
      app.kill();
    }
  });

  void test("a drain longer than DRAIN_TIMEOUT_MS exits 1", async () => {
    const { app, port } = await startListening({
      STARTUP_DELAY_MS: "0",
      DRAIN_TIMEOUT_MS: "200",
    });
    try {
      const inFlight = get(port, "/?delayMs=5000", { timeoutMs: 8_000 });
      void inFlight.catch(() => {}); // Settled below; no unhandled rejection.
      await sleep(200);

      const signalledAt = Date.now();
      app.child.kill("SIGTERM");
      const exit = await withTimeout(app.exited, 3_000, "app exit on timeout");
      assert.deepEqual([exit.code, exit.signal], [1, null]);
      assert.ok(exit.at - signalledAt >= 150, "waited for the drain timeout");

      // The connection was cut rather than answered.
      await assert.rejects(withTimeout(inFlight, 3_000, "in-flight request"));
      assert.match(app.stderr(), /drain timeout exceeded/);
    } finally {
      app.kill();
    }
  });

  void test("FAULT_ERROR_PERCENT=20 fails exactly every 5th request to / and nothing else; logged at start", async () => {
    const { app, port, line } = await startListening({
      STARTUP_DELAY_MS: "0",
      FAULT_ERROR_PERCENT: "20",
      APP_VERSION: "2.0.0-faulty",
      POD_NAME: "pod-under-test",
    });
    try {
      assert.equal(line.faultErrorPercent, 20);
      await waitUntilReady(port, 5_000);

      const failed: number[] = [];
      for (let n = 1; n <= 100; n++) {
        const r = await get(port, "/");
        if (r.status === 500) {
          failed.push(n);
          assert.deepEqual(r.json(), { error: "injected fault", version: "2.0.0-faulty", pod: "pod-under-test" });
        } else {
          assert.equal(r.status, 200, `request ${String(n)}`);
        }
        // Interleaved, so a fault meant for / would show up on them.
        for (const path of ["/healthz", "/readyz", "/version", "/metrics"]) {
          assert.equal((await get(port, path)).status, 200, `${path} after request ${String(n)}`);
        }
      }
      assert.deepEqual(
        failed,
        Array.from({ length: 20 }, (_, i) => (i + 1) * 5),
      );

      // 80 greetings and 100 /version answers; the probes and scrapes not at all.
      const m = await scrape(port);
      assert.deepEqual(family(m, "http_requests_total"), [
        ['http_requests_total{version="2.0.0-faulty",code="200"}', 180],
        ['http_requests_total{version="2.0.0-faulty",code="500"}', 20],
      ]);
      assert.equal(m.get('http_request_duration_seconds_count{version="2.0.0-faulty"}'), 200);
    } finally {
      app.kill();
    }
  });

  void test("without FAULT_ERROR_PERCENT no request fails and the start log has no faultErrorPercent", async () => {
    const { app, port, line } = await startListening({ STARTUP_DELAY_MS: "0" });
    try {
      assert.equal("faultErrorPercent" in line, false);
      const statuses = new Map<number, number>();
      for (let n = 1; n <= 100; n++) {
        const { status } = await get(port, "/");
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      assert.deepEqual([...statuses], [[200, 100]]);
    } finally {
      app.kill();
    }
  });

  void test("/metrics counts / and /version by code and version, times them, and skips probes and itself", async () => {
    // A quote and a backslash in the version: the label value must be escaped.
    const { app, port } = await startListening({ STARTUP_DELAY_MS: "0", APP_VERSION: 'v"1\\' });
    const v = 'version="v\\"1\\\\"';
    try {
      await waitUntilReady(port, 5_000);
      for (let i = 0; i < 3; i++) assert.equal((await get(port, "/")).status, 200);
      for (let i = 0; i < 2; i++) assert.equal((await get(port, "/version")).status, 200);
      for (let i = 0; i < 2; i++) assert.equal((await get(port, "/?delayMs=abc")).status, 400);
      assert.equal((await get(port, "/", { method: "POST" })).status, 405);
      assert.equal((await get(port, "/?delayMs=300")).status, 200);
      // Not the service's traffic: not counted.
      for (let i = 0; i < 5; i++) {
        await get(port, "/healthz");
        await get(port, "/readyz");
        await get(port, "/metrics");
      }
      assert.equal((await get(port, "/nope")).status, 404);

      // A client that hangs up before its answer got no status: not counted.
      await assert.rejects(get(port, "/?delayMs=2000", { timeoutMs: 200 }), /timed out/);
      await sleep(100);

      const m = await scrape(port);
      assert.deepEqual(family(m, "http_requests_total"), [
        [`http_requests_total{${v},code="200"}`, 6],
        [`http_requests_total{${v},code="400"}`, 2],
        [`http_requests_total{${v},code="405"}`, 1],
        [`http_requests_total{${v},code="500"}`, 0],
      ]);

      const buckets = family(m, "http_request_duration_seconds_bucket");
      assert.deepEqual(
        buckets.map(([key]) => key),
        ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"].map(
          (le) => `http_request_duration_seconds_bucket{${v},le="${le}"}`,
        ),
      );
      const counts = buckets.map(([, n]) => n);
      for (let i = 1; i < counts.length; i++) {
        assert.ok((counts[i] ?? 0) >= (counts[i - 1] ?? 0), `cumulative: ${counts.join(" ")}`);
      }
      assert.equal(counts.at(-1), 9, "+Inf holds every counted request");
      assert.equal(m.get(`http_request_duration_seconds_count{${v}}`), 9);
      // The 300 ms request is above 0.25 s; nothing took 10 s.
      assert.ok((counts[5] ?? 0) <= 8, `le=0.25: ${String(counts[5])}`);
      assert.equal(counts[10], 9, "le=10");
      const sum = m.get(`http_request_duration_seconds_sum{${v}}`) ?? 0;
      assert.ok(sum >= 0.3 && sum < 5, `sum ${String(sum)}`);

      // Scraping is not counted either: the next scrape shows the same.
      assert.deepEqual(await scrape(port), m);
    } finally {
      app.kill();
    }
  });

  void test("/metrics answers during the drain with the last counts", async () => {
    const { app, port } = await startListening({ STARTUP_DELAY_MS: "0", APP_VERSION: "9.9.9", DRAIN_TIMEOUT_MS: "10000" });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await get(port, "/")).status, 200);
      // Sent before the signal, completed after it: a scrape racing the shutdown.
      const raw = await rawAcrossSigterm(app, port, "/metrics", 100);
      assert.match(raw, /^HTTP\/1\.1 200 /);
      assert.match(raw, /\r\nContent-Type: text\/plain; version=0\.0\.4; charset=utf-8\r\n/i);
      assert.match(raw, /\r\nConnection: close\r\n/i);
      const m = samples(raw.slice(raw.indexOf("\r\n\r\n") + 4));
      assert.deepEqual(family(m, "http_requests_total"), [
        ['http_requests_total{version="9.9.9",code="200"}', 2],
        ['http_requests_total{version="9.9.9",code="500"}', 0],
      ]);

      const exit = await withTimeout(app.exited, 5_000, "app exit after drain");
      assert.deepEqual([exit.code, exit.signal], [0, null]);
    } finally {
      app.kill();
    }
  });

  void test("invalid env exits 1 naming the variable and value", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: "abc" }, /PORT='abc'.*0 to 65535/],
      [{ PORT: "70000" }, /PORT='70000'/],
      [{ STARTUP_DELAY_MS: "-5" }, /STARTUP_DELAY_MS='-5'/],
      [{ DRAIN_TIMEOUT_MS: "1.5" }, /DRAIN_TIMEOUT_MS='1.5'/],
      [{ FAULT_ERROR_PERCENT: "101" }, /FAULT_ERROR_PERCENT='101'.*from 0 to 100 with at most 2 decimals/],
      [{ FAULT_ERROR_PERCENT: "1.234" }, /FAULT_ERROR_PERCENT='1\.234'/],
    ];
    for (const [env, expected] of cases) {
      const app = startApp(env);
      try {
        const exit = await withTimeout(app.exited, 5_000, "app exit on bad env");
        assert.equal(exit.code, 1, JSON.stringify(env));
        assert.match(app.stderr(), expected);
        assert.equal(app.logs.length, 0, "never started listening");
      } finally {
        app.kill();
      }
    }
  });
});
