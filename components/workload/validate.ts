import type { Naming } from "../naming";
import * as rules from "../rules";
import type { Problem } from "../validation";
import { CONTAINER_ENV } from "./container";
import type { ResolvedProbe, ResolvedWorkload } from "./resolve";
import { exposureProblems } from "./validate-exposure";
import { problemCollector } from "./problems";
import { scalingProblems } from "./validate-scaling";
import { canaryProblems } from "./validate-canary";

const B = rules.BOUNDS;

/**
 * Every problem with a workload's plain arguments, collected rather than thrown at the first, so that one
 * run shows them all. Inputs that may be Outputs (namespace, image, version) are checked by the component.
 */
export function workloadProblems(w: ResolvedWorkload, naming: Naming): Problem[] {
  const { problems, check, fail } = problemCollector(naming);

  if (w.replicas !== undefined) {
    check("rollout.replicas", w.replicas, rules.integerWithin(1, B.pods, "run at least one pod; use 2 or more for a rollout with no gap"));
  }
  check("rollout.maxSurge", w.maxSurge, rules.intOrPercent);
  check("rollout.maxUnavailable", w.maxUnavailable, rules.intOrPercent);
  if (rules.intOrPercent(w.maxSurge) === undefined && rules.intOrPercent(w.maxUnavailable) === undefined) {
    if (rules.isZero(w.maxSurge) && rules.isZero(w.maxUnavailable)) {
      fail(
        ["rollout.maxSurge", "rollout.maxUnavailable"],
        { maxSurge: w.maxSurge, maxUnavailable: w.maxUnavailable },
        "at most one of them 0: a rollout must add a new pod or remove an old one to make progress",
        "set maxSurge to 1 to keep full capacity during a rollout",
      );
    }
  }
  check("rollout.minReadySeconds", w.minReadySeconds, rules.integerWithin(0, B.pauseSeconds, "use 0 or a few seconds"));
  check(
    "rollout.progressDeadlineSeconds",
    w.progressDeadlineSeconds,
    rules.integerWithin(1, B.deadlineSeconds, "use a deadline such as 120"),
  );
  if (
    Number.isInteger(w.minReadySeconds) &&
    Number.isInteger(w.progressDeadlineSeconds) &&
    w.progressDeadlineSeconds <= w.minReadySeconds
  ) {
    fail(
      ["rollout.progressDeadlineSeconds", "rollout.minReadySeconds"],
      { progressDeadlineSeconds: w.progressDeadlineSeconds, minReadySeconds: w.minReadySeconds },
      "progressDeadlineSeconds greater than minReadySeconds (Kubernetes rejects the Deployment otherwise)",
      `raise progressDeadlineSeconds above ${w.minReadySeconds}, e.g. to ${Math.max(120, w.minReadySeconds * 4)}`,
    );
  }
  check(
    "rollout.revisionHistoryLimit",
    w.revisionHistoryLimit,
    rules.integerWithin(0, B.revisions, "keep a few, e.g. 5, so that rollback has something to go back to"),
  );
  check("containerPort", w.containerPort, rules.port);
  check("servicePort", w.servicePort, rules.port);
  if (w.metricsPath !== undefined) check("metricsPath", w.metricsPath, rules.httpPath);

  checkProbe("probes.readiness", w.readiness);
  if (w.liveness) checkProbe("probes.liveness", w.liveness);
  if (w.startup) checkProbe("probes.startup", w.startup);

  check("resources.cpuRequest", w.cpuRequest, rules.cpuQuantity);
  check("resources.cpuLimit", w.cpuLimit, rules.cpuQuantity);
  check("resources.memoryRequest", w.memoryRequest, rules.memoryQuantity);
  check("resources.memoryLimit", w.memoryLimit, rules.memoryQuantity);
  for (const [resource, amount] of [
    ["cpu", millicores],
    ["memory", bytes],
  ] as const) {
    const [request, limit] = [w[`${resource}Request`], w[`${resource}Limit`]];
    const [req, lim] = [amount(request), amount(limit)];
    if (req !== undefined && lim !== undefined && req > lim) {
      fail(
        [`resources.${resource}Request`, `resources.${resource}Limit`],
        { [`${resource}Request`]: request, [`${resource}Limit`]: limit },
        "a request no greater than the limit",
        "lower the request or raise the limit",
      );
    }
  }

  check("shutdown.preStopSeconds", w.preStopSeconds, rules.integerWithin(0, B.pauseSeconds, "use a pause of a few seconds, e.g. 5"));
  check("shutdown.terminationGracePeriodSeconds", w.terminationGracePeriodSeconds, rules.integerWithin(1, B.graceSeconds, "use e.g. 30"));
  if (
    Number.isInteger(w.preStopSeconds) &&
    Number.isInteger(w.terminationGracePeriodSeconds) &&
    w.preStopSeconds >= w.terminationGracePeriodSeconds
  ) {
    fail(
      ["shutdown.preStopSeconds", "shutdown.terminationGracePeriodSeconds"],
      { preStopSeconds: w.preStopSeconds, terminationGracePeriodSeconds: w.terminationGracePeriodSeconds },
      "preStopSeconds shorter than terminationGracePeriodSeconds, leaving the app time to drain after SIGTERM",
      `shorten preStopSeconds or raise terminationGracePeriodSeconds above ${w.preStopSeconds + 10}`,
    );
  }
  for (const name of w.secretEnvNames) {
    check(`secretEnv.names`, name, rules.envName);
    if ((CONTAINER_ENV as readonly string[]).includes(name)) {
      fail(
        ["secretEnv.names"],
        name,
        `a name other than ${CONTAINER_ENV.join(", ")}: the container sets these itself`,
        "rename the variable",
      );
    }
  }
  checkEnv();
  for (const field of ["command", "args"] as const) {
    const list = w[field];
    if (list !== undefined && (!Array.isArray(list) || list.some((v) => typeof v !== "string"))) {
      fail([field], list, "a list of strings", 'give each part as a string, e.g. ["/server", "--port", "8080"]');
    }
  }
  check("command", w.command?.length ?? 1, (n) =>
    n > 0 ? undefined : { allowed: "at least one part: the program to run", fix: "leave it out to run the image's ENTRYPOINT" },
  );
  check(
    "identity.runAsUser",
    w.runAsUser,
    rules.unixId(1, "use a non-root UID such as 10001: the restricted Pod Security profile refuses 0"),
  );
  check("identity.runAsGroup", w.runAsGroup, rules.unixId(0, "use the group the image's files belong to, e.g. 10001"));
  if (w.fsGroup !== undefined)
    check("identity.fsGroup", w.fsGroup, rules.unixId(0, "use the group that should own the volumes, e.g. 10001"));
  for (const [path, size] of Object.entries(w.writablePaths)) {
    check("writablePaths", path, rules.containerPath);
    if (typeof size !== "string" || rules.memoryQuantity(size)) {
      fail(["writablePaths"], { [path]: size }, "a size limit for each path, a memory quantity such as 64Mi", 'e.g. {"/tmp": "64Mi"}');
    }
  }
  problems.push(...scalingProblems(w, naming), ...exposureProblems(w, naming), ...canaryProblems(w, naming));
  return problems;

  /** Plain variables: valid names, none the container sets itself or the Secret sets too. */
  function checkEnv(): void {
    for (const [name, value] of Object.entries(w.env)) {
      check("env", name, rules.envName);
      if (typeof value !== "string") fail(["env"], { [name]: value }, "a text value for each variable", "quote the value");
      const clash = (CONTAINER_ENV as readonly string[]).includes(name)
        ? `a name other than ${CONTAINER_ENV.join(", ")}: the container sets these itself`
        : w.secretEnvNames.includes(name)
          ? "a name that is not also a secret variable: the container would get two values for it"
          : undefined;
      if (clash) fail(["env"], name, clash, "rename the variable, or set it in one place only");
    }
  }

  function checkProbe(field: string, p: ResolvedProbe): void {
    check(`${field}.path`, p.path, rules.httpPath);
    check(`${field}.periodSeconds`, p.periodSeconds, rules.integerWithin(1, B.probeSeconds, "probe every few seconds, e.g. 2"));
    check(`${field}.failureThreshold`, p.failureThreshold, rules.integerWithin(1, B.probeFailures, "use e.g. 3"));
    check(`${field}.timeoutSeconds`, p.timeoutSeconds, rules.integerWithin(1, B.probeSeconds, "use e.g. 1"));
  }
}

function millicores(q: string): number | undefined {
  if (rules.cpuQuantity(q)) return undefined;
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

function bytes(q: string): number | undefined {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q);
  if (rules.memoryQuantity(q) || !m) return undefined;
  return Number(m[1]) * (MEMORY_UNITS[m[2] ?? ""] ?? 1);
}
