import type * as pulumi from "@pulumi/pulumi";
import type { ConfigKeyName } from "./keys";

/** What config.ts hands the parser: the stack's raw config, and the few facts parsing needs from outside. */
export interface ConfigSource {
  readonly stack: string;
  /**
   * Every key set in the project's namespace, without the `tagship:` prefix, and its plain value. Keys
   * declared secret and values stored encrypted are left out: their values never pass through here.
   */
  readonly values: ReadonlyMap<string, string>;
  /** Keys declared secret that are set to a non-empty value, and any key stored encrypted; and whether each is encrypted. */
  readonly secrets: ReadonlyMap<string, { readonly encrypted: boolean }>;
  /** The Output of a secret key's value. */
  readonly secret: (key: ConfigKeyName) => pulumi.Output<string>;
  /**
   * The field names of a secret key whose value is a JSON object of strings; undefined when it is not one.
   * The only fact about a secret's value that parsing needs, and it holds no value.
   */
  readonly secretFields: (key: ConfigKeyName) => readonly string[] | undefined;
  /**
   * The shape of a secret key's JSON value, every scalar in it replaced by the name of its type ("string",
   * "number"...); undefined when it is no JSON. Like secretFields, it holds no value.
   */
  readonly secretShape: (key: ConfigKeyName) => unknown;
  readonly fileExists: (path: string) => boolean;
  readonly isDirectory: (path: string) => boolean;
  /** The text of a file, relative to the project; undefined when it is no readable file. */
  readonly readFile: (path: string) => string | undefined;
}

/** A JSON object's entries, as `pulumi config set --path` stores an object; undefined for any other text. */
export function jsonObjectEntries(text: string): [string, unknown][] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return parsed === null || typeof parsed !== "object" || Array.isArray(parsed) ? undefined : Object.entries(parsed);
}

/** The field names of a JSON object whose values are all strings; undefined for any other text. Never echoes the text. */
export function stringObjectFields(text: string): string[] | undefined {
  const entries = jsonObjectEntries(text);
  return entries?.every(([, v]) => typeof v === "string") ? entries.map(([k]) => k) : undefined;
}

/** A JSON text's shape: the same objects and lists, each scalar replaced by its type's name. Never echoes a value. */
export function jsonShape(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const shape = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(shape)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
        : v === null
          ? "null"
          : typeof v;
  return shape(parsed);
}
