/** The Pulumi CLI as the commands use it: one stack, non-interactive, output captured. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { StackOutputs } from "./gitops";

/** Runs `pulumi <args>` in `cwd`, non-interactive, and returns its standard output; throws with its last lines. */
function cli(cwd: string, args: readonly string[], what: string): string {
  try {
    return execFileSync("pulumi", [...args, "--non-interactive"], {
      cwd,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    const tail = (err.stderr || err.stdout || String(e)).trim().split("\n").slice(-5).join("\n");
    throw new Error(`${what} failed: ${tail}`);
  }
}

/** Runs `pulumi <args> --stack <stack>` in `cwd` and returns its standard output; throws with its last lines. */
export function pulumi(cwd: string, stack: string, args: readonly string[]): string {
  return cli(cwd, [...args, "--stack", stack], `pulumi ${args.slice(0, 2).join(" ")} --stack ${stack}`);
}

/** The flags that make the engine run the project's policy pack (policy/) beside a preview or an update. */
export function policyPackArgs(cwd: string): string[] {
  return ["--policy-pack", path.join(cwd, "policy")];
}

/** The stack's outputs; none for a stack that has never been updated (or does not exist). */
export function stackOutputs(cwd: string, stack: string): StackOutputs {
  try {
    return JSON.parse(pulumi(cwd, stack, ["stack", "output", "--json"])) as StackOutputs;
  } catch {
    return {};
  }
}

/** The URL of the backend the CLI is logged in to, e.g. file:///home/me/state or https://api.pulumi.com. */
export function backendUrl(cwd: string): string {
  return (JSON.parse(cli(cwd, ["whoami", "--json"], "pulumi whoami")) as { url?: string }).url ?? "";
}

/** The names of the project's stacks. */
export function stackNames(cwd: string): string[] {
  return (JSON.parse(cli(cwd, ["stack", "ls", "--json"], "pulumi stack ls")) as { name: string }[]).map(
    (s) => s.name.split("/").at(-1) ?? s.name,
  );
}
