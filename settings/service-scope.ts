import type { Problem } from "../components/validation";
import { CONFIG_KEYS, qualified, type ConfigKey, type ConfigKeyName } from "./keys";
import { configReader, type ConfigReader } from "./reader";

/** Each key a service may set for itself, by its field name in services.<name>: e.g. context → buildContext. */
export const SERVICE_FIELDS: ReadonlyMap<string, ConfigKeyName> = new Map(
  (Object.entries(CONFIG_KEYS) as [ConfigKeyName, ConfigKey][]).flatMap(([key, spec]) =>
    spec.service === undefined ? [] : [[spec.service, key] as const],
  ),
);

/** A field's value as the stack-wide key's text: objects and lists as JSON, as Pulumi passes structured keys. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * A reader of one service's values: each field the service sets, over the stack-wide key it defaults to. The
 * problems it finds are named as the user wrote them: under services.<name>.<field> when the service set the
 * value, under the stack-wide key when it inherited it, with every fix's command pointing at that place.
 */
export function serviceReader(
  stackValues: ReadonlyMap<string, string>,
  name: string,
  fields: ReadonlyMap<string, unknown>,
): { reader: ConfigReader; problems: () => Problem[] } {
  const values = new Map(stackValues);
  const setKeys = new Map<ConfigKeyName, string>();
  for (const [field, value] of fields) {
    const key = SERVICE_FIELDS.get(field);
    if (key === undefined) continue;
    values.set(key, asText(value));
    setKeys.set(key, field);
  }
  const base = configReader(values);
  const reader: ConfigReader = {
    ...base,
    origin: (key) => (setKeys.has(key) ? "service" : (stackValues.get(key) ?? "") === "" ? "unset" : "stack"),
  };
  return { reader, problems: () => base.problems.map((p) => renamed(p, name, setKeys)) };
}

// A field path after a key: `.NAME`, `[0]`, `["/tmp"]`.
const SUFFIX = String.raw`((?:\.[A-Za-z0-9_]+|\[[^\]]*\])*)`;

/**
 * A problem with each key the service set renamed to its field. When the problem is then the service's, every
 * command in its fix sets the service's own fields; a problem with an inherited stack-wide value keeps its
 * stack-wide key and fix.
 */
function renamed(p: Problem, service: string, setKeys: ReadonlyMap<ConfigKeyName, string>): Problem {
  let key = p.key;
  for (const [flat, field] of byLength(setKeys)) key = key.replace(mention(flat), servicePath(service, field));
  if (key === p.key) return p;
  let fix = p.fix;
  for (const [flat, field] of byLength(SERVICE_KEYS)) {
    const path = servicePath(service, field);
    const command = new RegExp(
      String.raw`pulumi config (set|rm)((?: --secret)?)(?: --path)? '?${escape(qualified(flat))}${SUFFIX}'?(?![A-Za-z0-9])`,
      "g",
    );
    fix = fix.replace(
      command,
      (_m, verb: string, secret: string, suffix: string) => `pulumi config ${verb}${secret} --path '${path}${suffix}'`,
    );
    fix = fix.replace(mention(flat), path);
  }
  return { ...p, key, fix };
}

/** Each per-service key and its field. */
const SERVICE_KEYS: ReadonlyMap<ConfigKeyName, string> = new Map([...SERVICE_FIELDS].map(([field, key]) => [key, field]));

/** Longest key first: no key's name then matches the start of a longer one's. */
function byLength(keys: ReadonlyMap<ConfigKeyName, string>): [ConfigKeyName, string][] {
  return [...keys].sort(([a], [b]) => b.length - a.length);
}

function mention(flat: ConfigKeyName): RegExp {
  return new RegExp(String.raw`${escape(qualified(flat))}(?![A-Za-z0-9])`, "g");
}

function servicePath(service: string, field: string): string {
  return qualified(`services.${service}.${field}`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
