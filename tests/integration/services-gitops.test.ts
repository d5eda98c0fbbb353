// Several services in gitops mode, through `tagship ship` and the lab's Argo CD (web: app/; static: the Go binary
// with env and its own ServiceAccount; private: the same binary from the password-protected registry): one
// Application syncs every service's manifests (the AppProject allowing the ConfigMap and ServiceAccount one of them renders); a release
// of one, under load, leaves the other's pods alone; `rollback --service` returns one service to its previous
// good release and leaves the other where it is; `ship --service` releases one service alone.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, filesUnder, type Sandbox, renderedDir } from "./engine";
import { dropNamespace, Kube, labStack, type Pod } from "./kube";
import { loadLoop, once } from "./load";
import { addStaticService, configureThreeServices } from "./static-service";

const STACK = "it-services-gitops";
const NAMESPACE = `hello-${STACK}`;

interface LabelledPod extends Pod {
  metadata: Pod["metadata"] & { uid: string; labels: Record<string, string>; creationTimestamp: string };
}

describe("several services in gitops mode", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;

  const podsOf = async (name: string) =>
    (await kube.get<{ items: LabelledPod[] }>(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app.kubernetes.io/name%3D${name}`))!
      .items;
  // On a fresh connection, as a new client would: a release ends only once its old pods take none.
  const versionOf = async (name: string) => (await once(await kube.versionUrl(NAMESPACE, name))).version;
  const setPaths = (values: Record<string, string>) =>
    stack.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`tagship:${k}`, { value: v }])), true);
  async function tagship(...args: string[]): Promise<string> {
    const run = await cliCommand(box, args[0] ?? "", [...args.slice(1), "--timeout", "240"], 420_000);
    assert.equal(run.code, 0, run.output);
    return run.output;
  }

  before(async () => {
    kube = new Kube();
    ({ box, stack } = await labStack(STACK, NAMESPACE, { deliveryMode: "gitops", imageTag: "1.0.0", progressDeadlineSeconds: "30" }));
    addStaticService(box);
    await configureThreeServices(stack);
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("first release: one commit, one Application, the three services live", async () => {
    const output = await tagship("ship", "--stack", STACK);
    // One commit names every service and its version.
    const message = /"release it-services-gitops ([^"]*)"/.exec(output)?.[1] ?? "";
    assert.deepEqual(message.split(", ").sort(), ["private 1.0.0", "static 1.0.0", "web 1.0.0"], output);
    assert.match(output, /Synced at [0-9a-f]{12} and Healthy/);
    assert.deepEqual([await versionOf("web"), await versionOf("static"), await versionOf("private")], ["1.0.0", "1.0.0", "1.0.0"]);
    // Argo CD synced them: the AppProject allows the ConfigMap and ServiceAccount static renders.
    const rendered = filesUnder(renderedDir(box, STACK)).join(" ");
    assert.match(rendered, /configmap/i);
    assert.match(rendered, /serviceaccount/i);
  });

  it("a release of one service through git: 0 failed requests on both, the other keeps its pods", async () => {
    const staticPods = (await podsOf("static")).map((p) => p.metadata.uid).sort();
    await setPaths({ "services.web.imageTag": "1.1.0" });
    let done = false;
    const loads = Promise.all(
      ["web", "static"].map(async (name) =>
        loadLoop({ url: await kube.versionUrl(NAMESPACE, name), minRequests: 2000, maxSeconds: 300, workers: 3, until: () => done }),
      ),
    );
    try {
      await tagship("ship", "--stack", STACK);
    } finally {
      done = true;
    }
    const [web, stat] = await loads;
    assert.equal(web?.failures, 0, web?.failureSamples.join("; "));
    assert.equal(stat?.failures, 0, stat?.failureSamples.join("; "));
    assert.equal(await versionOf("web"), "1.1.0");
    assert.deepEqual((await podsOf("static")).map((p) => p.metadata.uid).sort(), staticPods);
    console.log(`gitops release of web 1.1.0: ${web?.requests} + ${stat?.requests} requests, 0 failed; static untouched`);
  });

  it("rollback --service web returns web to 1.0.0 by digest and leaves static as it is", async () => {
    const staticPods = (await podsOf("static")).map((p) => p.metadata.uid).sort();
    const refused = await cliCommand(box, "rollback", [STACK, "--timeout", "240"]);
    assert.equal(refused.code, 2, refused.output);
    assert.match(refused.output, /ships 3 services \([a-z, ]+\): name one with --service/);
    const output = await tagship("rollback", STACK, "--service", "web");
    assert.match(output, /rolled back: it-services-gitops\/web runs 1\.0\.0/);
    assert.equal(await versionOf("web"), "1.0.0");
    assert.deepEqual((await podsOf("static")).map((p) => p.metadata.uid).sort(), staticPods);
    const config = await stack.getAllConfig();
    assert.match(config["tagship:services"]?.value ?? "", /"imageRef":"127\.0\.0\.1:5000\/tagship\/web@sha256:/);
  });

  it("ship --service web releases web alone though static's config changed too; a plain ship then releases static", async () => {
    const staticPods = (await podsOf("static")).map((p) => p.metadata.uid).sort();
    await setPaths({ "services.web.imageTag": "1.2.0", "services.static.imageTag": "1.2.0" });
    // The rollback pinned web to a digest: back to building it.
    await stack.removeConfig("tagship:services.web.imageRef", true);
    const output = await tagship("ship", "--stack", STACK, "--service", "web");
    assert.match(output, /Synced at [0-9a-f]{12} and Healthy/);
    assert.equal(await versionOf("web"), "1.2.0");
    assert.equal(await versionOf("static"), "1.0.0");
    assert.deepEqual((await podsOf("static")).map((p) => p.metadata.uid).sort(), staticPods);
    await tagship("ship", "--stack", STACK);
    assert.equal(await versionOf("static"), "1.2.0");
  });

  it("a release of two through git: both roll out side by side, and the release ends when both are live", async () => {
    const before = new Set([...(await podsOf("web")), ...(await podsOf("private"))].map((p) => p.metadata.uid));
    await setPaths({ "services.web.imageTag": "1.3.0", "services.private.imageTag": "1.3.0" });
    await tagship("ship", "--stack", STACK);
    assert.deepEqual([await versionOf("web"), await versionOf("private")], ["1.3.0", "1.3.0"]);
    const created = async (name: string) =>
      (await podsOf(name)).filter((p) => !before.has(p.metadata.uid)).map((p) => Date.parse(p.metadata.creationTimestamp));
    const [web, priv] = [await created("web"), await created("private")];
    const overlap = Math.min(Math.max(...web), Math.max(...priv)) - Math.max(Math.min(...web), Math.min(...priv));
    assert.ok(overlap >= 0, `web's new pods at ${web.join(", ")}, private's at ${priv.join(", ")}: one rollout waited for the other`);
  });
});
