// The lab's lifecycle: down leaves no process and no mount behind, and up after down works again.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { projectScript, ROOT } from "./engine";

const LAB = process.env.TAGSHIP_LAB_DIR ?? path.join(ROOT, ".lab");
const lab = (cmd: string) => projectScript("scripts/lab.sh", [cmd]);

/** Processes whose command line mentions the lab's directory (the registry's config, buildkitd's). */
function labProcesses(): string[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ");
      } catch {
        return "";
      }
    })
    .filter((cmd) => cmd.includes(LAB) && !cmd.includes("lab.test.ts"));
}

const labMounts = () =>
  fs
    .readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .filter((l) => l.split(" ")[1]?.startsWith(LAB));

describe("lab lifecycle", () => {
  it("down stops every lab process and leaves no mount", async () => {
    assert.ok(labProcesses().length > 0, "the lab was running before");
    const down = await lab("down");
    assert.equal(down.code, 0, down.output);
    assert.deepEqual(labProcesses(), []);
    assert.deepEqual(labMounts(), []);
    const status = await lab("status");
    assert.notEqual(status.code, 0);
    assert.match(status.output, /registry: stopped/);
  });

  it("up after down brings every part back", async () => {
    const up = await lab("up");
    assert.equal(up.code, 0, up.output);
    const status = await lab("status");
    assert.equal(status.code, 0, status.output);
    assert.match(status.output, /registry: running/);
    assert.match(status.output, /buildkit: running/);
    assert.match(status.output, /base image: 127\.0\.0\.1:5000\/tagship\/node-base:22/);
  });
});
