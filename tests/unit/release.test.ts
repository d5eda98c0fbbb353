import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { serviceResourceNames } from "../../components/resource-names";
import { release } from "../../release";
import { jsonShape, parseSettings, stringObjectFields } from "../../settings/parse";
import { findAll, recorded, settle, useMocks, valueOf, type Recorded } from "./harness";
import { projectFiles, stackConfig } from "./stack-config";

const PROVIDER = "pulumi:providers:kubernetes";
const WORKLOAD_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:policy/v1:PodDisruptionBudget"];
const ARGO_TYPES = ["kubernetes:argoproj.io/v1alpha1:Application", "kubernetes:argoproj.io/v1alpha1:AppProject"];

/** Settings as config.ts reads them; `secrets` are keys stored encrypted, with their plaintext. */
function settingsFor(stack: string, values: Record<string, string>, secrets: Record<string, string> = {}) {
  const plain = new Map(Object.entries(values).map(([k, v]) => [k.replace(/^tagship:/, ""), v]));
  return parseSettings({
    stack,
    values: plain,
    secrets: new Map(Object.keys(secrets).map((k) => [k, { encrypted: true }])),
    secret: (key) => pulumi.secret(secrets[key] ?? ""),
    secretFields: (key) => stringObjectFields(secrets[key] ?? ""),
    secretShape: (key) => jsonShape(secrets[key] ?? ""),
    fileExists: () => true,
    ...projectFiles,
  });
}

/** Runs the program for a stack and returns everything it registered. */
async function run(stack: string, values: Record<string, string>, secrets: Record<string, string> = {}): Promise<Recorded[]> {
  await useMocks(stack);
  const out = release(settingsFor(stack, values, secrets));
  await valueOf(out.deploymentName);
  if (out.applicationName) await valueOf(out.applicationName);
  await settle();
  return [...recorded];
}

