/** What the policies know about a stack: its name, from a resource's URN, and whether its config marks it production. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** The project the pack sits in: its stack files say which stacks are production. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** The stack of a URN: urn:pulumi:<stack>::<project>::<type>::<name>. */
export function stackOf(urn: string): string {
  return urn.split("::")[0]?.split(":")[2] ?? "";
}

/**
 * Whether Pulumi.<stack>.yaml sets tagship:production true. The policy reads the stack's declared config
 * rather than anything the program wrote, so that a program which ignored the flag is still caught.
 */
export function isProductionStack(stack: string, projectDir = PROJECT_DIR): boolean {
  return String(stackFile(stack, projectDir)?.config?.["tagship:production"]) === "true";
}

/** What the policies read of a stack's settings file. */
type StackFile = { config?: Record<string, unknown>; encryptionsalt?: unknown };

/** Pulumi.<stack>.yaml as the project has it; undefined when there is none. */
export function stackFile(stack: string, projectDir = PROJECT_DIR): StackFile | undefined {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  return (parse(fs.readFileSync(file, "utf8")) as StackFile | null) ?? undefined;
}
