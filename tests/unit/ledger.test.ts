import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { decodeEntry, encodeEntry, MAX_REASON_CHARS, type LedgerEntry } from "../../cli/ledger/entry";
import { builtFrom, quarantineOf, quarantineRefusals, refuseQuarantined } from "../../cli/ledger/lookup";
import { releasedServices, type Ending } from "../../cli/ledger/record";
import { finishRelease, KEEP, ledgerFromTags, readLedger, releaseId, startRelease } from "../../cli/ledger/store";

/** A stack whose tags live in a map, refusing a value over 256 characters as Pulumi does. */
function fakeStack(tags: Record<string, string> = {}) {
  const workspace = {
    listTags: () => Promise.resolve({ ...tags }),
    setTag: (_: string, key: string, value: string) => {
      if (Buffer.byteLength(value) > 256)
        return Promise.reject(new Error(`stack tag "${key}" value is too long (max length 256 characters)`));
      if (key.length > 40) return Promise.reject(new Error(`stack tag "${key}" is too long (max length 40 characters)`));
      tags[key] = value;
      return Promise.resolve();
    },
    removeTag: (_: string, key: string) => {
      delete tags[key];
      return Promise.resolve();
    },
  };
  return { stack: { name: "dev", workspace } as unknown as Stack, tags };
}

const DIGEST = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
const SHA = (n: number) => String(n).padStart(40, "a");

function entry(over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    release: "abc",
    kind: "ship",
    outcome: "live",
    service: "hello",
    tag: "1.0.0",
    digest: DIGEST(1),
    from: SHA(1),
    to: SHA(2),
    dirty: false,
    who: "alice@example.com",
    start: Date.UTC(2026, 11, 1, 6, 0, 0),
    end: Date.UTC(2026, 11, 1, 6, 0, 31),
    reason: "",
    ...over,
  };
}

describe("ledger entries", () => {
  it("read back what was written, and a damaged or foreign text as nothing", () => {
    const e = entry({ outcome: "aborted", reason: "success rate 80.0% < 95%\nsecond line", who: "zoë" });
    const back = decodeEntry("abc", encodeEntry(e));
    assert.deepEqual(back, { ...e, reason: "success rate 80.0% < 95%" });
    assert.equal(decodeEntry("abc", encodeEntry(entry({ reason: "x".repeat(500), outcome: "failed" })))?.reason.length, MAX_REASON_CHARS);
    assert.equal(decodeEntry("abc", "not json"), undefined);
    assert.equal(decodeEntry("abc", JSON.stringify([2, "ship"])), undefined, "a later format");
    assert.equal(decodeEntry("abc", encodeEntry(e).replace('"aborted"', '"exploded"')), undefined);
  });
});

describe("the ledger in the stack's tags", () => {
  it("keeps an entry over 256 characters in several tags, each within Pulumi's limits, and reads it whole", async () => {
    const { stack, tags } = fakeStack({ "pulumi:project": "tagship" });
    const id = releaseId(Date.UTC(2026, 11, 1));
    const long = entry({ release: id, service: "payments-api-worker", tag: `1.0.0-${"rc".repeat(50)}`, who: "ünïcode@example.com" });
    await startRelease(stack, { release: id, kind: "ship", who: long.who, start: long.start });
    assert.equal((await readLedger(stack))[0]?.outcome, "unfinished", "a started release reads as unfinished");
    await finishRelease(stack, id, [long, entry({ release: id, service: "web" })]);
    const keys = Object.keys(tags).filter((k) => k.startsWith("tagship:"));
    assert.ok(
      keys.some((k) => /-1$/.test(k)),
      `the long entry continues in a second tag: ${keys.join(", ")}`,
    );
    assert.ok(!keys.some((k) => k.startsWith("tagship:run.")), "the marker is gone");
    const read = await readLedger(stack);
    assert.deepEqual(
      read.map((e) => [e.service, e.tag, e.who]),
      [
        ["payments-api-worker", long.tag, long.who],
        ["web", "1.0.0", "alice@example.com"],
      ],
    );
  });

  it("leaves out an entry missing a part, and reads the others", () => {
    const full = encodeEntry(entry({ tag: "x".repeat(300) }));
    const tags = {
      "tagship:rel.aaa.0": full.slice(0, 256),
      "tagship:rel.aaa.0-2": full.slice(512),
      "tagship:rel.bbb.0": encodeEntry(entry({ tag: "2.0.0", start: 5 })),
    };
    assert.deepEqual(
      ledgerFromTags(tags).map((e) => e.tag),
      ["2.0.0"],
    );
  });

  it("lists newest first and keeps the newest KEEP releases", async () => {
    const { stack, tags } = fakeStack();
    const t0 = Date.UTC(2026, 0, 1);
    for (let n = 0; n < KEEP + 3; n++) {
      const id = `${(t0 + n * 1000).toString(36)}00`;
      tags[`tagship:rel.${id}.0`] = encodeEntry(entry({ start: t0 + n * 1000, end: t0 + n * 1000 + 10, tag: `1.0.${n}` }));
    }
    const id = releaseId(t0 + (KEEP + 3) * 1000);
    await finishRelease(stack, id, [entry({ release: id, start: t0 + (KEEP + 3) * 1000, tag: "newest" })]);
    const read = await readLedger(stack);
    assert.equal(read.length, KEEP);
    assert.deepEqual(
      read.slice(0, 2).map((e) => e.tag),
      ["newest", `1.0.${KEEP + 2}`],
    );
    assert.equal(read.at(-1)?.tag, "1.0.4", "the four oldest are gone");
  });
});

