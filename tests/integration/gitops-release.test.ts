// A gitops release for real on the lab, through `tagship ship`: `pulumi up` renders the workload and applies the
// Application, then the release commits "release <stack> <tag>" on the tracked branch's tip (never the user's own
// branch), pushes it to the stack's repository, and returns only once Argo CD has synced that commit, the
// Application is Healthy and the rollout is complete.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { assertPhases, cliCommand, type CommandResult, gitSandbox, newStack, runCommand, SANDBOX_GIT_USER, type Sandbox } from "./engine";
import { dropNamespace, isServing, Kube, kubectl, LAB_STACK, labStack, type Pod, pollUntil } from "./kube";
import { once, releaseUnderLoad } from "./load";

const STACK = "it-gitops-release";
const NAMESPACE = `hello-${STACK}`;
const REPLICAS = 3;

describe("gitops release on the lab's Argo CD", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  let remote = "";
  let git: Awaited<ReturnType<typeof gitSandbox>>["git"];

  const serviceUrl = () => kube.versionUrl(NAMESPACE);
  /** git on the remote repository Argo CD reads; its output, trimmed. */
  const onRemote = async (...args: string[]) => {
    const r = await runCommand("git", ["--git-dir", remote, ...args]);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.output}`);
    return r.output.trim();
  };
  const deployment = async () =>
    (await kube.get<{ spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }>(
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`,
    ))!.spec;

  let lastRelease: CommandResult | undefined;
  /** The whole release, as scripts/up.sh runs it (`tagship ship`): `pulumi up`, then the push and the wait. */
  async function release(tag: string) {
    await stack.setConfig("tagship:imageTag", { value: tag });
    lastRelease = await cliCommand(box, "ship", ["--stack", STACK, "--timeout", "240"], 420_000);
    if (lastRelease.code !== 0) throw new Error(lastRelease.output);
    return lastRelease.output;
  }

  before(async () => {
    kube = new Kube();
    ({ box, remote, git, stack } = await labStack(STACK, NAMESPACE, {
      deliveryMode: "gitops",
      replicas: String(REPLICAS),
      progressDeadlineSeconds: "20",
    }));
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    // In case destroy failed: the namespace holds everything Argo CD applied.
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("first release: committed, pushed, synced by Argo CD, Healthy, and the Service answers the version", async () => {
    const output = await release("1.0.0");
    assert.match(output, /"release it-gitops-release 1\.0\.0", pushed to file:\/\//);
    assert.match(output, /Synced at [0-9a-f]{12} and Healthy/);
    // The commit is on the remote's branch, by the user, naming service, tag and digest; the checkout has no new commit.
    const [subject, author, body] = (await onRemote("log", "-1", "--format=%s%x00%an <%ae>%x00%b", "main")).split("\0");
    assert.equal(subject, `release ${STACK} 1.0.0`);
    assert.equal(author, `${SANDBOX_GIT_USER.name} <${SANDBOX_GIT_USER.email}>`);
    assert.match(body ?? "", /^hello 1\.0\.0 \S+@sha256:[0-9a-f]{64}$/m);
    assert.equal(await onRemote("rev-list", "--count", "main"), "2");
    assert.equal((await git("log", "-1", "--format=%s")).output.trim(), "the program");
    const svc = (await kube.get<{ spec: { clusterIP: string } }>(`/api/v1/namespaces/${NAMESPACE}/services/hello`))!;
    const res = (await (await fetch(`http://${svc.spec.clusterIP}/version`, { signal: AbortSignal.timeout(5000) })).json()) as {
      version: string;
    };
    assert.equal(res.version, "1.0.0");
    // Argo CD tracks what it applied by annotation, and leaves the stack's own instance label alone.
    const deployment = (await kube.get<{ metadata: { labels: Record<string, string>; annotations: Record<string, string> } }>(
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`,
    ))!;
    assert.equal(deployment.metadata.annotations["argocd.argoproj.io/tracking-id"], `${NAMESPACE}:apps/Deployment:${NAMESPACE}/hello`);
    assert.equal(deployment.metadata.labels["app.kubernetes.io/instance"], STACK);
  });

  it("a new tag released through git, from a feature branch with an unpushed commit: one commit on main touching only deploy/<stack>/, 0 failed requests, never fewer than `replicas` ready", async () => {
    // A colleague's feature branch, one commit ahead and not pushed, and a file not committed.
    for (const args of [
      ["checkout", "-q", "-b", "feature"],
      ["commit", "-q", "--allow-empty", "-m", "unreviewed work"],
    ]) {
      const r = await git(...args);
      assert.equal(r.code, 0, r.output);
    }
    fs.writeFileSync(path.join(box.workDir, "notes.txt"), "not committed\n");
    const before = await onRemote("rev-parse", "main");
    const head = (await git("rev-parse", "HEAD")).output.trim();

    const svc = (await kube.get<{ spec: { clusterIP: string } }>(`/api/v1/namespaces/${NAMESPACE}/services/hello`))!;
    const run = await releaseUnderLoad(kube, NAMESPACE, `http://${svc.spec.clusterIP}/version`, () => release("2.0.0"));
    assert.ifError(run.error);
    // main gained exactly one commit, on its old tip, changing only the stack's manifests; the branch stays the user's.
    assert.equal(await onRemote("rev-list", "--count", `${before}..main`), "1");
    assert.equal(await onRemote("rev-parse", "main^"), before);
    const touched = (await onRemote("diff", "--name-only", before, "main")).split("\n");
    assert.ok(touched.length > 0 && touched.every((f) => f.startsWith(`deploy/${STACK}/`)), touched.join("\n"));
    assert.notEqual(
      (await runCommand("git", ["--git-dir", remote, "cat-file", "-e", head])).code,
      0,
      "the unpushed commit reached the remote",
    );
    assert.deepEqual(
      [(await git("branch", "--show-current")).output.trim(), (await git("rev-parse", "HEAD")).output.trim()],
      ["feature", head],
    );
    console.log(`gitops release 1.0.0 -> 2.0.0: ${run.seconds.toFixed(1)} s from pulumi up to Healthy, ${run.traffic.requests} requests`);
    assert.ok(run.traffic.requests >= 2000);
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.ok(run.capacity.min >= REPLICAS, `serving pods fell to ${run.capacity.min}`);
    // Live means live: every new connection made at its end reaches the new version.
    assert.deepEqual(run.afterEnd, { "2.0.0": 20 });
    // Where its seconds went, from the command's start to live: the engine, then git, then Argo CD's part.
    assertPhases(lastRelease!, [
      /^start/,
      /^engine: start$/,
      /^build and push the image$/,
      /^render the manifests$/,
      /^commit and push$/,
      /^Argo CD notices the commit$/,
      // Argo CD's sync may wait for the Deployment's health, so the batches fall in its sync or in the rollout after.
      /^(Argo CD syncs|roll out): until 1 new ready$/,
      /: until 3 new ready$/,
      /^record the good release$/,
    ]);
    const pods = (await kube.get<{ items: Pod[] }>(`/api/v1/namespaces/${NAMESPACE}/pods`))!.items.filter(isServing);
    assert.equal(pods.length, REPLICAS);
    for (const pod of pods) {
      const v = (await (await fetch(`http://${pod.status?.podIP}:8080/version`, { signal: AbortSignal.timeout(5000) })).json()) as {
        version: string;
      };
      assert.equal(v.version, "2.0.0");
    }
  });

  it("drift: kubectl set image and kubectl scale are reverted by Argo CD's selfHeal", async () => {
    const desired = await deployment();
    const started = Date.now();
    assert.equal((await kubectl("-n", NAMESPACE, "set", "image", "deployment/hello", "hello=127.0.0.1:5000/pause:3.10.1")).code, 0);
    assert.equal((await kubectl("-n", NAMESPACE, "scale", "deployment/hello", "--replicas=1")).code, 0);
    const matches = (now: Awaited<ReturnType<typeof deployment>>) =>
      now.replicas === desired.replicas && now.template.spec.containers[0]?.image === desired.template.spec.containers[0]?.image;
    const healed = matches(await pollUntil(deployment, matches, 120_000, 250));
    const healedAfter = (Date.now() - started) / 1000;
    assert.ok(healed, "the Deployment is back to the committed image and replicas");
    // The drift itself took pods away; wait until all of them serve again before the next release.
    const servingNow = async () => {
      const s = (await kube.get<{ status: { replicas?: number; updatedReplicas?: number; availableReplicas?: number } }>(
        `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`,
      ))!.status;
      return s.replicas === REPLICAS && s.updatedReplicas === REPLICAS ? (s.availableReplicas ?? 0) : 0;
    };
    const serving = await pollUntil(servingNow, (n) => n === REPLICAS, 180_000 - (Date.now() - started), 250);
    console.log(
      `drift reverted by selfHeal after ${healedAfter.toFixed(1)} s; all ${REPLICAS} pods serving again after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.equal(serving, REPLICAS);
  });

  it("a release whose readiness never passes fails with Argo CD's reason; the old pods keep serving; the next release recovers", async () => {
    await stack.setConfig("tagship:readinessPath", { value: "/never-ready" });
    const bad = await releaseUnderLoad(kube, NAMESPACE, await serviceUrl(), () => release("3.0.0"));
    assert.ok(bad.error, "the release must fail");
    console.log(
      `failed gitops release reported after ${bad.seconds.toFixed(1)} s:\n${bad.error.message
        .split("\n")
        .filter((l) => l.startsWith("error"))
        .join("\n")}`,
    );
    assert.match(bad.error.message, /Application argocd\/hello-it-gitops-release did not roll out [0-9a-f]{12}: .*health Degraded/);
    assert.match(bad.error.message, /Deployment hello-it-gitops-release\/hello: \[ProgressDeadlineExceeded\]/);
    assert.equal(bad.traffic.failures, 0, bad.traffic.failureSamples.join("\n"));
    assert.ok(bad.capacity.min >= REPLICAS, `serving pods fell to ${bad.capacity.min}`);
    assert.deepEqual(Object.keys(bad.traffic.versions), ["2.0.0"]);

    await stack.removeConfig("tagship:readinessPath");
    const good = await releaseUnderLoad(kube, NAMESPACE, await serviceUrl(), () => release("3.0.1"));
    assert.ifError(good.error);
    assert.equal(good.traffic.failures, 0, good.traffic.failureSamples.join("\n"));
    assert.ok(good.capacity.min >= REPLICAS, `serving pods fell to ${good.capacity.min}`);
    const res = (await (await fetch(await serviceUrl(), { signal: AbortSignal.timeout(5000) })).json()) as { version: string };
    assert.equal(res.version, "3.0.1");
  });

  it("rollback goes through git like a release, so Argo CD's auto-sync keeps it rather than reverting it", async () => {
    const run = await releaseUnderLoad(kube, NAMESPACE, await serviceUrl(), () => cliCommand(box, "rollback", [STACK]));
    assert.equal(run.value?.code, 0, run.value?.output);
    assert.match(run.value.output, /rolling back to 2\.0\.0 .*\n[\s\S]*"release it-gitops-release 2\.0\.0", pushed to file:\/\//);
    assert.equal(run.traffic.failures, 0, run.traffic.failureSamples.join("\n"));
    assert.ok(run.capacity.min >= REPLICAS, `serving pods fell to ${run.capacity.min}`);
    // Argo CD syncs the commit and keeps it: a while later the Deployment still runs 2.0.0, Synced.
    await new Promise((r) => setTimeout(r, 5000));
    const app = (await kube.get<{ status: { sync: { status: string; revision: string } } }>(
      `/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${NAMESPACE}`,
    ))!;
    assert.equal(app.status.sync.status, "Synced");
    assert.equal(app.status.sync.revision, await onRemote("rev-parse", "main"));
    const res = (await (await fetch(await serviceUrl(), { signal: AbortSignal.timeout(5000) })).json()) as { version: string };
    assert.equal(res.version, "2.0.0");
  });

  it("two stacks released at once into one branch: both commits land, both stacks live", async () => {
    const OTHER = `${STACK}-b`;
    const otherNamespace = `hello-${OTHER}`;
    await dropNamespace(otherNamespace);
    await newStack(box, OTHER, { ...LAB_STACK, repoUrl: `file://${remote}`, deliveryMode: "gitops", replicas: "1", imageTag: "1.0.0" });
    try {
      await stack.setConfig("tagship:imageTag", { value: "4.0.0" });
      const before = await onRemote("rev-parse", "main");
      const ship = (name: string) => cliCommand(box, "ship", ["--stack", name, "--timeout", "240"], 420_000);
      const [mine, theirs] = await Promise.all([ship(STACK), ship(OTHER)]);
      assert.equal(mine.code, 0, mine.output);
      assert.equal(theirs.code, 0, theirs.output);
      const subjects = (await onRemote("log", "--format=%s", `${before}..main`)).split("\n").sort();
      assert.deepEqual(subjects, [`release ${OTHER} 1.0.0`, `release ${STACK} 4.0.0`].sort());
      assert.equal((await once(await kube.versionUrl(NAMESPACE))).version, "4.0.0");
      assert.equal((await once(await kube.versionUrl(otherNamespace))).version, "1.0.0");
    } finally {
      const gone = await cliCommand(box, "env-rm", [OTHER, "--yes"]);
      assert.equal(gone.code, 0, gone.output);
    }
  });

  it("env-rm of a gitops environment removes the Application, its AppProject, the namespace and deploy/<stack> on the branch", async () => {
    const dry = await cliCommand(box, "env-rm", [STACK]);
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.output, new RegExp(`Application argocd/${NAMESPACE} and its AppProject`));
    assert.match(dry.output, new RegExp(`deploy/${STACK}/ on file://`));

    const run = await cliCommand(box, "env-rm", [STACK, "--yes"]);
    assert.equal(run.code, 0, run.output);
    console.log(run.output.trim().split("\n").at(-1));
    assert.equal(await kube.get(`/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${NAMESPACE}`), null);
    assert.equal(await kube.get(`/apis/argoproj.io/v1alpha1/namespaces/argocd/appprojects/${NAMESPACE}`), null);
    assert.equal(await kube.namespaceAfterDeletion(NAMESPACE), null);
    // The manifests are gone from the branch Argo CD reads, so a later stack of that name starts clean.
    const tree = await runCommand("git", ["--git-dir", remote, "ls-tree", "-r", "--name-only", "main"]);
    assert.equal(tree.code, 0, tree.output);
    assert.ok(!tree.output.includes(`deploy/${STACK}/`), tree.output);
    const stacks = await runCommand("pulumi", ["stack", "ls", "--json"], { cwd: box.workDir });
    assert.ok(!stacks.output.includes(`"${STACK}"`), stacks.output);
  });
});
