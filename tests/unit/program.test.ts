// The program as the engine runs it: index.ts reads the stack's config (here the dev stack's files, as the
// CLI would hand them over), reads from the cluster whether its namespace exists, and declares the release. The
// cluster is a stand-in API server on loopback that answers the one read the program makes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { find, findAll, settle, useMocks, valueOf } from "./harness";
import { stackConfig } from "./stack-config";
import { standInCluster, type StandInCluster } from "./stand-in-cluster";

type Program = {
  imageRef: pulumi.Output<string>;
  namespace: pulumi.Output<string>;
  namespaceOwner: string;
  deliveryMode: string;
  services: Record<string, { imageRef: pulumi.Output<string> }>;
};

describe("index.ts", () => {
  /** The labels of namespace hello-dev on the stand-in cluster; undefined: it does not exist. */
  let labels: Record<string, string> | undefined;
  /** Other objects on the stand-in cluster, by API path. */
  let objects: Record<string, unknown> = {};
  let cluster: StandInCluster;

  before(async () => {
    cluster = await standInCluster((url) =>
      url === "/api/v1/namespaces/hello-dev" && labels !== undefined
        ? { apiVersion: "v1", kind: "Namespace", metadata: { name: "hello-dev", labels } }
        : (objects[url] as object | undefined),
    );
  });
  after(() => cluster.close());

  /** index.ts run afresh (a module runs once per load) against the stand-in cluster. */
  async function runProgram(): Promise<Program> {
    await useMocks("dev");
    pulumi.runtime.setAllConfig({ ...stackConfig("dev"), "tagship:kubeconfig": cluster.kubeconfig });
    const file = require.resolve("../../index.ts");
    delete require.cache[file];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load of the CommonJS program
    const program = await (require(file) as Promise<Program>);
    await valueOf(program.imageRef);
    await settle();
    return program;
  }

  it("declares the dev stack's release from its config and exports the digest reference", async () => {
    labels = undefined;
    const program = await runProgram();
    const ref = await valueOf(program.imageRef);
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
      "namespaceOwner",
      "rollout",
      "serviceName",
      "services",
    ]);
  });

  it("creates its namespace when the cluster has none, and keeps declaring the one it made", async () => {
    for (const live of [
      undefined,
      { "app.kubernetes.io/managed-by": "tagship", "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "dev" },
    ]) {
      labels = live;
      cluster.requests.length = 0;
      const program = await runProgram();
      assert.deepEqual(cluster.requests, [
        "GET /api/v1/namespaces/hello-dev",
        "GET /apis/apps/v1/namespaces/hello-dev/deployments/hello",
        "GET /api/v1/namespaces/hello-dev/services/hello",
      ]);
      assert.equal(program.namespaceOwner, "stack");
      const ns = find("kubernetes:core/v1:Namespace");
      assert.equal(ns.inputs.metadata.name, "hello-dev");
      assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    }
  });

  it("refuses objects of its names that another stack or another tool made, naming the owner, before declaring anything", async () => {
    labels = { team: "payments" };
    objects = {
      "/apis/apps/v1/namespaces/hello-dev/deployments/hello": {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "hello", labels: { "app.kubernetes.io/managed-by": "tagship", "app.kubernetes.io/instance": "staging" } },
      },
      "/api/v1/namespaces/hello-dev/services/hello": {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "hello", managedFields: [{ manager: "kubectl-create", operation: "Update" }] },
      },
    };
    try {
      await assert.rejects(runProgram(), (e: Error) => {
        assert.equal(e.constructor.name, "RunError");
        assert.match(e.message, /2 objects it would write belong to someone else, nothing was changed/);
        assert.match(e.message, /Deployment hello-dev\/hello already exists and belongs to tagship stack staging/);
        assert.match(
          e.message,
          /Service hello-dev\/hello already exists and belongs to something other than tagship \(written by kubectl-create\)/,
        );
        return true;
      });
      await settle();
      assert.deepEqual(findAll("kubernetes:apps/v1:Deployment"), []);
    } finally {
      objects = {};
    }
  });

  it("uses a namespace it finds as it is: nothing declares, labels or deletes it", async () => {
    // A team's shared namespace, or one another stack made.
    const found: Record<string, string>[] = [
      { team: "payments" },
      { "app.kubernetes.io/managed-by": "tagship", "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "staging" },
    ];
    for (const live of found) {
      labels = live;
      const program = await runProgram();
      assert.equal(program.namespaceOwner, "existing");
      assert.deepEqual(findAll("kubernetes:core/v1:Namespace"), []);
      assert.equal(await valueOf(program.namespace), "hello-dev");
      assert.equal(find("kubernetes:apps/v1:Deployment").inputs.metadata.namespace, "hello-dev");
    }
  });
});
