/** What every command in scripts/cli shares: the project directory, failing with a message, stack names. */
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { stackNames } from "./pulumi";

/** Prints `error: <message>` and exits 1. */
export function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** The command line, parsed; an unknown option or a missing value ends the command with its usage. */
export function parseCommandLine<T extends ParseArgsConfig>(usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    fail(`${(e as Error).message}\nusage: ${usage}`);
  }
}

/** The project directory: --cwd if given, else the checkout this script is in. */
export function projectDir(cwd: string | undefined): string {
  return path.resolve(cwd ?? path.join(__dirname, "../.."));
}

/** Runs a command's main function; an error ends it with its message. */
export function run(main: () => Promise<void>): void {
  main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
}

/** Checks that each named stack exists; the error names the argument, the value and the stacks there are. */
export function requireStacks(cwd: string, args: readonly (readonly [argument: string, stack: string])[]): void {
  const stacks = stackNames(cwd);
  for (const [argument, name] of args) {
    if (!stacks.includes(name))
      fail(`${argument} = "${name}": no such stack (stacks: ${stacks.join(", ") || "none"}); name an existing stack`);
  }
}
