// The `tagship` command line: every command has --help; a bad --timeout, an unknown option or a missing
// argument ends with exit 2 and the usage line, before the engine or anything on disk is touched; names that
// are not commands (the modules behind them) are refused as commands.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it, mock } from "node:test";
import { promisify } from "node:util";
import { main } from "../../cli/main";
import { COMMANDS } from "../../cli/commands";

const ROOT = path.resolve(__dirname, "../..");

/** Runs a command line in this process; returns its exit code and everything it printed. */
async function tagship(...argv: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const record = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  const log = mock.method(console, "log", record);
  const error = mock.method(console, "error", record);
  try {
    return { code: await main(argv), output: lines.join("\n") };
  } finally {
    log.mock.restore();
    error.mock.restore();
  }
}

/** The arguments each command needs besides the one a case leaves out or spoils. */
const VALID: Record<string, readonly string[]> = {
  ship: ["--stack", "dev"],
  promote: ["dev", "staging"],
  rollback: ["dev"],
  recover: ["--stack", "dev"],
  log: ["dev"],
  stats: ["dev"],
  plan: ["dev"],
  "env-new": ["staging"],
  "env-rm": ["staging"],
  affected: ["--base", "origin/main"],
};

/** A command line that lacks a required argument. */
const MISSING: Record<string, readonly string[]> = {
  ship: [],
  promote: ["dev"],
  rollback: [],
  recover: [],
  log: [],
  stats: [],
  plan: [],
  "env-new": [],
  "env-rm": [],
  affected: ["--exclude", "dev"],
};

describe("tagship command line", () => {
  // A project directory with a stack file: a usage error must leave every byte of it as it was.
  let project = "";
  let snapshot = "";
  const contents = () =>
    fs
      .readdirSync(project, { recursive: true })
      .map(String)
      .sort()
      .map((f) => `${f}\n${fs.statSync(path.join(project, f)).isFile() ? fs.readFileSync(path.join(project, f), "utf8") : "<dir>"}`)
      .join("\n");
  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-cli-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(project, "Pulumi.dev.yaml"));
    snapshot = contents();
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it("covers every command in these tables", () => {
    assert.deepEqual(Object.keys(VALID).sort(), COMMANDS.map((c) => c.name).sort());
    assert.deepEqual(Object.keys(MISSING).sort(), COMMANDS.map((c) => c.name).sort());
  });

  it("--help lists every command with its summary; no command is exit 2 with the list", async () => {
    const help = await tagship("--help");
    assert.equal(help.code, 0);
    for (const c of COMMANDS) assert.match(help.output, new RegExp(`^  ${c.name} +${c.summary.slice(0, 20)}`, "m"));
    const none = await tagship();
    assert.equal(none.code, 2);
    assert.match(none.output, /^usage: tagship <command>/m);
  });

  it("refuses names that are not commands, such as the modules behind them, with exit 2", async () => {
    for (const name of ["deliver", "gitops", "workspace", "rollout-plan", "command", "main", "ship.ts", "../cli/main"]) {
      const run = await tagship(name, "--stack", "dev");
      assert.equal(run.code, 2, name);
      assert.match(run.output, new RegExp(`unknown command "${name.replace(/[.]/g, "\\.")}": one of ship, promote`), name);
    }
  });

  for (const c of COMMANDS) {
    describe(`tagship ${c.name}`, () => {
      it("--help prints its usage and every option", async () => {
        const run = await tagship(c.name, "--help");
        assert.equal(run.code, 0);
        assert.match(run.output, new RegExp(`^usage: tagship ${c.name} `, "m"));
        for (const option of [...Object.keys(c.options), ...c.common, "cwd"])
          assert.match(run.output, new RegExp(`^  --${option}\\b`, "m"));
      });

      it("an unknown option: exit 2, the option named, the usage, nothing changed", async () => {
        const run = await tagship(c.name, ...VALID[c.name]!, "--cwd", project, "--no-such-option");
        assert.equal(run.code, 2, run.output);
        assert.match(run.output, /Unknown option '--no-such-option'/);
        assert.match(run.output, new RegExp(`^usage: tagship ${c.name} `, "m"));
        assert.equal(contents(), snapshot);
      });

      it("a missing argument: exit 2, what is missing, the usage, nothing changed", async () => {
        const run = await tagship(c.name, ...MISSING[c.name]!, "--cwd", project);
        assert.equal(run.code, 2, run.output);
        assert.match(run.output, /required|expected|at least one/);
        assert.match(run.output, new RegExp(`^usage: tagship ${c.name} `, "m"));
        assert.equal(contents(), snapshot);
      });

      if (c.common.includes("timeout")) {
        it("a bad --timeout (not a number, zero, negative, a fraction, over a day): exit 2, the value named, nothing changed", async () => {
          for (const bad of ["abc", "0", "-5", "1.5", "", "86401"]) {
            const run = await tagship(c.name, ...VALID[c.name]!, "--cwd", project, `--timeout=${bad}`);
            assert.equal(run.code, 2, `${bad}: ${run.output}`);
            assert.match(
              run.output,
              new RegExp(`--timeout ${bad.replace(".", "\\.")}: allowed a whole number of seconds from 1 to 86400 \\(a day`),
            );
            assert.match(run.output, new RegExp(`^usage: tagship ${c.name} `, "m"));
          }
          assert.equal(contents(), snapshot);
        });
      } else {
        it("takes no --timeout", async () => {
          const run = await tagship(c.name, ...VALID[c.name]!, "--cwd", project, "--timeout", "5");
          assert.equal(run.code, 2, run.output);
          assert.match(run.output, /Unknown option '--timeout'/);
        });
      }
    });
  }

  it("log --limit and stats --days: a value that is no whole number in range is exit 2, naming it and the range", async () => {
    for (const [c, option, max] of [
      ["log", "limit", 500],
      ["stats", "days", 3650],
    ] as const) {
      for (const bad of ["0", "-1", "abc", "2.5", String(max + 1)]) {
        const run = await tagship(c, "dev", "--cwd", project, `--${option}=${bad}`);
        assert.equal(run.code, 2, `${c} --${option}=${bad}: ${run.output}`);
        assert.match(run.output, new RegExp(`--${option} ${bad.replace(".", "\\.")}: allowed a whole number from 1 to ${max}`));
      }
    }
    assert.equal(contents(), snapshot);
  });

  it("the launcher: `npx tagship --help` and `npm run tagship -- <command> --help` print the same help", async () => {
    const run = promisify(execFile);
    const npx = await run("npx", ["--no-install", "tagship", "--help"], { cwd: ROOT, encoding: "utf8" });
    assert.match(npx.stdout, /^commands:$/m);
    for (const c of COMMANDS) assert.match(npx.stdout, new RegExp(`^  ${c.name} `, "m"));
    const npm = await run("npm", ["run", "--silent", "tagship", "--", "promote", "--help"], { cwd: ROOT, encoding: "utf8" });
    assert.match(npm.stdout, /^usage: tagship promote <from> <to> \[--service <name>\] \[--force\] \[--timeout <s>\] \[--cwd <dir>\]$/m);
  });
});
