/**
 * tagship: the command line. `tagship <command> [arguments]`; `tagship --help` lists the commands and
 * `tagship <command> --help` prints one's usage. Exit codes: 0 done, 1 the release or operation failed,
 * 2 the command line is wrong (nothing was changed). cli/tagship runs this with Node.js 22, the pinned Pulumi
 * engine and the project's Pulumi environment.
 */
import * as path from "node:path";
import { EXIT, helpText, parseInvocation, usageLine, UsageError, type Command } from "./command";
import { COMMANDS } from "./commands";

/** The project directory when --cwd is not given: the checkout this file is in. */
const CHECKOUT = path.join(__dirname, "..");

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: tagship <command> [arguments]   (tagship <command> --help for one)",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "exit codes: 0 done, 1 the release or operation failed, 2 a usage error (nothing changed)",
  ].join("\n");
}

/** Runs one command line; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(overview());
    return name === undefined ? EXIT.usage : EXIT.done;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    console.error(`error: unknown command "${name}": one of ${COMMANDS.map((c) => c.name).join(", ")}\n${overview()}`);
    return EXIT.usage;
  }
  if (args.includes("--help") || args.includes("-h")) {
    console.log(helpText(cmd));
    return EXIT.done;
  }
  return runCommand(cmd, args);
}

async function runCommand(cmd: Command, args: readonly string[]): Promise<number> {
  try {
    await cmd.run(parseInvocation(cmd, args, CHECKOUT));
    return EXIT.done;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\nusage: ${usageLine(cmd)}`);
      return EXIT.usage;
    }
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  // Exit at once: a watch or a client of the cluster may still hold the event loop.
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
