/** Reads stack config the way the Pulumi CLI hands it to the program: Pulumi.yaml defaults, then the stack file. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { projectFiles as projectFilesAt } from "../../config";
import { ValidationError } from "../../components/validation";
import { jsonShape, parseSettings, stringObjectFields, type ConfigSource } from "../../settings/parse";

export const ROOT = path.resolve(__dirname, "../..");

export interface ProjectFile {
  readonly name: string;
  readonly config: Record<string, { type?: string; description?: string; default?: string | number | boolean; secret?: boolean }>;
}

export function projectFile(): ProjectFile {
  return parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** The `tagship:`-qualified config of a stack, with project defaults applied, every value a string. */
export function stackConfig(stack: string): Record<string, string> {
  const project = projectFile();
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(project.config)) {
    if (spec.default !== undefined) out[`${project.name}:${key}`] = String(spec.default);
  }
  const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  // Objects and lists reach the program as JSON text, as Pulumi passes them.
  for (const [key, value] of Object.entries(file.config ?? {}))
    out[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  return out;
}

/** The project's own files, as config.ts reads them, for a ConfigSource in tests. */
export const projectFiles = projectFilesAt(ROOT);

/**
 * A ConfigSource from `tagship:`-qualified values, as config.ts builds it from the engine's config. `files`
 * stands in for the project's files (path relative to the project: content; a path ending in '/' a directory).
 */
export function configSource(
  stack: string,
  values: Record<string, string>,
  secrets: Record<string, { value: string; encrypted: boolean }> = {},
  files?: Readonly<Record<string, string>>,
): ConfigSource {
  const plain = new Map<string, string>();
  for (const [k, v] of Object.entries(values)) if (k.startsWith("tagship:")) plain.set(k.slice("tagship:".length), v);
  return {
    stack,
    values: plain,
    secrets: new Map(Object.entries(secrets).map(([k, s]) => [k, { encrypted: s.encrypted }])),
    secret: (key) => pulumi.secret(secrets[key]?.value ?? ""),
    secretFields: (key) => stringObjectFields(secrets[key]?.value ?? ""),
    secretShape: (key) => jsonShape(secrets[key]?.value ?? ""),
    fileExists: (p) => p === "/home/me/.kube/config" || p === ".lab/kubeconfig",
    ...(files
      ? {
          isDirectory: (p: string) => Object.keys(files).some((f) => f.startsWith(`${p}/`)),
          readFile: (p: string) => files[p],
        }
      : projectFiles),
  };
}

/** The message a config is refused with; fails the test when it is accepted. */
export function problemsOf(src: ConfigSource): string {
  try {
    parseSettings(src);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.message;
  }
  assert.fail("expected the config to be rejected");
}
