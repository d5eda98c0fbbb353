// No plugin is ever downloaded: with the plugins missing, the engine fails at once instead of reaching for
// Pulumi's servers, and the toolchain check names the step that provides them.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { newStack, projectScript, pulumiCli, sandbox, type Sandbox } from "./engine";

describe("missing plugins", () => {
  let box: Sandbox;
  let emptyHome: string;

  before(async () => {
    box = sandbox();
    await newStack(box, "it-noplugins", {
      imageTag: "0.1.0",
      imageRef: `r.io/a/b@sha256:${"c".repeat(64)}`,
      deliveryMode: "gitops",
      repoUrl: "file:///srv/g.git",
      renderOnly: "true",
    });
    emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-empty-home-"));
  });
  after(() => {
    box?.cleanup();
    fs.rmSync(emptyHome, { recursive: true, force: true });
  });

  it("the engine fails at once with no plugin installed, and downloads nothing", async () => {
    const run = await pulumiCli(box, ["preview", "--stack", "it-noplugins"], { PULUMI_HOME: emptyHome }, 60_000);
    assert.notEqual(run.code, 0);
    assert.match(run.output, /no resource plugin 'pulumi-resource-kubernetes' found/);
    assert.ok(run.seconds < 60, `took ${run.seconds}s`);
    // Nothing was fetched into the plugin cache.
    const plugins = path.join(emptyHome, "plugins");
    assert.deepEqual(fs.existsSync(plugins) ? fs.readdirSync(plugins) : [], []);
  });

  it("the toolchain check names the step that provides the missing plugin", async () => {
    const run = await projectScript("toolchain/toolchain.sh", ["--check"], { PULUMI_HOME: emptyHome });
    assert.equal(run.code, 1);
    assert.match(run.output, /plugin kubernetes v[0-9.]+ is missing: run `bash toolchain\/toolchain.sh` \(step 3 of 3 provides it\)/);
  });
});
