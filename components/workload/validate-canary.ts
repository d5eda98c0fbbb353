import type { Naming } from "../naming";
import * as rules from "../rules";
import type { Problem } from "../validation";
import { problemCollector } from "./problems";
import type { ResolvedWorkload } from "./resolve";

const B = rules.BOUNDS;
/** More steps than this is a rollout that takes an afternoon; a typo more likely than a plan. */
const MAX_STEPS = 10;
/** PromQL metric names. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Problems with a canary: its steps, its timing, what its analysis judges and what it reads. */
export function canaryProblems(w: ResolvedWorkload, naming: Naming): Problem[] {
  const { problems, check, fail } = problemCollector(naming);
  const c = w.canary;
  if (!c) return problems;
  if (w.metricsPath === undefined) {
    fail(
      ["canary", "metricsPath"],
      { canary: { steps: c.steps } },
      "a canary together with metricsPath: its analysis reads the new version's requests from the pods' metrics",
      "set metricsPath to where the app serves Prometheus metrics, e.g. /metrics, or remove canary for a rolling update",
    );
  }
  const steps: readonly number[] = Array.isArray(c.steps) ? c.steps : [];
  if (steps.length === 0 || steps.length > MAX_STEPS) {
    fail(["canary.steps"], c.steps, `a list of 1 to ${MAX_STEPS} weights`, "e.g. [10, 50]: 10% of the pods, then 50%, then all");
  }
  steps.forEach((weight) =>
    check(
      `canary.steps`,
      weight,
      rules.integerWithin(1, { max: 99, why: "100% is the end of the rollout, not a step" }, "use a percentage such as 10"),
    ),
  );
  if (steps.some((s, i) => i > 0 && s <= (steps[i - 1] ?? 0))) {
    fail(["canary.steps"], c.steps, "weights rising from step to step", "sort them and drop repeats, e.g. [10, 50]");
  }
  check("canary.intervalSeconds", c.intervalSeconds, rules.integerWithin(1, B.pauseSeconds, "measure every few seconds, e.g. 10"));
  check("canary.pauseSeconds", c.pauseSeconds, rules.integerWithin(1, B.deadlineSeconds, "e.g. 30"));
  check(
    "canary.windowSeconds",
    c.windowSeconds,
    rules.integerWithin(1, B.deadlineSeconds, "e.g. 30: at least twice Prometheus' scrape interval"),
  );
  check("canary.deadlineSeconds", c.deadlineSeconds, rules.integerWithin(1, B.deadlineSeconds, "e.g. 300"));
  check("canary.minRequests", c.minRequests, rules.integerWithin(1, { max: 1_000_000, why: "a window that never fills" }, "e.g. 50"));
  check("canary.maxErrorPercent", c.maxErrorPercent, (v: number) =>
    typeof v === "number" && v >= 0 && v <= 100 ? undefined : { allowed: "a percentage from 0 to 100", fix: "e.g. 1" },
  );
  if (c.maxP99Milliseconds !== undefined) {
    check("canary.maxP99Milliseconds", c.maxP99Milliseconds, rules.integerWithin(1, { max: 600_000, why: "ten minutes" }, "e.g. 500"));
  }
  if (Number.isInteger(c.intervalSeconds) && Number.isInteger(c.pauseSeconds) && c.pauseSeconds < c.intervalSeconds) {
    fail(
      ["canary.pauseSeconds", "canary.intervalSeconds"],
      { pauseSeconds: c.pauseSeconds, intervalSeconds: c.intervalSeconds },
      "a pause of at least one interval: a step passes after pauseSeconds / intervalSeconds measurements",
      `raise pauseSeconds to ${c.intervalSeconds} or more, or measure more often`,
    );
  }
  if (Number.isInteger(c.deadlineSeconds) && Number.isInteger(c.pauseSeconds) && c.deadlineSeconds < c.pauseSeconds) {
    fail(
      ["canary.deadlineSeconds", "canary.pauseSeconds"],
      { deadlineSeconds: c.deadlineSeconds, pauseSeconds: c.pauseSeconds },
      "a deadline no shorter than the pause: a step waits up to deadlineSeconds for enough requests",
      `raise deadlineSeconds to ${c.pauseSeconds} or more`,
    );
  }
  for (const field of ["requestsMetric", "latencyMetric"] as const) {
    check(`canary.${field}`, c[field], (v: string) =>
      typeof v === "string" && METRIC_NAME.test(v)
        ? undefined
        : { allowed: "a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", fix: "name the app's metric" },
    );
  }
  if (c.prometheusAddress !== undefined) {
    check("canary.prometheusAddress", c.prometheusAddress, (v: string) =>
      /^https?:\/\/[^\s/]+(\/\S*)?$/.test(v) ? undefined : { allowed: "an http(s) URL", fix: "e.g. http://prometheus.monitoring:9090" },
    );
  }
  return problems;
}
