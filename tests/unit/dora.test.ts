import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { doraFigures, median } from "../../cli/ledger/dora";
import type { LedgerEntry } from "../../cli/ledger/entry";
import { humanDuration } from "../../cli/ledger/format";
import type { Change } from "../../cli/ledger/source";

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 10, 1);

function entry(start: number, seconds: number, over: Partial<LedgerEntry>): LedgerEntry {
  return {
    release: start.toString(36),
    kind: "ship",
    outcome: "live",
    service: "hello",
    tag: "1.0.0",
    digest: "",
    from: "",
    to: "",
    dirty: false,
    who: "alice",
    start,
    end: start + seconds * 1000,
    reason: "",
    ...over,
  };
}

const change = (commit: string, committed: number): Change => ({ commit, committed, author: "alice", subject: commit });

describe("DORA figures", () => {
  const ledger = [
    entry(T0 - 40 * D, 10, { outcome: "failed", to: "old" }), // before the window
    entry(T0 + 1 * D, 60, { to: "r1" }),
    entry(T0 + 2 * D, 30, { outcome: "failed", to: "r2" }),
    entry(T0 + 2 * D + H, 60, { to: "r3", from: "r1" }),
    entry(T0 + 3 * D, 40, { outcome: "aborted", to: "r4" }),
    entry(T0 + 3 * D + H, 20, { service: "web", to: "unknown" }),
    entry(T0 + 4 * D, 0, { outcome: "unfinished" }),
  ];
  const commits: Record<string, Change[] | undefined> = {
    r1: [change("c2", T0 + D - H), change("c1", T0 + D - 2 * H)],
    // c2 again (both services' releases brought it): counted once, at its first live release.
    r3: [change("c3", T0 + 2 * D - H / 2), change("c2", T0 + D - H)],
  };
  const figures = doraFigures(ledger, T0 + 10 * D, 30, (e) => commits[e.to]);

  it("count the live releases per day of the window the ledger covers", () => {
    assert.equal(figures.deployments, 3);
    assert.equal(figures.perDay, 3 / 9, "the oldest release in the window started 9 days before now");
  });

  it("take the median lead time over each commit once, from its commit to its first live release's end", () => {
    // c1: 2 h + 60 s, c2: 1 h + 60 s, c3: 30 min + 1 h + 60 s.
    assert.equal(figures.commits, 3);
    assert.equal(figures.leadTimeMs, H + H / 2 + 60_000);
    assert.equal(figures.leadTimeUnknown, 1, "web's commits are not in this history");
  });

  it("count failed and aborted releases over the ended ones, unfinished apart", () => {
    assert.equal(figures.failures, 2);
    assert.equal(figures.finished, 5);
    assert.equal(figures.changeFailureRate, 2 / 5);
    assert.equal(figures.unfinished, 1);
  });

  it("time a restore to the next live release of the same service; one with none is still failing", () => {
    // The failure ended at 2 d + 30 s; the next live release of hello ended at 2 d + 1 h + 60 s.
    assert.equal(figures.timeToRestoreMs, H + 30_000);
    assert.equal(figures.restored, 1);
    assert.equal(figures.stillFailing, 1, "the aborted release of hello has no live one after it; web's does not count");
  });

  it("say nothing they cannot know", () => {
    const empty = doraFigures([], T0, 30, () => undefined);
    assert.equal(empty.changeFailureRate, undefined);
    assert.equal(empty.leadTimeMs, undefined);
    assert.equal(empty.timeToRestoreMs, undefined);
    assert.equal(empty.perDay, 0);
  });
});

describe("figures as people read them", () => {
  it("take a median of an even count as the mean of the middle two", () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), undefined);
  });

  it("say durations in the largest units that fit", () => {
    assert.deepEqual([42_000, 185_000, 2 * H + 13 * 60_000, 3 * D + 4 * H, 60 * 60_000].map(humanDuration), [
      "42 s",
      "3 min 5 s",
      "2 h 13 min",
      "3 d 4 h",
      "1 h",
    ]);
  });
});
