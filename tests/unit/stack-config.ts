/** Reads stack config the way the Pulumi CLI hands it to the program: Pulumi.yaml defaults, then the stack file. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { projectFiles as projectFilesAt } from "../../config";

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
  for (const [key, value] of Object.entries(file.config ?? {})) out[key] = String(value);
  return out;
}

/** The project's own files, as config.ts reads them, for a ConfigSource in tests. */
export const projectFiles = projectFilesAt(ROOT);
