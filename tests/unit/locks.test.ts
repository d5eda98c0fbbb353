// Which stack locks recover may clear: read from a file backend's lock directory, stale only when their process
// is known to be gone.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import { cancelRefusal, liveLocks, stackLocks } from "../../cli/engine/locks";

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

  it("reads every lock of the stack, none of another stack, and says it cannot for a backend that is not a directory", () => {
    const locks = stackLocks(pathToFileURL(backend).href, "tagship", "dev") ?? [];
    assert.deepEqual(locks.map((l) => [path.basename(l.file), l.pid, l.hostname]).sort(), [
      ["a.json", process.pid, os.hostname()],
      ["b.json", deadPid, os.hostname()],
      ["c.json", deadPid, "ci-runner-7"],
    ]);
    assert.deepEqual(stackLocks(pathToFileURL(backend).href, "tagship", "prod"), []);
    assert.equal(stackLocks("https://api.pulumi.com", "tagship", "dev"), undefined);
    assert.equal(stackLocks("s3://team-state?region=eu-west-1", "tagship", "dev"), undefined);
  });

  it("a lock is live while its process on this machine lives, and always when another machine holds it", () => {
    const live = liveLocks(stackLocks(pathToFileURL(backend).href, "tagship", "dev") ?? []);
    assert.deepEqual(live.map((l) => path.basename(l.file)).sort(), ["a.json", "c.json"]);
  });

  it("recover cancels no live run: refused while this machine's run lives, without --force while another machine's may, or the backend's locks cannot be read", () => {
    const url = pathToFileURL(backend).href;
    const locks = stackLocks(url, "tagship", "dev") ?? [];
    assert.match(cancelRefusal("dev", url, locks, true) ?? "", new RegExp(`is being updated by pid ${process.pid}`));
    const others = locks.filter((l) => l.pid !== process.pid);
    assert.match(cancelRefusal("dev", url, others, false) ?? "", /locked by pid \d+ on ci-runner-7 .*run again with --force/);
    assert.equal(cancelRefusal("dev", url, others, true), undefined);
    assert.equal(cancelRefusal("dev", url, [], false), undefined);
    for (const remote of ["s3://team-state?endpoint=127.0.0.1:9000&s3ForcePathStyle=true", "https://api.pulumi.com"]) {
      const why = cancelRefusal("prod", remote, undefined, false) ?? "";
      assert.match(
        why,
        /stack prod is kept on (s3:\/\/team-state|https:\/\/api\.pulumi\.com), whose locks tagship cannot read: .*run again with --force/,
      );
      assert.doesNotMatch(why, /endpoint=/, "the backend's query (which may name credentials) is left out");
      assert.equal(cancelRefusal("prod", remote, undefined, true), undefined);
    }
  });
});
