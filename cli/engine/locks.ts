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

/**
 * The locks a file backend holds on a stack; undefined for any other backend, whose locks cannot be read from here (an
 * object store's sit in its bucket, Pulumi Cloud keeps its own).
 */
export function stackLocks(backendUrl: string, project: string, stack: string): StackLock[] | undefined {
  if (!backendUrl.startsWith("file://")) return undefined;
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

/**
 * Why `recover` must not cancel the stack's lock, or undefined when it may: a run of this machine still holds it; or,
 * without --force, another machine does, or the backend's locks cannot be read at all (a cancel would end a
 * colleague's live update as surely as a dead run's).
 */
export function cancelRefusal(
  stack: string,
  backendUrl: string,
  locks: readonly StackLock[] | undefined,
  force: boolean,
  hostname = os.hostname(),
): string | undefined {
  if (locks === undefined) {
    if (force) return undefined;
    return `stack ${stack} is kept on ${backendShown(backendUrl)}, whose locks tagship cannot read: \`pulumi cancel\` there would also end a colleague's update that is still running. Make sure no one is updating the stack (\`pulumi stack history\` shows an update in progress; so does Pulumi Cloud's console), then run again with --force`;
  }
  const live = liveLocks(locks, hostname);
  const here = live.filter((l) => l.hostname === hostname);
  if (here.length > 0) {
    return `stack ${stack} is being updated by pid ${here.map((l) => l.pid).join(", ")} (since ${here[0]?.timestamp}): wait for it to end; recover only after a run that died`;
  }
  if (live.length > 0 && !force) {
    return `stack ${stack} is locked by ${live.map((l) => `pid ${l.pid} on ${l.hostname} since ${l.timestamp}`).join(", ")}, which cannot be checked from here: once that run has surely ended, run again with --force`;
  }
  return undefined;
}

/** A backend URL without its query, which may name an endpoint's settings or credentials: for messages. */
export function backendShown(url: string): string {
  return url.replace(/\?.*$/, "");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
