import type { Naming } from "../components/naming";
import { CONFIG_KEYS, qualified, type ConfigKey, type ConfigKeyName } from "./keys";

// Component argument paths whose config key is not simply the last segment.
const PROBE_KEYS: Record<string, string> = {
  "probes.readiness.path": "readinessPath",
  "probes.readiness.periodSeconds": "readinessPeriodSeconds",
  "probes.readiness.failureThreshold": "readinessFailureThreshold",
  "probes.liveness.path": "livenessPath",
  "probes.liveness.periodSeconds": "livenessPeriodSeconds",
  "probes.liveness.failureThreshold": "livenessFailureThreshold",
  "probes.startup.path": "startupPath",
  "probes.startup.periodSeconds": "startupPeriodSeconds",
  "probes.startup.failureThreshold": "startupFailureThreshold",
  "probes.readiness.timeoutSeconds": "probeTimeoutSeconds",
  "probes.liveness.timeoutSeconds": "probeTimeoutSeconds",
  "probes.startup.timeoutSeconds": "probeTimeoutSeconds",
  image: "imageRef",
  "secretEnv.names": "appSecrets",
  version: "imageTag",
};

/** The config key a WorkloadArgs field comes from. */
export function configKeyOf(field: string): string {
  return PROBE_KEYS[field] ?? field.split(".").pop() ?? field;
}

/** The `pulumi config set` command that fixes a key, with its default as the example value where there is one. */
export function setCommand(key: string): string {
  const spec = (CONFIG_KEYS as Record<string, ConfigKey | undefined>)[key];
  const example = spec?.default !== undefined && spec.default !== "" ? String(spec.default) : "<value>";
  return `pulumi config set ${spec?.secret ? "--secret " : ""}${qualified(key)} ${example}`;
}

/** Names problems by config key and fixes them with `pulumi config set`. */
export const configNaming: Naming = {
  key: (field) => qualified(configKeyOf(field)),
  fix: (field, advice) => `${advice}; run \`${setCommand(configKeyOf(field))}\` with such a value`,
};

export function isConfigKey(name: string): name is ConfigKeyName {
  return Object.hasOwn(CONFIG_KEYS, name);
}

/** Whether Pulumi.yaml declares the key secret. */
export function isSecretKey(name: string): boolean {
  return isConfigKey(name) && (CONFIG_KEYS[name] as ConfigKey).secret === true;
}
