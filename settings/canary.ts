// canary: the rollout's strategy when it is not a rolling update. Only the shape is read here; the Workload's rules
// check the values (rising weights, pause against interval, ...).
import type { CanaryArgs } from "../components/workload";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import { readFields, type FieldKind } from "./structured";

const CANARY: Record<keyof CanaryArgs, FieldKind> = {
  steps: "integerList",
  pauseSeconds: "integer",
  intervalSeconds: "integer",
  windowSeconds: "integer",
  minRequests: "integer",
  maxErrorPercent: "number",
  maxP99Milliseconds: "integer",
  deadlineSeconds: "integer",
  prometheusAddress: "text",
  requestsMetric: "text",
  latencyMetric: "text",
};

/** Reads canary; absent when not set (a rolling update), or when its steps are missing (reported). */
export function canarySettings(r: ConfigReader): { canary?: CanaryArgs } {
  const example = `pulumi config set --path '${qualified("canary.steps[0]")}' 10`;
  const canary = readFields(r, { key: "canary", example }, CANARY, ["steps"]);
  return canary && "steps" in canary ? { canary: canary as unknown as CanaryArgs } : {};
}
