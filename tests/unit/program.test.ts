// The program as the engine runs it: index.ts reads the stack's config (here the dev stack's files, as the
// CLI would hand them over) and declares the release.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { find, settle, useMocks, valueOf } from "./harness";
import { stackConfig } from "./stack-config";

describe("index.ts", () => {
  it("declares the dev stack's release from its config and exports the digest reference", async () => {
    await useMocks("dev");
    // The dev stack names the lab's kubeconfig, which exists only once the lab is up; unit tests need no lab.
    const kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tagship-unit-")), "kubeconfig");
    fs.writeFileSync(kubeconfig, "");
    pulumi.runtime.setAllConfig({ ...stackConfig("dev"), "tagship:kubeconfig": kubeconfig });
    const program = (await import("../../index.js")).default as {
      imageRef: pulumi.Output<string>;
      namespace: pulumi.Output<string>;
      deliveryMode: string;
      services: Record<string, { imageRef: pulumi.Output<string> }>;
    };
    const ref = await valueOf(program.imageRef);
    await settle();
    assert.match(ref, /^127\.0\.0\.1:5000\/tagship\/hello@sha256:[a-f0-9]{64}$/);
    assert.equal(await valueOf(program.namespace), "hello-dev");
    assert.equal(program.deliveryMode, "direct");
    // The stack's only service, hello, is also under services, as every service of a stack with several is.
    assert.deepEqual(Object.keys(program.services), ["hello"]);
    assert.equal(await valueOf(program.services.hello?.imageRef ?? ""), ref);
    assert.equal(find("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].image, ref);
    // Direct mode waits for the rollout and has no Application and renders nothing: those outputs are
    // absent, not undefined.
    assert.deepEqual(Object.keys(program).sort(), [
      "cluster",
      "deliveryMode",
      "deploymentName",
      "imageRef",
      "imageTag",
      "namespace",
      "rollout",
      "serviceName",
      "services",
    ]);
  });
});