describe("what a release records", () => {
  const before = {
    services: { api: { imageRef: `r/api@${DIGEST(1)}`, imageTag: "1.0.0" }, web: { imageRef: `r/web@${DIGEST(2)}`, imageTag: "2.0.0" } },
  };
  const ending = (over: Partial<Ending>): Ending =>
    ({ outcome: "live", reason: "", before, after: before, config: {}, pins: [], changedResources: true, ...over }) as unknown as Ending;

  it("once live: the services whose image or version changed", () => {
    const after = { services: { ...before.services, web: { imageRef: `r/web@${DIGEST(3)}`, imageTag: "2.1.0" } } };
    assert.deepEqual(releasedServices(ending({ after: after as unknown as Ending["after"] })), [
      { service: "web", tag: "2.1.0", digest: DIGEST(3) },
    ]);
  });

  it("once live: the services pinned, even when they ran that image already (a rollback after a failed release)", () => {
    const pins = [{ service: "api", imageRef: before.services.api.imageRef, tag: "1.0.0", commit: SHA(3) }];
    assert.deepEqual(releasedServices(ending({ pins })), [{ service: "api", tag: "1.0.0", digest: DIGEST(1), commit: SHA(3) }]);
  });

  it("once live with no new image: the config, when the engine changed anything, else nothing", () => {
    assert.deepEqual(releasedServices(ending({})), [{ service: "", tag: "", digest: "" }]);
    assert.deepEqual(releasedServices(ending({ changedResources: false })), []);
  });

  it("failed: the services configured with another version than they ran, or those pinned with their commits", () => {
    const config = {
      "tagship:imageTag": { value: "1.0.0", secret: false },
      "tagship:services": { value: JSON.stringify({ api: {}, web: { imageTag: "2.2.0" } }), secret: false },
    };
    assert.deepEqual(releasedServices(ending({ outcome: "failed", after: undefined, config })), [
      { service: "web", tag: "2.2.0", digest: "" },
    ]);
    const pins = [{ service: "api", imageRef: `r/api@${DIGEST(9)}`, tag: "0.9.0", commit: SHA(9) }];
    assert.deepEqual(releasedServices(ending({ outcome: "failed", after: undefined, config, pins })), [
      { service: "api", tag: "0.9.0", digest: DIGEST(9), commit: SHA(9) },
    ]);
    const unchanged = { "tagship:imageTag": { value: "1.0.0", secret: false }, "tagship:services": config["tagship:services"] };
    const sameTags = {
      ...unchanged,
      "tagship:services": { value: JSON.stringify({ api: {}, web: { imageTag: "2.0.0" } }), secret: false },
    };
    assert.deepEqual(releasedServices(ending({ outcome: "failed", after: undefined, config: sameTags })), [
      { service: "", tag: "", digest: "" },
    ]);
  });
});

describe("a digest in the ledger", () => {
  const ledger = [
    entry({ digest: DIGEST(2), outcome: "aborted", end: 300, reason: "success rate 80%", to: SHA(5) }),
    entry({ digest: DIGEST(3), outcome: "live", end: 200 }),
    entry({ digest: DIGEST(3), outcome: "aborted", end: 100 }),
    entry({ digest: DIGEST(1), outcome: "failed", end: 50, to: SHA(4) }),
  ];

  it("is quarantined while its newest release was aborted; one that went live since is not", () => {
    assert.equal(quarantineOf(ledger, DIGEST(2))?.reason, "success rate 80%");
    assert.equal(quarantineOf(ledger, DIGEST(3)), undefined);
    assert.equal(quarantineOf(ledger, DIGEST(1)), undefined, "a failed rollout is not a verdict on the image");
    assert.throws(
      () =>
        refuseQuarantined(DIGEST(2), [
          ["staging", []],
          ["dev", ledger],
        ]),
      (e: Error) => {
        assert.match(e.message, new RegExp(`${DIGEST(2)} \\(1\\.0\\.0 of hello\\) is quarantined: its release on stack dev was aborted`));
        assert.match(e.message, /success rate 80%.*--force/);
        return true;
      },
    );
    assert.doesNotThrow(() => refuseQuarantined(DIGEST(3), [["dev", ledger]]));
  });

  it("is among the stack's refusals, with the refusal ship gives, only while quarantined", () => {
    const refusals = quarantineRefusals("dev", ledger);
    assert.deepEqual(Object.keys(refusals), [DIGEST(2)]);
    assert.match(
      refusals[DIGEST(2)] ?? "",
      new RegExp(
        `^${DIGEST(2)} \\(1\\.0\\.0 of hello\\) is quarantined: its release on stack dev was aborted at .*success rate 80%.*--force`,
      ),
    );
    assert.deepEqual(quarantineRefusals("dev", []), {});
  });

  it("names the commit it was built from", () => {
    assert.equal(builtFrom(ledger, DIGEST(1)), SHA(4));
    assert.equal(builtFrom(ledger, DIGEST(7)), undefined);
    assert.equal(builtFrom(ledger, ""), undefined);
  });
});
