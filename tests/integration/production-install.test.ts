// A production install (`npm ci --omit=dev`, as a CI runner or a deploy image does it) runs everything a release
// needs: the program under the engine with ts-node type-checking it (no PULUMI_NODEJS_TRANSPILE_ONLY), the policy
// pack, and the command line. A runtime import of a devDependency fails here, not on a team's runner.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { newStack, pulumiCli, ROOT, runCommand, sandbox, type Sandbox } from "./engine";

const STACK = "it-prod-install";

describe("a production install (npm ci --omit=dev)", () => {
  let box: Sandbox;
  before(async () => {
    box = sandbox();
    // The sandbox links the project's full node_modules; this one gets its own, without devDependencies.
    fs.rmSync(path.join(box.workDir, "node_modules"));
    for (const f of ["package-lock.json", "cli", "toolchain"])
      fs.cpSync(path.join(ROOT, f), path.join(box.workDir, f), { recursive: true });
    const install = await runCommand("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: box.workDir,
      timeoutMs: 300_000,
    });
    assert.equal(install.code, 0, install.output);
  });
  after(() => box.cleanup());

  it("leaves the devDependencies out", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    const dev = Object.keys(pkg.devDependencies);
    assert.ok(dev.length > 0);
    for (const name of dev) assert.ok(!fs.existsSync(path.join(box.workDir, "node_modules", name)), `${name} is not installed`);
  });

  it("previews a production stack with the policy pack, the program type-checked by ts-node", async () => {
    await newStack(box, STACK, {
      production: "true",
      imageTag: "1.0.0",
      imageRef: `127.0.0.1:5000/tagship/hello@sha256:${"b".repeat(64)}`,
      replicas: "2",
      deliveryMode: "gitops",
      repoUrl: "file:///srv/git/tagship.git",
      renderOnly: "true",
    });
    const run = await pulumiCli(box, ["preview", "--stack", STACK, "--policy-pack", path.join(box.workDir, "policy")], {
      PULUMI_NODEJS_TRANSPILE_ONLY: "false",
    });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /tagship@v1\.0\.0/, "the pack ran");
    assert.match(run.output, /kubernetes:apps\/v1:Deployment/, "the program ran");
  });

  it("runs the command line", async () => {
    const run = await runCommand("bash", [path.join(box.workDir, "cli", "tagship"), "--help"], { cwd: box.workDir });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /^ {2}ship {2}/m);
  });
});
