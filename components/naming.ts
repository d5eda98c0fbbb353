/**
 * How a problem names the input it is about. A component names its arguments (`WorkloadArgs.rollout.replicas`);
 * stack-config parsing maps the same fields to config keys (`tagship:replicas`) and fixes to
 * `pulumi config set` commands, so that one set of rules serves both.
 */
export interface Naming {
  /** The display name of a field given as its path in the component's args, e.g. "rollout.replicas". */
  readonly key: (field: string) => string;
  /** A fix for the field, from advice that does not depend on how the value was given. */
  readonly fix: (field: string, advice: string) => string;
}

/** Names fields as `<ArgsType>.<path>`, for errors raised by components constructed directly. */
export function argsNaming(argsType: string): Naming {
  return {
    key: (field) => `${argsType}.${field}`,
    fix: (field, advice) => `${advice} (argument ${argsType}.${field})`,
  };
}
