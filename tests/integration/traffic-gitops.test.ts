// An autoscaled service released through git and the lab's Argo CD, behind the lab's ingress: sustained load makes
// the autoscaler scale it out from 2 to at least 4 pods, and a release under that load keeps the autoscaler's
// count (the rendered Deployment has no replicas for Argo CD to sync back), with 0 failed requests through the
// ingress and the Application Synced throughout.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, filesUnder, type Sandbox, renderedDir } from "./engine";
import { dropNamespace, Kube, LAB_INGRESS, labStack, pollUntil } from "./kube";
import { loadLoop } from "./load";
import { autoscaler, deploymentReplicas, SCALING_LOAD, versionsAfter, versionsNow } from "./traffic";

const STACK = "it-traffic-gitops";
const NAMESPACE = `hello-${STACK}`;
const HOST = `${STACK}.lab.test`;

describe("an autoscaled service in gitops mode, behind the ingress", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  const hpa = () => autoscaler(kube, NAMESPACE, "hello");
  const replicas = () => deploymentReplicas(kube, NAMESPACE, "hello");
  const application = () => kube.applicationStatus(NAMESPACE);
  async function ship(): Promise<string> {
    const run = await cliCommand(box, "ship", ["--stack", STACK, "--timeout", "240"], 420_000);
    assert.equal(run.code, 0, run.output);
    return run.output;
  }

  before(async () => {
    kube = new Kube();
    ({ box, stack } = await labStack(STACK, NAMESPACE, {
      deliveryMode: "gitops",
      imageTag: "1.0.0",
      progressDeadlineSeconds: "30",
      cpuRequest: "50m",
      cpuLimit: "100m",
      autoscaling: JSON.stringify({ minReplicas: 2, maxReplicas: 5, cpuUtilization: 50, scaleDownStabilizationSeconds: 30 }),
      ingress: JSON.stringify({ host: HOST }),
    }));
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("first release: the rendered Deployment has no replicas, the Ingress routes through the default class", async () => {
    assert.match(await ship(), /Synced at [0-9a-f]{12} and Healthy/);
    const dir = renderedDir(box, STACK);
    const rendered = filesUnder(dir);
    const deployment = rendered.find((f) => /deployment/i.test(path.basename(f)));
    assert.ok(deployment, rendered.join(" "));
    assert.doesNotMatch(fs.readFileSync(path.join(dir, deployment), "utf8"), /^\s*replicas:/m);
    assert.ok(
      rendered.some((f) => /horizontalpodautoscaler/i.test(path.basename(f))),
      rendered.join(" "),
    );
    assert.deepEqual(await versionsNow(`${LAB_INGRESS.url}/version`, HOST), ["1.0.0"]);
    await pollUntil(replicas, (n) => n === 2, 60_000, 2000);
  });

  it("scaled out from 2 to at least 4 by load, a release keeps the autoscaler's count: 0 failed, Argo CD Synced", async () => {
    let stop = false;
    const busy = loadLoop({ ...SCALING_LOAD, url: `${LAB_INGRESS.url}${SCALING_LOAD.path}`, host: HOST, until: () => stop });
    try {
      const out = await pollUntil(hpa, (h) => h.current >= 4, 240_000, 2000);
      assert.ok(out.current >= 4, `the autoscaler scaled out to ${out.current} only: ${JSON.stringify(out)}`);
      await stack.setConfig("tagship:imageTag", { value: "2.0.0" });
      const output = await ship();
      assert.match(output, /Synced at [0-9a-f]{12} and Healthy/);
      const after = await hpa();
      assert.ok(after.current >= 4, `after the release: ${JSON.stringify(after)}`);
      assert.equal(await replicas(), after.desired, "the Deployment runs the autoscaler's count");
      const app = await application();
      assert.equal(app?.sync?.status, "Synced", JSON.stringify(app));
      assert.equal(app?.health?.status, "Healthy", JSON.stringify(app));
    } finally {
      stop = true;
    }
    const load = await busy;
    console.log(`gitops release while scaled out: ${load.requests} requests, ${load.failures} failed, ${JSON.stringify(load.versions)}`);
    assert.ok(load.requests >= 2000, `${load.requests} requests`);
    assert.equal(load.failures, 0, load.failureSamples.join("\n"));
    assert.ok((load.versions["1.0.0"] ?? 0) > 0 && (load.versions["2.0.0"] ?? 0) > 0, JSON.stringify(load.versions));
    assert.deepEqual(await versionsAfter(kube, NAMESPACE, "2.0.0", `${LAB_INGRESS.url}/version`, HOST), ["2.0.0"]);
    // Still Synced with the autoscaler's count live: nothing in git claims replicas.
    assert.equal((await application())?.sync?.status, "Synced");
  });
});
