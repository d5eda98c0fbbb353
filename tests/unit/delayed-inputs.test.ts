// Values that arrive as Outputs are validated too: a bad one fails the resources that consume it, with the
// same message a plain value gets, and never reaches the cluster.
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ArgoApplication } from "../../components/argocd";
import { Image } from "../../components/image";
import { Workload } from "../../components/workload";
import { collectLateFailures, fakeDigest, findAll, settle, useMocks } from "./harness";

describe("delayed inputs", () => {
  let late: { readonly errors: readonly string[] };
  before(() => {
    late = collectLateFailures();
  });
  beforeEach(() => useMocks());

  it("a Workload image that resolves to a bare tag registers no Deployment", async () => {
    new Workload("hello", {
      namespace: "hello-dev",
      image: pulumi.output("127.0.0.1:5000/tagship/hello:0.2.1"),
      version: "0.2.1",
      probes: { readiness: { path: "/readyz" } },
    });
    await settle();
    assert.equal(findAll("kubernetes:apps/v1:Deployment").length, 0);
    assert.ok(
      late.errors.some((e) =>
        /WorkloadArgs\.image = "127\.0\.0\.1:5000\/tagship\/hello:0\.2\.1": allowed an immutable image reference/.test(e),
      ),
      late.errors.join("\n"),
    );
  });

  it("a Workload namespace that resolves to an invalid name registers nothing in it", async () => {
    new Workload("hello", {
      namespace: pulumi.output("Hello_Dev"),
      image: `r.io/a/b@${fakeDigest("1")}`,
      version: "1",
      probes: { readiness: { path: "/readyz" } },
    });
    await settle();
    assert.equal(findAll("kubernetes:core/v1:Namespace").length, 0);
    assert.ok(late.errors.some((e) => /WorkloadArgs\.namespace = "Hello_Dev": allowed a DNS label/.test(e)));
  });

  it("an Image tag that resolves to an invalid tag builds nothing", async () => {
    new Image("hello", { context: "app", registry: "127.0.0.1:5000", repository: "tagship/hello", tag: pulumi.output(".bad tag") });
    await settle();
    assert.equal(findAll("docker-build:index:Image").length, 0);
    assert.ok(late.errors.some((e) => /ImageArgs\.tag = "\.bad tag": allowed an OCI tag/.test(e)));
  });

  it("an Application repo URL that resolves to garbage registers no Application", async () => {
    new ArgoApplication("hello-prod", { repoUrl: pulumi.output("not a url"), path: "deploy/prod", destinationNamespace: "hello-prod" });
    await settle();
    assert.equal(findAll("kubernetes:argoproj.io/v1alpha1:Application").length, 0);
    assert.ok(late.errors.some((e) => /ArgoApplicationArgs\.repoUrl = "not a url": allowed a git URL/.test(e)));
  });
});
