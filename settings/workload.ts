import { resolveWorkload, workloadProblems, type WorkloadArgs } from "../components/workload";
import type { Problem } from "../components/validation";
import { canarySettings } from "./canary";
import { resourceSettings, shutdownSettings } from "./container";
import { configNaming } from "./config-naming";
import { probeSettings } from "./probes";
import { runtimeSettings } from "./runtime";
import { isParsed, type ConfigReader } from "./reader";
import { checkProductionRollout, rolloutSettings, surgeArgs, type RolloutSettings } from "./rollout";
import { trafficSettings, type TrafficSettings } from "./traffic";
import type { ServiceSettings } from "./settings";

/** What the workload's checks need besides its own keys. */
export interface WorkloadSettingsArgs {
  readonly namespace: string;
  /** The release's version (imageTag). */
  readonly version: string;
  /** Names of the app's secret variables, which the Workload's rules check; absent when none are set. */
  readonly secretNames?: readonly string[];
  /** Production stacks have stricter rollout rules. */
  readonly production: boolean;
}

/**
 * Reads every key the Workload takes as it is (ports, rollout, probes, resources, shutdown), and checks them
 * with the Workload's own rules, so that a stack is refused for what the component would refuse, named by
 * config key.
 */
export function workloadSettings(r: ConfigReader, args: WorkloadSettingsArgs): ServiceSettings["workload"] {
  // Problems are listed in the order keys are read; maxSurge and maxUnavailable have always come first.
  const surge = surgeArgs(r);
  const { rollout, traffic } = countSettings(r, rolloutSettings(r, surge), trafficSettings(r));
  const workload: ServiceSettings["workload"] = {
    containerPort: r.integer("containerPort"),
    servicePort: r.integer("servicePort"),
    ...metricsSettings(r),
    rollout,
    ...canarySettings(r),
    probes: probeSettings(r),
    resources: resourceSettings(r),
    shutdown: shutdownSettings(r),
    ...runtimeSettings(r),
    ...traffic,
  };
  r.reportAll(workloadRuleProblems(workload, args));
  if (args.production) {
    checkProductionRollout(
      r,
      workload.rollout.replicas,
      surge.maxUnavailable,
      workload.autoscaling?.minReplicas ?? (workload.autoscaling && 2),
    );
  }
  return workload;
}

/**
 * Who sets the pod count: replicas or autoscaling. Set at the same level (both stack-wide, or both in one service)
 * they conflict, and the Workload's rules refuse the pair; a service's own setting outranks the stack-wide one it
 * would inherit, so a service may scale itself while the others keep the stack's replicas, and the other way round.
 */
function countSettings(
  r: ConfigReader,
  rollout: RolloutSettings,
  traffic: TrafficSettings,
): { rollout: RolloutSettings; traffic: TrafficSettings } {
  const [fixed, scaled] = [r.origin("replicas"), r.origin("autoscaling")];
  if (rollout.replicas === undefined || traffic.autoscaling === undefined || fixed === scaled) return { rollout, traffic };
  if (scaled === "service") return { rollout: { ...rollout, replicas: undefined }, traffic };
  return { rollout, traffic: { ...traffic, autoscaling: undefined } };
}

/** The Workload's rules on the settings, named by config key, leaving out what only repeats a parse error. */
function workloadRuleProblems(workload: ServiceSettings["workload"], args: WorkloadSettingsArgs): Problem[] {
  const workloadArgs: WorkloadArgs = {
    namespace: args.namespace,
    // The image and the Secret's name come from resources, and are checked when those resolve.
    image: "",
    version: args.version,
    ...workload,
    ...(args.secretNames ? { secretEnv: { secretName: "", names: args.secretNames } } : {}),
  };
  // A number that failed to parse (NaN) is already reported: a rule on it would only repeat that.
  return workloadProblems(resolveWorkload(workloadArgs), configNaming).filter((p) => {
    const fields = Object.values(p.value && typeof p.value === "object" ? p.value : { v: p.value });
    return fields.every((v) => typeof v !== "number" || isParsed(v));
  });
}

/** metricsPath: absent when empty (the pods are not scraped). */
function metricsSettings(r: ConfigReader): { metricsPath?: string } {
  const path = r.text("metricsPath");
  return path === "" ? {} : { metricsPath: path };
}
