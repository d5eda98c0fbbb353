import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it, mock } from "node:test";
import { recordRelease } from "../../cli/release/record";

describe("the record of a release", () => {
  it("prints the phase table, writes phases, outcome and samples, and draws the phases under the picture", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "record-"));
    const printed: string[] = [];
    const log = mock.method(console, "log", (line: string) => printed.push(line));
    try {
      recordRelease({
        cwd,
        stackName: "dev",
        outcome: "live, version 2.0.0",
        origin: Date.UTC(2026, 10, 30, 9, 0, 0),
        phases: [
          { name: "start: the command, the stack's outputs", at: 0, seconds: 2 },
          { name: "apply the Deployment and roll out", at: 2, seconds: 8 },
          { name: "record the good release", at: 10, seconds: 0.5 },
        ],
        samples: [
          { t: 1, ready: { a: 2 } },
          { t: 5, ready: { a: 2, b: 1 } },
          { t: 6, ready: { a: 1, b: 1 } },
          { t: 8, ready: { a: 1, b: 2 } },
          { t: 9, ready: { b: 2 } },
        ],
      });
    } finally {
      log.mock.restore();
    }
    const output = printed.join("\n");
    assert.match(output, /^phases of the release of dev \(live, version 2\.0\.0\), 10\.5 s in all:$/m);
    assert.match(output, /^ {2}apply the Deployment and roll out: until 1 new ready +3\.0 s$/m);
    assert.match(output, /^ {2}apply the Deployment and roll out: after 2 new ready +2\.0 s$/m);
    const file = /release record: (\S+)/.exec(output)?.[1] ?? "";
    assert.equal(path.dirname(file), path.join(cwd, "rollouts"));
    const record = JSON.parse(fs.readFileSync(file, "utf8")) as {
      outcome: string;
      seconds: number;
      phases: { name: string }[];
      samples: unknown[];
    };
    assert.equal(record.outcome, "live, version 2.0.0");
    assert.equal(record.seconds, 10.5);
    assert.equal(record.phases.length, 5, "the rollout split into its two batches and the rest");
    assert.equal(record.samples.length, 5);
    const picture = /rollout picture: (\S+\.svg)/.exec(output)?.[1] ?? "";
    const svg = fs.readFileSync(picture, "utf8");
    assert.equal([...svg.matchAll(/<rect class="phase"/g)].length, 5);
    assert.match(svg, /<title>apply the Deployment and roll out: until 2 new ready: 3\.0 s<\/title>/);
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it("of a stack's first release (no pods to watch) has the phases and no picture", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "record-"));
    const printed: string[] = [];
    const log = mock.method(console, "log", (line: string) => printed.push(line));
    try {
      recordRelease({ cwd, stackName: "prod", outcome: "failed", origin: Date.now(), phases: [{ name: "start", at: 0, seconds: 1 }] });
    } finally {
      log.mock.restore();
    }
    assert.doesNotMatch(printed.join("\n"), /rollout picture/);
    assert.deepEqual(
      fs.readdirSync(path.join(cwd, "rollouts")).map((f) => path.extname(f)),
      [".json"],
    );
    fs.rmSync(cwd, { recursive: true, force: true });
  });
});
