// An existing stack upgrades in place: a single-service stack deployed by the program as it was before a stack
// could ship several services (its files taken from git at that commit) is updated by today's program with
// nothing replaced, deleted or created, and its Deployment untouched.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { newStack, PROGRAM_FILES, ROOT, sandbox, type Sandbox } from "./engine";
import { Kube, LAB_KUBECONFIG, LAB_STACK } from "./kube";

// The last commit before services: its program deployed stacks of one service from the flat keys.
const BEFORE_SERVICES = "179b02ce0458baa5577e840e686c02ed47edd50e";
const STACK = "it-upgrade";
const NAMESPACE = `hello-${STACK}`;

/** The sandbox's program as it was at `commit` (git archive of its files). */
function installProgramAt(box: Sandbox, commit: string): void {
  for (const f of PROGRAM_FILES) fs.rmSync(path.join(box.workDir, f), { recursive: true, force: true });
  // The program's parts that existed then (a later one, such as gitops/, was not there to archive).
  const then = new Set(execFileSync("git", ["-C", ROOT, "ls-tree", "--name-only", commit], { encoding: "utf8" }).split("\n"));
  const files = PROGRAM_FILES.filter((f) => then.has(f));
  const archive = execFileSync("git", ["-C", ROOT, "archive", "--format=tar", commit, ...files], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", box.workDir], { input: archive });
}

/**
 * Brings the sandbox's program to this checkout's as `git checkout` does: files that changed are written, new ones
 * added, removed ones deleted, and the rest left untouched (with their times, which the image build sees).
 */
function checkoutProgram(box: Sandbox): void {
  const files = (dir: string) =>
    PROGRAM_FILES.flatMap((f) =>
      fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.isDirectory()
        ? (fs.readdirSync(path.join(dir, f), { recursive: true }) as string[]).map((p) => path.join(f, p))
        : [f],
    ).filter((f) => fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.isFile());
  const wanted = new Set(files(ROOT));
  for (const f of files(box.workDir)) if (!wanted.has(f)) fs.rmSync(path.join(box.workDir, f));
  for (const f of wanted) {
    const [from, to] = [path.join(ROOT, f), path.join(box.workDir, f)];
    if (fs.existsSync(to) && fs.readFileSync(to).equals(fs.readFileSync(from))) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}

describe("upgrade of a stack deployed before services", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;

  before(() => {
    assert.ok(fs.existsSync(LAB_KUBECONFIG), `the lab's cluster is up (make lab-up): ${LAB_KUBECONFIG}`);
    const known = execFileSync("git", ["-C", ROOT, "cat-file", "-t", BEFORE_SERVICES], { encoding: "utf8" }).trim();
    assert.equal(known, "commit", `this test needs the repository's history (a full clone): ${BEFORE_SERVICES}`);
    kube = new Kube();
    box = sandbox();
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    box?.cleanup();
  });

  it("today's program updates it with 0 replaced, updated, deleted or created, and the Deployment keeps its generation", async () => {
    installProgramAt(box, BEFORE_SERVICES);
    // The service it ships is today's app/ in both: the upgrade is of the program, not of the sources it builds.
    fs.rmSync(path.join(box.workDir, "app"), { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, "app"), path.join(box.workDir, "app"), { recursive: true });
    stack = await newStack(box, STACK, { imageTag: "1.0.0", ...LAB_STACK, replicas: "2" });
    await stack.up();
    const generation = async () =>
      (await kube.get<{ metadata: { generation: number } }>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`))?.metadata
        .generation;
    const before = await generation();
    assert.ok(before, "deployed by the earlier program");

    checkoutProgram(box);
    const preview = await stack.preview({ diff: true });
    const changes = preview.changeSummary;
    for (const op of ["update", "replace", "delete", "create", "create-replacement", "delete-replaced"] as const) {
      assert.equal(changes[op] ?? 0, 0, `${op}: ${JSON.stringify(changes)}\n${preview.stdout}`);
    }
    const result = await stack.up();
    assert.equal(result.summary.resourceChanges?.replace ?? 0, 0, JSON.stringify(result.summary.resourceChanges));
    assert.equal(await generation(), before, "the Deployment was not changed: no pod restarted");
    console.log(`upgraded in place: ${JSON.stringify(changes)}`);
  });
});
