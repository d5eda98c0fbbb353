// Per-version request metrics in the Prometheus text exposition format 0.0.4,
// written by hand: the app has no dependencies, and two metric families do not
// call for a client library.
//
// Every sample carries the version label so a canary analysis can compare the
// old and the new version's error rate and latency in one query.

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Upper bounds (seconds) of the latency buckets: client libraries' defaults. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What has been recorded so far; the input of renderMetrics(). */
export interface MetricsSnapshot {
  readonly version: string;
  /** Responses by status code. */
  readonly requests: ReadonlyMap<number, number>;
  /**
   * Observations per bucket, not cumulative: index i counts durations in
   * (DURATION_BUCKETS[i-1], DURATION_BUCKETS[i]]; the last index, one past
   * DURATION_BUCKETS, counts those above the largest bound.
   */
  readonly bucketCounts: readonly number[];
  /** Sum of all observed durations, in seconds. */
  readonly durationSum: number;
}

export interface Metrics {
  /** Records one response sent with `status` after `seconds`. */
  observe(status: number, seconds: number): void;
  snapshot(): MetricsSnapshot;
}

/**
 * The codes whose counters exist, at 0, from the first scrape on: the service's success and its failure. Prometheus'
 * increase() counts only what a series gained after its first sample, so a counter born with a pod's first error
 * (or first request) would hide those from a canary's first windows, the ones that matter most.
 */
export const INITIAL_CODES: readonly number[] = [200, 500];

export function createMetrics(version: string): Metrics {
  const requests = new Map<number, number>(INITIAL_CODES.map((code) => [code, 0]));
  const bucketCounts = new Array<number>(DURATION_BUCKETS.length + 1).fill(0);
  let durationSum = 0;
  return {
    observe(status, seconds) {
      requests.set(status, (requests.get(status) ?? 0) + 1);
      // findIndex gives -1 above the largest bound: that is the +Inf bucket.
      const i = DURATION_BUCKETS.findIndex((le) => seconds <= le);
      const at = i === -1 ? DURATION_BUCKETS.length : i;
      bucketCounts[at] = (bucketCounts[at] ?? 0) + 1;
      durationSum += seconds;
    },
    snapshot() {
      // Copies, so a snapshot does not change under a caller that keeps it.
      return { version, requests: new Map(requests), bucketCounts: [...bucketCounts], durationSum };
    },
  };
}

/** Renders a snapshot as a scrape response body. Pure, for unit tests. */
export function renderMetrics(s: MetricsSnapshot): string {
  const version = `version="${escapeLabelValue(s.version)}"`;
  const lines = [
    "# HELP http_requests_total Requests to / and /version by status code (probes and /metrics not counted).",
    "# TYPE http_requests_total counter",
  ];
  // Sorted so that two scrapes list the series in the same order.
  for (const [code, count] of [...s.requests].sort(([a], [b]) => a - b)) {
    lines.push(`http_requests_total{${version},code="${String(code)}"} ${String(count)}`);
  }

  lines.push(
    "# HELP http_request_duration_seconds Time from a request's arrival to its response's finish, for the requests counted above.",
    "# TYPE http_request_duration_seconds histogram",
  );
  // Prometheus buckets are cumulative: each counts every observation <= le.
  let cumulative = 0;
  const bounds = [...DURATION_BUCKETS.map(String), "+Inf"];
  bounds.forEach((le, i) => {
    cumulative += s.bucketCounts[i] ?? 0;
    lines.push(`http_request_duration_seconds_bucket{${version},le="${le}"} ${String(cumulative)}`);
  });
  lines.push(`http_request_duration_seconds_sum{${version}} ${String(s.durationSum)}`);
  // _count equals the +Inf bucket by definition.
  lines.push(`http_request_duration_seconds_count{${version}} ${String(cumulative)}`);

  return lines.join("\n") + "\n";
}

/** Escapes a label value as the text format requires: \ " and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}