/** The .dockerconfigjson of a pull Secret, which must reach the engine as a secret. */
function dockerConfig(secret: Recorded): unknown {
  const data = secret.inputs.stringData as { [SECRET_SIG]?: string; value?: Record<string, string> };
  assert.equal(data[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270", "stringData is a secret");
  return JSON.parse(data.value?.[".dockerconfigjson"] ?? "");
}
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The name of the provider a resource is bound to, from its `urn::id` reference. */
function providerName(r: Recorded): string | undefined {
  return r.provider?.split("::")[3];
}

describe("release", () => {
  it("direct mode: Pulumi applies the workload to the cluster; there is no render provider and no Application", async () => {
    const rs = await run("dev", stackConfig("dev"));
    const providers = rs.filter((r) => r.type === PROVIDER);
    assert.deepEqual(
      providers.map((p) => p.name),
      ["cluster"],
    );
    for (const type of [...WORKLOAD_TYPES, "kubernetes:core/v1:Namespace"]) {
      const [r] = rs.filter((x) => x.type === type);
      assert.ok(r, type);
      assert.equal(providerName(r), "cluster", `${type} is applied by the cluster provider`);
    }
    assert.equal(rs.filter((r) => ARGO_TYPES.includes(r.type)).length, 0);
    assert.equal(findAll("docker-build:index:Image").length, 1);
  });

  it("gitops mode: the workload only renders to deploy/<stack>; only the namespace, Application and AppProject reach the cluster", async () => {
    const rs = await run("staging", {
      ...stackConfig("dev"),
      "tagship:deliveryMode": "gitops",
      "tagship:repoUrl": "file:///srv/git/tagship.git",
    });
    const render = rs.find((r) => r.type === PROVIDER && r.name === "render");
    assert.equal(render?.inputs.renderYamlToDirectory, ".tagship/render/staging");
    for (const type of WORKLOAD_TYPES) {
      const [r] = rs.filter((x) => x.type === type);
      assert.ok(r, type);
      assert.equal(providerName(r), "render", `${type} is rendered, not applied`);
    }
    // The stack applies the namespace in both modes, so that a switch of mode never deletes it.
    const onCluster = rs.filter((r) => r.type.startsWith("kubernetes:") && providerName(r) === "cluster").map((r) => r.type);
    assert.deepEqual(onCluster.sort(), [...ARGO_TYPES, "kubernetes:core/v1:Namespace"].sort());
    const app = rs.find((r) => r.type === ARGO_TYPES[0]);
    assert.equal(app?.inputs.spec.source.path, "deploy/staging");
    assert.equal(app?.inputs.spec.destination.namespace, "hello-staging");
    // No Secret is ever rendered: the render provider would write it in plaintext.
    assert.equal(rs.filter((r) => r.type === "kubernetes:core/v1:Secret").length, 0);
  });

  it("app secrets: the Secret is applied to the cluster in gitops mode too, and the rendered Deployment names it without a value", async () => {
    const token = "s3cr3t-token-value";
    const rs = await run(
      "staging",
      { ...stackConfig("dev"), "tagship:deliveryMode": "gitops", "tagship:repoUrl": "file:///srv/git/tagship.git" },
      { appSecrets: JSON.stringify({ API_TOKEN: token, DB_PASSWORD: "hunter2-db" }) },
    );
    const [secret, ...more] = rs.filter((r) => r.type === "kubernetes:core/v1:Secret");
    assert.equal(more.length, 0);
    assert.ok(secret);
    assert.equal(providerName(secret), "cluster", "applied, never rendered");
    assert.equal(secret.inputs.metadata.name, "hello-env");
    assert.equal(secret.inputs.metadata.namespace, "hello-staging");
    const deployment = rs.find((r) => r.type === WORKLOAD_TYPES[0]);
    assert.equal(providerName(deployment!), "render");
    const env = deployment?.inputs.spec.template.spec.containers[0].env as { name: string; valueFrom?: unknown }[];
    assert.deepEqual(
      env.filter((e) => ["API_TOKEN", "DB_PASSWORD"].includes(e.name)),
      [
        { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "hello-env", key: "API_TOKEN" } } },
        { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "hello-env", key: "DB_PASSWORD" } } },
      ],
    );
    // Nothing bound to the render provider (what goes to git) carries a value.
    const rendered = JSON.stringify(rs.filter((r) => providerName(r) === "render").map((r) => r.inputs));
    assert.ok(!rendered.includes(token) && !rendered.includes("hunter2-db"));
  });

  it("registry credentials: a pull Secret applied to the cluster, named only by the pods that pull from that registry", async () => {
    const password = "pull-s3cr3t-value";
    const rs = await run(
      "staging",
      {
        ...stackConfig("dev"),
        "tagship:deliveryMode": "gitops",
        "tagship:repoUrl": "file:///srv/git/tagship.git",
        "tagship:registryUsername": "ci",
        "tagship:services": JSON.stringify({
          api: { context: "app" },
          other: { context: "app", registry: "ghcr.io", imageName: "acme/other" },
          hub: { imageRef: `docker.io/acme/hub@sha256:${"b".repeat(64)}` },
        }),
      },
      { registryPassword: password },
    );
    const secret = rs.find((r) => r.type === "kubernetes:core/v1:Secret");
    assert.ok(secret);
    assert.equal(providerName(secret), "cluster", "applied, never rendered");
    assert.deepEqual([secret.inputs.metadata.name, secret.inputs.type], ["hello-registry", "kubernetes.io/dockerconfigjson"]);
    const config = dockerConfig(secret) as { auths: Record<string, { username: string; password: string; auth: string }> };
    assert.deepEqual(Object.keys(config.auths), ["127.0.0.1:5000"]);
    assert.equal(config.auths["127.0.0.1:5000"]?.auth, Buffer.from(`ci:${password}`).toString("base64"));
    const pullSecrets = (name: string): unknown =>
      rs.find((r) => r.type === WORKLOAD_TYPES[0] && r.name === `${name}-deployment`)?.inputs.spec.template.spec.imagePullSecrets;
    assert.deepEqual(pullSecrets("api"), [{ name: "hello-registry" }]);
    assert.equal(pullSecrets("other"), undefined);
    assert.equal(pullSecrets("hub"), undefined);
    const rendered = JSON.stringify(rs.filter((r) => providerName(r) === "render").map((r) => r.inputs));
    assert.ok(!rendered.includes(password) && !rendered.includes(Buffer.from(`ci:${password}`).toString("base64")));
  });

  it("registry credentials for Docker Hub: pods of a given docker.io image pull with them", async () => {
    const rs = await run(
      "dev",
      {
        ...stackConfig("dev"),
        "tagship:registry": "docker.io",
        "tagship:registryUsername": "acme",
        "tagship:imageRef": `docker.io/acme/hello@sha256:${"c".repeat(64)}`,
      },
      { registryPassword: "hub-token" },
    );
    const secret = rs.find((r) => r.type === "kubernetes:core/v1:Secret");
    assert.ok(secret);
    const config = dockerConfig(secret) as { auths: object };
    assert.deepEqual(Object.keys(config.auths), ["docker.io", "https://index.docker.io/v1/"]);
    assert.deepEqual(rs.find((r) => r.type === WORKLOAD_TYPES[0])?.inputs.spec.template.spec.imagePullSecrets, [
      { name: "hello-registry" },
    ]);
  });

  it("gitops renderOnly: the Application and AppProject are rendered too, and nothing reaches a cluster", async () => {
    const rs = await run("ci", {
      ...stackConfig("dev"),
      "tagship:deliveryMode": "gitops",
      "tagship:repoUrl": "file:///srv/git/tagship.git",
      "tagship:renderOnly": "true",
    });
    const providers = rs.filter((r) => r.type === PROVIDER);
    assert.deepEqual(providers.map((p): [string, unknown] => [p.name, p.inputs.renderYamlToDirectory]).sort(), [
      ["cluster", "deploy/ci-argocd"],
      ["render", ".tagship/render/ci"],
    ]);
    // An explicit empty kubeconfig: the SDK would otherwise fill in $KUBECONFIG, which render providers refuse.
    assert.ok(providers.every((p) => p.inputs.kubeconfig === ""));
  });

  it("a prebuilt digest reference is deployed as given, with nothing built", async () => {
    const ref = `127.0.0.1:5000/tagship/hello@sha256:${"b".repeat(64)}`;
    const rs = await run("dev", { ...stackConfig("dev"), "tagship:imageRef": ref });
    assert.equal(rs.filter((r) => r.type === "docker-build:index:Image").length, 0);
    const d = rs.find((r) => r.type === WORKLOAD_TYPES[0]);
    assert.equal(d?.inputs.spec.template.spec.containers[0].image, ref);
  });

  it("metricsPath reaches each service's pod template as scrape annotations; a service may set its own or none", async () => {
    const annotations = (rs: Recorded[], name: string): Record<string, string> | undefined =>
      (
        rs.find((r) => r.type === WORKLOAD_TYPES[0] && r.name === `${name}-deployment`)?.inputs.spec.template.metadata as {
          annotations?: Record<string, string>;
        }
      )?.annotations;
    const one = await run("dev", { ...stackConfig("dev"), "tagship:metricsPath": "/stats" });
    assert.deepEqual(annotations(one, "hello"), {
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8080",
      "prometheus.io/path": "/stats",
    });
    const services = JSON.stringify({ api: { context: "app", metricsPath: "/metrics" }, web: { context: "app", metricsPath: "" } });
    const two = await run("dev", { ...stackConfig("dev"), "tagship:metricsPath": "", "tagship:services": services });
    assert.equal(annotations(two, "api")?.["prometheus.io/path"], "/metrics");
    assert.equal(annotations(two, "web"), undefined);
  });

  it("the build follows the stack's build keys: context, Dockerfile, stage, arguments and registry cache", async () => {
    const rs = await run("dev", { ...stackConfig("dev"), "tagship:buildTarget": "", "tagship:buildCache": "true" });
    const image = rs.find((r) => r.type === "docker-build:index:Image");
    assert.deepEqual(image?.inputs.context, { location: "app" });
    assert.deepEqual(image?.inputs.dockerfile, { location: "app/Dockerfile" });
    assert.equal(image?.inputs.target, undefined);
    assert.deepEqual(image?.inputs.buildArgs, { BASE_IMAGE: "127.0.0.1:5000/tagship/node-base:22" });
    const cache = "127.0.0.1:5000/tagship/hello:buildcache";
    assert.deepEqual(image?.inputs.cacheFrom, [{ registry: { ref: cache } }]);
    assert.deepEqual(image?.inputs.cacheTo, [{ registry: { ref: cache, mode: "max", ignoreError: true } }]);
  });

  it("two stacks that differ only in config differ only where the config does", async () => {
    const base = stackConfig("dev");
    const a = await run("dev", base);
    const b = await run("dev", { ...base, "tagship:replicas": "5", "tagship:imageTag": "0.2.0" });
    const byKey = (rs: Recorded[]) => new Map(rs.map((r) => [`${r.type}::${r.name}`, r]));
    const [ma, mb] = [byKey(a), byKey(b)];
    assert.deepEqual([...ma.keys()].sort(), [...mb.keys()].sort(), "the same resources");
    const changed = [...ma.keys()].filter((k) => JSON.stringify(ma.get(k)?.inputs) !== JSON.stringify(mb.get(k)?.inputs));
    assert.deepEqual(changed.sort(), ["docker-build:index:Image::hello-build", "kubernetes:apps/v1:Deployment::hello-deployment"]);
    const da = ma.get("kubernetes:apps/v1:Deployment::hello-deployment")?.inputs;
    const db = mb.get("kubernetes:apps/v1:Deployment::hello-deployment")?.inputs;
    assert.ok(da && db);
    assert.equal(da.spec.replicas, 3);
    assert.equal(db.spec.replicas, 5);
    assert.notEqual(da.spec.template.spec.containers[0].image, db.spec.template.spec.containers[0].image);
    // Besides replicas, the image and the version, nothing in the Deployment moved.
    const strip = (d: Record<string, unknown>) =>
      JSON.stringify(d, (k, v: unknown) => (["replicas", "image", "app.kubernetes.io/version", "value"].includes(k) ? undefined : v));
    assert.equal(strip(da), strip(db));
  });

  it("several services: each its own image, workload and rollout; a release of one changes only its resources", async () => {
    const services = (apiTag: string) =>
      JSON.stringify({
        api: { context: "app", imageTag: apiTag, replicas: 2 },
        web: { context: "app", env: { MODE: "web" }, serviceAccount: true },
      });
    const base = stackConfig("dev");
    const a = await run("dev", { ...base, "tagship:services": services("1.0.0") });
    const names = (type: string, rs: Recorded[]) =>
      rs
        .filter((r) => r.type === type)
        .map((r) => r.name)
        .sort();
    assert.deepEqual(names("docker-build:index:Image", a), ["api-build", "web-build"]);
    assert.deepEqual(names("kubernetes:apps/v1:Deployment", a), ["api-deployment", "web-deployment"]);
    // The namespace is the stack's, named after appName as before services existed.
    assert.deepEqual(names("kubernetes:core/v1:Namespace", a), ["hello-namespace"]);
    assert.deepEqual(names("kubernetes:core/v1:ConfigMap", a), ["web-env"]);
    assert.deepEqual(names("kubernetes:core/v1:ServiceAccount", a), ["web-account"]);

    const b = await run("dev", { ...base, "tagship:services": services("1.1.0") });
    const byKey = (rs: Recorded[]) => new Map(rs.map((r) => [`${r.type}::${r.name}`, JSON.stringify(r.inputs)]));
    const [ma, mb] = [byKey(a), byKey(b)];
    const changed = [...ma.keys()].filter((k) => ma.get(k) !== mb.get(k));
    assert.deepEqual(changed.sort(), ["docker-build:index:Image::api-build", "kubernetes:apps/v1:Deployment::api-deployment"]);
  });

  it("several services in gitops mode: one Application, and an AppProject allowing exactly the kinds they render", async () => {
    // Without the dev stack's Ingress, which two services could not share.
    const gitops = {
      ...stackConfig("dev"),
      "tagship:deliveryMode": "gitops",
      "tagship:repoUrl": "file:///srv/git/tagship.git",
      "tagship:ingress": "",
    };
    const kinds = async (services: object) => {
      const rs = await run("staging", { ...gitops, "tagship:services": JSON.stringify(services) });
      assert.equal(rs.filter((r) => r.type === ARGO_TYPES[0]).length, 1);
      const project = rs.find((r) => r.type === ARGO_TYPES[1]);
      return (project?.inputs.spec.namespaceResourceWhitelist as { group: string; kind: string }[]).map((k) => k.kind).sort();
    };
    assert.deepEqual(await kinds({ api: { context: "app" }, web: { context: "app" } }), ["Deployment", "PodDisruptionBudget", "Service"]);
    assert.deepEqual(await kinds({ api: { context: "app", env: { A: "1" } }, web: { context: "app", serviceAccount: true } }), [
      "ConfigMap",
      "Deployment",
      "PodDisruptionBudget",
      "Service",
      "ServiceAccount",
    ]);
    const routed = {
      autoscaling: { maxReplicas: 3 },
      ingress: { host: "api.example.com" },
      httpRoute: { hostnames: ["api.example.com"], gateway: "g" },
    };
    assert.deepEqual(await kinds({ api: { context: "app", ...routed }, web: { context: "app" } }), [
      "Deployment",
      "HTTPRoute",
      "HorizontalPodAutoscaler",
      "Ingress",
      "PodDisruptionBudget",
      "Service",
    ]);
  });

  it("serviceResourceNames lists every resource a service registers, and none of another service", async () => {
    const services = JSON.stringify({
      api: {
        context: "app",
        env: { A: "1" },
        serviceAccount: true,
        autoscaling: { maxReplicas: 4 },
        ingress: { host: "api.example.com" },
        httpRoute: { hostnames: ["api.example.com"], gateway: "gateways/public" },
      },
      "api-v2": { context: "app" },
    });
    const rs = await run("dev", { ...stackConfig("dev"), "tagship:services": services }, { appSecrets: JSON.stringify({ T: "x" }) });
    const names = new Set(serviceResourceNames("api"));
    const registered = rs.filter((r) => r.name === "api" || (r.name.startsWith("api-") && !r.name.startsWith("api-v2"))).map((r) => r.name);
    assert.deepEqual([...new Set(registered)].sort(), [...names].sort());
    assert.ok(rs.filter((r) => r.name.startsWith("api-v2")).every((r) => !names.has(r.name)));
  });
});
