import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { series, timelineSvg, type Sample } from "../../cli/release/timeline";

// A rollout of 2 replicas with maxSurge 1: old hash "a", new hash "b".
const ROLLOUT: Sample[] = [
  { t: 0, ready: { a: 2 } },
  { t: 4, ready: { a: 2, b: 1 } },
  { t: 5, ready: { a: 1, b: 1 } },
  { t: 9, ready: { a: 1, b: 2 } },
  { t: 10, ready: { b: 2 } },
];

describe("rollout picture", () => {
  it("splits ready pods into the old and the new version, the new being what serves at the end", () => {
    assert.deepEqual(
      series(ROLLOUT).map((p) => [p.t, p.old, p.new]),
      [
        [0, 2, 0],
        [4, 2, 1],
        [5, 1, 1],
        [9, 1, 2],
        [10, 0, 2],
      ],
    );
    // A release rolled back: the old version is the one serving at the end, so it counts as "new".
    assert.deepEqual(
      series([
        { t: 0, ready: { a: 2 } },
        { t: 3, ready: { a: 2, b: 0 } },
      ]).at(-1),
      { t: 3, old: 0, new: 2 },
    );
  });

  it("draws both series as step lines over the release's seconds, with the title escaped", () => {
    const svg = timelineSvg(ROLLOUT, "release of dev: live, version <2.0.0> & more", 2);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /release of dev: live, version &lt;2\.0\.0&gt; &amp; more/);
    const points = (cls: string) => new RegExp(`<polyline class="${cls}"[^>]* points="([^"]+)"`).exec(svg)?.[1]?.split(" ") ?? [];
    // 5 samples: the first point, then a horizontal and a vertical point for each later one.
    assert.equal(points("old").length, 9);
    assert.equal(points("new").length, 9);
    // The old line ends on the axis (0 ready), the new one on the replicas line.
    const yOf = (p?: string) => Number(p?.split(",")[1]);
    assert.equal(yOf(points("old").at(-1)), 260);
    const replicasLine = Number(/<line x1="\d+" y1="([\d.]+)"[^>]*stroke-dasharray/.exec(svg)?.[1]);
    assert.equal(yOf(points("new").at(-1)), replicasLine);
    assert.notEqual(replicasLine, 260);
    assert.match(svg, /10 s<\/text>/);
  });
});
