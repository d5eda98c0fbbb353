// The policy pack's runner as the engine finds it: declared in Pulumi.yaml as a project plugin, present,
// executable, and committed (a `bin/` directory would be git-ignored as built binaries, and a clean clone
// would have no runner).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { ROOT } from "./stack-config";

describe("policy pack runner", () => {
  it("Pulumi.yaml declares the runtime PulumiPolicy.yaml names, and its shim is an executable, tracked file", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
      plugins: { analyzers: { name: string; path: string }[] };
    };
    const pack = parse(fs.readFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), "utf8")) as { runtime: string };
    const declared = project.plugins.analyzers.find((a) => a.name === `policy-${pack.runtime}`);
    assert.ok(declared, `Pulumi.yaml declares no analyzer policy-${pack.runtime}`);
    const shim = path.join(declared.path, `pulumi-analyzer-policy-${pack.runtime}`);
    const stat = fs.statSync(path.join(ROOT, shim));
    assert.ok(stat.mode & 0o100, `${shim} is not executable`);
    // Outside a git checkout (an unpacked archive) there is nothing to ask.
    if (fs.existsSync(path.join(ROOT, ".git"))) {
      assert.equal(execFileSync("git", ["ls-files", shim], { cwd: ROOT, encoding: "utf8" }).trim(), shim, `${shim} is not committed`);
    }
  });
});
