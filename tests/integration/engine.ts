/**
 * The real Pulumi engine for integration tests: a throwaway copy of the project, its own file backend and
 * passphrase, and the Automation API's LocalWorkspace over the CLI that toolchain/toolchain.sh provides.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { RENDER_ROOT } from "../../settings/gitops";

export const ROOT = path.resolve(__dirname, "../..");
/**
 * What a copy of the program needs to run: the project files, every module index.ts imports (checked by
 * tests/unit/program-files.test.ts), the app it builds and the policy pack. bench/common.sh copies the same.
 */
export const PROGRAM_FILES = [
  "Pulumi.yaml",
  "package.json",
  "tsconfig.json",
  "index.ts",
  "config.ts",
  "release.ts",
  "settings",
  "components",
  "rollout",
  "gitops",
  "app",
  "policy",
];

/** The pinned CLI version, from toolchain/versions.sh. */
export function pinnedPulumiVersion(): string {
  const text = fs.readFileSync(path.join(ROOT, "toolchain/versions.sh"), "utf8");
  const m = /^PULUMI_VERSION=(\S+)$/m.exec(text);
  if (!m?.[1]) throw new Error("toolchain/versions.sh has no PULUMI_VERSION");
  return m[1];
}

export interface Sandbox {
  /** A copy of the program, where `pulumi` runs and where deploy/ is rendered. */
  readonly workDir: string;
  /** The file backend's directory. */
  readonly stateDir: string;
  readonly env: Record<string, string>;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-it-"));
  const workDir = path.join(base, "project");
  const stateDir = path.join(base, "state");
  fs.mkdirSync(workDir);
  fs.mkdirSync(stateDir);
  for (const f of PROGRAM_FILES) fs.cpSync(path.join(ROOT, f), path.join(workDir, f), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(workDir, "node_modules"));
  const env = {
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "integration-test",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  return { workDir, stateDir, env, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

export async function newStack(box: Sandbox, name: string, config: Record<string, string>): Promise<Stack> {
  const stack = await LocalWorkspace.createStack({ stackName: name, workDir: box.workDir }, { workDir: box.workDir, envVars: box.env });
  await stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`tagship:${k}`, { value: v }])));
  return stack;
}

/** The stack's checkpoint file in the file backend. */
export function stateFile(box: Sandbox, stack: string): string {
  return path.join(box.stateDir, ".pulumi", "stacks", "tagship", `${stack}.json`);
}

export interface CommandResult {
  readonly code: number;
  /** stdout and stderr together. */
  readonly output: string;
  readonly seconds: number;
}

/** Runs a command to its end; never throws on a non-zero exit. */
export async function runCommand(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      timeout: opts.timeoutMs ?? 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr, seconds: seconds() };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    // Trimmed: a failed assertion prints the output as its message, and a report that keeps only the message's
    // last lines then shows why the command failed rather than blank lines.
    const output = `${err.stdout ?? ""}${err.stderr ?? ""}`.trimEnd();
    return { code: typeof err.code === "number" ? err.code : -1, output, seconds: seconds() };
  }
}

/** Runs the real `pulumi` CLI in the sandbox. */
export function pulumiCli(box: Sandbox, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CommandResult> {
  return runCommand("pulumi", [...args, "--non-interactive"], { cwd: box.workDir, env: { ...box.env, ...env }, timeoutMs });
}

/** `pulumi up` of a sandbox's stack in its own process group, so that a test can kill it alone (kill -9). */
export function detachedUp(box: Sandbox, stack: string) {
  const child = spawn("pulumi", ["up", "--yes", "--non-interactive", "--stack", stack], {
    cwd: box.workDir,
    env: { ...process.env, ...box.env },
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; output: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, output })),
  );
  return { pid: child.pid ?? 0, done };
}

/** Runs `tagship <name>` (cli/main.ts) on a sandbox; never throws on a non-zero exit. */
export function cliCommand(box: Sandbox, name: string, args: string[], timeoutMs = 400_000): Promise<CommandResult> {
  return runCommand(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", "main.ts"), name, "--cwd", box.workDir, ...args], {
    cwd: ROOT,
    env: box.env,
    timeoutMs,
  });
}

