// A quarantined digest that only the update can see: a build that comes out as the image of an aborted release. The
// command hands the program the stack's quarantined digests through the environment (their refusals: ledger.test.ts);
// the program refuses to run one.
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { digestOf } from "../../components/image/reference";
import { quarantinedDigests } from "../../config";
import { QUARANTINE_VARIABLE } from "../../gitops/protocol";
import { release } from "../../release";
import { parseSettings } from "../../settings/parse";
import { collectLateFailures, fakeDigest, findAll, settle, useMocks, valueOf } from "./harness";
import { configSource, stackConfig } from "./stack-config";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const settings = () => parseSettings(configSource("dev", stackConfig("dev")));

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
