// A stack pointed at a namespace that was there before it (a team's shared one, holding another app): the release
// uses it without relabelling or adopting it, a second stack pointed at it is refused rather than take the first one's
// objects, and `env-rm` removes only the stack's own objects, leaving the namespace, its labels and the other app as
// they were.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, filesUnder, newStack, pulumiCli, type Sandbox, ship } from "./engine";
import { dropNamespace, Kube, kubectl, LAB_STACK, labStack } from "./kube";

const STACK = "it-shared-ns";
const NAMESPACE = "it-team-shared";

interface Labelled {
  metadata: { name: string; labels?: Record<string, string> };
}
interface List {
  items: Labelled[];
}

describe("a namespace the stack did not make", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  /** The namespace's labels, and the other app's objects, before the stack came. */
  let labelsBefore: Record<string, string> | undefined;
  const otherApp = async () =>
    [
      ...((await kube.get<List>(`/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=app.kubernetes.io/name=other`))?.items ?? []),
      ...((await kube.get<List>(`/api/v1/namespaces/${NAMESPACE}/services?labelSelector=app.kubernetes.io/name=other`))?.items ?? []),
    ].map((o) => o.metadata.name);
  const namespaceLabels = async () => (await kube.get<Labelled>(`/api/v1/namespaces/${NAMESPACE}`))?.metadata.labels;

  before(async () => {
    kube = new Kube();
    // A fresh sandbox and stack; labStack also deletes what an earlier run left of the namespace.
    ({ box, stack } = await labStack(STACK, NAMESPACE, { imageTag: "1.0.0", replicas: "2", namespace: NAMESPACE }, { repoUrl: false }));
    // The team's namespace, with its own label and another app (a ConfigMap and a Service: no pods needed).
    for (const args of [
      ["create", "namespace", NAMESPACE],
      ["label", "namespace", NAMESPACE, "team=payments"],
      ["-n", NAMESPACE, "create", "configmap", "other-config", "--from-literal=owner=payments"],
      ["-n", NAMESPACE, "label", "configmap", "other-config", "app.kubernetes.io/name=other"],
      ["-n", NAMESPACE, "create", "service", "clusterip", "other", "--tcp=80:8080"],
      ["-n", NAMESPACE, "label", "service", "other", "app.kubernetes.io/name=other"],
    ]) {
      const run = await kubectl(...args);
      assert.equal(run.code, 0, run.output);
    }
    labelsBefore = await namespaceLabels();
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("a release uses it as it is: not relabelled, not adopted, the other app untouched", async () => {
    await ship(box, STACK);
    const res = (await (await fetch(await kube.versionUrl(NAMESPACE), { signal: AbortSignal.timeout(5000) })).json()) as {
      version: string;
    };
    assert.equal(res.version, "1.0.0");
    assert.deepEqual(await namespaceLabels(), labelsBefore, "the namespace's labels");
    assert.equal((await stack.outputs()).namespaceOwner?.value, "existing");
    const state = JSON.stringify(await stack.exportStack());
    assert.doesNotMatch(state, /kubernetes:core\/v1:Namespace/, "the namespace is not in the stack's state");
    assert.deepEqual((await otherApp()).sort(), ["other", "other-config"]);
  });

  it("a second stack pointed at the same namespace is refused, naming the first, and writes nothing", async () => {
    const other = await newStack(box, `${STACK}-b`, { ...LAB_STACK, imageTag: "9.9.9", replicas: "2", namespace: NAMESPACE });
    const backend = () =>
      new Map(
        filesUnder(box.stateDir)
          .filter((f) => !f.includes(`${path.sep}locks${path.sep}`))
          .map((f) => [f, fs.readFileSync(path.join(box.stateDir, f), "utf8")]),
      );
    const before = backend();
    const up = await pulumiCli(box, ["up", "--yes", "--stack", other.name]);
    assert.notEqual(up.code, 0, up.output);
    assert.match(up.output, new RegExp(`Deployment ${NAMESPACE}/hello already exists and belongs to tagship stack ${STACK} `));
    assert.match(up.output, new RegExp(`Service ${NAMESPACE}/hello already exists and belongs to tagship stack ${STACK} `));
    assert.deepEqual(backend(), before, "the backend is byte-identical");
    const res = (await (await fetch(await kube.versionUrl(NAMESPACE), { signal: AbortSignal.timeout(5000) })).json()) as {
      version: string;
    };
    assert.equal(res.version, "1.0.0", "the first stack still serves its version");
    await pulumiCli(box, ["stack", "rm", "--yes", "--stack", other.name]);
  });

  it("env-rm removes the stack's objects only, and says what it leaves", async () => {
    const run = await cliCommand(box, "env-rm", [STACK, "--yes"], 400_000);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, new RegExp(`removed from namespace ${NAMESPACE}: Deployment/hello, Service/hello`));
    assert.match(
      run.output,
      new RegExp(`left namespace ${NAMESPACE}, its labels and everything else in it: it was there before the stack`),
    );
    assert.deepEqual(await namespaceLabels(), labelsBefore, "the namespace and its labels stay");
    assert.deepEqual((await otherApp()).sort(), ["other", "other-config"], "the other app stays");
    for (const kind of ["apps/v1/namespaces/NS/deployments", "v1/namespaces/NS/services", "v1/namespaces/NS/configmaps"]) {
      const prefix = kind.startsWith("apps") ? "/apis/" : "/api/";
      const left = await kube.get<List>(
        `${prefix}${kind.replace("NS", NAMESPACE)}?labelSelector=app.kubernetes.io/instance=${STACK},app.kubernetes.io/managed-by=tagship`,
      );
      assert.deepEqual(left?.items.map((o) => o.metadata.name) ?? [], [], `nothing of the stack's left: ${kind}`);
    }
  });
});
