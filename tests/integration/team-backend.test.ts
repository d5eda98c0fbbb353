// A team's state backend for real: the lab's S3 object store (versitygw, lab/s3.sh) as an s3:// diy backend, used
// from two checkouts of the program, as two colleagues' machines would: both see the stack's state and release
// history in the bucket; two releases of one stack at once leave one refused by the lock and nothing lost; a rollback
// from the other checkout reads the history from the bucket; and after one's `pulumi up` is killed mid-rollout, the
// other's `recover`, which cannot read the bucket's locks, refuses without --force rather than cancel what may be a
// colleague's live update, changing nothing, and completes the release with it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, detachedUp, filesUnder, newStack, pulumiCli, sandbox, type Sandbox } from "./engine";
import { clearNamespace, Kube, LAB, LAB_STACK, pollUntil } from "./kube";

const STACK = "it-team";
const NAMESPACE = `hello-${STACK}`;
/** The bucket the lab's S3 server keeps the backend in, and its directory on disk. */
const BACKEND = "s3://tagship-state?endpoint=http://127.0.0.1:7070&region=us-east-1&use_path_style=true";
const BUCKET_DIR = path.join(LAB, "s3", "data", "tagship-state");

/** The backend's environment: its URL and the lab's S3 keys (lab/s3.sh makes them at the server's first start). */
function teamBackend(): Record<string, string> {
  const keys = fs.readFileSync(path.join(LAB, "s3", "credentials"), "utf8");
  const value = (name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(keys)?.[1] ?? "";
  return {
    PULUMI_BACKEND_URL: BACKEND,
    AWS_ACCESS_KEY_ID: value("AWS_ACCESS_KEY_ID"),
    AWS_SECRET_ACCESS_KEY: value("AWS_SECRET_ACCESS_KEY"),
  };
}

/** Every file of the stack's state in the bucket, with its bytes. */
const bucket = () => new Map(filesUnder(BUCKET_DIR).map((f) => [f, fs.readFileSync(path.join(BUCKET_DIR, f), "latin1")]));

describe("a team's state in the lab's object store, from two checkouts", () => {
  let alice: Sandbox;
  let bob: Sandbox;
  let stack: Stack;
  let kube: Kube;
  /** bob's checkout gets the stack's config file as a `git pull` would bring it. */
  const pull = () => fs.copyFileSync(path.join(alice.workDir, `Pulumi.${STACK}.yaml`), path.join(bob.workDir, `Pulumi.${STACK}.yaml`));
  const running = async () =>
    (
      await kube.get<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>(
        `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`,
      )
    )?.spec.template.metadata.labels["app.kubernetes.io/version"];

  before(async () => {
    kube = new Kube();
    await clearNamespace(NAMESPACE);
    [alice, bob] = [sandbox(), sandbox()];
    for (const box of [alice, bob]) Object.assign(box.env, teamBackend());
    // A stack of that name left in the bucket by an interrupted run.
    await pulumiCli(alice, ["stack", "rm", "--force", "--yes", STACK]);
    stack = await newStack(alice, STACK, { ...LAB_STACK, imageTag: "1.0.0", replicas: "2", progressDeadlineSeconds: "30" });
    pull();
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await stack?.workspace.removeStack(STACK).catch(() => undefined);
    for (const box of [alice, bob]) box?.cleanup();
  });

  it("alice's release is in the bucket: bob's checkout sees the stack, its outputs and its history", async () => {
    const run = await cliCommand(alice, "ship", ["--stack", STACK]);
    assert.equal(run.code, 0, run.output);
    assert.ok(
      filesUnder(BUCKET_DIR).some((f) => f === `.pulumi/stacks/tagship/${STACK}.json`),
      filesUnder(BUCKET_DIR).join("\n"),
    );
    const theirs = await pulumiCli(bob, ["stack", "output", "imageRef", "--stack", STACK]);
    assert.equal(theirs.code, 0, theirs.output);
    assert.equal(theirs.output.trim(), String((await stack.outputs()).imageRef?.value));
    assert.equal(await running(), "1.0.0");
  });

  it("two checkouts releasing the stack at once: one is refused by the lock, the other goes live, nothing is lost", async () => {
    await stack.setConfig("tagship:imageTag", { value: "2.0.0" });
    pull();
    const [a, b] = await Promise.all([
      cliCommand(alice, "ship", ["--stack", STACK]),
      // A moment later, as a colleague's would: the first run holds the lock by then.
      new Promise((r) => setTimeout(r, 3000)).then(() => cliCommand(bob, "ship", ["--stack", STACK])),
    ]);
    const [won, lost] = a.code === 0 ? [a, b] : [b, a];
    assert.equal(won.code, 0, won.output);
    assert.notEqual(lost.code, 0, "both releases went through: no lock was taken");
    assert.match(lost.output, /locked/i, lost.output);
    // The state is whole: the release is live and a preview from either checkout has nothing to change.
    assert.equal(await running(), "2.0.0");
    for (const box of [alice, bob]) {
      const preview = await pulumiCli(box, ["preview", "--expect-no-changes", "--stack", STACK]);
      assert.equal(preview.code, 0, preview.output);
    }
  });

  it("a rollback from bob's checkout reads the release history from the bucket", async () => {
    const run = await cliCommand(bob, "rollback", [STACK]);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /rolled back: it-team runs 1\.0\.0/);
    assert.equal(await running(), "1.0.0");
  });

  it("alice's `pulumi up` killed mid-rollout: bob's recover is refused without --force, changing nothing; with it, the release completes", async () => {
    await stack.setConfig("tagship:imageTag", { value: "3.0.0" });
    pull();
    const up = detachedUp(alice, STACK);
    assert.equal(await pollUntil(running, (v) => v === "3.0.0", 180_000, 200), "3.0.0", "the rollout started");
    process.kill(up.pid, "SIGKILL");
    assert.equal((await up.done).signal, "SIGKILL");

    // The dead run's lock is in the bucket; from bob's machine it cannot be told from a colleague's live one.
    const before = bucket();
    assert.ok(
      [...before.keys()].some((f) => f.startsWith(`.pulumi/locks/`)),
      [...before.keys()].join("\n"),
    );
    const refused = await cliCommand(bob, "recover", ["--stack", STACK]);
    assert.equal(refused.code, 1, refused.output);
    assert.match(
      refused.output,
      /stack it-team is kept on s3:\/\/tagship-state, whose locks tagship cannot read: .*run again with --force/,
    );
    assert.deepEqual(bucket(), before);

    const recovered = await cliCommand(bob, "recover", ["--stack", STACK, "--force"]);
    assert.equal(recovered.code, 0, recovered.output);
    assert.match(
      recovered.output,
      /1\/3 pulumi cancel[\s\S]*2\/3 pulumi refresh[\s\S]*3\/3 the release again[\s\S]*recovered: it-team runs 3\.0\.0/,
    );
    assert.ok(![...bucket().keys()].some((f) => f.startsWith(`.pulumi/locks/`) && f.endsWith(".json")), "a lock is left");
    const preview = await pulumiCli(alice, ["preview", "--expect-no-changes", "--stack", STACK]);
    assert.equal(preview.code, 0, preview.output);
  });
});
