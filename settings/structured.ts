import { qualified, type KeyOfType } from "./keys";
import { jsonObjectEntries } from "./source";
import type { ConfigReader } from "./reader";

// Keys whose value is a JSON object or list, as `pulumi config set --path` stores them. --path stores a value
// that looks like a number or a boolean as one, so such scalars are read back as the text that was typed.

/** What a reader of a structured key reports as the way to set one entry, e.g. `pulumi config set --path 'tagship:env.NAME' value`. */
export interface EntryExample<K> {
  readonly key: K;
  readonly example: string;
}

/**
 * A key holding an object of names to text values (buildArgs, env, writablePaths), with every entry whose name
 * fails `nameOk` or whose value is no scalar reported under `<key>.<name>`. Empty when unset or not an object
 * (the latter reported).
 */
export function readTextMap(
  r: ConfigReader,
  e: EntryExample<KeyOfType<"object">>,
  what: string,
  nameOk: (name: string) => string | undefined,
): Record<string, string> {
  const map: Record<string, string> = {};
  const raw = r.text(e.key).trim();
  if (raw === "") return map;
  const entries = jsonObjectEntries(raw);
  if (entries === undefined) {
    r.report(e.key, raw, `an object of ${what}`, `run \`pulumi config rm ${qualified(e.key)}\`, then \`${e.example}\``);
    return map;
  }
  for (const [name, value] of entries) {
    const badName = nameOk(name);
    if (badName !== undefined) r.report(`${e.key}.${name}`, value, badName, `run \`${e.example}\``);
    else if (isScalar(value)) map[name] = String(value);
    else r.report(`${e.key}.${name}`, value, "a text value", `run \`${e.example}\``);
  }
  return map;
}

/** A key holding a list of text values (command, args); undefined when unset or not a list (the latter reported). */
export function readTextList(r: ConfigReader, e: EntryExample<KeyOfType<"list">>): string[] | undefined {
  const raw = r.text(e.key).trim();
  if (raw === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.every(isScalar)) return parsed.map(String);
  r.report(e.key, raw, "a list of text values", `run \`pulumi config rm ${qualified(e.key)}\`, then \`${e.example}\` for each part`);
  return undefined;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}
