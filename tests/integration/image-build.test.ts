// The image path for real, on the lab's registry and BuildKit (lab/lab.sh up): app/ is built FROM the
// lab's base image by the buildx builder "tagship-lab", pushed, and deployed by digest. A no-op `up` builds
// and pushes nothing; a changed source file rebuilds and moves the digest.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { newStack, sandbox, type Sandbox } from "./engine";

const REGISTRY = "127.0.0.1:5000";
const STACK = "it-build";
// A repository of its own: the other lab tests run beside this one and push their tags to tagship/hello.
const REPOSITORY = "tagship/it-build";

async function manifestDigest(repository: string, reference: string): Promise<string | null> {
  const res = await fetch(`http://${REGISTRY}/v2/${repository}/manifests/${reference}`, {
    method: "HEAD",
    headers: {
      Accept:
        "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
    },
    signal: AbortSignal.timeout(10_000),
  });
  return res.ok ? res.headers.get("docker-content-digest") : null;
}

describe("image build on the lab", () => {
  let box: Sandbox;
  let stack: Stack;
  let first = "";

  before(async () => {
    assert.ok(await manifestDigest("tagship/node-base", "22"), "the lab is up with its base image (make lab-up)");
    box = sandbox();
    stack = await newStack(box, STACK, {
      imageTag: "0.1.0",
      imageName: REPOSITORY,
      registry: REGISTRY,
      builder: "tagship-lab",
      baseImage: `${REGISTRY}/tagship/node-base:22`,
      deliveryMode: "gitops",
      repoUrl: "file:///srv/git/tagship.git",
      renderOnly: "true",
    });
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    box?.cleanup();
  });

  it("builds app/, pushes it, and deploys the pushed digest", async () => {
    const result = await stack.up();
    first = String(result.outputs.imageRef?.value);
    const m = /^127\.0\.0\.1:5000\/tagship\/it-build@(sha256:[a-f0-9]{64})$/.exec(first);
    assert.ok(m, first);
    // The registry holds exactly that manifest, under the tag and under the digest.
    assert.equal(await manifestDigest(REPOSITORY, "0.1.0"), m[1]);
    assert.equal(await manifestDigest(REPOSITORY, m[1] as string), m[1]);
    const deployment = fs.readdirSync(path.join(box.workDir, "deploy", STACK, "1-manifest")).find((f) => f.includes("deployment"));
    assert.ok(deployment);
    assert.match(
      fs.readFileSync(path.join(box.workDir, "deploy", STACK, "1-manifest", deployment), "utf8"),
      new RegExp(`image: ${first.replace(/[.]/g, "\\.")}`),
    );
  });

  it("a no-op up builds and pushes nothing", async () => {
    const result = await stack.up();
    assert.deepEqual(result.summary.resourceChanges, { same: 13 });
    assert.equal(result.outputs.imageRef?.value, first);
  });

  it("a changed source file rebuilds and rolls the new digest out", async () => {
    const server = path.join(box.workDir, "app", "src", "server.ts");
    fs.appendFileSync(server, "\n// a change that must reach the image\n");
    const result = await stack.up();
    const next = String(result.outputs.imageRef?.value);
    assert.notEqual(next, first);
    assert.match(next, /^127\.0\.0\.1:5000\/tagship\/it-build@sha256:[a-f0-9]{64}$/);
    assert.equal(result.summary.resourceChanges?.update, 2, JSON.stringify(result.summary.resourceChanges));
  });
});
