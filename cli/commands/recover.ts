/**
 * Recovery after a release whose `pulumi up` was killed (kill -9, a crashed CI runner, a closed laptop): the
 * cluster goes on with the rollout, but the stack keeps the dead run's lock and may hold pending operations.
 * This runs the documented way back, in order: it ends what the dead run left running (its language host and
 * program, orphans.ts), `pulumi cancel` (drops the lock), `pulumi refresh` (reads the
 * live objects back into the state), then the release again (release.ts), so it ends only when live.
 *
 * `pulumi cancel` on a file backend deletes every lock of the stack, a live run's too; so this first refuses
 * while a process that holds a lock on this machine is still alive, and, without --force, while another
 * machine holds one (whether its run still goes on cannot be seen from here).
 *
 * Usage: node --import tsx scripts/cli/recover.ts --stack <name> [--force] [--cwd <dir>] [--timeout <s>]
 */
import * as os from "node:os";
import { PROJECT } from "../../settings/keys";
import { fail, parseCommandLine, projectDir, requireStacks, run } from "./command";
import { liveLocks, stackLocks } from "./locks";
import { stackPrograms } from "./orphans";
import { backendUrl, pulumi } from "./pulumi";
import { releaseStack } from "./release";

const USAGE = "npm run recover -- --stack <name> [--force] [--cwd <dir>] [--timeout <s>]";
const { values } = parseCommandLine(USAGE, {
  options: {
    stack: { type: "string" },
    force: { type: "boolean", default: false },
    cwd: { type: "string" },
    timeout: { type: "string", default: "600" },
  },
});
const cwd = projectDir(values.cwd);

async function main() {
  const stack = values.stack ?? fail("--stack <name> is required: the stack whose release was interrupted");
  requireStacks(cwd, [["--stack", stack]]);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) fail(`--timeout ${values.timeout}: allowed a whole number of seconds > 0`);
  const backend = backendUrl(cwd);
  const locks = stackLocks(backend, PROJECT, stack);
  const live = liveLocks(locks);
  const here = live.filter((l) => l.hostname === os.hostname());
  if (here.length > 0) {
    fail(
      `stack ${stack} is being updated by pid ${here.map((l) => l.pid).join(", ")} (since ${here[0]?.timestamp}): wait for it to end; recover only after a run that died`,
    );
  }
  if (live.length > 0 && !values.force) {
    fail(
      `stack ${stack} is locked by ${live.map((l) => `pid ${l.pid} on ${l.hostname} since ${l.timestamp}`).join(", ")}, which cannot be checked from here: once that run has surely ended, run again with --force`,
    );
  }
  console.log(`recover ${stack}: ${locks.length} stale lock(s) (${locks.map((l) => `pid ${l.pid}@${l.hostname}`).join(", ") || "none"})`);
  // No live run holds the lock, so a program of this stack still running was left by the one that died.
  const leftOver = stackPrograms(cwd, stack);
  for (const p of leftOver) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // ended meanwhile
    }
  }
  if (leftOver.length > 0)
    console.log(`ended ${leftOver.length} processes left by the run that died (pid ${leftOver.map((p) => p.pid).join(", ")})`);
  console.log(`1/3 pulumi cancel: ${pulumi(cwd, stack, ["cancel", "--yes"]).trim()}`);
  const refreshed = pulumi(cwd, stack, ["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
  console.log(`2/3 pulumi refresh: ${refreshed.trim().split("\n").slice(-3).join(" ").replace(/\s+/g, " ")}`);
  console.log("3/3 the release again");
  const after = await releaseStack({ stackName: stack, cwd, timeoutSeconds });
  console.log(`recovered: ${stack} runs ${after.imageTag} (${after.imageRef})`);
}

run(main);
