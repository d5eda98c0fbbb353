// The release ledger on a real Pulumi backend and a real git repository: 50 releases recorded the way every
// release records itself (cli/ledger/record.ts, on the stack's tags), 5 of them failed, then read back by
// `tagship stats` and `tagship log`. The rollouts themselves are left out (promote-rollback.test records real
// ones); what is checked is the record, the arithmetic and the changelogs against git itself.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import type { LedgerEntry } from "../../cli/ledger/entry";
import type { DoraFigures } from "../../cli/ledger/dora";
import { openRelease } from "../../cli/ledger/record";
import type { Outputs } from "../../cli/release/gitops";
import { cliCommand, gitSandbox, newStack, SANDBOX_GIT_USER, type Sandbox } from "./engine";

const STACK = "it-ledger";
const RELEASES = 50;
/** Every tenth release fails: 5 of 50. */
const failsAt = (n: number) => n % 10 === 0;
const commitsOf = (n: number) => (n % 3) + 1;

describe("the release ledger", () => {
  let box: Sandbox;
  let git: (...args: string[]) => Promise<{ code: number; output: string }>;
  let stack: Stack;

  before(async () => {
    ({ box, git } = await gitSandbox());
    stack = await newStack(box, STACK, { imageTag: "0.0.0" });
  });
  after(() => box?.cleanup());

  it(`${RELEASES} releases with 5 failures: stats says 10.0% of changes failed; each changelog is git log from..to`, async () => {
    let running: Outputs = {};
    for (let n = 1; n <= RELEASES; n++) {
      // One to three commits per release, as a team's would come.
      for (let c = 1; c <= commitsOf(n); c++) {
        fs.writeFileSync(path.join(box.workDir, "CHANGES"), `release ${n}, change ${c}\n`);
        assert.equal((await git("add", "CHANGES")).code, 0);
        assert.equal((await git("commit", "-qm", `change ${c} for release ${n}`)).code, 0);
      }
      const tag = `1.0.${n}`;
      const release = await openRelease(stack, box.workDir, "ship");
      const failed = failsAt(n);
      const after: Outputs | undefined = failed
        ? undefined
        : ({
            services: { hello: { imageRef: `127.0.0.1:5000/tagship/hello@sha256:${n.toString(16).padStart(64, "0")}`, imageTag: tag } },
          } as unknown as Outputs);
      await release.close({
        outcome: failed ? "failed" : "live",
        reason: failed ? `release ${n}: the new pods never got ready` : "",
        before: running,
        after,
        config: { "tagship:imageTag": { value: tag, secret: false } },
        pins: [],
        changedResources: true,
      });
      if (after) running = after;
    }

    const stats = await cliCommand(box, "stats", [STACK, "--json"]);
    assert.equal(stats.code, 0, stats.output);
    const figures = JSON.parse(stats.output) as DoraFigures;
    assert.equal(figures.finished, RELEASES);
    assert.equal(figures.failures, 5);
    assert.equal(figures.changeFailureRate, 0.1);
    assert.equal(figures.deployments, 45);
    assert.equal(figures.restored, 4, "failures 10 to 40 were each followed by a live release");
    assert.equal(figures.stillFailing, 1, "release 50, the last, failed");
    const text = await cliCommand(box, "stats", [STACK]);
    assert.match(text.output, /change failure rate +10\.0% \(5 of 50 releases failed or were aborted\)/);
    assert.match(text.output, /deployment frequency +45 live release\(s\)/);

    const log = await cliCommand(box, "log", [STACK, "--json", "--changes", "--limit", "500"]);
    assert.equal(log.code, 0, log.output);
    const entries = JSON.parse(log.output) as (LedgerEntry & { changes: { commit: string }[] | null })[];
    assert.equal(entries.length, RELEASES);
    assert.deepEqual(
      entries.map((e) => e.tag),
      Array.from({ length: RELEASES }, (_, i) => `1.0.${RELEASES - i}`),
      "newest first",
    );
    let lastLive = "";
    for (const e of [...entries].reverse()) {
      assert.equal(e.who, SANDBOX_GIT_USER.email);
      assert.equal(e.outcome, failsAt(Number(e.tag.split(".")[2])) ? "failed" : "live", e.tag);
      assert.equal(e.from, lastLive, `${e.tag} counts from the previous live release`);
      const range = e.from === "" ? ["-1", e.to] : [`${e.from}..${e.to}`];
      const expected = (await git("log", "--format=%H", ...range)).output.trim().split("\n");
      assert.deepEqual(
        e.changes?.map((c) => c.commit),
        expected,
        `the changelog of ${e.tag} is git log ${range.join(" ")}`,
      );
      if (e.outcome === "live") lastLive = e.to;
    }
    // A failure's changes reach the next live release: its changelog holds both releases' commits.
    assert.equal(entries.find((e) => e.tag === "1.0.11")?.changes?.length, commitsOf(10) + commitsOf(11));

    // As people read it: a table, newest first, a failed release's reason under it, each release's commits.
    const table = await cliCommand(box, "log", [STACK, "--limit", "2", "--changes"]);
    assert.equal(table.code, 0, table.output);
    const lines = table.output.trimEnd().split("\n");
    assert.equal(lines[0], `releases of stack ${STACK}, newest first (2 of ${RELEASES}):`);
    assert.match(lines[1] ?? "", /^started \(UTC\) +outcome +kind +service +version +digest +commits +who +took$/);
    const [newest, older] = [entries[0]!, entries[1]!];
    assert.match(
      lines[2] ?? "",
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +failed +ship +hello +1\\.0\\.50 +- +${newest.from.slice(0, 7)}\\.\\.${newest.to.slice(0, 7)} +${SANDBOX_GIT_USER.email} +\\d+ s$`,
      ),
    );
    assert.equal(lines[3], "    release 50: the new pods never got ready");
    assert.deepEqual(
      lines.slice(4, 4 + commitsOf(50)).map((l) => l.replace(/^ +[0-9a-f]{7} /, "")),
      Array.from({ length: commitsOf(50) }, (_, i) => `change ${commitsOf(50) - i} for release 50 (${SANDBOX_GIT_USER.name})`),
    );
    assert.match(
      lines[4 + commitsOf(50)] ?? "",
      new RegExp(`live +ship +hello +1\\.0\\.49 +sha256:0{12} +${older.from.slice(0, 7)}\\.\\.`),
    );
  });
});
