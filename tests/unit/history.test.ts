import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { goodReleases, recordGoodRelease } from "../../cli/release/history";

/** A stack whose tags live in a map, counting the writes (each is a run of the CLI for real). */
function fakeStack(tags: Record<string, string> = {}) {
  const writes: string[] = [];
  const workspace = {
    listTags: () => Promise.resolve({ ...tags }),
    setTag: (_: string, key: string, value: string) => {
      writes.push(`set ${key}`);
      tags[key] = value;
      return Promise.resolve();
    },
    removeTag: (_: string, key: string) => {
      writes.push(`rm ${key}`);
      delete tags[key];
      return Promise.resolve();
    },
  };
  return { stack: { name: "dev", workspace } as unknown as Stack, tags, writes };
}

const release = (n: number) => ({
  imageRef: `r/app@sha256:${n}`,
  tag: `1.0.${n}`,
  at: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
});

/** The only service of a stack. */
const HELLO = { name: "hello", only: true };

describe("good releases", () => {
  it("keep the newest five, newest first, with one write per release once full", async () => {
    const { stack, writes } = fakeStack({ "other:tag": "kept" });
    for (let n = 1; n <= 7; n++) await recordGoodRelease(stack, HELLO, release(n));
    assert.deepEqual(
      (await goodReleases(stack, HELLO)).map((r) => r.tag),
      ["1.0.7", "1.0.6", "1.0.5", "1.0.4", "1.0.3"],
    );
    // Releases 6 and 7: one tag set, the oldest one removed.
    const key = (n: number) => new RegExp(`^tagship:good\\.[0-9a-f]{8}\\.${Date.parse(release(n).at)}$`);
    const last = writes.slice(-4);
    assert.deepEqual(
      last.map((w) => w.split(" ")[0]),
      ["set", "rm", "set", "rm"],
    );
    [6, 1, 7, 2].forEach((n, i) => assert.match(last[i]?.split(" ")[1] ?? "", key(n)));
  });

  it("fit Pulumi Cloud's 40 characters of a tag's name whatever the service's name, and still read older tags", async () => {
    const { stack, tags } = fakeStack({
      // Written before: the service named in the key.
      [`tagship:good.hello.${Date.parse(release(1).at)}`]: `${release(1).imageRef} ${release(1).tag} ${release(1).at}`,
    });
    const long = { name: "a-service-name-of-forty-characters-xxxxx", only: false };
    assert.equal(long.name.length, 40);
    await recordGoodRelease(stack, long, release(2));
    await recordGoodRelease(stack, HELLO, release(3));
    for (const k of Object.keys(tags)) assert.ok(k.length <= 40, `${k}: ${k.length} characters`);
    assert.deepEqual(
      (await goodReleases(stack, long)).map((r) => r.tag),
      ["1.0.2"],
    );
    assert.deepEqual(
      (await goodReleases(stack, HELLO)).map((r) => r.tag),
      ["1.0.3", "1.0.1"],
    );
  });

  it("record the newest release once, and a release again as the newest, not twice", async () => {
    const { stack, writes, tags } = fakeStack();
    await recordGoodRelease(stack, HELLO, release(1));
    await recordGoodRelease(stack, HELLO, release(2));
    const before = writes.length;
    await recordGoodRelease(stack, HELLO, { ...release(2), at: release(3).at });
    assert.equal(writes.length, before, "the newest again writes nothing");
    await recordGoodRelease(stack, HELLO, { ...release(1), at: release(4).at });
    assert.deepEqual(
      (await goodReleases(stack, HELLO)).map((r) => [r.tag, r.at]),
      [
        ["1.0.1", release(4).at],
        ["1.0.2", release(2).at],
      ],
    );
    assert.equal(Object.keys(tags).length, 2);
  });

  it("read the earlier numbered tags (tagship:good.0 newest) by their times", async () => {
    const { stack } = fakeStack({
      "tagship:good.0": `${release(2).imageRef} ${release(2).tag} ${release(2).at}`,
      "tagship:good.1": `${release(1).imageRef} ${release(1).tag} ${release(1).at}`,
      "tagship:good.2": "not a release",
    });
    await recordGoodRelease(stack, HELLO, release(3));
    assert.deepEqual(
      (await goodReleases(stack, HELLO)).map((r) => r.tag),
      ["1.0.3", "1.0.2", "1.0.1"],
    );
  });

  it("are kept per service; the tags from before services belong to the stack's only service", async () => {
    const { stack } = fakeStack({
      [`tagship:good.${Date.parse(release(1).at)}`]: `${release(1).imageRef} ${release(1).tag} ${release(1).at}`,
    });
    await recordGoodRelease(stack, HELLO, release(2));
    await recordGoodRelease(stack, { name: "api", only: false }, release(3));
    assert.deepEqual(
      (await goodReleases(stack, HELLO)).map((r) => r.tag),
      ["1.0.2", "1.0.1"],
    );
    assert.deepEqual(
      (await goodReleases(stack, { name: "api", only: false })).map((r) => r.tag),
      ["1.0.3"],
    );
    // Once the stack has several services, the old untagged entries belong to none of them.
    assert.deepEqual(
      (await goodReleases(stack, { name: "hello", only: false })).map((r) => r.tag),
      ["1.0.2"],
    );
  });
});
