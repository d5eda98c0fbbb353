// Promotion and rollback by digest on the lab, through the project's commands: `promote` releases the digest
// a healthy source stack runs on another stack without a rebuild, `rollback` returns a stack to its previous
// good release, and `ship --rollback-on-failure` does it by itself when a release does not go live.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import type { LedgerEntry } from "../../cli/ledger/entry";
import { finishRelease, releaseId } from "../../cli/ledger/store";
import { cliCommand, newStack, pulumiCli, sandbox, ship, type Sandbox } from "./engine";
import { clearNamespace, Kube, kubectl, LAB_STACK, pollUntil } from "./kube";
import { releaseUnderLoad } from "./load";
import { PRIVATE_REGISTRY, privateRegistryConfig, privateRegistryPassword } from "./static-service";

const SRC = "it-src";
const DST = "it-dst";
/** A stack on the lab's other registry, the one that requires a password. */
const FAR = "it-far";
const REPLICAS = 2;

interface Deployment {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } } };
  status: { updatedReplicas?: number; availableReplicas?: number; replicas?: number };
}

describe("promotion and rollback by digest", () => {
  let box: Sandbox;
  let kube: Kube;
  const stacks: Record<string, Stack> = {};
  const command = (name: string, ...args: string[]) => cliCommand(box, name, args);
  const deployment = async (stack: string) => (await kube.get<Deployment>(`/apis/apps/v1/namespaces/hello-${stack}/deployments/hello`))!;
  const running = async (stack: string) => {
    const d = await deployment(stack);
    return { image: d.spec.template.spec.containers[0]?.image, version: d.spec.template.metadata.labels["app.kubernetes.io/version"] };
  };
  const imageRef = async (stack: string) => String((await stacks[stack]!.outputs()).imageRef?.value);
  const rolledOut = (d: Deployment) =>
    d.status.updatedReplicas === REPLICAS && d.status.availableReplicas === REPLICAS && d.status.replicas === REPLICAS;

  before(async () => {
    kube = new Kube();
    box = sandbox();
    for (const name of [SRC, DST, FAR]) {
      await clearNamespace(`hello-${name}`);
      stacks[name] = await newStack(box, name, {
        imageTag: "1.0.0",
        ...LAB_STACK,
        replicas: String(REPLICAS),
        progressDeadlineSeconds: "20",
      });
    }
    await stacks[FAR]!.setAllConfig(privateRegistryConfig());
  });
  after(async () => {
    for (const s of Object.values(stacks)) await s.destroy().catch(() => undefined);
    box?.cleanup();
  });

  it("promote refuses a wrong stack name, a source never released, and a source not healthy at its digest", async () => {
    const unknown = await command("promote", "nope", DST);
    assert.equal(unknown.code, 2, "a usage error");
    assert.match(unknown.output, /<from> = "nope": no such stack \(stacks: .*it-src/);
    const unreleased = await command("promote", SRC, DST);
    assert.match(unreleased.output, /stack it-src has no output imageRef: it has never been released/);

    await ship(box, SRC);
    const digest = await imageRef(SRC);
    // The source drifts to another image: what it runs is no longer what its outputs say.
    assert.equal((await kubectl("-n", `hello-${SRC}`, "set", "image", "deployment/hello", "hello=127.0.0.1:5000/pause:3.10.1")).code, 0);
    const drifted = await command("promote", SRC, DST);
    assert.equal(drifted.code, 1);
    assert.match(
      drifted.output,
      /not promoting it-src to it-dst: Deployment hello-it-src\/hello runs 127\.0\.0\.1:5000\/pause:3\.10\.1, not /,
    );
    assert.equal((await kubectl("-n", `hello-${SRC}`, "set", "image", "deployment/hello", `hello=${digest}`)).code, 0);
    assert.ok(rolledOut(await pollUntil(() => deployment(SRC), rolledOut, 120_000)));
  });

  it("promote releases the source's digest on the target, without a build, and leaves the selected stack alone", async () => {
    const selected = async () => (await pulumiCli(box, ["stack", "--show-name"])).output.trim();
    assert.equal((await pulumiCli(box, ["stack", "select", SRC])).code, 0);
    const run = await command("promote", SRC, DST);
    assert.equal(run.code, 0, run.output);
    // The user's own `pulumi` commands still act on the stack they chose, not on the one just released.
    assert.equal(await selected(), SRC);
    const digest = await imageRef(SRC);
    assert.deepEqual(await running(DST), { image: digest, version: "1.0.0" });
    const resources = (await stacks[DST]!.exportStack()).deployment as { resources: { type: string }[] };
    assert.equal(resources.resources.filter((r) => r.type.startsWith("docker-build:")).length, 0, "nothing built for the target");
  });

  it("promote into a stack on another registry copies the image there by digest; the target pulls its own registry's copy", async () => {
    const digest = await imageRef(SRC);
    const run = await command("promote", SRC, FAR);
    assert.equal(run.code, 0, run.output);
    const copy = `${PRIVATE_REGISTRY}/tagship/hello@${digest.slice(digest.indexOf("@") + 1)}`;
    assert.match(
      run.output,
      new RegExp(`copied ${digest.replace(/[.]/g, "\\.")} into ${PRIVATE_REGISTRY.replace(/[.]/g, "\\.")}/tagship/hello: `),
    );
    assert.deepEqual(await running(FAR), { image: copy, version: "1.0.0" });
    assert.ok(rolledOut(await deployment(FAR)), "the target pulled the copy with its credentials and rolled out");
    assert.equal(await imageRef(FAR), copy);
    // The registry's password reached crane in a file of its own, never the output.
    assert.doesNotMatch(run.output, new RegExp(privateRegistryPassword()));
  });

  it("rollback returns the target to its previous good release; an unknown digest is refused", async () => {
    await stacks[SRC]!.setConfig("tagship:imageTag", { value: "2.0.0" });
    await ship(box, SRC);
    assert.equal((await command("promote", SRC, DST)).code, 0);
    assert.equal((await running(DST)).version, "2.0.0");

    const unknown = await command("rollback", DST, "--to", "127.0.0.1:5000/tagship/hello@sha256:" + "0".repeat(64));
    assert.equal(unknown.code, 2, "a usage error");
    assert.match(
      unknown.output,
      /--to = "127\.0\.0\.1:5000\/tagship\/hello@sha256:0+": not a good release of stack it-dst; known: 2\.0\.0 /,
    );

    const run = await command("rollback", DST);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /rolled back: it-dst runs 1\.0\.0/);
    assert.equal((await running(DST)).version, "1.0.0");
    // Its picture: the watch saw the rollout pod by pod, the new version's line climbing from 0 to every pod.
    const picture = /rollout picture: (\S+\.svg)/.exec(run.output)?.[1];
    assert.ok(picture, run.output);
    const line = /<polyline class="new"[^>]* points="([^"]+)"/.exec(fs.readFileSync(picture, "utf8"))?.[1] ?? "";
    const levels = new Set(line.split(" ").map((p) => p.split(",")[1]));
    assert.equal(levels.size, REPLICAS + 1, `the new version's line takes ${levels.size} levels`);
  });

  it("ship --rollback-on-failure: a release that never gets ready is rolled back by itself, with no failed request", async () => {
    const pause = await fetch("http://127.0.0.1:5000/v2/pause/manifests/3.10.1", {
      method: "HEAD",
      headers: {
        accept:
          "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
      },
    });
    const bad = `127.0.0.1:5000/pause@${pause.headers.get("docker-content-digest")}`;
    await stacks[DST]!.setAllConfig({ "tagship:imageRef": { value: bad }, "tagship:imageTag": { value: "9.9.9" } });
    const svc = (await kube.get<{ spec: { clusterIP: string } }>(`/api/v1/namespaces/hello-${DST}/services/hello`))!;
    const run = await releaseUnderLoad(kube, `hello-${DST}`, `http://${svc.spec.clusterIP}/version`, () =>
      command("ship", "--stack", DST, "--rollback-on-failure"),
    );
    const result = run.value!;
    console.log(
      `failed release rolled back after ${run.seconds.toFixed(1)} s, ${run.traffic.requests} requests, ${run.traffic.failures} failed`,
    );
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /ProgressDeadlineExceeded/);
    assert.match(result.output, /rolled back: stack it-dst runs 1\.0\.0/);
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.ok(run.capacity.min >= REPLICAS, `serving pods fell to ${run.capacity.min}`);
    assert.deepEqual(Object.keys(run.traffic.versions), ["1.0.0"]);
    assert.equal((await running(DST)).version, "1.0.0");
    // Both releases drew their rollout: the failed one and the rollback, whose last moment has every pod of
    // the version that serves ready and none of the other (its ReplicaSet never went down, so no climb here).
    const pictures = [...result.output.matchAll(/rollout picture: (\S+\.svg)/g)].map((m) => m[1] ?? "");
    assert.equal(pictures.length, 2, result.output);
    const svg = fs.readFileSync(pictures[1]!, "utf8");
    assert.match(svg, /release of it-dst: live, version 1\.0\.0 after/);
    const lastY = (cls: string) =>
      new RegExp(`<polyline class="${cls}"[^>]* points="([^"]+)"`).exec(svg)?.[1]?.split(" ").at(-1)?.split(",")[1];
    const axisY = /<line x1="\d+" y1="([\d.]+)"/.exec(svg)?.[1];
    const replicasY = /<line x1="\d+" y1="([\d.]+)"[^>]*stroke-dasharray/.exec(svg)?.[1];
    assert.deepEqual([lastY("new"), lastY("old")], [replicasY, axisY]);
  });

  it("each stack's ledger holds its releases newest first: kind, outcome, version and digest", async () => {
    const ledger = async (stack: string) => {
      const run = await command("log", stack, "--json");
      assert.equal(run.code, 0, run.output);
      return (JSON.parse(run.output) as LedgerEntry[]).map((e) => [e.kind, e.outcome, e.service, e.tag, e.digest.slice(0, 19)]);
    };
    const digestOf = (ref: string) => ref.slice(ref.indexOf("@") + 1, ref.indexOf("@") + 20);
    const [one, two] = [(await ledger(SRC))[1]?.[4], (await ledger(SRC))[0]?.[4]];
    assert.deepEqual(await ledger(SRC), [
      ["ship", "live", "hello", "2.0.0", two],
      ["ship", "live", "hello", "1.0.0", one],
    ]);
    assert.equal(two, digestOf(await imageRef(SRC)));
    const dst = await ledger(DST);
    assert.deepEqual(dst.slice(0, 5), [
      ["rollback", "live", "hello", "1.0.0", one],
      ["ship", "failed", "hello", "9.9.9", dst[1]?.[4]],
      ["rollback", "live", "hello", "1.0.0", one],
      ["promote", "live", "hello", "2.0.0", two],
      ["promote", "live", "hello", "1.0.0", one],
    ]);
    assert.match(String(dst[1]?.[4]), /^sha256:/, "the failed release's pinned digest");
    assert.deepEqual(await ledger(FAR), [["promote", "live", "hello", "1.0.0", one]]);
  });

  it("a digest whose release was aborted is quarantined: promote and rollback refuse it unless --force", async () => {
    const bad = await imageRef(SRC); // 2.0.0
    const digest = bad.slice(bad.indexOf("@") + 1);
    // An aborted release of 2.0.0 on the target, as a canary's abort records one.
    const start = Date.now();
    const aborted: LedgerEntry = {
      release: releaseId(start),
      kind: "ship",
      outcome: "aborted",
      service: "hello",
      tag: "2.0.0",
      digest,
      from: "",
      to: "",
      dirty: false,
      who: "canary",
      start,
      end: start + 1000,
      reason: "success rate 80.0% below 95.0% over 512 requests",
    };
    await finishRelease(stacks[DST]!, aborted.release, [aborted]);

    const promote = await command("promote", SRC, DST);
    assert.equal(promote.code, 1, promote.output);
    assert.match(
      promote.output,
      new RegExp(
        `${digest} \\(2\\.0\\.0 of hello\\) is quarantined: its release on stack it-dst was aborted at .*success rate 80\\.0% .*--force`,
      ),
    );
    const rollback = await command("rollback", DST, "--to", bad);
    assert.equal(rollback.code, 1, rollback.output);
    assert.match(rollback.output, /is quarantined: its release on stack it-dst was aborted/);
    assert.equal((await running(DST)).version, "1.0.0", "nothing was released");

    const forced = await command("promote", SRC, DST, "--force");
    assert.equal(forced.code, 0, forced.output);
    assert.equal((await running(DST)).version, "2.0.0");
  });
});
