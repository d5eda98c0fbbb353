// Bad config through index.ts: the program stops with one clean error listing every problem, and registers
// nothing at all, so nothing already deployed can be touched.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { recorded, settle, useMocks } from "./harness";
import { stackConfig } from "./stack-config";

describe("index.ts with bad config", () => {
  it("throws a RunError naming each bad key and registers no resource", async () => {
    await useMocks("dev");
    pulumi.runtime.setAllConfig({
      ...stackConfig("dev"),
      // The dev stack's kubeconfig exists only while the lab is up; unit tests need no lab.
      "tagship:kubeconfig": "",
      "tagship:replicas": "0",
      "tagship:imageTag": "not a tag",
      "tagship:replcas": "2",
    });
    // The program is a promise: the config is read first, and bad config rejects it before the cluster is read.
    const program = ((await import("../../index.js")) as unknown as { default: Promise<unknown> }).default;
    await assert.rejects(program, (e: Error) => {
      // RunError: the CLI prints the message without a stack trace of the program.
      assert.equal(e.constructor.name, "RunError");
      assert.match(e.message, /3 problems found, nothing was changed/);
      assert.match(e.message, /tagship:replicas = 0/);
      assert.match(e.message, /tagship:imageTag = "not a tag"/);
      assert.match(
        e.message,
        /tagship:replcas = "2": allowed one of the keys declared in Pulumi\.yaml \(did you mean tagship:replicas\?\)/,
      );
      return true;
    });
    await settle();
    assert.equal(recorded.length, 0);
  });
});
