// The engine matches the SDKs: every pinned toolchain version equals the npm package it serves, and each
// wrapper module builds exactly that release.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
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

describe("the toolchain check", () => {
  /** A cache and a plugin home laid out as a finished set-up leaves them, with stand-ins for the binaries. */
  function finishedSetup(skip: string[] = []) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-"));
    const v = pinned();
    const files = {
      cli: `cache/toolchain/pulumi/${v.PULUMI_VERSION}/pulumi`,
      host: `cache/toolchain/pulumi/${v.PULUMI_VERSION}/pulumi-language-nodejs`,
      kubernetes: `home/plugins/resource-kubernetes-v${v.KUBERNETES_PROVIDER_VERSION}/pulumi-resource-kubernetes`,
      dockerBuild: `home/plugins/resource-docker-build-v${v.DOCKER_BUILD_PROVIDER_VERSION}/pulumi-resource-docker-build`,
    };
    for (const [name, file] of Object.entries(files)) {
      if (skip.includes(name)) continue;
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      // A stand-in that fails if run: the quick answer must come from the file system alone.
      fs.writeFileSync(path.join(dir, file), "#!/bin/sh\nexit 99\n", { mode: 0o755 });
    }
    const run = (...args: string[]) =>
      spawnSync("bash", [path.join(ROOT, "toolchain/toolchain.sh"), ...args], {
        encoding: "utf8",
        env: {
          ...process.env,
          TAGSHIP_CACHE: path.join(dir, "cache"),
          PULUMI_HOME: path.join(dir, "home"),
          PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
        },
      });
    return { dir, run, cliDir: path.dirname(path.join(dir, files.cli)) };
  }

  it("answers from the file system when the CLI, the language host and both plugins are in place", () => {
    const { dir, run, cliDir } = finishedSetup();
    const result = run();
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), cliDir);
    assert.equal(run("--check").status, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("does not answer so when a plugin is missing or half installed", () => {
    const missing = finishedSetup(["dockerBuild"]);
    assert.notEqual(missing.run("--check").status, 0);
    const partial = finishedSetup();
    const v = pinned();
    fs.writeFileSync(path.join(partial.dir, `home/plugins/resource-kubernetes-v${v.KUBERNETES_PROVIDER_VERSION}.partial`), "");
    const result = partial.run("--check");
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /plugin kubernetes v[\d.]+ is missing/);
    for (const d of [missing.dir, partial.dir]) fs.rmSync(d, { recursive: true, force: true });
  });
});
