import * as rules from "../components/rules";
import type { RolloutArgs } from "../components/workload";
import { qualified } from "./keys";
import { isParsed, type ConfigReader } from "./reader";

/** maxSurge and maxUnavailable as read: undefined for a value that is neither an integer nor a percentage (already reported). */
export interface SurgeArgs {
  readonly maxSurge?: rules.IntOrPercent;
  readonly maxUnavailable?: rules.IntOrPercent;
}

/** Reads maxSurge and maxUnavailable, how far a rollout may go above and below replicas. */
export function surgeArgs(r: ConfigReader): SurgeArgs {
  return { maxSurge: r.intOrPercent("maxSurge"), maxUnavailable: r.intOrPercent("maxUnavailable") };
}

/** RolloutArgs as read: every field but replicas, which is absent when unset (3 pods, or the autoscaler's count). */
export type RolloutSettings = Required<Omit<RolloutArgs, "replicas">> & Pick<RolloutArgs, "replicas">;

/** replicas: empty for the default, else an integer (NaN, reported, when it is not one). */
function optionalReplicas(r: ConfigReader): number | undefined {
  const v = r.text("replicas").trim();
  if (v === "") return undefined;
  if (/^-?[0-9]+$/.test(v)) return Number(v);
  r.report(
    "replicas",
    v,
    "an integer number of pods, or empty for the default (3, or the autoscaler's count)",
    `run \`pulumi config set ${qualified("replicas")} 3\``,
  );
  return Number.NaN;
}

/** Reads the rollout keys into RolloutArgs, with maxSurge and maxUnavailable as read by surgeArgs. */
export function rolloutSettings(r: ConfigReader, surge: SurgeArgs): RolloutSettings {
  const replicas = optionalReplicas(r);
  return {
    ...(replicas !== undefined ? { replicas } : {}),
    // A value that failed to parse is already reported; a non-zero stand-in keeps the rules from
    // reporting it again as "both zero".
    maxSurge: surge.maxSurge ?? 1,
    maxUnavailable: surge.maxUnavailable ?? 1,
    minReadySeconds: r.integer("minReadySeconds"),
    progressDeadlineSeconds: r.integer("progressDeadlineSeconds"),
    revisionHistoryLimit: r.integer("revisionHistoryLimit"),
  };
}

/**
 * The production stack's stricter rollout: at least 2 replicas and maxUnavailable 0, so that a release never
 * runs below full capacity. Values that failed to parse (NaN, undefined) are already reported and skipped.
 */
export function checkProductionRollout(
  r: ConfigReader,
  replicas: number | undefined,
  maxUnavailable: rules.IntOrPercent | undefined,
  minReplicas?: number,
): void {
  if (minReplicas !== undefined && Number.isInteger(minReplicas) && minReplicas < 2) {
    r.report(
      "autoscaling",
      { minReplicas },
      "minReplicas of at least 2 in a production stack, so that one pod can be replaced while another serves",
      `run \`pulumi config set --path '${qualified("autoscaling.minReplicas")}' 2\``,
    );
  }
  if (replicas !== undefined && isParsed(replicas) && replicas < 2) {
    r.report(
      "replicas",
      replicas,
      "at least 2 in a production stack, so that one pod can be replaced while another serves",
      `run \`pulumi config set ${qualified("replicas")} 3\``,
    );
  }
  if (maxUnavailable !== undefined && !rules.isZero(maxUnavailable)) {
    r.report(
      "maxUnavailable",
      maxUnavailable,
      "0 in a production stack, so that a rollout never runs below full capacity",
      `run \`pulumi config set ${qualified("maxUnavailable")} 0\` and raise maxSurge for speed`,
    );
  }
}
