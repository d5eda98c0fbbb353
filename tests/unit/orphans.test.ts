// Finding what a killed `pulumi up` left running: a program of @pulumi/pulumi's cmd/run for the stack and the
// project directory, found by its command line in /proc (Linux).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as os from "node:os";
import { describe, it } from "node:test";
import { stackPrograms } from "../../cli/engine/orphans";

describe("stackPrograms", () => {
  it("finds a running program by stack and project directory, and nothing for another stack or directory", async (t) => {
    if (os.platform() !== "linux") return t.skip("reads /proc");
    const dir = os.tmpdir();
    // A stand-in with the command line the language host gives the program.
    const program = spawn(process.execPath, [
      "-e",
      "setTimeout(() => {}, 30000)",
      "/x/node_modules/@pulumi/pulumi/cmd/run/index.js",
      "--stack",
      "it-orphan",
      "--pwd",
      dir,
      ".",
    ]);
    try {
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(
        stackPrograms(dir, "it-orphan").map((p) => p.pid),
        [program.pid],
      );
      assert.deepEqual(stackPrograms(dir, "it-other"), []);
      assert.deepEqual(stackPrograms("/elsewhere", "it-orphan"), []);
    } finally {
      program.kill("SIGKILL");
    }
  });
});
