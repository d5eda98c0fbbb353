/**
 * One release of one stack, ending only when it is live: `pulumi up` (which, in direct mode, waits for the
 * rollout), then in gitops mode the commit, the push and the wait for Argo CD (scripts/cli/gitops.ts). After a
 * switch from gitops back to direct mode it also removes the stack's manifests from the branch Argo CD read.
 * scripts/up.sh runs it after the set-up, so `pulumi config set imageTag X` and `make up` (or
 * `bash scripts/up.sh <stack>`) are the whole release, and `pulumi config set deliveryMode gitops|direct`
 * followed by the same command is the whole switch.
 *
 * Usage: node --import tsx scripts/cli/ship.ts --stack <name> [--cwd <project dir>] [--timeout <s>] [-- <pulumi up flags>]
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pushAndWait, retireManifests } from "./gitops";
import { stackOutputs } from "./pulumi";

const { values, positionals } = parseArgs({
  options: { stack: { type: "string" }, cwd: { type: "string" }, timeout: { type: "string", default: "600" } },
  allowPositionals: true,
});
function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}
const stackName = values.stack ?? fail("--stack <name> is required: the stack to release");
const cwd = path.resolve(values.cwd ?? path.join(__dirname, "../.."));
const timeoutSeconds = Number(values.timeout);
if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) fail(`--timeout ${values.timeout}: allowed a whole number of seconds > 0`);

async function main() {
  const before = stackOutputs(cwd, stackName);
  const up = spawnSync("pulumi", ["up", "--stack", stackName, "--yes", "--non-interactive", ...positionals], { cwd, stdio: "inherit" });
  if (up.status !== 0) fail(`pulumi up of stack ${stackName} failed (exit ${up.status ?? up.signal}); the release is not live`);
  const after = stackOutputs(cwd, stackName);
  const step = { stackName, cwd, log: (line: string) => console.log(line) };
  if (after.deliveryMode === "gitops") {
    console.log(`gitops: commit and push ${after.renderDirectory}, wait for Argo CD`);
    await pushAndWait(step, after, timeoutSeconds);
  } else if (before.deliveryMode === "gitops") {
    console.log(`back to direct mode: Pulumi applies the workload now; removing ${before.renderDirectory} from ${before.gitops?.repoUrl}`);
    await retireManifests(step, before, `hand ${stackName} back to direct mode`);
  }
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
