// Which stack locks recover may clear: read from a file backend's lock directory, stale only when their process
// is known to be gone.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import { liveLocks, stackLocks } from "../../cli/engine/locks";

describe("stack locks of a file backend", () => {
  const backend = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-locks-"));
  const dir = path.join(backend, ".pulumi", "locks", "organization", "tagship", "dev");
  fs.mkdirSync(dir, { recursive: true });
  // A pid that existed and is gone: a finished child's.
  const deadPid = spawnSync("true").pid ?? 0;
  const write = (name: string, pid: number, hostname: string) =>
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ pid, username: "me", hostname, timestamp: "2026-11-26T15:00:00Z" }));
  write("a", process.pid, os.hostname());
  write("b", deadPid, os.hostname());
  write("c", deadPid, "ci-runner-7");
  fs.writeFileSync(path.join(dir, "notes.txt"), "not a lock");

  it("reads every lock of the stack, and none of another stack or of a backend that is not a directory", () => {
    const locks = stackLocks(pathToFileURL(backend).href, "tagship", "dev");
    assert.deepEqual(locks.map((l) => [path.basename(l.file), l.pid, l.hostname]).sort(), [
      ["a.json", process.pid, os.hostname()],
      ["b.json", deadPid, os.hostname()],
      ["c.json", deadPid, "ci-runner-7"],
    ]);
    assert.deepEqual(stackLocks(pathToFileURL(backend).href, "tagship", "prod"), []);
    assert.deepEqual(stackLocks("https://api.pulumi.com", "tagship", "dev"), []);
  });

  it("a lock is live while its process on this machine lives, and always when another machine holds it", () => {
    const live = liveLocks(stackLocks(pathToFileURL(backend).href, "tagship", "dev"));
    assert.deepEqual(live.map((l) => path.basename(l.file)).sort(), ["a.json", "c.json"]);
  });
});
