// The program run by the real engine: preview, up, a release of a new tag, bad config through the real CLI,
// and destroy. A render-only gitops stack needs no cluster: everything is rendered to files under deploy/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { exitCode } from "../../cli/engine/workspace";
import { filesUnder, newStack, pinnedPulumiVersion, pulumiCli, sandbox, stateFile, type Sandbox, renderedDir } from "./engine";

const STACK = "it-render";
const digest = (c: string) => `127.0.0.1:5000/tagship/hello@sha256:${c.repeat(64)}`;
const CONFIG = {
  imageTag: "0.1.0",
  imageRef: digest("a"),
  deliveryMode: "gitops",
  repoUrl: "file:///srv/git/tagship.git",
  renderOnly: "true",
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests are untyped YAML
type Manifest = Record<string, any>;

function renderedDeployment(box: Sandbox): Manifest {
  const dir = path.join(renderedDir(box, STACK), "1-manifest");
  const file = fs.readdirSync(dir).find((f) => f.startsWith("apps_v1-deployment-"));
  assert.ok(file, `no Deployment rendered in ${dir}`);
  return parse(fs.readFileSync(path.join(dir, file), "utf8")) as Manifest;
}

describe("the real engine, render-only stack", () => {
  let box: Sandbox;
  let stack: Stack;

  before(async () => {
    const version = execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
    assert.equal(version, `v${pinnedPulumiVersion()}`, "the pinned pulumi is first on PATH (toolchain/toolchain.sh)");
    box = sandbox();
    stack = await newStack(box, STACK, CONFIG);
  });
  after(() => box?.cleanup());

  it("a failed engine operation is reported with the CLI's own exit code", async () => {
    const error = await stack.workspace.selectStack("it-nosuch").then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error, "selecting a stack that does not exist fails");
    const direct = await pulumiCli(box, ["stack", "select", "it-nosuch"]);
    assert.notEqual(direct.code, 0);
    assert.equal(exitCode(error), String(direct.code));
  });

  it("preview plans the creates and writes nothing", async () => {
    const result = await stack.preview();
    assert.deepEqual(result.changeSummary, { create: 11 });
    assert.deepEqual(filesUnder(path.join(box.workDir, "deploy")), []);
    assert.deepEqual(filesUnder(renderedDir(box, STACK)), []);
  });

  it("up renders the workload and the Application: RollingUpdate, probes, the digest reference", async () => {
    const result = await stack.up();
    assert.equal(result.summary.result, "succeeded");
    assert.deepEqual(result.summary.resourceChanges, { create: 11 });
    assert.equal(result.outputs.imageRef?.value, digest("a"));
    // The Application for whoever applies it, beside repoPath in the checkout; the workload in the render directory,
    // which a release commits as repoPath on the tracked branch.
    assert.deepEqual(filesUnder(path.join(box.workDir, "deploy")), [
      "it-render-argocd/1-manifest/argoproj.io_v1alpha1-application-argocd-hello-it-render.yaml",
      "it-render-argocd/1-manifest/argoproj.io_v1alpha1-appproject-argocd-hello-it-render.yaml",
      // The stack's namespace goes with the Application: the stack owns it in both delivery modes.
      "it-render-argocd/1-manifest/v1-namespace-default-hello-it-render.yaml",
    ]);
    assert.deepEqual(filesUnder(renderedDir(box, STACK)), [
      "1-manifest/apps_v1-deployment-hello-it-render-hello.yaml",
      "1-manifest/policy_v1-poddisruptionbudget-hello-it-render-hello.yaml",
      "1-manifest/v1-service-hello-it-render-hello.yaml",
    ]);
    const d = renderedDeployment(box);
    assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const c = d.spec.template.spec.containers[0];
    assert.equal(c.image, digest("a"));
    assert.deepEqual(c.readinessProbe, {
      httpGet: { path: "/readyz", port: "http" },
      periodSeconds: 2,
      failureThreshold: 2,
      timeoutSeconds: 1,
      successThreshold: 1,
    });
    assert.equal(c.livenessProbe.httpGet.path, "/healthz");
    assert.equal(c.startupProbe.failureThreshold, 30);
    const app = parse(
      fs.readFileSync(
        path.join(box.workDir, "deploy/it-render-argocd/1-manifest/argoproj.io_v1alpha1-application-argocd-hello-it-render.yaml"),
        "utf8",
      ),
    ) as Manifest;
    assert.equal(app.spec.source.path, "deploy/it-render");
    assert.deepEqual(app.spec.syncPolicy.automated, { prune: true, selfHeal: true });
  });

  it("a release of a new tag changes the image reference and the version, and nothing else", async () => {
    const before = renderedDeployment(box);
    await stack.setAllConfig({ "tagship:imageTag": { value: "0.2.0" }, "tagship:imageRef": { value: digest("b") } });
    const result = await stack.up();
    assert.deepEqual(result.summary.resourceChanges, { same: 10, update: 1 });
    const afterRelease = renderedDeployment(box);
    assert.equal(afterRelease.spec.template.spec.containers[0].image, digest("b"));
    const env = (d: Manifest) =>
      Object.fromEntries((d.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    assert.equal(env(afterRelease).APP_VERSION, "0.2.0");
    assert.equal(afterRelease.spec.template.metadata.labels["app.kubernetes.io/version"], "0.2.0");
    // Apart from the image, the version it reports and the version label, the manifest is byte-for-byte the same.
    const blank = (d: Manifest) =>
      JSON.stringify(d, (k, v: unknown) =>
        k === "image" || k === "app.kubernetes.io/version"
          ? "-"
          : k === "env"
            ? (v as Manifest[]).filter((e) => e.name !== "APP_VERSION")
            : v,
      );
    assert.equal(blank(afterRelease), blank(before));
  });

  it("a KUBECONFIG in the environment does not reach the render providers", async () => {
    // The SDK fills a provider's kubeconfig from $KUBECONFIG, which the provider refuses beside
    // renderYamlToDirectory; a user with a cluster of their own has it set.
    const kubeconfig = path.join(box.workDir, "..", "kubeconfig");
    fs.writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\n");
    const run = await pulumiCli(box, ["preview", "--expect-no-changes", "--stack", STACK], { KUBECONFIG: kubeconfig });
    assert.equal(run.code, 0, run.output);
  });

  it("bad config fails through the real CLI with every problem named, and the state is untouched", async () => {
    const stateBefore = fs.readFileSync(stateFile(box, STACK));
    assert.equal((await pulumiCli(box, ["config", "set", "tagship:replicas", "0", "--stack", STACK])).code, 0);
    assert.equal((await pulumiCli(box, ["config", "set", "tagship:readinessPath", "readyz", "--stack", STACK])).code, 0);
    const run = await pulumiCli(box, ["up", "--yes", "--stack", STACK]);
    assert.notEqual(run.code, 0);
    assert.match(run.output, /2 problems found, nothing was changed/);
    assert.match(run.output, /tagship:replicas = 0: allowed an integer from 1 to 1000/);
    assert.match(run.output, /tagship:readinessPath = "readyz": allowed an HTTP path that starts with '\/'/);
    assert.deepEqual(fs.readFileSync(stateFile(box, STACK)), stateBefore);
    await pulumiCli(box, ["config", "rm", "tagship:replicas", "--stack", STACK]);
    await pulumiCli(box, ["config", "rm", "tagship:readinessPath", "--stack", STACK]);
  });

  it("destroy and stack removal leave no file behind", async () => {
    const result = await stack.destroy();
    assert.deepEqual(result.summary.resourceChanges, { delete: 11 });
    await stack.workspace.removeStack(STACK);
    assert.deepEqual(filesUnder(path.join(box.workDir, "deploy")), []);
    assert.deepEqual(filesUnder(renderedDir(box, STACK)), []);
    assert.equal(fs.existsSync(stateFile(box, STACK)), false);
  });
});
