/**
 * The skeleton every tagship command shares: how a command is declared, the common options (declared and
 * validated here once), usage errors, and the exit codes.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { MAX_RELEASE_TIMEOUT_SECONDS } from "../gitops/protocol";

/** 0: done. 1: the release or operation failed. 2: the command line is wrong; nothing was changed. */
export const EXIT = { done: 0, failed: 1, usage: 2 } as const;

/** A bad command line: ends the command with exit 2, the message and the command's usage. */
export class UsageError extends Error {}

/** One option of a command: a flag (boolean) or a value (string). */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** The value's placeholder in the usage, e.g. "<imageRef>". Values only. */
  readonly value?: string;
  readonly default?: string | boolean;
  /** One line for `--help`. */
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The options every command may take, declared once; a command names the ones it uses besides --cwd. */
export const COMMON_OPTIONS = {
  cwd: { type: "string", value: "<dir>", description: "the project directory (default: this checkout)" },
  stack: { type: "string", value: "<name>", description: "the stack" },
  timeout: {
    type: "string",
    value: "<s>",
    default: "600",
    description: "bound on the wait for Argo CD to have a gitops release live, whole seconds from 1 to 86400 (default 600)",
  },
} as const satisfies OptionSpecs;

export type CommonOption = "stack" | "timeout";

type Values<O extends OptionSpecs> = {
  readonly [K in keyof O]: O[K]["type"] extends "boolean" ? boolean : O[K] extends { default: string } ? string : string | undefined;
};

/** What a command's run receives: the command line, parsed and checked. */
export interface Invocation<O extends OptionSpecs> {
  /** The project directory: --cwd, or the checkout the command is in. */
  readonly cwd: string;
  /** --stack, for the commands that take it: required there. */
  readonly stack: string;
  /** --timeout in seconds, for the commands that take it. */
  readonly timeoutSeconds: number;
  readonly options: Values<O>;
  readonly positionals: readonly string[];
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  /** One line for `tagship --help`. */
  readonly summary: string;
  /** The arguments after `tagship <name>`, common options left out: they are added from `common`. */
  readonly usage: string;
  readonly options: O;
  /** The common options it takes besides --cwd. */
  readonly common: readonly CommonOption[];
  /** Whether it takes positional arguments (it checks their number and shape itself, with UsageError). */
  readonly positionals: boolean;
  /** Runs it; a thrown UsageError exits 2, any other error 1. */
  run(invocation: Invocation<O>): Promise<void>;
}

/** Declares a command; the identity function that lets TypeScript type its options. */
export function command<O extends OptionSpecs>(c: Command<O>): Command<O> {
  return c;
}

/** The full usage line of a command. */
export function usageLine(c: Command): string {
  const common = c.common.map((o) => {
    const spec = COMMON_OPTIONS[o];
    return o === "stack" ? `--stack ${spec.value}` : `[--${o} ${spec.value}]`;
  });
  return ["tagship", c.name, c.usage, ...common, `[--cwd ${COMMON_OPTIONS.cwd.value}]`].filter(Boolean).join(" ");
}

/** `tagship <name> --help`: the usage, the details and every option. */
export function helpText(c: Command): string {
  const specs: [string, OptionSpec][] = [
    ...Object.entries(c.options),
    ...c.common.map((o) => [o, COMMON_OPTIONS[o]] as [string, OptionSpec]),
    ["cwd", COMMON_OPTIONS.cwd],
  ];
  const flags = specs.map(([name, s]) => [`--${name}${s.value ? ` ${s.value}` : ""}`, s.description] as const);
  const width = Math.max(...flags.map(([f]) => f.length));
  return [
    `usage: ${usageLine(c)}`,
    "",
    c.summary,
    "",
    "options:",
    ...flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    `  ${"--help".padEnd(width)}  this help`,
  ].join("\n");
}

/** Parses a command's arguments into its invocation; every problem with them is a UsageError. */
export function parseInvocation<O extends OptionSpecs>(c: Command<O>, args: readonly string[], defaultCwd: string): Invocation<O> {
  const specs: Record<string, OptionSpec> = { ...c.options, cwd: COMMON_OPTIONS.cwd };
  for (const o of c.common) specs[o] = COMMON_OPTIONS[o];
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(specs).map(([name, s]) => [name, s.default === undefined ? { type: s.type } : { type: s.type, default: s.default }]),
      ),
      allowPositionals: c.positionals,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values } = parsed;
  const takesStack = c.common.includes("stack");
  const stack = takesStack ? ((values.stack as string | undefined) ?? "") : "";
  if (takesStack && stack === "") throw new UsageError(`--stack <name> is required: the stack to ${c.name}`);
  return {
    cwd: path.resolve((values.cwd as string | undefined) ?? defaultCwd),
    stack,
    timeoutSeconds: c.common.includes("timeout") ? timeoutSeconds(values.timeout as string) : Number(COMMON_OPTIONS.timeout.default),
    options: values as Values<O>,
    positionals: parsed.positionals,
  };
}

/** --timeout: a whole number of seconds from 1 to a day. */
function timeoutSeconds(text: string): number {
  return wholeNumberOption("timeout", text, MAX_RELEASE_TIMEOUT_SECONDS, "a day; a release that waits longer is stuck", "seconds");
}

/** Checks that each named stack exists; the error names the argument, the value and the stacks there are. */
export function requireStacks(existing: readonly string[], args: readonly (readonly [argument: string, stack: string])[]): void {
  for (const [argument, name] of args) {
    if (!existing.includes(name))
      throw new UsageError(`${argument} = "${name}": no such stack (stacks: ${existing.join(", ") || "none"}); name an existing stack`);
  }
}

/** A whole-number option from 1 to `max` (of `unit`); the error names the option, its value and the range. */
export function wholeNumberOption(option: string, text: string, max: number, why: string, unit = ""): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${option} ${text}: allowed a whole number${unit ? ` of ${unit}` : ""} from 1 to ${max} (${why})`);
  return n;
}

/** The one stack a command's positional arguments name; a usage error otherwise, with an example. */
export function oneStack(positionals: readonly string[], example: string): string {
  const [name] = positionals;
  if (positionals.length !== 1 || !name) throw new UsageError(`expected one stack name, got ${positionals.length}: run \`${example}\``);
  return name;
}
