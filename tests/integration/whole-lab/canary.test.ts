// Canary releases on the lab (direct mode): Argo Rollouts steps the pods, its analysis judges the new version on the
// lab's Prometheus, and tagship follows it. A stack switches from a rolling update to a canary with no failed request;
// a good release completes in about its pauses plus one rolling update; a release whose version fails a fifth of its
// requests is aborted within seconds of the first window that breached, and tagship names the stable version again
// (config, preview) and quarantines the bad digest; a release nobody calls waits, then fails as inconclusive.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, newStack, pulumiCli, sandbox, ship, type Sandbox } from "../engine";
import { clearNamespace, Kube, LAB_STACK } from "../kube";
import { loadLoop, versionsAnswering, type LoadResult } from "../load";

const STACK = "it-canary";
const DEV = "it-canary-dev";
const NAMESPACE = `hello-${STACK}`;
const PAUSE_SECONDS = 20;
/**
 * 9 pods and one surge pod (maxSurge 1): the first step runs 1 canary beside all 9 stable pods, a tenth of the
 * requests, and an abort removes it at once (with 10, the stable would run 9 and the canary would wait for a tenth
 * stable pod to start before going); then 5 and 5.
 */
const REPLICAS = 9;
const STEPS = [10, 50];
const CANARY = { steps: STEPS, pauseSeconds: PAUSE_SECONDS, intervalSeconds: 2, windowSeconds: 10, minRequests: 20, maxErrorPercent: 1 };
/** Each worker pauses this long between requests: 4 workers give 60 to 90 requests a second on the lab. */
const LOAD = { workers: 4, pauseMs: 40 } as const;

interface AnalysisRun {
  metadata: { name: string; creationTimestamp: string };
  status?: { phase?: string; metricResults?: { name: string; phase: string; measurements?: { phase: string; finishedAt?: string }[] }[] };
}

