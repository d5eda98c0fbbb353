// The GitHub workflows, checked without GitHub: their triggers, the steps they must have, and that every
// command they call exists here, with the flags it accepts and the pinned Pulumi version.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { COMMANDS } from "../../cli/commands";
import { affectedStacks } from "../../cli/plan/affected";

const ROOT = path.resolve(__dirname, "../..");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, { branches?: string[] }>;
  env?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const workflow = (name: string) => parse(fs.readFileSync(path.join(ROOT, ".github/workflows", name), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const runs = (w: Workflow) => steps(w).flatMap((s) => (s.run ? [s.run] : []));
const pinnedPulumi = () => /^PULUMI_VERSION=(\S+)$/m.exec(fs.readFileSync(path.join(ROOT, "toolchain/versions.sh"), "utf8"))?.[1];

describe("GitHub workflows", () => {
  it("preview: on pull requests, Pulumi's preview with its PR comment and the policy pack, then the rollout plan as a comment", () => {
    const w = workflow("preview.yml");
    assert.deepEqual(w.on.pull_request?.branches, ["main"]);
    const preview = steps(w).find((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.equal(preview?.with?.command, "preview");
    assert.equal(preview?.with?.["comment-on-pr"], true);
    // The policy pack runs beside the preview, from the directory that holds it.
    assert.equal(preview?.with?.policyPacks, "policy");
    assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
    const planAt = steps(w).findIndex((s) => s.run?.includes("cli/main.ts plan"));
    const commentAt = steps(w).findIndex((s) => s.run?.includes("gh pr comment") && s.run.includes("--body-file plan.md"));
    assert.ok(planAt > steps(w).indexOf(preview) && commentAt > planAt, "preview, then the plan, then its comment");
  });

  it("release: on merge to main, every affected stack through the release command, rolled back if it fails", () => {
    const w = workflow("release.yml");
    assert.deepEqual(w.on.push?.branches, ["main"]);
    assert.ok(runs(w).some((r) => /cli\/main\.ts ship --stack \$\{\{ matrix\.stack \}\} --rollback-on-failure/.test(r)));
  });

  for (const name of ["preview.yml", "release.yml"]) {
    it(`${name}: every command it calls exists and accepts the flags given; Node 22; the pinned Pulumi`, () => {
      const w = workflow(name);
      assert.equal(w.env?.PULUMI_VERSION, pinnedPulumi());
      for (const s of steps(w).filter((x) => x.uses?.startsWith("actions/setup-node@"))) assert.equal(s.with?.["node-version"], 22);
      const calls = runs(w).flatMap((r) => [...r.matchAll(/cli\/main\.ts ([\w-]+)([^\n>|&;]*)/g)]);
      assert.ok(calls.length > 0);
      for (const [, name = "", args = ""] of calls) {
        const cmd = COMMANDS.find((c) => c.name === name);
        assert.ok(cmd, `${name} is not a tagship command`);
        const accepted = [...Object.keys(cmd.options), ...cmd.common, "cwd"];
        for (const [, flag = ""] of args.matchAll(/--([a-z][\w-]*)/g)) {
          assert.ok(accepted.includes(flag), `tagship ${name} accepts no --${flag}`);
        }
      }
      for (const [, script = ""] of runs(w).flatMap((r) => [...r.matchAll(/npm run ([\w:-]+)/g)])) {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
        assert.ok(pkg.scripts[script], `npm run ${script} is not a script of package.json`);
      }
    });
  }

  it("affected stacks: a stack's own config affects it; the program affects all; docs and tests none", () => {
    const stacks = ["prod", "staging"];
    assert.deepEqual(affectedStacks(["Pulumi.staging.yaml"], stacks), ["staging"]);
    assert.deepEqual(affectedStacks(["README.md", "tests/unit/x.test.ts", ".github/workflows/preview.yml"], stacks), []);
    assert.deepEqual(affectedStacks(["Pulumi.staging.yaml", "components/workload/workload.ts"], stacks), ["prod", "staging"]);
    assert.deepEqual(affectedStacks(["Pulumi.dev.yaml"], stacks), []);
  });
});