/**
 * A release of a sandbox's stack as scripts/up.sh runs it after its set-up: `tagship ship` (`pulumi up`, which for
 * gitops commits, pushes and waits for Argo CD). Returns its output; throws with it if the release failed.
 */
export async function ship(box: Sandbox, stack: string, timeoutSeconds = 240): Promise<string> {
  const run = await cliCommand(box, "ship", ["--stack", stack, "--timeout", String(timeoutSeconds)], (timeoutSeconds + 180) * 1000);
  if (run.code !== 0) throw new Error(run.output);
  return run.output;
}

/**
 * The phases a release command printed and recorded (cli/release/record.ts): the table is printed, the record
 * file holds the same phases, they add up to the command's wall time within 1 s, and `expected` (in order)
 * are among them. Returns the recorded phases.
 */
export function assertPhases(run: CommandResult, expected: RegExp[]): { name: string; at: number; seconds: number }[] {
  const file = /release record: (\S+\.json)/.exec(run.output)?.[1];
  assert.ok(file, `the release printed where its record is:\n${run.output}`);
  const record = JSON.parse(fs.readFileSync(file, "utf8")) as { seconds: number; phases: { name: string; at: number; seconds: number }[] };
  const sum = record.phases.reduce((s, p) => s + p.seconds, 0);
  // The command's wall time as this process saw it also holds the process's spawn and exit, so it is never shorter.
  assert.ok(
    sum <= run.seconds + 0.1 && run.seconds - sum <= 1,
    `phases add up to ${sum.toFixed(2)} s, the command took ${run.seconds.toFixed(2)} s`,
  );
  assert.ok(Math.abs(record.seconds - sum) < 0.01, "the record's total is the sum of its phases");
  const table = new RegExp(`phases of the release of \\S+ \\([^)]*\\), ${sum.toFixed(1)} s in all:`);
  assert.match(run.output, table);
  for (const p of record.phases) assert.ok(run.output.includes(`  ${p.name} `), `the table prints the phase "${p.name}"`);
  let from = 0;
  for (const want of expected) {
    const i = record.phases.findIndex((p, k) => k >= from && want.test(p.name));
    assert.ok(
      i >= 0,
      `a phase ${want} after ${record.phases[from - 1]?.name ?? "the start"}: ${record.phases.map((p) => p.name).join(" | ")}`,
    );
    from = i + 1;
  }
  return record.phases;
}

/** Where a gitops stack of the sandbox renders its workload before a release commits it (RENDER_ROOT). */
export function renderedDir(box: Sandbox, stack: string): string {
  return path.join(box.workDir, RENDER_ROOT, stack);
}

/** The git identity of the sandbox's checkout: the user a gitops release commits as. */
export const SANDBOX_GIT_USER = { name: "Ada Releaser", email: "ada@tagship.invalid" };

/**
 * A sandbox that is a git checkout (node_modules ignored, as in a real one: Argo CD refuses out-of-bounds
 * symlinks) of a bare repository beside it, whose main branch holds the program, for Argo CD to read; and git
 * in the checkout, which has its user's identity.
 */
export async function gitSandbox() {
  const box = sandbox();
  const remote = path.join(box.workDir, "..", "remote.git");
  const git = (...args: string[]) => runCommand("git", args, { cwd: box.workDir });
  const results = [await runCommand("git", ["init", "-q", "--bare", "--initial-branch=main", remote])];
  fs.writeFileSync(path.join(box.workDir, ".gitignore"), "node_modules\n");
  for (const args of [
    ["init", "-q", "--initial-branch=main"],
    ["config", "user.name", SANDBOX_GIT_USER.name],
    ["config", "user.email", SANDBOX_GIT_USER.email],
    ["add", "-A"],
    ["commit", "-qm", "the program"],
    ["push", "-q", remote, "HEAD:refs/heads/main"],
  ])
    results.push(await git(...args));
  const failed = results.find((r) => r.code !== 0);
  if (failed) throw new Error(failed.output);
  return { box, remote, git };
}

/** Runs one of the project's scripts, e.g. `lab/lab.sh up`. */
export function projectScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 300_000,
): Promise<CommandResult> {
  return runCommand("bash", [path.join(ROOT, script), ...args], { env, timeoutMs });
}

/** Every file under a directory, relative to it; empty when the directory does not exist. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}
