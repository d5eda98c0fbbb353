import { qualified, type KeyOfType } from "./keys";
import { jsonObjectEntries } from "./source";
import type { ConfigReader } from "./reader";
import { closest } from "./suggest";

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
  const parsed = parsedJson(raw);
  if (Array.isArray(parsed) && parsed.every(isScalar)) return parsed.map(String);
  r.report(e.key, raw, "a list of text values", `run \`pulumi config rm ${qualified(e.key)}\`, then \`${e.example}\` for each part`);
  return undefined;
}

/** A structured key's text as JSON, as Pulumi passes objects and lists; undefined for text that is no JSON. */
export function parsedJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** How one field of a structured object key is read: a whole number, a text, or a list of texts (a lone text is a list of one). */
export type FieldKind = "integer" | "number" | "text" | "textList" | "integerList";

/**
 * A key holding an object of known fields (autoscaling, ingress, httpRoute), each read as its kind: undefined when
 * unset or not an object (the latter reported). Unknown fields (with the one meant), values of the wrong kind and
 * missing required fields are reported under `<key>.<field>`; the fields that read are returned.
 */
export function readFields(
  r: ConfigReader,
  e: EntryExample<KeyOfType<"object">>,
  fields: Readonly<Record<string, FieldKind>>,
  required: readonly string[] = [],
): Record<string, number | number[] | string | string[]> | undefined {
  const raw = r.text(e.key).trim();
  if (raw === "") return undefined;
  return fieldsOf(r, { path: e.key, example: e.example }, parsedJson(raw) ?? raw, fields, required);
}

/**
 * One object of known fields found at `at.path` (a key, or an entry of a list key such as topologySpread[0]), read as
 * readFields does; undefined, reported, when it is no object.
 */
export function fieldsOf(
  r: ConfigReader,
  at: { readonly path: string; readonly example: string },
  value: unknown,
  fields: Readonly<Record<string, FieldKind>>,
  required: readonly string[] = [],
): Record<string, number | number[] | string | string[]> | undefined {
  const names = Object.keys(fields);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    r.report(
      at.path,
      value,
      `an object of ${names.join(", ")}`,
      `run \`pulumi config rm --path '${qualified(at.path)}'\`, then \`${at.example}\``,
    );
    return undefined;
  }
  const entries = Object.entries(value);
  const read: Record<string, number | number[] | string | string[]> = {};
  for (const [name, fieldValue] of entries) {
    const kind = fields[name];
    const path = `${at.path}.${name}`;
    if (kind === undefined) {
      const meant = closest(name, names);
      r.report(
        path,
        fieldValue,
        `one of the fields ${names.join(", ")}`,
        `run \`pulumi config rm --path '${qualified(path)}'\`${meant ? ` and set ${meant} instead` : ""}`,
      );
      continue;
    }
    const parsed = readField(kind, fieldValue);
    if (parsed === undefined)
      r.report(path, fieldValue, FIELD_KINDS[kind], `run \`pulumi config set --path '${qualified(path)}' <value>\` with such a value`);
    else read[name] = parsed;
  }
  for (const name of required) {
    if (!entries.some(([n]) => n === name)) {
      r.report(
        `${at.path}.${name}`,
        undefined,
        `a value: ${at.path} needs its ${name}`,
        `run \`pulumi config set --path '${qualified(`${at.path}.${name}`)}' <value>\``,
      );
    }
  }
  return read;
}

/** A whole number, or the text of one (as `pulumi config set --path` stores values given on the command line). */
function integer(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return typeof value === "string" && /^-?[0-9]+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

const FIELD_KINDS: Record<FieldKind, string> = {
  integer: "a whole number",
  number: "a number",
  integerList: "a list of whole numbers",
  text: "a text value",
  textList: "a list of text values",
};

function readField(kind: FieldKind, value: unknown): number | number[] | string | string[] | undefined {
  switch (kind) {
    case "integer":
      return integer(value);
    case "number":
      if (typeof value === "number" && Number.isFinite(value)) return value;
      return typeof value === "string" && /^-?[0-9]+(\.[0-9]+)?$/.test(value.trim()) ? Number(value.trim()) : undefined;
    case "integerList": {
      const list = Array.isArray(value) ? value.map(integer) : [integer(value)];
      const whole = list.filter((n) => n !== undefined);
      return whole.length === list.length ? whole : undefined;
    }
    case "text":
      return isScalar(value) ? String(value) : undefined;
    case "textList":
      if (isScalar(value)) return [String(value)];
      return Array.isArray(value) && value.every(isScalar) ? value.map(String) : undefined;
  }
}
