// Faults during releases on the lab, each ending with nothing lost, the service answering throughout, and the
// way back that docs/reliability-and-security.md documents:
// - two `pulumi up` at once: the second is refused by the stack's lock and the state stays intact;
// - `kill -9` of `pulumi up` in the middle of a rollout: `pulumi cancel`, `pulumi refresh`, then the release again;
// - the registry down during a release: a clear error, the old version keeps serving; the release once it is back;
// - kube-apiserver restarted in the middle of a rollout: the release completes, or fails clearly and a rerun completes;
// - Argo CD's application controller restarted in the middle of a sync: the gitops release still ends correctly;
// - kube-apiserver restarted during a gitops release: the wait for Argo CD retries, and the release ends live.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, detachedUp, filesUnder, projectScript, pulumiCli, renderedDir, type Sandbox, ship } from "../engine";
import { dropNamespace, Kube, labStack, pollUntil } from "../kube";
import { releaseUnderLoad } from "../load";
import { stackPrograms } from "../../../cli/engine/orphans";

const STACK = "it-faults";
const NAMESPACE = `hello-${STACK}`;
const REPLICAS = 2;

describe("faults during releases", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  let url = "";
  const lab = (...args: string[]) => projectScript("lab/lab.sh", args);
  const locks = () => filesUnder(path.join(box.stateDir, ".pulumi", "locks"));
  /** The version the Deployment's pod template asks for: it changes when a rollout starts. */
  const templateVersion = async () =>
    (
      await kube.get<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>(
        `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`,
      )
    )?.spec.template.metadata.labels["app.kubernetes.io/version"];
  const rolloutStarted = async (tag: string) => assert.equal(await pollUntil(templateVersion, (v) => v === tag, 180_000, 200), tag);
  const served = async () => ((await (await fetch(url, { signal: AbortSignal.timeout(5000) })).json()) as { version: string }).version;

  const startUp = () => detachedUp(box, STACK);

  /** Nothing left to do: the state matches the program and the cluster. */
  async function expectSettled() {
    const check = await pulumiCli(box, ["preview", "--expect-no-changes", "--stack", STACK]);
    assert.equal(check.code, 0, check.output);
  }

  /** A release of `tag` under load, with a part of the lab restarted as soon as the rollout has started. */
  async function releaseRestarting(tag: string, part: "kube-apiserver" | "argocd-application-controller") {
    await stack.setConfig("tagship:imageTag", { value: tag });
    let restartSeconds = 0;
    const run = await releaseUnderLoad(kube, NAMESPACE, url, async () => {
      const shipping = cliCommand(box, "ship", ["--stack", STACK]);
      await rolloutStarted(tag);
      const restart = await lab("restart", part);
      assert.equal(restart.code, 0, restart.output);
      restartSeconds = restart.seconds;
      return shipping;
    });
    assert.ifError(run.error);
    return { run, restartSeconds };
  }

  before(async () => {
    kube = new Kube();
    // The default progress deadline (120 s): a shorter one can run out while the control plane restarts on a
    // loaded 2-core machine, and then the Deployment itself, not tagship's wait, reports the rollout failed.
    ({ box, stack } = await labStack(STACK, NAMESPACE, { imageTag: "1.0.0", replicas: String(REPLICAS) }));
    await ship(box, STACK);
    url = await kube.versionUrl(NAMESPACE);
  });
  after(async () => {
    await lab("start", "registry");
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("two `pulumi up` at once: the second is refused by the lock; the first completes and the state is intact", async () => {
    await stack.setConfig("tagship:imageTag", { value: "1.0.1" });
    const first = startUp();
    await pollUntil(
      () => Promise.resolve(locks().length),
      (n) => n > 0,
      30_000,
      100,
    );
    const second = await pulumiCli(box, ["up", "--yes", "--stack", STACK]);
    assert.notEqual(second.code, 0, second.output);
    assert.match(second.output, /the stack is currently locked by 1 lock\(s\)/);
    // recover is for a run that died: it refuses while the lock's process is alive, and touches nothing.
    const held = locks();
    const recover = await cliCommand(box, "recover", ["--stack", STACK]);
    assert.notEqual(recover.code, 0, recover.output);
    assert.match(recover.output, new RegExp(`stack ${STACK} is being updated by pid ${first.pid}`));
    assert.deepEqual(locks(), held);
    const done = await first.done;
    assert.equal(done.code, 0, done.output);
    assert.deepEqual(locks(), []);
    assert.equal(await served(), "1.0.1");
    await expectSettled();
  });

  it("kill -9 of `pulumi up` mid-rollout: the rollout goes on, and recover (cancel, refresh, the release) completes it", async () => {
    await stack.setConfig("tagship:imageTag", { value: "1.0.2" });
    const steps: string[] = [];
    const run = await releaseUnderLoad(kube, NAMESPACE, url, async () => {
      const up = startUp();
      await rolloutStarted("1.0.2");
      process.kill(up.pid, "SIGKILL");
      const killed = await up.done;
      assert.equal(killed.signal, "SIGKILL");
      // What the killed run left: its lock, so the next update is refused and names the way out.
      const blocked = await pulumiCli(box, ["up", "--yes", "--stack", STACK]);
      assert.match(blocked.output, /currently locked[\s\S]*pulumi cancel/);
      // The documented way back: pulumi cancel, pulumi refresh, the release again (tagship recover).
      const recovered = await cliCommand(box, "recover", ["--stack", STACK]);
      assert.equal(recovered.code, 0, recovered.output);
      assert.match(
        recovered.output,
        /1 stale lock\(s\)[\s\S]*1\/3 pulumi cancel[\s\S]*2\/3 pulumi refresh[\s\S]*3\/3 the release again[\s\S]*recovered: it-faults runs 1\.0\.2/,
      );
      steps.push(
        `tagship recover ${recovered.seconds.toFixed(1)} s (${/ended [0-9]+ processes/.exec(recovered.output)?.[0] ?? "no process left over"})`,
      );
      // Nothing of the killed run is left running: its language host and program were ended.
      assert.deepEqual(stackPrograms(box.workDir, STACK), []);
    });
    assert.ifError(run.error);
    console.log(`kill -9 mid-rollout, then ${steps.join(", ")}: ${run.traffic.requests} requests, ${run.traffic.failures} failed`);
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.ok(run.capacity.min >= REPLICAS, `serving pods fell to ${run.capacity.min}`);
    assert.equal(await served(), "1.0.2");
    await expectSettled();
  });

  it("the registry down during a release: a clear error naming it, the old version serving; the release succeeds once it is back", async () => {
    await stack.setConfig("tagship:imageTag", { value: "1.0.3" });
    const serving = await served();
    const stopped = await lab("stop", "registry");
    assert.equal(stopped.code, 0, stopped.output);
    try {
      const run = await releaseUnderLoad(kube, NAMESPACE, url, () => cliCommand(box, "ship", ["--stack", STACK]));
      assert.notEqual(run.value?.code, 0, run.value?.output);
      assert.match(run.value?.output ?? "", /127\.0\.0\.1:5000[\s\S]*connection refused|connection refused[\s\S]*127\.0\.0\.1:5000/);
      assert.match(run.value?.output ?? "", /pulumi up of stack it-faults failed .*; the release is not live/);
      assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
      assert.deepEqual(Object.keys(run.traffic.versions), [serving]);
      console.log(
        `registry down: release refused after ${run.seconds.toFixed(1)} s, ${run.traffic.requests} requests all answered by ${serving}`,
      );
    } finally {
      assert.equal((await lab("start", "registry")).code, 0);
    }
    await ship(box, STACK);
    assert.equal(await served(), "1.0.3");
  });

  it("kube-apiserver restarted mid-rollout: the release completes (or fails clearly and a rerun completes)", async () => {
    const { run, restartSeconds } = await releaseRestarting("1.0.4", "kube-apiserver");
    let outcome = "completed";
    if (run.value?.code !== 0) {
      assert.match(run.value?.output ?? "", /reading its rollout status failed|did not roll out|failed/, run.value?.output);
      await ship(box, STACK);
      outcome = "failed clearly, the rerun completed";
    }
    console.log(
      `kube-apiserver restarted (${restartSeconds.toFixed(1)} s) mid-rollout: the release ${outcome}; ${run.traffic.requests} requests, ${run.traffic.failures} failed`,
    );
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.equal(await served(), "1.0.4");
    await expectSettled();
  });

  it("Argo CD's application controller restarted mid-sync: the gitops release still ends Synced, Healthy and live", async () => {
    await stack.setConfig("tagship:deliveryMode", { value: "gitops" });
    await ship(box, STACK);
    const { run } = await releaseRestarting("1.0.5", "argocd-application-controller");
    assert.equal(run.value?.code, 0, run.value?.output);
    assert.match(run.value.output, /Synced at [0-9a-f]{12} and Healthy/);
    console.log(
      `application controller restarted mid-sync: live after ${run.seconds.toFixed(1)} s, ${run.traffic.requests} requests, ${run.traffic.failures} failed`,
    );
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.equal(await served(), "1.0.5");
    assert.ok(fs.existsSync(renderedDir(box, STACK)));
  });

  it("kube-apiserver restarted during a gitops release: the wait for Argo CD rides it out and the release ends live", async () => {
    const { run } = await releaseRestarting("1.0.6", "kube-apiserver");
    const output = run.value?.output ?? "";
    let outcome = `live after ${run.seconds.toFixed(1)} s${/cannot read Application/.test(output) ? " (the wait retried)" : ""}`;
    if (run.value?.code !== 0) {
      // The wait itself rides the restart out: it may only fail with the cluster's own verdict on the rollout
      // (the Deployment's progress deadline ran out while the control plane was down), and a rerun completes.
      assert.doesNotMatch(output, /reading it failed for/, output);
      assert.match(output, /ProgressDeadlineExceeded|Degraded/, output);
      await ship(box, STACK);
      outcome = "failed with the Deployment's own verdict, the rerun completed";
    } else {
      assert.match(output, /Synced at [0-9a-f]{12} and Healthy/);
    }
    console.log(
      `kube-apiserver restarted during a gitops release: ${outcome}, ${run.traffic.requests} requests, ${run.traffic.failures} failed`,
    );
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.equal(await served(), "1.0.6");
  });
});
