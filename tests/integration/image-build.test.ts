// The image path for real, on the lab's registry and BuildKit (lab/lab.sh up): app/ is built FROM the
// lab's base image by the buildx builder "tagship-lab", pushed, and deployed by digest. A no-op `up` builds
// and pushes nothing; a changed source file rebuilds and moves the digest. Then the same stack builds a
// service of its own instead: another context and Dockerfile, one stage of it, a build argument, no BASE_IMAGE;
// and with buildCache, a builder that lost a step's cache takes its layer from the registry.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { newStack, projectScript, renderedDir, sandbox, type Sandbox } from "./engine";

const REGISTRY = "127.0.0.1:5000";
const STACK = "it-build";
// A repository of its own: the other lab tests run beside this one and push their tags to tagship/hello.
const REPOSITORY = "tagship/it-build";

const MANIFEST_TYPES =
  "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

/** The labels of an image in the lab's registry, read from its config (the platform's one, under an index). */
async function imageLabels(repository: string, reference: string): Promise<Record<string, string>> {
  const get = async (url: string, accept: string) => {
    const res = await fetch(`http://${REGISTRY}/v2/${repository}/${url}`, {
      headers: { Accept: accept },
      signal: AbortSignal.timeout(10_000),
    });
    assert.ok(res.ok, `${url}: ${res.status}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  let manifest = await get(`manifests/${reference}`, MANIFEST_TYPES);
  const listed = manifest.manifests as { digest: string; platform?: { os: string } }[] | undefined;
  if (listed) {
    const image = listed.find((m) => m.platform?.os === "linux");
    assert.ok(image, JSON.stringify(manifest));
    manifest = await get(`manifests/${image.digest}`, MANIFEST_TYPES);
  }
  const config = await get(`blobs/${(manifest.config as { digest: string }).digest}`, "*/*");
  return (config.config as { Labels?: Record<string, string> }).Labels ?? {};
}

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
    const deployment = fs.readdirSync(path.join(renderedDir(box, STACK), "1-manifest")).find((f) => f.includes("deployment"));
    assert.ok(deployment);
    assert.match(
      fs.readFileSync(path.join(renderedDir(box, STACK), "1-manifest", deployment), "utf8"),
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

  it("builds a service of the project's own: its context and Dockerfile, the stage and build argument chosen, no BASE_IMAGE", async () => {
    // A two-stage image FROM scratch (nothing to pull), whose base-image argument has no default.
    const service = path.join(box.workDir, "services", "static");
    fs.mkdirSync(service, { recursive: true });
    fs.writeFileSync(path.join(service, "hello.txt"), "hello\n");
    fs.writeFileSync(
      path.join(service, "Containerfile"),
      [
        "ARG FLAVOUR",
        "FROM scratch AS base",
        "ARG FLAVOUR",
        "LABEL stage=base flavour=$FLAVOUR",
        "COPY hello.txt /hello.txt",
        "FROM base AS final",
        "LABEL stage=final",
      ].join("\n"),
    );
    await stack.removeConfig("tagship:baseImage");
    await stack.setAllConfig({
      "tagship:buildContext": { value: "services/static" },
      "tagship:dockerfile": { value: "services/static/Containerfile" },
      "tagship:buildTarget": { value: "base" },
      "tagship:imageTag": { value: "0.2.0" },
    });
    await stack.setConfig("tagship:buildArgs.FLAVOUR", { value: "mint" }, true);
    const result = await stack.up();
    const ref = String(result.outputs.imageRef?.value);
    const m = /^127\.0\.0\.1:5000\/tagship\/it-build@(sha256:[a-f0-9]{64})$/.exec(ref);
    assert.ok(m, ref);
    assert.equal(await manifestDigest(REPOSITORY, "0.2.0"), m[1]);
    // The stage asked for, not the last one, with the build argument's value.
    assert.deepEqual(await imageLabels(REPOSITORY, m[1] as string), { stage: "base", flavour: "mint" });
  });

  it("with buildCache, a builder that lost a step's cache takes its layer from the registry", async () => {
    const STEP = "tagship-it-build-cache-step";
    // A step whose output differs on every run: only a cache hit gives the same layer, and so the same digest.
    const service = path.join(box.workDir, "services", "cached");
    fs.mkdirSync(service, { recursive: true });
    fs.writeFileSync(path.join(service, "Dockerfile"), `FROM ${REGISTRY}/tagship/node-base:22\nRUN date +%s%N > /${STEP}\n`);
    for (const key of ["dockerfile", "buildTarget", "buildArgs"]) await stack.removeConfig(`tagship:${key}`);
    await stack.setConfig("tagship:buildContext", { value: "services/cached" });
    const digestAfterUp = async (tag: string) => {
      await stack.setConfig("tagship:imageTag", { value: tag });
      const ref = String((await stack.up()).outputs.imageRef?.value);
      return /@(sha256:[a-f0-9]{64})$/.exec(ref)?.[1] ?? assert.fail(ref);
    };
    // The builder forgets this step only (by its description), so the lab tests beside this one keep their cache.
    const emptyBuilderCache = async () => {
      const pruned = await projectScript("lab/lab.sh", ["buildctl", "prune", "--filter", `description~=${STEP}`]);
      assert.equal(pruned.code, 0, pruned.output);
    };

    // Without it, the builder runs the step again: the digest moves.
    const plain = await digestAfterUp("0.3.0");
    await emptyBuilderCache();
    assert.notEqual(await digestAfterUp("0.3.1"), plain);

    // With it, the build exports its layers beside the image and the next one imports them.
    await stack.setConfig("tagship:buildCache", { value: "true" });
    const cached = await digestAfterUp("0.3.2");
    assert.ok(await manifestDigest(REPOSITORY, "buildcache"), "the cache is in the registry as tagship/it-build:buildcache");
    await emptyBuilderCache();
    assert.equal(await digestAfterUp("0.3.3"), cached);
  });
});