describe("canary releases (Argo Rollouts, analysis on Prometheus)", { concurrency: false }, () => {
  let box: Sandbox;
  let stack: Stack;
  let dev: Stack;
  let kube: Kube;
  let url = "";
  let rollingSeconds = 0;

  /** A release under a bounded load loop (at least 50 requests a second) that runs on for a few seconds after it. */
  async function shipUnderLoad(
    extraSeconds = 5,
  ): Promise<{ run: Awaited<ReturnType<typeof cliCommand>>; load: LoadResult; startedAt: number }> {
    let done = false;
    const startedAt = Date.now();
    const load = loadLoop({ url, ...LOAD, minRequests: 1, maxSeconds: 900, until: () => done });
    const run = await cliCommand(box, "ship", ["--stack", STACK, "--timeout", "600"], 900_000);
    await new Promise((r) => setTimeout(r, extraSeconds * 1000));
    done = true;
    const traffic = await load;
    const rps = traffic.requests / ((Date.now() - startedAt) / 1000);
    assert.ok(rps >= 50, `the load ran at ${rps.toFixed(0)} requests a second, under 50`);
    return { run, load: traffic, startedAt };
  }
  const config = async (key: string) => (await stack.getConfig(`tagship:${key}`).catch(() => ({ value: "" }))).value;
  const canarySeconds = (output: string) => Number(/canary complete in ([0-9.]+) s/.exec(output)?.[1] ?? Number.NaN);

  before(async () => {
    kube = new Kube();
    box = sandbox();
    await clearNamespace(NAMESPACE);
    await clearNamespace(`hello-${DEV}`);
    stack = await newStack(box, STACK, { imageTag: "1.0.0", ...LAB_STACK, replicas: String(REPLICAS), metricsPath: "/metrics" });
    dev = await newStack(box, DEV, { imageTag: "1.0.0", ...LAB_STACK, replicas: "1" });
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await dev?.destroy().catch(() => undefined);
    box?.cleanup();
  });

  it("switches a running service from a rolling update to a canary with no failed request", async () => {
    await ship(box, STACK);
    // One rolling update of the same pods, the baseline of a canary's duration.
    await stack.setConfig("tagship:imageTag", { value: "1.0.1" });
    const rolling = await ship(box, STACK);
    rollingSeconds = Number(/rollout complete in ([0-9.]+) s/.exec(rolling)?.[1]);
    assert.ok(rollingSeconds > 0, rolling);
    url = await kube.serviceUrl(NAMESPACE, "/");

    await stack.setConfig("tagship:canary", { value: JSON.stringify(CANARY) });
    await stack.setConfig("tagship:imageTag", { value: "1.1.0" });
    const { run, load } = await shipUnderLoad();
    assert.equal(run.code, 0, run.output);
    assert.equal(load.failures, 0, `${load.failures} of ${load.requests} failed: ${load.failureSamples.join("; ")}`);
    assert.deepEqual(await versionsAnswering(url, 20), { "1.1.0": 20 });
    const deployment = (await kube.get<{ spec: { replicas: number } }>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`))!;
    assert.equal(deployment.spec.replicas, 0, "the Rollout runs the pods; the Deployment only holds their template");
  });

  it("completes a good release through its steps in about its pauses plus one rolling update", async () => {
    await stack.setConfig("tagship:imageTag", { value: "1.2.0" });
    const { run, load } = await shipUnderLoad();
    assert.equal(run.code, 0, run.output);
    assert.equal(load.failures, 0, `${load.failures} of ${load.requests} failed: ${load.failureSamples.join("; ")}`);
    const seconds = canarySeconds(run.output);
    const expected = STEPS.length * PAUSE_SECONDS + rollingSeconds;
    console.log(`canary: ${seconds} s; pauses ${STEPS.length * PAUSE_SECONDS} s + one rolling update ${rollingSeconds} s = ${expected} s`);
    assert.ok(Math.abs(seconds - expected) <= 0.2 * expected, `the canary took ${seconds} s, not within 20% of ${expected} s`);
    assert.deepEqual(await versionsAnswering(url, 20), { "1.2.0": 20 });
  });

  it("aborts a version that fails a fifth of its requests, names the stable one again and quarantines the bad digest", async () => {
    const stable = await config("imageTag");
    // The bad commit: a version whose every pod fails 20% of its requests.
    fs.appendFileSync(path.join(box.workDir, "app", "Dockerfile"), "\nENV FAULT_ERROR_PERCENT=20\n");
    await stack.setConfig("tagship:imageTag", { value: "1.3.0" });
    const { run, load } = await shipUnderLoad();
    assert.notEqual(run.code, 0, run.output);
    assert.match(run.output, /the canary of hello 1\.3\.0 was aborted: \[RolloutAborted\]/);
    assert.match(run.output, /quarantined: sha256:[0-9a-f]{64} \(hello 1\.3\.0\)/);

    // The first measurement that breached, and the last request the bad version answered.
    const runs = (await kube.get<{ items: AnalysisRun[] }>(`/apis/argoproj.io/v1alpha1/namespaces/${NAMESPACE}/analysisruns`))!.items;
    const failed = runs.find((r) => r.status?.phase === "Failed");
    assert.ok(failed, JSON.stringify(runs.map((r) => r.status?.phase)));
    const breach = Date.parse(
      failed.status?.metricResults?.flatMap((m) => m.measurements ?? []).find((m) => m.phase === "Failed")?.finishedAt ?? "",
    );
    assert.ok(Number.isFinite(breach), JSON.stringify(failed.status));
    const lastBad = Math.max(...load.startedAtMs.filter((_, i) => load.answeredBy[i] === "1.3.0"));
    console.log(
      `abort: ${load.failures} of ${load.requests} requests failed (${((100 * load.failures) / load.requests).toFixed(2)}%); last request to 1.3.0 ${((lastBad - breach) / 1000).toFixed(1)} s after the breach`,
    );
    assert.ok(lastBad - breach <= 15_000, `1.3.0 answered a request ${(lastBad - breach) / 1000} s after the first breaching window`);
    assert.ok(load.failures / load.requests < 0.005, `${load.failures} of ${load.requests} requests failed`);

    // Everything names the stable version again.
    assert.equal(await config("imageTag"), stable);
    const stableRef = await config("imageRef");
    assert.match(stableRef, /@sha256:[0-9a-f]{64}$/);
    const preview = await pulumiCli(box, ["preview", "--expect-no-changes", "--stack", STACK]);
    assert.equal(preview.code, 0, preview.output);
    assert.deepEqual(await versionsAnswering(url, 20), { [stable]: 20 });
    const rollout = await kube.get<{ status: { phase: string } }>(`/apis/argoproj.io/v1alpha1/namespaces/${NAMESPACE}/rollouts/hello`);
    assert.equal(rollout?.status.phase, "Healthy");

    // The bad digest is quarantined: a ship that pins it, and a promotion of it, are refused.
    const log = await cliCommand(box, "log", [STACK, "--json"]);
    const entries = JSON.parse(log.output) as { outcome: string; tag: string; digest: string }[];
    const aborted = entries.find((e) => e.outcome === "aborted");
    assert.equal(aborted?.tag, "1.3.0", log.output);
    const badRef = `${LAB_STACK.registry}/tagship/hello@${aborted.digest}`;
    await stack.setConfig("tagship:imageRef", { value: badRef });
    await stack.setConfig("tagship:imageTag", { value: "1.3.0" });
    const pinned = await cliCommand(box, "ship", ["--stack", STACK]);
    assert.notEqual(pinned.code, 0);
    assert.match(
      pinned.output,
      new RegExp(`${aborted.digest} \\(1\\.3\\.0 of hello\\) is quarantined: its release on stack ${STACK} was aborted`),
    );
    await stack.setConfig("tagship:imageRef", { value: stableRef });
    await stack.setConfig("tagship:imageTag", { value: stable });
    // dev runs the bad digest (its own ledger has nothing against it); promoting it to the canary stack is refused.
    await dev.setConfig("tagship:imageRef", { value: badRef });
    await dev.setConfig("tagship:imageTag", { value: "1.3.0" });
    await ship(box, DEV);
    const promote = await cliCommand(box, "promote", [DEV, STACK]);
    assert.notEqual(promote.code, 0);
    assert.match(promote.output, /is quarantined: its release on stack it-canary was aborted/);

    // The bad version built again from the same sources comes out as the quarantined digest: only the update knows it,
    // and the update refuses it before the Rollout's template changes.
    await stack.removeConfig("tagship:imageRef");
    await stack.setConfig("tagship:imageTag", { value: "1.3.0" });
    const rebuilt = await cliCommand(box, "ship", ["--stack", STACK]);
    assert.notEqual(rebuilt.code, 0);
    assert.match(
      rebuilt.output,
      new RegExp(`service hello: its image \\S+@${aborted.digest}: ${aborted.digest} \\(1\\.3\\.0 of hello\\) is quarantined`),
    );
    assert.deepEqual(await versionsAnswering(url, 20), { [stable]: 20 });
    const held = await kube.get<{ status: { phase: string } }>(`/apis/argoproj.io/v1alpha1/namespaces/${NAMESPACE}/rollouts/hello`);
    assert.equal(held?.status.phase, "Healthy");
    await stack.setConfig("tagship:imageRef", { value: stableRef });
    await stack.setConfig("tagship:imageTag", { value: stable });
  });

  it("waits at near-zero traffic, then fails as inconclusive after its deadline, naming the reason", async () => {
    const stable = await config("imageTag");
    const dockerfile = path.join(box.workDir, "app", "Dockerfile");
    fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, "utf8").replace("ENV FAULT_ERROR_PERCENT=20", "ENV NOTE=unjudged"));
    await stack.removeConfig("tagship:imageRef");
    await stack.setConfig("tagship:imageTag", { value: "1.4.0" });
    const deadlineSeconds = 30;
    await stack.setConfig("tagship:canary", { value: JSON.stringify({ ...CANARY, deadlineSeconds }) });
    // No load at all: the probes are not counted, so no window reaches minRequests.
    const run = await cliCommand(box, "ship", ["--stack", STACK, "--timeout", "600"], 900_000);
    assert.notEqual(run.code, 0, run.output);
    assert.match(run.output, /the canary of hello 1\.4\.0 ended inconclusive: \[InconclusiveAnalysisRun\].*too few requests to judge/);
    assert.doesNotMatch(run.output, /quarantined:/, "an unjudged version is not quarantined");
    assert.ok(run.seconds >= deadlineSeconds, `failed after ${run.seconds} s, before its deadline`);
    assert.equal(await config("imageTag"), stable);
    assert.deepEqual(await versionsAnswering(url, 20), { [stable]: 20 });
    const log = JSON.parse((await cliCommand(box, "log", [STACK, "--json", "--limit", "2"])).output) as {
      outcome: string;
      tag: string;
      kind: string;
    }[];
    assert.deepEqual(
      log.map((e) => [e.kind, e.outcome, e.tag]),
      [
        ["rollback", "live", stable],
        ["ship", "failed", "1.4.0"],
      ],
    );
  });
});
