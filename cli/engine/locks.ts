/** The stack locks of a file (diy) backend, read the way `recover` needs them: which are stale. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** One lock: .pulumi/locks/organization/<project>/<stack>/<id>.json, written by the run that holds it. */
export interface StackLock {
  readonly file: string;
  readonly pid: number;
  readonly hostname: string;
  readonly timestamp: string;
}

/** The locks a file backend holds on a stack; none for any other backend (Pulumi Cloud keeps its own). */
export function stackLocks(backendUrl: string, project: string, stack: string): StackLock[] {
  if (!backendUrl.startsWith("file://")) return [];
  const dir = path.join(fileURLToPath(backendUrl), ".pulumi", "locks", "organization", project, stack);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ ...(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Omit<StackLock, "file">), file: path.join(dir, f) }));
}

/**
 * The locks whose run may still be going: held by a live process of this machine. A lock of another machine
 * cannot be checked from here, so it counts as stale only when its process is known to be gone.
 */
export function liveLocks(locks: readonly StackLock[], hostname = os.hostname()): StackLock[] {
  return locks.filter((l) => l.hostname !== hostname || alive(l.pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
