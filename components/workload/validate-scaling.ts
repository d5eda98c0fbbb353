import type { Naming } from "../naming";
import * as rules from "../rules";
import type { Problem } from "../validation";
import { problemCollector } from "./problems";
import type { ResolvedWorkload } from "./resolve";

const B = rules.BOUNDS;

const WHEN_UNSATISFIABLE = ["ScheduleAnyway", "DoNotSchedule"];

/** Problems with how many pods run and where: the autoscaler's bounds and targets, and the topology spread. */
export function scalingProblems(w: ResolvedWorkload, naming: Naming): Problem[] {
  const { problems, check, fail } = problemCollector(naming);
  const a = w.autoscaling;
  if (a) {
    if (w.replicas !== undefined) {
      fail(
        ["rollout.replicas", "autoscaling"],
        { replicas: w.replicas, autoscaling: { minReplicas: a.minReplicas, maxReplicas: a.maxReplicas } },
        "one of them: with autoscaling the autoscaler sets the pod count, and a fixed replicas would reset it on every release",
        "remove replicas and bound the count with autoscaling's minReplicas and maxReplicas",
      );
    }
    check(
      "autoscaling.minReplicas",
      a.minReplicas,
      rules.integerWithin(1, B.pods, "use 2 or more, so that a pod serves while another is replaced"),
    );
    check("autoscaling.maxReplicas", a.maxReplicas, rules.integerWithin(1, B.pods, "use the most pods the service may need, e.g. 10"));
    if (Number.isInteger(a.minReplicas) && Number.isInteger(a.maxReplicas) && a.minReplicas > a.maxReplicas) {
      fail(
        ["autoscaling.minReplicas", "autoscaling.maxReplicas"],
        { minReplicas: a.minReplicas, maxReplicas: a.maxReplicas },
        "minReplicas no greater than maxReplicas",
        `raise maxReplicas to at least ${a.minReplicas}, or lower minReplicas`,
      );
    }
    if (a.cpuUtilization !== undefined) check("autoscaling.cpuUtilization", a.cpuUtilization, rules.utilization);
    if (a.memoryUtilization !== undefined) check("autoscaling.memoryUtilization", a.memoryUtilization, rules.utilization);
    check("autoscaling.scaleDownStabilizationSeconds", a.scaleDownStabilizationSeconds, (v: number) =>
      Number.isInteger(v) && v >= 0 && v <= 3600 ? undefined : { allowed: "an integer from 0 to 3600", fix: "use e.g. 300" },
    );
  }
  for (const t of w.topologySpread) {
    check("topologySpread.topologyKey", t.topologyKey, rules.labelKey);
    check("topologySpread.maxSkew", t.maxSkew, rules.integerAtLeast(1, "use 1 for an even spread"));
    check("topologySpread.whenUnsatisfiable", t.whenUnsatisfiable, (v: string) =>
      WHEN_UNSATISFIABLE.includes(v)
        ? undefined
        : { allowed: WHEN_UNSATISFIABLE.join(" or "), fix: "use ScheduleAnyway unless a pod must rather stay Pending" },
    );
  }
  const keys = w.topologySpread.map((t) => t.topologyKey);
  const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (repeated.length > 0) fail(["topologySpread.topologyKey"], repeated[0], "each topology key once", "remove the repeated entry");
  return problems;
}
