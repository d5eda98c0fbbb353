import type { Naming } from "../components/naming";
import { WORKLOAD_ARGS } from "./component-args";
import { CONFIG_KEYS, configKey, isConfigKey, qualified, type ConfigKey, type ConfigKeyName } from "./keys";

/** Which config key feeds each WorkloadArgs field, e.g. "rollout.replicas" → replicas: the key table's `feeds`, reversed. */
const KEY_OF_WORKLOAD_FIELD: ReadonlyMap<string, string> = workloadFieldKeys();

function workloadFieldKeys(): Map<string, string> {
  const keyOf = new Map<string, string>();
  for (const [name, spec] of Object.entries(CONFIG_KEYS) as [ConfigKeyName, ConfigKey][]) {
    for (const arg of spec.feeds ?? []) {
      if (!arg.startsWith(WORKLOAD_ARGS)) continue;
      // A key that feeds every entry of a map ("env.*") answers for problems with the map as a whole ("env").
      const field = arg.slice(WORKLOAD_ARGS.length).replace(/\.\*$/, "");
      // A problem with a field fed by two keys could not say which one to fix: the table is wrong, not the stack.
      const other = keyOf.get(field);
      if (other !== undefined) throw new Error(`settings/keys.ts: ${other} and ${name} both feed ${arg}; give each field one key`);
      // An object key's fields are the argument's own (autoscaling.maxReplicas): a problem names the field in it.
      const inside = field.indexOf(".");
      keyOf.set(field, spec.type === "object" && inside > 0 ? `${name}${field.slice(inside)}` : name);
    }
  }
  return keyOf;
}

/**
 * The config key a WorkloadArgs field is read from. A field no key feeds is never set from config, so its
 * rules cannot fail on it here; it keeps its own path, which at least shows where it came from.
 */
function configKeyOf(field: string): string {
  const exact = KEY_OF_WORKLOAD_FIELD.get(field);
  if (exact !== undefined) return exact;
  // A field inside a list a key feeds whole (topologySpread.topologyKey): the key.
  const whole = field.includes(".") ? KEY_OF_WORKLOAD_FIELD.get(field.slice(0, field.indexOf("."))) : undefined;
  return whole ?? field;
}

/** The `pulumi config set` command that fixes a key, with its default as the example value where there is one. */
export function setCommand(key: string): string {
  const spec = isConfigKey(key) ? configKey(key) : undefined;
  const example = spec?.example ?? (spec?.default !== undefined && spec.default !== "" ? String(spec.default) : "<value>");
  // A field inside a structured key (autoscaling.maxReplicas) is set with --path.
  const target = spec === undefined && key.includes(".") ? `--path '${qualified(key)}'` : qualified(key);
  return `pulumi config set ${spec?.secret ? "--secret " : ""}${target} ${example}`;
}

/** The fix of a problem a shared rule found in a key: the rule's advice, then the command that applies it. */
export function fixWithSetCommand(key: string, advice: string): string {
  return `${advice}; run \`${setCommand(key)}\` with such a value`;
}

/** Names problems by config key and fixes them with `pulumi config set`. */
export const configNaming: Naming = {
  key: (field) => qualified(configKeyOf(field)),
  fix: (field, advice) => fixWithSetCommand(configKeyOf(field), advice),
};
