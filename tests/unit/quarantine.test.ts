// A quarantined digest that only the update can see: a build that comes out as the image of an aborted release. The
// command hands the program the stack's quarantined digests through the environment; the program refuses to run one.
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { quarantineRefusals } from "../../cli/ledger/lookup";
import type { LedgerEntry } from "../../cli/ledger/entry";
import { digestOf } from "../../components/image/reference";
import { quarantinedDigests } from "../../config";
import { QUARANTINE_VARIABLE } from "../../gitops/protocol";
import { release } from "../../release";
import { parseSettings } from "../../settings/parse";
import { collectLateFailures, fakeDigest, findAll, settle, useMocks, valueOf } from "./harness";
import { configSource, stackConfig } from "./stack-config";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const settings = () => parseSettings(configSource("dev", stackConfig("dev")));

function entry(e: Partial<LedgerEntry>): LedgerEntry {
  return {
    release: "r",
    kind: "ship",
    outcome: "live",
    service: "hello",
    tag: "1.0.0",
    digest: "",
    from: "",
    to: "",
    dirty: false,
    who: "me",
    start: 0,
    end: 0,
    reason: "",
    ...e,
  };
}

describe("quarantineRefusals", () => {
  it("names every digest whose newest verdict is an abort, with the refusal ship gives", () => {
    const ledger = [
      entry({ digest: fakeDigest("b"), outcome: "aborted", tag: "1.3.0", end: 300, reason: "5xx share 20%" }),
      entry({ digest: fakeDigest("a"), outcome: "live", end: 200 }),
      entry({ digest: fakeDigest("a"), outcome: "aborted", end: 100 }),
      entry({ digest: fakeDigest("c"), outcome: "failed", end: 50 }),
    ];
    const refusals = quarantineRefusals("dev", ledger);
    assert.deepEqual(Object.keys(refusals), [fakeDigest("b")]);
    assert.match(
      refusals[fakeDigest("b")] ?? "",
      new RegExp(
        `^${fakeDigest("b")} \\(1\\.3\\.0 of hello\\) is quarantined: its release on stack dev was aborted at .*5xx share 20%.*--force`,
      ),
    );
    assert.deepEqual(quarantineRefusals("dev", []), {});
  });
});

describe("quarantinedDigests (the program's side)", () => {
  it("is empty for a plain `pulumi up`, and the command's map otherwise", () => {
    assert.equal(quarantinedDigests({}).size, 0);
    assert.equal(quarantinedDigests({ [QUARANTINE_VARIABLE]: "" }).size, 0);
    const map = quarantinedDigests({ [QUARANTINE_VARIABLE]: JSON.stringify({ [fakeDigest("b")]: "refused" }) });
    assert.deepEqual([...map], [[fakeDigest("b"), "refused"]]);
  });

  it("refuses anything else, naming the variable and what is allowed", () => {
    for (const bad of ["[]", "not json", JSON.stringify({ "sha256:abc": "x" }), JSON.stringify({ [fakeDigest("b")]: 1 })]) {
      assert.throws(
        () => quarantinedDigests({ [QUARANTINE_VARIABLE]: bad }),
        new RegExp(`${QUARANTINE_VARIABLE} = .*: allowed a JSON object from digests`),
        bad,
      );
    }
  });
});

describe("a release whose build comes out quarantined", () => {
  let late: { readonly errors: readonly string[] };
  before(() => {
    late = collectLateFailures();
  });
  beforeEach(() => useMocks());

  it("registers no Deployment and fails naming the refusal; another digest's quarantine changes nothing", async () => {
    const built = digestOf(await valueOf(release(settings()).imageRef ?? ""));
    await settle();
    assert.match(built, /^sha256:[0-9a-f]{64}$/);
    assert.equal(findAll(DEPLOYMENT).length, 1);

    await useMocks();
    const other = release(settings(), "stack", { quarantined: new Map([[fakeDigest("elsewhere"), "refused"]]) });
    await valueOf(other.deploymentName);
    await settle();
    assert.equal(findAll(DEPLOYMENT).length, 1, "a digest not quarantined is released");

    await useMocks();
    release(settings(), "stack", { quarantined: new Map([[built, `${built} is quarantined: its release was aborted`]]) });
    await settle();
    assert.equal(findAll("docker-build:index:Image").length, 1, "the build ran: only it knows the digest");
    assert.equal(findAll(DEPLOYMENT).length, 0, "no workload runs the quarantined digest");
    const pattern = new RegExp(`service hello: its image .*@${built}: ${built} is quarantined: its release was aborted$`);
    assert.ok(
      late.errors.some((e) => pattern.test(e)),
      late.errors.join("\n"),
    );
  });
});
