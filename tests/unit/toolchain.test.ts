// The engine matches the SDKs: every pinned toolchain version equals the npm package it serves, and each
// wrapper module builds exactly that release.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "./stack-config";

function pinned(): Record<string, string> {
  const text = fs.readFileSync(path.join(ROOT, "toolchain/versions.sh"), "utf8");
  return Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]));
}

const deps = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> })
  .dependencies;
const goMod = (name: string) => fs.readFileSync(path.join(ROOT, "toolchain", name, "go.mod"), "utf8");

describe("toolchain pins", () => {
  it("pins the CLI and plugins at the releases of the npm packages", () => {
    const v = pinned();
    assert.equal(v.PULUMI_VERSION, deps["@pulumi/pulumi"]);
    assert.equal(v.KUBERNETES_PROVIDER_VERSION, deps["@pulumi/kubernetes"]);
    assert.equal(v.DOCKER_BUILD_PROVIDER_VERSION, deps["@pulumi/docker-build"]);
  });

  it("builds each pinned release in its wrapper module", () => {
    const v = pinned();
    assert.match(goMod("pulumi"), new RegExp(`^\\tgithub\\.com/pulumi/pulumi/pkg/v3 v${v.PULUMI_VERSION}( // indirect)?$`, "m"));
    assert.match(goMod("pulumi"), new RegExp(`^\\tgithub\\.com/pulumi/pulumi/sdk/v3 v${v.PULUMI_VERSION}( // indirect)?$`, "m"));
    assert.match(
      goMod("language-nodejs"),
      new RegExp(`^require github\\.com/pulumi/pulumi/sdk/v3 v${v.PULUMI_LANGUAGE_NODEJS_VERSION}( // indirect)?$`, "m"),
    );
    assert.match(goMod("docker-build"), new RegExp(`github\\.com/pulumi/pulumi-docker-build v${v.DOCKER_BUILD_PROVIDER_VERSION}\\b`));
    // The kubernetes provider has only pseudo-versions; the go.mod names the release it is.
    assert.match(goMod("kubernetes"), new RegExp(`release v${v.KUBERNETES_PROVIDER_VERSION}`));
    assert.match(goMod("kubernetes"), /^require github\.com\/pulumi\/pulumi-kubernetes\/provider\/v4 v4\.0\.0-\d{14}-[0-9a-f]{12}$/m);
  });
});
