// A canary in gitops mode: the Rollout and its AnalysisTemplate are rendered to git and applied by the lab's Argo CD;
// the release waits for Argo CD and follows the Rollout. A version that fails a fifth of its requests is aborted, and
// tagship commits the stable version back to the branch: Argo CD ends Synced and Healthy on it, and the stack's config
// and `pulumi preview` name it too.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, pulumiCli, runCommand, type Sandbox } from "./engine";
import { dropNamespace, Kube, labStack, pollUntil } from "./kube";
import { loadLoop, versionsAnswering } from "./load";

const STACK = "it-canary-gitops";
const NAMESPACE = `hello-${STACK}`;
const CANARY = { steps: [25], pauseSeconds: 12, intervalSeconds: 3, windowSeconds: 10, minRequests: 20, maxErrorPercent: 1 };

describe("a canary in gitops mode", () => {
  let box: Sandbox;
  let stack: Stack;
  let remote = "";
  let kube: Kube;

  before(async () => {
    kube = new Kube();
    ({ box, remote, stack } = await labStack(STACK, NAMESPACE, {
      deliveryMode: "gitops",
      imageTag: "1.0.0",
      replicas: "4",
      metricsPath: "/metrics",
      canary: JSON.stringify(CANARY),
    }));
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("aborts a bad version and commits the stable one back: Argo CD Synced and Healthy on it", async () => {
    const first = await cliCommand(box, "ship", ["--stack", STACK, "--timeout", "300"], 600_000);
    assert.equal(first.code, 0, first.output);
    const url = await kube.serviceUrl(NAMESPACE, "/");

    fs.appendFileSync(path.join(box.workDir, "app", "Dockerfile"), "\nENV FAULT_ERROR_PERCENT=20\n");
    await stack.setConfig("tagship:imageTag", { value: "2.0.0" });
    let done = false;
    const load = loadLoop({ url, workers: 4, pauseMs: 40, minRequests: 1, maxSeconds: 900, until: () => done });
    const run = await cliCommand(box, "ship", ["--stack", STACK, "--timeout", "300"], 600_000);
    done = true;
    const traffic = await load;
    assert.notEqual(run.code, 0, run.output);
    assert.match(run.output, /the canary of hello 2\.0\.0 was aborted: \[RolloutAborted\]/);
    assert.match(run.output, /quarantined: sha256:[0-9a-f]{64} \(hello 2\.0\.0\)/);
    console.log(`gitops abort: ${traffic.failures} of ${traffic.requests} requests failed`);

    // The branch names the stable version again, and Argo CD has it: Synced at the branch's tip, Healthy.
    const tip = (await runCommand("git", ["--git-dir", remote, "rev-parse", "main"])).output.trim();
    const rendered = await runCommand("git", [
      "--git-dir",
      remote,
      "grep",
      "-h",
      "app.kubernetes.io/version",
      "main",
      "--",
      `deploy/${STACK}`,
    ]);
    assert.match(rendered.output, /1\.0\.0/);
    assert.doesNotMatch(rendered.output, /2\.0\.0/);
    const app = await pollUntil(
      () => kube.applicationStatus(NAMESPACE),
      (s) => s?.sync?.status === "Synced" && s.sync.revision === tip && s.health?.status === "Healthy",
      120_000,
      1000,
    );
    assert.deepEqual([app?.sync?.status, app?.sync?.revision, app?.health?.status], ["Synced", tip, "Healthy"]);
    assert.equal((await stack.getConfig("tagship:imageTag")).value, "1.0.0");
    const preview = await pulumiCli(box, ["preview", "--expect-no-changes", "--stack", STACK]);
    assert.equal(preview.code, 0, preview.output);
    assert.deepEqual(await versionsAnswering(url, 20), { "1.0.0": 20 });
  });
});
