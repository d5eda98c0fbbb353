// The policy pack (policy/) run by the real engine: each policy stops a small bad program, naming exactly the
// resource that breaks it, and the project's own program passes every policy in a production stack.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { LocalWorkspace, type EngineEvent } from "@pulumi/pulumi/automation";
import { newStack, pulumiCli, renderedDir, sandbox, type Sandbox } from "./engine";

const DIGEST_REF = `127.0.0.1:5000/tagship/hello@sha256:${"a".repeat(64)}`;
const LABELS = {
  "app.kubernetes.io/name": "hello",
  "app.kubernetes.io/instance": "it",
  "app.kubernetes.io/part-of": "tagship",
  "app.kubernetes.io/managed-by": "tagship",
};

interface TestDeployment {
  metadata: { labels: Record<string, string> };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    strategy: { type: string; rollingUpdate: { maxSurge: number; maxUnavailable: number } };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext: Record<string, unknown>;
        automountServiceAccountToken?: boolean;
        volumes?: Record<string, unknown>[];
        containers: Record<string, unknown>[];
      };
    };
  };
}

/** A Deployment that every policy accepts; each bad case below breaks one thing in a copy of it. */
function goodDeployment(): TestDeployment {
  return {
    metadata: { labels: { ...LABELS } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { "app.kubernetes.io/name": "hello" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...LABELS } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
          automountServiceAccountToken: false,
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
          containers: [
            {
              name: "app",
              image: DIGEST_REF,
              readinessProbe: { httpGet: { path: "/readyz", port: 8080 } },
              resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
            },
          ],
        },
      },
    },
  };
}
type DeploymentSpec = TestDeployment;

const container = (d: DeploymentSpec) => d.spec.template.spec.containers[0] ?? {};

/** Resource name → how it is broken, and the one policy that must stop it. */
const BAD_DEPLOYMENTS: Record<string, { policy: string; breakIt: (d: DeploymentSpec) => void }> = {
  "image-latest": { policy: "image-by-digest", breakIt: (d) => void (container(d).image = "127.0.0.1:5000/tagship/hello:latest") },
  "no-readiness": { policy: "readiness-probe", breakIt: (d) => void delete container(d).readinessProbe },
  "no-limits": {
    policy: "requests-and-limits",
    breakIt: (d) => void (container(d).resources = { requests: { cpu: "50m", memory: "64Mi" } }),
  },
  "as-root": {
    policy: "restricted-security-context",
    breakIt: (d) => {
      d.spec.template.spec.securityContext = { runAsUser: 0 };
      container(d).securityContext = { privileged: true };
    },
  },
  "max-unavailable": { policy: "production-max-unavailable-zero", breakIt: (d) => void (d.spec.strategy.rollingUpdate.maxUnavailable = 1) },
  "unbounded-tmp": {
    policy: "bounded-writable-volumes",
    breakIt: (d) => void (d.spec.template.spec.volumes = [{ name: "tmp", emptyDir: {} }]),
  },
  "default-account-token": {
    policy: "service-account-token",
    breakIt: (d) => void delete d.spec.template.spec.automountServiceAccountToken,
  },
  "unlabelled-pods": {
    policy: "app-labels",
    breakIt: (d) => void (d.spec.template.metadata.labels = { ...LABELS, "app.kubernetes.io/part-of": "" }),
  },
};

