import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { Image } from "../../components/image";
import { Workload } from "../../components/workload";
import { fakeDigest, find, findAll, settle, useMocks, valueOf } from "./harness";

// The property that marks a secret value in Pulumi's RPC serialization (sdk/nodejs/runtime/rpc.ts).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

describe("Image", () => {
  beforeEach(() => useMocks());

  it("builds app/ with the named builder and base image, and pushes the tag", async () => {
    const img = new Image("hello", {
      context: "app",
      registry: "127.0.0.1:5000",
      repository: "tagship/hello",
      tag: "0.2.1",
      builder: "tagship-lab",
      buildArgs: { BASE_IMAGE: "127.0.0.1:5000/tagship/node-base:22" },
    });
    await valueOf(img.ref);
    const b = find("docker-build:index:Image", "hello-build").inputs;
    assert.deepEqual(b.context, { location: "app" });
    assert.deepEqual(b.dockerfile, { location: "app/Dockerfile" });
    assert.deepEqual(b.tags, ["127.0.0.1:5000/tagship/hello:0.2.1"]);
    assert.deepEqual(b.buildArgs, { BASE_IMAGE: "127.0.0.1:5000/tagship/node-base:22" });
    assert.deepEqual(b.builder, { name: "tagship-lab" });
    assert.equal(b.push, true);
    assert.equal(b.registries, undefined);
    assert.equal(b.cacheFrom, undefined);
    assert.equal(b.cacheTo, undefined);
  });

  it("with a cache reference, imports the build cache from the registry and exports every stage's layers to it", async () => {
    const cacheRef = "127.0.0.1:5000/tagship/hello:buildcache";
    new Image("hello", { context: "app", registry: "127.0.0.1:5000", repository: "tagship/hello", tag: "0.2.1", cacheRef });
    await settle();
    const b = find("docker-build:index:Image", "hello-build").inputs;
    assert.deepEqual(b.cacheFrom, [{ registry: { ref: cacheRef } }]);
    assert.deepEqual(b.cacheTo, [{ registry: { ref: cacheRef, mode: "max", ignoreError: true } }]);
  });

  it("outputs the immutable digest reference and the tag", async () => {
    const img = new Image("hello", { context: "app", registry: "127.0.0.1:5000", repository: "tagship/hello", tag: "0.2.1" });
    const ref = await valueOf(img.ref);
    assert.equal(ref, `127.0.0.1:5000/tagship/hello@${fakeDigest(JSON.stringify(["127.0.0.1:5000/tagship/hello:0.2.1"]))}`);
    assert.match(ref, /^127\.0\.0\.1:5000\/tagship\/hello@sha256:[a-f0-9]{64}$/);
    assert.equal(await valueOf(img.tag), "0.2.1");
  });

  it("in a preview that skips the build, the reference is unknown and the Deployment still plans", async () => {
    await useMocks("dev", "tagship", true);
    const img = new Image("hello", { context: "app", registry: "127.0.0.1:5000", repository: "tagship/hello", tag: "0.2.1" });
    const known = await (img.ref as unknown as { isKnown: Promise<boolean> }).isKnown;
    assert.equal(known, false);
    const w = new Workload("hello", {
      namespace: "hello-dev",
      image: img.ref,
      version: "0.2.1",
      probes: { readiness: { path: "/readyz" } },
    });
    await valueOf(w.deploymentName);
    await settle();
    assert.equal(findAll("kubernetes:apps/v1:Deployment").length, 1);
    await useMocks();
  });

  it("gives push credentials to the build as a secret", async () => {
    const img = new Image("hello", {
      context: "app",
      registry: "docker.io",
      repository: "acme/hello",
      tag: "1.0.0",
      credentials: { username: "ci", password: "s3cret-value" },
    });
    await valueOf(img.ref);
    await settle();
    const b = find("docker-build:index:Image").inputs;
    // Pulumi's wire form of a secret: the engine stores it encrypted and masks it in every display.
    assert.equal(b.registries[SECRET_SIG], SECRET_SIG_VALUE);
    assert.deepEqual(b.registries.value, [{ address: "docker.io", username: "ci", password: "s3cret-value" }]);
  });

  it("rejects a bad registry, repository and tag together", () => {
    assert.throws(
      () => new Image("hello", { context: "app", registry: "https://docker.io/", repository: "Acme/Hello", tag: "-1" }),
      (e: Error) => {
        assert.match(e.message, /3 problems/);
        assert.match(e.message, /ImageArgs\.registry = "https:\/\/docker\.io\/": allowed a registry host/);
        assert.match(e.message, /ImageArgs\.repository = "Acme\/Hello": allowed a repository path of lowercase components/);
        assert.match(e.message, /ImageArgs\.tag = "-1": allowed an OCI tag/);
        return true;
      },
    );
  });
});
