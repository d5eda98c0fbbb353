// The lab's published passphrase on the real engine: a stack other than dev under it is refused by `make up`'s guard
// before the stack exists, by env-new before it creates one, and by the program on a plain `pulumi up`, each with
// nothing written to the backend; the dev stack still runs under it, but not as a production stack (the policy pack).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { PUBLISHED_PASSPHRASE } from "../../settings/secrets-provider";
import { cliCommand, filesUnder, newStack, pulumiCli, ROOT, runCommand, sandbox, type Sandbox } from "./engine";

/** A stack that renders only: the program runs to the end without a cluster. */
const RENDER_ONLY = {
  imageTag: "1.0.0",
  imageRef: `127.0.0.1:5000/tagship/hello@sha256:${"c".repeat(64)}`,
  deliveryMode: "gitops",
  repoUrl: "file:///srv/git/tagship.git",
  renderOnly: "true",
};
const REFUSED = /stack staging: its secrets would be encrypted with the lab's published passphrase/;

describe("the published passphrase stays on the lab's dev stack", () => {
  let box: Sandbox;
  const published = () => ({ ...box.env, PULUMI_CONFIG_PASSPHRASE: PUBLISHED_PASSPHRASE });
  const backend = () => new Map(filesUnder(box.stateDir).map((f) => [f, fs.readFileSync(path.join(box.stateDir, f), "utf8")]));

  before(async () => {
    box = sandbox();
    // The file backend writes its meta.yaml on first use, whoever uses it: done here, so the comparisons below see
    // only what a command wrote.
    assert.equal((await pulumiCli(box, ["stack", "ls"])).code, 0);
  });
  after(() => box.cleanup());

  it("make up's guard refuses a new stack other than dev before it exists, and lets dev through", async () => {
    const guard = (stack: string) =>
      runCommand(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "secrets-guard.ts"), stack], {
        cwd: box.workDir,
        env: published(),
      });
    const before = backend();
    const staging = await guard("staging");
    assert.equal(staging.code, 2, staging.output);
    assert.match(staging.output, REFUSED);
    assert.equal((await guard("dev")).code, 0);
    // The team's own passphrase: no objection.
    const own = await runCommand(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "secrets-guard.ts"), "staging"], {
      cwd: box.workDir,
      env: { ...box.env, PULUMI_CONFIG_PASSPHRASE: "the team's own" },
    });
    assert.equal(own.code, 0, own.output);
    assert.deepEqual(backend(), before);
  });

  it("env-new refuses to create a stack under it; nothing is created", async () => {
    const before = backend();
    const run = await cliCommand({ ...box, env: published() }, "env-new", ["staging"]);
    assert.equal(run.code, 2, run.output);
    assert.match(run.output, REFUSED);
    assert.match(run.output, /nothing was created/);
    assert.ok(!fs.existsSync(path.join(box.workDir, "Pulumi.staging.yaml")));
    assert.deepEqual(backend(), before);
  });

  it("a plain `pulumi up` of a stack made under it stops before anything is registered; dev runs", async () => {
    // Made by hand, as `pulumi stack init` under toolchain/env.sh would.
    const init = await pulumiCli(box, ["stack", "init", "staging"], published());
    assert.equal(init.code, 0, init.output);
    const set = await pulumiCli(box, ["config", "set", "--stack", "staging", "tagship:imageTag", "1.0.0"], published());
    assert.equal(set.code, 0, set.output);
    const before = backend();
    const up = await pulumiCli(box, ["up", "--yes", "--stack", "staging"], published());
    assert.notEqual(up.code, 0, up.output);
    assert.match(up.output, REFUSED);
    assert.deepEqual(backend(), before, "the backend is byte-identical");

    const dev = await newStack({ ...box, env: published() }, "dev", RENDER_ONLY);
    const preview = await pulumiCli(box, ["preview", "--stack", dev.name], published());
    assert.equal(preview.code, 0, preview.output);
  });

  it("the policy pack refuses a production stack whose salt belongs to it, whatever its name", async () => {
    const set = await pulumiCli(box, ["config", "set", "--stack", "dev", "tagship:production", "true"], published());
    assert.equal(set.code, 0, set.output);
    const preview = await pulumiCli(box, ["preview", "--stack", "dev", "--policy-pack", path.join(box.workDir, "policy")], published());
    assert.notEqual(preview.code, 0, preview.output);
    assert.match(preview.output, /production-secrets-not-under-the-published-passphrase/);
    assert.match(preview.output, /stack dev is production and Pulumi\.dev\.yaml's encryptionsalt belongs to the published passphrase/);
  });
});
