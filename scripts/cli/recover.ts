/**
 * Recovery after a release whose `pulumi up` was killed (kill -9, a crashed CI runner, a closed laptop): the
 * cluster goes on with the rollout, but the stack keeps the dead run's lock and may hold pending operations.
 * This runs the documented way back, in order: `pulumi cancel` (drops the lock), `pulumi refresh` (reads the
 * live objects back into the state), then the release again (release.ts), so it ends only when live.
 *
 * `pulumi cancel` on a file backend deletes every lock of the stack, a live run's too; so this first refuses
 * while a process that holds a lock on this machine is still alive.
 *
 * Usage: node --import tsx scripts/cli/recover.ts --stack <name> [--cwd <dir>] [--timeout <s>]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { fail, parseCommandLine, projectDir, requireStacks, run } from "./command";
import { backendUrl, pulumi } from "./pulumi";
import { releaseStack } from "./release";

const USAGE = "npm run recover -- --stack <name> [--cwd <dir>] [--timeout <s>]";
const { values } = parseCommandLine(USAGE, {
  options: { stack: { type: "string" }, cwd: { type: "string" }, timeout: { type: "string", default: "600" } },
});
const cwd = projectDir(values.cwd);

/** A lock file of the diy backend: .pulumi/locks/organization/<project>/<stack>/<id>.json. */
interface LockFile {
  readonly pid: number;
  readonly hostname: string;
  readonly timestamp: string;
}

/** The locks a file backend holds on the stack; none for any other backend (Pulumi Cloud keeps its own). */
function stackLocks(backendUrl: string, project: string, stack: string): (LockFile & { file: string })[] {
  if (!backendUrl.startsWith("file://")) return [];
  const dir = path.join(fileURLToPath(backendUrl), ".pulumi", "locks", "organization", project, stack);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ file: path.join(dir, f), ...(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as LockFile) }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function main() {
  const stack = values.stack ?? fail("--stack <name> is required: the stack whose release was interrupted");
  requireStacks(cwd, [["--stack", stack]]);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) fail(`--timeout ${values.timeout}: allowed a whole number of seconds > 0`);
  const backend = backendUrl(cwd);
  const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(cwd, "Pulumi.yaml"), "utf8"))?.[1] ?? "";
  const locks = stackLocks(backend, project, stack);
  const live = locks.filter((l) => l.hostname === os.hostname() && alive(l.pid));
  if (live.length > 0) {
    fail(
      `stack ${stack} is being updated by pid ${live.map((l) => l.pid).join(", ")} (since ${live[0]?.timestamp}): wait for it to end; recover only after a run that died`,
    );
  }
  console.log(`recover ${stack}: ${locks.length} stale lock(s) (${locks.map((l) => `pid ${l.pid}@${l.hostname}`).join(", ") || "none"})`);
  console.log(`1/3 pulumi cancel: ${pulumi(cwd, stack, ["cancel", "--yes"]).trim()}`);
  const refreshed = pulumi(cwd, stack, ["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
  console.log(`2/3 pulumi refresh: ${refreshed.trim().split("\n").slice(-3).join(" ").replace(/\s+/g, " ")}`);
  console.log("3/3 the release again");
  const after = await releaseStack({ stackName: stack, cwd, timeoutSeconds });
  console.log(`recovered: ${stack} runs ${after.imageTag} (${after.imageRef})`);
}

run(main);
