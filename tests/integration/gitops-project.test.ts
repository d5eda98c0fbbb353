// gitops mode against the lab's Argo CD through a plain `pulumi up` (the Automation API's, as a CI action runs it):
// the update is the whole release, rendering the workload, applying the Application and AppProject, committing
// and pushing the manifests and ending only once Argo CD has the new version live, or failing when it does not; and
// the AppProject refuses an Application that points at another repository or another namespace.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { filesUnder, renderedDir, runCommand, type Sandbox } from "./engine";
import { dropNamespace, Kube, kubectl, labStack, pollUntil, type ApplicationStatus } from "./kube";
import { once } from "./load";

const STACK = "it-gitops";
const NAMESPACE = `hello-${STACK}`;

describe("gitops mode on the lab's Argo CD", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  let remote = "";

  const onRemote = async (...args: string[]) => (await runCommand("git", ["--git-dir", remote, ...args])).output.trim();
  const served = async () => (await once(await kube.versionUrl(NAMESPACE))).version;

  before(async () => {
    kube = new Kube();
    ({ box, remote, stack } = await labStack(STACK, NAMESPACE, {
      deliveryMode: "gitops",
      imageTag: "1.0.0",
      replicas: "2",
      progressDeadlineSeconds: "20",
    }));
  });
  after(async () => {
    await kubectl("-n", "argocd", "delete", "application", "intruder", "--ignore-not-found");
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  /** Applies an Application in the stack's project and returns the condition Argo CD gives it. */
  async function refusal(name: string, repoUrl: string, namespace: string): Promise<string> {
    const file = path.join(box.workDir, `${name}.yaml`);
    fs.writeFileSync(
      file,
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ${name}, namespace: argocd}
spec:
  project: ${NAMESPACE}
  source: {repoURL: "${repoUrl}", path: deploy/${STACK}, targetRevision: main}
  destination: {server: "https://kubernetes.default.svc", namespace: ${namespace}}
`,
    );
    const applied = await kubectl("apply", "-f", file);
    assert.equal(applied.code, 0, applied.output);
    const invalid = (status: ApplicationStatus | undefined) => status?.conditions?.find((c) => c.type === "InvalidSpecError");
    const app = await pollUntil(
      () => kube.applicationStatus(name),
      (a) => invalid(a) !== undefined,
      60_000,
    );
    return invalid(app)?.message ?? "no InvalidSpecError within 60 s";
  }

  it("a preview says that the update will commit and wait, and pushes nothing", async () => {
    const before = await onRemote("rev-parse", "main");
    const preview = await stack.preview();
    assert.match(
      preview.stdout,
      new RegExp(`the update commits deploy/${STACK} to file://\\S+ main if its manifests change, then waits for Argo CD`),
    );
    assert.equal(await onRemote("rev-parse", "main"), before);
  });

  it("a plain `pulumi up` is the whole release: Application and AppProject applied, commit pushed, live when it returns", async () => {
    const result = await stack.up();
    assert.equal(result.outputs.applicationName?.value, NAMESPACE);
    const delivered = result.outputs.delivered?.value as { commit: string; changed: boolean };
    assert.deepEqual(delivered, { commit: await onRemote("rev-parse", "main"), changed: true });
    assert.match(result.stdout, /Synced at [0-9a-f]{12} and Healthy/);
    assert.equal(await served(), "1.0.0");
    const project = await kube.get<{ spec: { sourceRepos: string[]; destinations: { namespace: string }[] } }>(
      `/apis/argoproj.io/v1alpha1/namespaces/argocd/appprojects/${NAMESPACE}`,
    );
    assert.deepEqual(project?.spec.sourceRepos, [`file://${remote}`]);
    assert.deepEqual(
      project?.spec.destinations.map((d) => d.namespace),
      [NAMESPACE],
    );
    // The workload was rendered and committed, and Argo CD, not Pulumi, applied it.
    assert.ok(filesUnder(renderedDir(box, STACK)).length > 0);
    const live = await kube.get<{ metadata: { annotations?: Record<string, string> } }>(
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`,
    );
    assert.equal(live?.metadata.annotations?.["argocd.argoproj.io/tracking-id"], `${NAMESPACE}:apps/Deployment:${NAMESPACE}/hello`);
  });

  it("a plain `pulumi up` whose release never gets ready fails, with Argo CD's and the Deployment's reasons; the old version serves on", async () => {
    await stack.setAllConfig({ "tagship:imageTag": { value: "1.0.1" }, "tagship:readinessPath": { value: "/never-ready" } });
    const failed = await stack.up().then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    assert.ok(failed, "pulumi up must fail");
    assert.match(failed, /did not roll out [0-9a-f]{12}|not live after/);
    assert.match(failed, /ProgressDeadlineExceeded|Degraded/);
    assert.equal(await served(), "1.0.0");
    await stack.setAllConfig({ "tagship:imageTag": { value: "1.0.0" } });
    await stack.removeConfig("tagship:readinessPath");
  });

  it("refuses an Application from another repository", async () => {
    const message = await refusal("intruder", "file:///srv/another.git", NAMESPACE);
    assert.match(message, /file:\/\/\/srv\/another\.git.*not permitted in project/, message);
  });

  it("refuses an Application into another namespace", async () => {
    await kubectl("-n", "argocd", "delete", "application", "intruder", "--ignore-not-found");
    const message = await refusal("intruder", `file://${remote}`, "kube-system");
    assert.match(message, /namespace 'kube-system' do not match any of the allowed destinations/, message);
  });
});
