/**
 * The Pulumi engine as the commands drive it: the Automation API (LocalWorkspace) over the pinned CLI, as the
 * integration tests do, one workspace per project directory.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import type { LocalWorkspace, Stack, UpOptions } from "@pulumi/pulumi/automation";
import type { StackOutputs } from "../../release";

const workspaces = new Map<string, Promise<LocalWorkspace>>();

/** The Automation API, loaded on first use: `tagship --help` and usage errors answer without it (seconds). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS subpath, loaded when first used
const automation = () => require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");

/**
 * The project's workspace. The Automation API opens a stack with `pulumi stack select`, which would change
 * the stack the user's own `pulumi` commands act on (a `promote dev prod` would leave prod selected); every
 * operation names its stack (--stack), so opening one selects nothing. Whether it exists is checked once, by
 * the command (requireStacks), or by the first operation on it.
 */
export function workspace(cwd: string): Promise<LocalWorkspace> {
  let ws = workspaces.get(cwd);
  if (!ws) {
    ws = automation()
      .LocalWorkspace.create({ workDir: cwd })
      .then((w) => {
        w.selectStack = () => Promise.resolve();
        return w;
      });
    workspaces.set(cwd, ws);
  }
  return ws;
}

/** The names of the project's stacks. */
export async function stackNames(cwd: string): Promise<string[]> {
  return (await (await workspace(cwd)).listStacks()).map((s) => s.name.split("/").at(-1) ?? s.name);
}

/** A stack of the project, not selected (see workspace); callers check that it exists. */
export async function openStack(cwd: string, name: string): Promise<Stack> {
  return automation().Stack.select(name, await workspace(cwd));
}

/**
 * The stack's outputs as plain values; none for a stack that has never been updated (or, unless `required`, whose
 * outputs cannot be read). One run of the CLI, with secrets masked: the Automation API's outputs() runs it twice,
 * once to decrypt every secret, and the program exports none (StackOutputs).
 */
export async function stackOutputs(stack: Stack, opts = { required: false }): Promise<Partial<StackOutputs>> {
  const read = cli(stack.workspace.workDir, ["stack", "output", "--json", "--stack", stack.name]);
  const json = await (opts.required
    ? read.catch((e: unknown) => Promise.reject(new Error(`reading the outputs of stack ${stack.name} failed: ${(e as Error).message}`)))
    : read.catch(() => "{}"));
  return JSON.parse(json) as Partial<StackOutputs>;
}

/**
 * `pulumi up` of a stack through the Automation API, without what its Stack.up runs after the update: the
 * outputs (two runs of the CLI) and the update's history entry (a third), about 2 s after every release, for
 * results the commands do not use. Callers read the outputs once (stackOutputs).
 */
export async function update(stack: Stack, opts: UpOptions): Promise<void> {
  const bare = Object.create(stack) as Stack;
  bare.outputs = () => Promise.resolve({});
  bare.info = () => Promise.resolve(undefined);
  await automation().Stack.prototype.up.call(bare, opts);
}

/** The project's policy pack (policy/), which the engine runs beside every preview and update of a command. */
export function policyPacks(cwd: string): string[] {
  return [path.join(cwd, "policy")];
}

/** Streams what the engine prints to this process's output, as the CLI would. */
export const streamed = {
  onOutput: (out: string) => process.stdout.write(out),
  onError: (err: string) => process.stderr.write(err),
} as const;

/**
 * The exit code of a failed engine operation. The Automation API's error keeps the CLI's own code only in its
 * message ("Command failed with exit code 255"); its `code:` line says -2 for every failed command.
 */
export function exitCode(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return /Command failed with exit code (-?[0-9]+)/.exec(message)?.[1] ?? /^code: (-?[0-9]+)/m.exec(message)?.[1] ?? "unknown";
}

/** The last lines of a failed engine operation's message (the Automation API puts the whole output there). */
function lastLines(e: unknown, n = 5): string {
  return (e instanceof Error ? e.message : String(e)).trim().split("\n").slice(-n).join("\n");
}

/**
 * `pulumi preview --json` of a stack: the steps as the engine plans them. The Automation API has no verb for
 * this (its preview returns only a change summary), so this one runs the CLI.
 */
export function previewJson(cwd: string, stack: string): Promise<string> {
  return cli(cwd, ["preview", "--json", "--stack", stack, ...policyPacks(cwd).flatMap((p) => ["--policy-pack", p])]).catch((e: unknown) =>
    Promise.reject(new Error(`pulumi preview --stack ${stack} failed: ${(e as Error).message}`)),
  );
}

/** One run of the CLI in the project directory; its stdout, or an error with the last lines it printed. */
function cli(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("pulumi", [...args, "--non-interactive"], { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(lastLines(stderr || stdout || error.message)));
      else resolve(stdout);
    });
  });
}
