// A copy of the program (the integration tests' sandboxes, the benchmarks) must hold every module the program
// loads: a directory left out of PROGRAM_FILES fails only at `pulumi up`, on the lab, with "Cannot find module".
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PROGRAM_FILES } from "../integration/engine";

const ROOT = path.resolve(__dirname, "../..");

/** The project's own modules a module imports (relative specifiers), resolved to files. */
function localImports(file: string): string[] {
  const source = fs.readFileSync(file, "utf8");
  const specifiers = [...source.matchAll(/(?:from|import|require)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1] ?? "");
  return specifiers.map((s) => {
    const base = path.resolve(path.dirname(file), s);
    const found = [`${base}.ts`, path.join(base, "index.ts"), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    assert.ok(found, `${path.relative(ROOT, file)} imports ${s}, which is not a file of the project`);
    return found;
  });
}

/** Every project module reachable from the program's entry point. */
function programModules(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    localImports(file).forEach(visit);
  };
  visit(entry);
  return [...seen].map((f) => path.relative(ROOT, f)).sort();
}

describe("a copy of the program", () => {
  it("holds every module index.ts loads, the app it builds and the policy pack", () => {
    const modules = programModules(path.join(ROOT, "index.ts"));
    assert.ok(modules.length > 20, `only ${modules.length} modules found: the import scan is broken`);
    assert.ok(modules.some((m) => m.startsWith("rollout/")) && modules.some((m) => m.startsWith("settings/")));
    const covered = (f: string) => PROGRAM_FILES.some((p) => f === p || f.startsWith(`${p}/`));
    assert.deepEqual(
      modules.filter((m) => !covered(m)),
      [],
      "modules the program loads that PROGRAM_FILES leaves out",
    );
    for (const part of ["app/Dockerfile", "policy/PulumiPolicy.yaml", "Pulumi.yaml", "package.json"]) assert.ok(covered(part), part);
  });
});
