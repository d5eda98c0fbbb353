import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { restrictedNamespace, Workload, type WorkloadArgs } from "../../components/workload";
import { deployWorkload, fakeDigest, find, findAll, recorded, settle, useMocks, valueOf } from "./harness";

const IMAGE = `127.0.0.1:5000/tagship/hello@${fakeDigest("x")}`;
const args = (over: Partial<WorkloadArgs> = {}): WorkloadArgs => ({
  namespace: "hello-dev",
  image: IMAGE,
  version: "0.2.1",
  probes: {
    readiness: { path: "/readyz", periodSeconds: 2, failureThreshold: 2 },
    liveness: { path: "/healthz" },
    startup: { path: "/healthz", periodSeconds: 1, failureThreshold: 30 },
  },
  ...over,
});

const deploy = (a: WorkloadArgs, name = "hello") => deployWorkload(a, name);

describe("Workload", () => {
  beforeEach(() => useMocks());

  it("rolls out one new pod at a time with full capacity by default", async () => {
    await deploy(args());
    const spec = find("kubernetes:apps/v1:Deployment").inputs.spec;
    assert.deepEqual(spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    assert.equal(spec.replicas, 3);
    assert.equal(spec.minReadySeconds, 3);
    assert.equal(spec.progressDeadlineSeconds, 120);
    assert.equal(spec.revisionHistoryLimit, 5);
  });

  it("passes rollout numbers through exactly", async () => {
    await deploy(
      args({
        rollout: {
          replicas: 6,
          maxSurge: "25%",
          maxUnavailable: 1,
          minReadySeconds: 10,
          progressDeadlineSeconds: 300,
          revisionHistoryLimit: 2,
        },
      }),
    );
    const spec = find("kubernetes:apps/v1:Deployment").inputs.spec;
    assert.deepEqual(spec.strategy.rollingUpdate, { maxSurge: "25%", maxUnavailable: 1 });
    assert.equal(spec.replicas, 6);
    assert.equal(spec.minReadySeconds, 10);
    assert.equal(spec.progressDeadlineSeconds, 300);
    assert.equal(spec.revisionHistoryLimit, 2);
  });

  it("runs the digest reference with probes, preStop pause, resources and the restricted profile", async () => {
    await deploy(args());
    const pod = find("kubernetes:apps/v1:Deployment").inputs.spec.template.spec;
    const [c] = pod.containers;
    assert.equal(pod.containers.length, 1);
    assert.equal(c.image, IMAGE);
    assert.match(c.image, /@sha256:[a-f0-9]{64}$/);
    assert.deepEqual(c.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    assert.deepEqual(c.readinessProbe, {
      httpGet: { path: "/readyz", port: "http" },
      periodSeconds: 2,
      failureThreshold: 2,
      timeoutSeconds: 1,
      successThreshold: 1,
    });
    assert.deepEqual(c.livenessProbe, {
      httpGet: { path: "/healthz", port: "http" },
      periodSeconds: 10,
      failureThreshold: 3,
      timeoutSeconds: 1,
      successThreshold: 1,
    });
    assert.deepEqual(c.startupProbe, {
      httpGet: { path: "/healthz", port: "http" },
      periodSeconds: 1,
      failureThreshold: 30,
      timeoutSeconds: 1,
      successThreshold: 1,
    });
    assert.deepEqual(c.lifecycle, { preStop: { sleep: { seconds: 5 } } });
    assert.equal(pod.terminationGracePeriodSeconds, 30);
    assert.deepEqual(c.resources, { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } });
    assert.deepEqual(c.securityContext, {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(pod.automountServiceAccountToken, false);
    const env = Object.fromEntries((c.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    assert.equal(env.APP_VERSION, "0.2.1");
    assert.equal(env.PORT, "8080");
    assert.equal(env.HOST, "0.0.0.0");
    // The app's own drain deadline fits inside the grace period left after the preStop pause.
    assert.equal(env.DRAIN_TIMEOUT_MS, "24000");
  });

  it("selects its pods with labels that the template, Service and PDB agree on", async () => {
    await deploy(args());
    const d = find("kubernetes:apps/v1:Deployment").inputs;
    const svc = find("kubernetes:core/v1:Service").inputs;
    const pdb = find("kubernetes:policy/v1:PodDisruptionBudget").inputs;
    const selector = d.spec.selector.matchLabels;
    assert.deepEqual(selector, { "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "dev" });
    for (const [k, v] of Object.entries(selector)) assert.equal(d.spec.template.metadata.labels[k], v);
    assert.deepEqual(svc.spec.selector, selector);
    assert.deepEqual(pdb.spec.selector.matchLabels, selector);
    assert.equal(d.spec.template.metadata.labels["app.kubernetes.io/version"], "0.2.1");
    assert.equal(d.spec.template.metadata.labels["app.kubernetes.io/part-of"], "tagship");
    // The selector is immutable; the version label must stay out of it.
    assert.equal(Object.hasOwn(selector, "app.kubernetes.io/version"), false);
  });

  it("adds a Service on the named port and a PDB allowing one disruption", async () => {
    await deploy(args({ servicePort: 8081, containerPort: 9000 }));
    const svc = find("kubernetes:core/v1:Service").inputs;
    assert.deepEqual(svc.spec.ports, [{ name: "http", port: 8081, targetPort: "http", protocol: "TCP" }]);
    assert.equal(svc.spec.type, "ClusterIP");
    assert.equal(svc.metadata.name, "hello");
    assert.equal(svc.metadata.namespace, "hello-dev");
    const pdb = find("kubernetes:policy/v1:PodDisruptionBudget").inputs;
    assert.equal(pdb.spec.maxUnavailable, 1);
    const c = find("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];
    assert.equal(c.ports[0].containerPort, 9000);
  });

  it("with a fieldManager, applies every object as its sole owner under that name", async () => {
    await deploy(args({ fieldManager: "tagship" }));
    for (const type of ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:policy/v1:PodDisruptionBudget"]) {
      const annotations = find(type).inputs.metadata.annotations as Record<string, string>;
      assert.equal(annotations["pulumi.com/patchFieldManager"], "tagship", type);
      assert.equal(annotations["pulumi.com/patchForce"], "true", type);
    }
    await useMocks();
    await deploy(args());
    const objects = recorded.filter((r) => r.type.startsWith("kubernetes:"));
    assert.equal(objects.length, 3);
    for (const r of objects) assert.equal(r.inputs.metadata.annotations, undefined, r.type);
  });

  it("creates no namespace: the stack owns it in both delivery modes", async () => {
    await deploy(args());
    assert.equal(findAll("kubernetes:core/v1:Namespace").length, 0);
  });

  it("restrictedNamespace enforces the restricted Pod Security Standard and carries the app's labels", async () => {
    const ns = restrictedNamespace("hello-namespace", { name: "hello-dev", appName: "hello", instance: "dev" });
    await valueOf(ns.metadata.name);
    await settle();
    const inputs = find("kubernetes:core/v1:Namespace", "hello-namespace").inputs;
    assert.equal(inputs.metadata.name, "hello-dev");
    assert.deepEqual(inputs.metadata.labels, {
      "app.kubernetes.io/name": "hello",
      "app.kubernetes.io/instance": "dev",
      "app.kubernetes.io/part-of": "tagship",
      "app.kubernetes.io/managed-by": "tagship",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
    assert.throws(
      () => restrictedNamespace("bad", { name: "Hello_Dev", appName: "hello", instance: "dev" }),
      /RestrictedNamespaceArgs\.name = "Hello_Dev": allowed a DNS label/,
    );
  });

  it("names its children from its own name", async () => {
    await deploy(args(), "shop");
    assert.equal(find("kubernetes:apps/v1:Deployment").name, "shop-deployment");
    assert.equal(find("kubernetes:core/v1:Service").name, "shop-service");
    assert.equal(find("kubernetes:policy/v1:PodDisruptionBudget").name, "shop-pdb");
  });

  it("runs the given command, user and groups, with writable emptyDirs on the read-only root", async () => {
    await deploy(
      args({
        command: ["/server"],
        args: ["--listen", ":8080"],
        identity: { runAsUser: 65532, runAsGroup: 65533, fsGroup: 65534 },
        writablePaths: { "/tmp": "16Mi", "/data": "64Mi" },
      }),
    );
    const pod = find("kubernetes:apps/v1:Deployment").inputs.spec.template.spec;
    const [c] = pod.containers;
    assert.deepEqual([c.command, c.args], [["/server"], ["--listen", ":8080"]]);
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65533,
      fsGroup: 65534,
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(pod.volumes, [
      { name: "writable-0", emptyDir: { sizeLimit: "64Mi" } },
      { name: "writable-1", emptyDir: { sizeLimit: "16Mi" } },
    ]);
    assert.deepEqual(c.volumeMounts, [
      { name: "writable-0", mountPath: "/data" },
      { name: "writable-1", mountPath: "/tmp" },
    ]);
  });

  it("keeps the image's command and no volume when none are given", async () => {
    await deploy(args());
    const pod = find("kubernetes:apps/v1:Deployment").inputs.spec.template.spec;
    assert.deepEqual(
      [pod.containers[0].command, pod.containers[0].args, pod.volumes, pod.serviceAccountName],
      [undefined, undefined, undefined, undefined],
    );
    assert.equal(pod.securityContext.runAsUser, 10001);
    assert.equal(findAll("kubernetes:core/v1:ConfigMap").length + findAll("kubernetes:core/v1:ServiceAccount").length, 0);
  });

  it("reads plain variables from an immutable ConfigMap whose name changes with its content", async () => {
    await deploy(args({ env: { LOG_LEVEL: "debug", REGION: "eu" } }));
    const first = find("kubernetes:core/v1:ConfigMap", "hello-env").inputs;
    assert.deepEqual([first.data, first.immutable], [{ LOG_LEVEL: "debug", REGION: "eu" }, true]);
    assert.match(first.metadata.name, /^hello-env-[0-9a-f]{10}$/);
    const container = find("kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.containers[0];
    assert.deepEqual(container.envFrom, [{ configMapRef: { name: first.metadata.name } }]);

    // The same values in another order: the same hash. Another value: another hash, so the pods roll.
    const hash = (name: string): string => String(find("kubernetes:core/v1:ConfigMap", `${name}-env`).inputs.metadata.name).slice(-10);
    await deploy(args({ env: { REGION: "eu", LOG_LEVEL: "debug" } }), "same");
    assert.equal(hash("same"), hash("hello"));
    await deploy(args({ env: { REGION: "us", LOG_LEVEL: "debug" } }), "other");
    assert.notEqual(hash("other"), hash("hello"));
  });

  it("gives the pods their own ServiceAccount, mounting its token only when asked", async () => {
    await deploy(args({ serviceAccount: {}, imagePullSecrets: ["hello-registry"] }));
    const account = find("kubernetes:core/v1:ServiceAccount", "hello-account").inputs;
    const pod = find("kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec;
    assert.deepEqual([account.metadata.name, account.automountServiceAccountToken], ["hello", false]);
    assert.deepEqual([pod.serviceAccountName, pod.automountServiceAccountToken], ["hello", false]);
    assert.deepEqual(pod.imagePullSecrets, [{ name: "hello-registry" }]);
    await deploy(args({ serviceAccount: { automountToken: true } }), "api");
    assert.equal(find("kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec.template.spec.automountServiceAccountToken, true);
  });

  it("rejects bad runtime arguments, named as arguments", () => {
    assert.throws(
      () =>
        new Workload(
          "hello",
          args({
            env: { HOST: "x", "1X": "y" },
            command: [],
            identity: { runAsUser: 0 },
            writablePaths: { "relative/dir": "1Mi" },
          }),
        ),
      (e: Error) => {
        assert.match(e.message, /WorkloadArgs\.env = "HOST": allowed a name other than HOST/);
        assert.match(e.message, /WorkloadArgs\.env = "1X": allowed an environment variable name/);
        assert.match(e.message, /WorkloadArgs\.command = 0: allowed at least one part/);
        assert.match(e.message, /WorkloadArgs\.identity\.runAsUser = 0: allowed an integer from 1/);
        assert.match(e.message, /WorkloadArgs\.writablePaths = "relative\/dir": allowed an absolute path/);
        return true;
      },
    );
  });

  it("rejects every bad plain argument at once, before registering anything", () => {
    assert.throws(
      () =>
        new Workload(
          "hello",
          args({
            image: "nginx:latest",
            rollout: { maxSurge: 0, maxUnavailable: 0, replicas: 0 },
            shutdown: { preStopSeconds: 30, terminationGracePeriodSeconds: 30 },
          }),
        ),
      (e: Error) => {
        assert.match(e.message, /WorkloadArgs\.image = "nginx:latest": allowed an immutable image reference/);
        assert.match(e.message, /WorkloadArgs\.rollout\.maxSurge and WorkloadArgs\.rollout\.maxUnavailable/);
        assert.match(e.message, /WorkloadArgs\.rollout\.replicas = 0: allowed an integer from 1 to 1000/);
        assert.match(e.message, /preStopSeconds shorter than terminationGracePeriodSeconds/);
        assert.match(e.message, /4 problems found/);
        return true;
      },
    );
    assert.equal(findAll("kubernetes:apps/v1:Deployment").length, 0);
  });

  it("rejects a probe path without a leading slash", () => {
    assert.throws(
      () => new Workload("hello", args({ probes: { readiness: { path: "readyz" } } })),
      /WorkloadArgs\.probes\.readiness\.path = "readyz": allowed an HTTP path that starts with '\/'.*Fix: write it as "\/readyz"/,
    );
  });

  it("without metricsPath, adds no annotation to the pod template", async () => {
    await deploy(args());
    assert.equal(find("kubernetes:apps/v1:Deployment").inputs.spec.template.metadata.annotations, undefined);
  });

  it("with metricsPath, annotates the pod template for a Prometheus that discovers pods", async () => {
    await deploy(args({ metricsPath: "/metrics", containerPort: 9000 }));
    assert.deepEqual(find("kubernetes:apps/v1:Deployment").inputs.spec.template.metadata.annotations, {
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "9000",
      "prometheus.io/path": "/metrics",
    });
    assert.throws(
      () => new Workload("hello", args({ metricsPath: "metrics" })),
      /WorkloadArgs\.metricsPath = "metrics": allowed an HTTP path that starts with '\/'/,
    );
  });
});