describe("policy pack on the real engine", () => {
  let box: Sandbox;
  let programDir: string;
  before(() => {
    box = sandbox();
    programDir = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-policy-"));
  });
  after(() => {
    box?.cleanup();
    fs.rmSync(programDir, { recursive: true, force: true });
  });

  it("each policy stops a small bad program and names the resource that breaks it; the good resources pass", async () => {
    const STACK = "it-policy-bad";
    // The pack reads which stacks are production from the stack files of the project it sits in.
    fs.writeFileSync(path.join(box.workDir, `Pulumi.${STACK}.yaml`), 'config:\n  tagship:production: "true"\n');
    const program = () => {
      const render = new k8s.Provider("render", { renderYamlToDirectory: path.join(programDir, "out"), kubeconfig: "" });
      const opts = { provider: render };
      // The test's plain shape stands in for the SDK's Input-wrapped one.
      const deployment = (name: string, d: TestDeployment) =>
        new k8s.apps.v1.Deployment(name, d as unknown as k8s.apps.v1.DeploymentArgs, opts);
      deployment("good", goodDeployment());
      for (const [name, bad] of Object.entries(BAD_DEPLOYMENTS)) {
        const d = structuredClone(goodDeployment());
        bad.breakIt(d);
        deployment(name, d);
      }
      new k8s.core.v1.Service("unlabelled", { spec: { selector: LABELS, ports: [{ port: 80 }] } }, opts);
      new k8s.core.v1.Namespace("open-namespace", { metadata: { name: "open", labels: LABELS } }, opts);
      const scoped = { server: "https://kubernetes.default.svc", namespace: "hello-it" };
      const project = (name: string, spec: Record<string, unknown>) =>
        new k8s.apiextensions.CustomResource(
          name,
          { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: { name, namespace: "argocd" }, spec },
          opts,
        );
      project("scoped", { sourceRepos: ["file:///srv/git/t.git"], destinations: [scoped], clusterResourceWhitelist: [] });
      project("any-repo", { sourceRepos: ["*"], destinations: [{ ...scoped, namespace: "*" }] });
      const application = (name: string, projectName: string) =>
        new k8s.apiextensions.CustomResource(
          name,
          {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: { name, namespace: "argocd" },
            spec: { project: projectName, source: { repoURL: "file:///srv/git/t.git", path: "deploy" }, destination: scoped },
          },
          opts,
        );
      application("in-its-project", "scoped");
      application("default-project", "default");
      // Routes: scoped to their hosts, or taking every host of a shared controller or Gateway.
      const meta = (name: string) => ({ name, namespace: "hello-it", labels: LABELS });
      const backend = { service: { name: "hello", port: { number: 80 } } };
      new k8s.networking.v1.Ingress(
        "host-ingress",
        {
          metadata: meta("a"),
          spec: { rules: [{ host: "a.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }] },
        },
        opts,
      );
      new k8s.networking.v1.Ingress("catch-all-ingress", { metadata: meta("b"), spec: { defaultBackend: backend } }, opts);
      const route = (name: string, hostnames: string[]) =>
        new k8s.apiextensions.CustomResource(
          name,
          {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: meta(name),
            spec: { parentRefs: [{ name: "lab" }], hostnames },
          },
          opts,
        );
      route("host-route", ["a.example.com"]);
      route("hostless-route", []);
      return Promise.resolve();
    };
    // The inline program's project, with the pack's runner declared as the project's own Pulumi.yaml does.
    fs.writeFileSync(
      path.join(programDir, "Pulumi.yaml"),
      `name: policy-bad\nruntime: nodejs\nplugins:\n  analyzers:\n    - name: policy-tagship\n      path: ${path.join(box.workDir, "policy", "runtime")}\n`,
    );
    const stack = await LocalWorkspace.createStack(
      { stackName: STACK, projectName: "policy-bad", program },
      { workDir: programDir, envVars: box.env },
    );
    const events: NonNullable<EngineEvent["policyEvent"]>[] = [];
    await assert.rejects(
      stack.preview({
        policyPacks: [path.join(box.workDir, "policy")],
        onEvent: (e) => void (e.policyEvent && events.push(e.policyEvent)),
      }),
      /preview failed|policy violation|mandatory/i,
    );
    const byResource = new Map<string, string[]>();
    for (const e of events) {
      const name = e.resourceUrn?.split("::").at(-1) ?? "(stack)";
      byResource.set(name, [...new Set([...(byResource.get(name) ?? []), e.policyName])].sort());
      assert.equal(e.enforcementLevel, "mandatory", `${e.policyName}: ${e.message}`);
    }
    const expected = new Map<string, string[]>([
      ...Object.entries(BAD_DEPLOYMENTS).map(([name, bad]): [string, string[]] => [name, [bad.policy]]),
      ["unlabelled", ["app-labels"]],
      ["open-namespace", ["namespace-restricted"]],
      ["any-repo", ["argocd-project-scope"]],
      ["default-project", ["argocd-application-in-its-project"]],
      ["catch-all-ingress", ["routes-name-their-hosts"]],
      ["hostless-route", ["routes-name-their-hosts"]],
    ]);
    assert.deepEqual(
      new Map([...byResource].sort()),
      new Map([...expected].sort()),
      events.map((e) => `${e.policyName}: ${e.message}`).join("\n"),
    );
    console.log(`${events.length} violations from ${new Set(events.map((e) => e.policyName)).size} policies; good resources passed`);
  });

  it("the project's program passes every policy in a production gitops stack, on preview and on up", async () => {
    const STACK = "it-policy-prod";
    await newStack(box, STACK, {
      production: "true",
      imageTag: "1.0.0",
      imageRef: DIGEST_REF,
      replicas: "3",
      deliveryMode: "gitops",
      repoUrl: "file:///srv/git/tagship.git",
      renderOnly: "true",
    });
    const policy = ["--policy-pack", path.join(box.workDir, "policy")];
    for (const args of [["preview"], ["up", "--yes"]]) {
      const run = await pulumiCli(box, [...args, "--stack", STACK, ...policy]);
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /tagship@v1\.0\.0/, "the pack ran");
      assert.doesNotMatch(run.output, /\[mandatory\]|\[advisory\]/, run.output);
    }
    // What it judged is what was rendered: the Deployment runs the image by digest, with maxUnavailable 0.
    const file = fs.readdirSync(path.join(renderedDir(box, STACK), "1-manifest")).find((f) => f.includes("deployment"));
    const manifest = fs.readFileSync(path.join(renderedDir(box, STACK), "1-manifest", file ?? ""), "utf8");
    assert.ok(manifest.includes(DIGEST_REF));
    assert.match(manifest, /maxUnavailable: 0/);
  });
});
