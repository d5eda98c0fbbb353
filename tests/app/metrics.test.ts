// Unit tests of the sample app's pure parts: the metrics rendering, the fault
// schedule and the FAULT_ERROR_PERCENT setting. server.test.ts covers the
// same through HTTP.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../app/src/config";
import { createFaultSchedule } from "../../app/src/fault";
import { createMetrics, escapeLabelValue, renderMetrics } from "../../app/src/metrics";

void describe("renderMetrics", () => {
  void test("counts by code, sorted, with cumulative buckets ending in +Inf = _count", () => {
    const m = createMetrics("1.2.3");
    // 2 fast 200s, one 500 at 0.3 s, one 400 exactly on a bound (le is <=),
    // one 200 above the largest bound.
    m.observe(200, 0.001);
    m.observe(200, 0.002);
    m.observe(500, 0.3);
    m.observe(400, 0.05);
    m.observe(200, 12);
    assert.equal(
      renderMetrics(m.snapshot()),
      [
        "# HELP http_requests_total Requests to / and /version by status code (probes and /metrics not counted).",
        "# TYPE http_requests_total counter",
        'http_requests_total{version="1.2.3",code="200"} 3',
        'http_requests_total{version="1.2.3",code="400"} 1',
        'http_requests_total{version="1.2.3",code="500"} 1',
        "# HELP http_request_duration_seconds Time from a request's arrival to its response's finish, for the requests counted above.",
        "# TYPE http_request_duration_seconds histogram",
        'http_request_duration_seconds_bucket{version="1.2.3",le="0.005"} 2',
        'http_request_duration_seconds_bucket{version="1.2.3",le="0.01"} 2',
        'http_request_duration_seconds_bucket{version="1.2.3",le="0.025"} 2',
        'http_request_duration_seconds_bucket{version="1.2.3",le="0.05"} 3',
        'http_request_duration_seconds_bucket{version="1.2.3",le="0.1"} 3',
        'http_request_duration_seconds_bucket{version="1.2.3",le="0.25"} 3',
        'http_request_duration_seconds_bucket{version="1.2.3",le="0.5"} 4',
        'http_request_duration_seconds_bucket{version="1.2.3",le="1"} 4',
        'http_request_duration_seconds_bucket{version="1.2.3",le="2.5"} 4',
        'http_request_duration_seconds_bucket{version="1.2.3",le="5"} 4',
        'http_request_duration_seconds_bucket{version="1.2.3",le="10"} 4',
        'http_request_duration_seconds_bucket{version="1.2.3",le="+Inf"} 5',
        `http_request_duration_seconds_sum{version="1.2.3"} ${String(0.001 + 0.002 + 0.3 + 0.05 + 12)}`,
        'http_request_duration_seconds_count{version="1.2.3"} 5',
        "",
      ].join("\n"),
    );
  });

  void test("before any request: the 200 and 500 counters at 0 (no other code), a histogram of zeros", () => {
    const text = renderMetrics(createMetrics("v1").snapshot());
    assert.deepEqual(text.match(/^http_requests_total.*$/gm), [
      'http_requests_total{version="v1",code="200"} 0',
      'http_requests_total{version="v1",code="500"} 0',
    ]);
    const buckets = text.match(/^http_request_duration_seconds_bucket\{.*\} \d+$/gm) ?? [];
    assert.equal(buckets.length, 12);
    assert.ok(buckets.every((l) => l.endsWith(" 0")));
    assert.match(text, /^http_request_duration_seconds_count\{version="v1"\} 0$/m);
    assert.match(text, /^http_request_duration_seconds_sum\{version="v1"\} 0$/m);
  });

  void test("a snapshot does not change with later observations", () => {
    const m = createMetrics("v1");
    m.observe(200, 0.001);
    const before = m.snapshot();
    m.observe(200, 0.001);
    assert.match(renderMetrics(before), /code="200"\} 1$/m);
    assert.match(renderMetrics(m.snapshot()), /code="200"\} 2$/m);
  });

  void test("escapes backslash, double quote and newline in label values", () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(escapeLabelValue("1.2.3"), "1.2.3");
    const m = createMetrics('1.0"x\\\n');
    m.observe(200, 0.001);
    const text = renderMetrics(m.snapshot());
    assert.match(text, /^http_requests_total\{version="1\.0\\"x\\\\\\n",code="200"\} 1$/m);
    // A raw newline would split a sample line in two.
    for (const line of text.trimEnd().split("\n")) assert.match(line, /^(# .*|[a-z_]+\{version=.*\} \S+)$/);
    assert.equal(text.split("\n").filter((l) => l.includes('version="1.0\\"x\\\\\\n"')).length, 16);
  });
});

/** Which of requests 1..count fail, numbered from 1. */
function failing(percent: number, count: number): number[] {
  const shouldFail = createFaultSchedule(percent);
  const out: number[] = [];
  for (let n = 1; n <= count; n++) if (shouldFail()) out.push(n);
  return out;
}

void describe("fault schedule", () => {
  void test("0 never fails, 100 always does", () => {
    assert.deepEqual(failing(0, 1000), []);
    assert.equal(failing(100, 1000).length, 1000);
  });

  void test("20 % fails exactly every 5th request", () => {
    assert.deepEqual(failing(20, 30), [5, 10, 15, 20, 25, 30]);
  });

  void test("any 100 consecutive requests hold p % (rounded) failures, also across the 10,000 wrap", () => {
    for (const p of [1, 20, 33.33, 50, 99.99]) {
      const fails = new Set(failing(p, 20_200));
      for (const start of [1, 37, 9_950, 19_999, 20_101]) {
        let n = 0;
        for (let i = start; i < start + 100; i++) if (fails.has(i)) n++;
        assert.ok(Math.abs(n - p) < 1, `p=${String(p)} from ${String(start)}: ${String(n)} failed`);
      }
      assert.equal(fails.size, Math.floor((20_200 * Math.round(p * 100)) / 10_000), `p=${String(p)} over 20,200`);
    }
  });

  void test("0.5 % fails every 200th request", () => {
    assert.deepEqual(failing(0.5, 1000), [200, 400, 600, 800, 1000]);
  });

  void test("decimals stay exact although 0.29 * 100 is 28.999999999999996 in floating point", () => {
    assert.equal(failing(0.29, 10_000).length, 29);
  });
});

void describe("FAULT_ERROR_PERCENT", () => {
  void test("accepts empty, whole and 2-decimal values from 0 to 100; 0 when unset", () => {
    const cases: Array<[string | undefined, number]> = [
      [undefined, 0],
      ["", 0],
      ["0", 0],
      ["20", 20],
      ["0.5", 0.5],
      ["12.34", 12.34],
      ["100", 100],
    ];
    for (const [raw, expected] of cases) {
      const r = loadConfig({ FAULT_ERROR_PERCENT: raw });
      assert.ok(r.ok, `${String(raw)}: ${r.ok ? "" : r.errors.join("; ")}`);
      assert.equal(r.config.faultErrorPercent, expected, String(raw));
    }
  });

  void test("rejects anything else naming the variable, value and range", () => {
    for (const raw of ["-1", "101", "100.01", "abc", "1.234", " 5", "5 ", "1e1", ".5", "5.", "0x10"]) {
      const r = loadConfig({ FAULT_ERROR_PERCENT: raw });
      assert.ok(!r.ok, `${raw} accepted`);
      assert.deepEqual(r.errors, [
        `FAULT_ERROR_PERCENT='${raw}' is invalid: expected a number from 0 to 100 with at most 2 decimals, e.g. 20 or 0.5 (0 turns it off)`,
      ]);
    }
  });

  void test("reported together with the other invalid variables", () => {
    const r = loadConfig({ PORT: "x", FAULT_ERROR_PERCENT: "101" });
    assert.ok(!r.ok);
    assert.equal(r.errors.length, 2);
    assert.match(r.errors[0] ?? "", /^PORT='x'/);
    assert.match(r.errors[1] ?? "", /^FAULT_ERROR_PERCENT='101'/);
  });
});
