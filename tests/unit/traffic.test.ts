// Traffic and scale: the autoscaler, the disruption budget, topology spread, Ingress and HTTPRoute as the Workload
// renders them, and the stack-config keys that ask for them, bad input included.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { Workload, workloadKinds, type WorkloadArgs } from "../../components/workload";
import { parseSettings } from "../../settings/parse";
import { deployWorkload, fakeDigest, find, findAll, useMocks } from "./harness";
import { configSource, problemsOf, stackConfig } from "./stack-config";

const args = (over: Partial<WorkloadArgs> = {}): WorkloadArgs => ({
  namespace: "shop-dev",
  image: `127.0.0.1:5000/tagship/hello@${fakeDigest("x")}`,
  version: "1.0.0",
  probes: { readiness: { path: "/readyz" } },
  ...over,
});

const deploy = (a: WorkloadArgs, name = "shop") => deployWorkload(a, name);

describe("Workload traffic and scale", () => {
  beforeEach(() => useMocks());

  it("with autoscaling, leaves replicas out of the Deployment and lets the autoscaler own the count", async () => {
    await deploy(args({ autoscaling: { minReplicas: 2, maxReplicas: 6 } }));
    const spec = find("kubernetes:apps/v1:Deployment").inputs.spec;
    assert.equal("replicas" in spec, false, "no replicas for Pulumi or Argo CD to reset");
    const hpa = find("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
    assert.deepEqual(hpa.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "shop" });
    assert.equal(hpa.minReplicas, 2);
    assert.equal(hpa.maxReplicas, 6);
    // No target given: CPU at 70 % of the request.
    assert.deepEqual(hpa.metrics, [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
    ]);
    assert.equal(hpa.behavior.scaleDown.stabilizationWindowSeconds, 300);
    assert.equal(find("kubernetes:policy/v1:PodDisruptionBudget").inputs.spec.maxUnavailable, "25%");
  });

  it("scales on memory alone, or on both, with the stabilization window given", async () => {
    await deploy(args({ autoscaling: { maxReplicas: 4, memoryUtilization: 80, scaleDownStabilizationSeconds: 30 } }), "mem");
    await deploy(args({ autoscaling: { maxReplicas: 4, cpuUtilization: 50, memoryUtilization: 90 } }), "both");
    type Spec = {
      minReplicas: number;
      metrics: { resource: { name: string; target: { averageUtilization: number } } }[];
      behavior: { scaleDown: { stabilizationWindowSeconds: number } };
    };
    const [mem, both] = findAll("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((r) => r.inputs.spec as Spec);
    assert.ok(mem && both);
    assert.deepEqual(
      mem.metrics.map((m) => m.resource.name),
      ["memory"],
    );
    assert.equal(mem.minReplicas, 2);
    assert.equal(mem.behavior.scaleDown.stabilizationWindowSeconds, 30);
    assert.deepEqual(
      both.metrics.map((m) => [m.resource.name, m.resource.target.averageUtilization]),
      [
        ["cpu", 50],
        ["memory", 90],
      ],
    );
  });

  it("without autoscaling, keeps replicas, no autoscaler, and a budget of one pod", async () => {
    await deploy(args());
    assert.equal(find("kubernetes:apps/v1:Deployment").inputs.spec.replicas, 3);
    assert.equal(findAll("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
    assert.equal(find("kubernetes:policy/v1:PodDisruptionBudget").inputs.spec.maxUnavailable, 1);
    assert.equal(find("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.topologySpreadConstraints, undefined);
  });

  it("spreads the pods over each topology key given, over its own pods only", async () => {
    await deploy(
      args({
        topologySpread: [
          { topologyKey: "topology.kubernetes.io/zone" },
          { topologyKey: "kubernetes.io/hostname", maxSkew: 2, whenUnsatisfiable: "DoNotSchedule" },
        ],
      }),
    );
    const pod = find("kubernetes:apps/v1:Deployment").inputs.spec;
    assert.deepEqual(pod.template.spec.topologySpreadConstraints, [
      {
        topologyKey: "topology.kubernetes.io/zone",
        maxSkew: 1,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: pod.selector.matchLabels },
      },
      {
        topologyKey: "kubernetes.io/hostname",
        maxSkew: 2,
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: pod.selector.matchLabels },
      },
    ]);
  });

  it("routes an Ingress host and path prefix to the Service's port, with TLS when a Secret is named", async () => {
    await deploy(args({ ingress: { host: "shop.example.com", path: "/api", className: "traefik", tlsSecretName: "shop-tls" } }));
    const spec = find("kubernetes:networking.k8s.io/v1:Ingress").inputs.spec;
    assert.equal(spec.ingressClassName, "traefik");
    assert.deepEqual(spec.tls, [{ hosts: ["shop.example.com"], secretName: "shop-tls" }]);
    assert.deepEqual(spec.rules, [
      {
        host: "shop.example.com",
        http: { paths: [{ path: "/api", pathType: "Prefix", backend: { service: { name: "shop", port: { name: "http" } } } }] },
      },
    ]);
  });

  it("without a class leaves the choice to the cluster's default IngressClass, and routes / by default", async () => {
    await deploy(args({ ingress: { host: "shop.example.com" } }));
    const spec = find("kubernetes:networking.k8s.io/v1:Ingress").inputs.spec;
    assert.equal("ingressClassName" in spec, false);
    assert.equal("tls" in spec, false);
    assert.equal(spec.rules[0].http.paths[0].path, "/");
  });

  it("attaches an HTTPRoute to the Gateway named, in its namespace or the route's own", async () => {
    await deploy(
      args({ httpRoute: { hostnames: ["shop.example.com", "*.shop.example.com"], gateway: "gateways/public", sectionName: "http" } }),
      "a",
    );
    await deploy(args({ httpRoute: { hostnames: ["b.example.com"], gateway: "local", path: "/b" }, servicePort: 8081 }), "b");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- resource inputs are untyped at this boundary
    const [a, b]: any[] = findAll("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").map((r) => r.inputs.spec as unknown);
    assert.deepEqual(a.parentRefs, [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "gateways", sectionName: "http" },
    ]);
    assert.deepEqual(a.hostnames, ["shop.example.com", "*.shop.example.com"]);
    assert.deepEqual(a.rules, [
      { matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ group: "", kind: "Service", name: "a", port: 80 }] },
    ]);
    assert.deepEqual(b.parentRefs, [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "local" }]);
    assert.deepEqual(b.rules[0].backendRefs[0].port, 8081);
    assert.equal(b.rules[0].matches[0].path.value, "/b");
  });

  it("lets Argo CD apply exactly the kinds asked for", () => {
    const kinds = (a: Parameters<typeof workloadKinds>[0]) => workloadKinds(a).map((k) => `${k.group}/${k.kind}`);
    assert.deepEqual(kinds({}), ["apps/Deployment", "/Service", "policy/PodDisruptionBudget"]);
    assert.deepEqual(
      kinds({ autoscaling: { maxReplicas: 3 }, ingress: { host: "a.b" }, httpRoute: { hostnames: ["a.b"], gateway: "g" } }).slice(3),
      ["autoscaling/HorizontalPodAutoscaler", "networking.k8s.io/Ingress", "gateway.networking.k8s.io/HTTPRoute"],
    );
  });

  it("refuses bad arguments before anything registers, each named", async () => {
    const bad: [Partial<WorkloadArgs>, RegExp][] = [
      [
        { autoscaling: { maxReplicas: 4 }, rollout: { replicas: 3 } },
        /WorkloadArgs\.rollout\.replicas and WorkloadArgs\.autoscaling .*one of them/,
      ],
      [
        { autoscaling: { minReplicas: 5, maxReplicas: 2 } },
        /autoscaling\.minReplicas and WorkloadArgs\.autoscaling\.maxReplicas .*no greater than maxReplicas/,
      ],
      [
        { autoscaling: { maxReplicas: 4, cpuUtilization: 0 } },
        /autoscaling\.cpuUtilization = 0: allowed an integer percentage from 1 to 100/,
      ],
      [{ autoscaling: { maxReplicas: 4, memoryUtilization: 101 } }, /autoscaling\.memoryUtilization = 101/],
      [{ ingress: { host: "Shop_Example" } }, /ingress\.host = "Shop_Example": allowed a DNS name/],
      [
        { ingress: { host: "shop.example.com", path: "api" } },
        /ingress\.path = "api": allowed a path prefix that starts with '\/'.*"\/api"/,
      ],
      [{ httpRoute: { hostnames: [], gateway: "g" } }, /httpRoute\.hostnames .*at least one host name/],
      [
        { httpRoute: { hostnames: ["10.0.0.1"], gateway: "a/b/c" } },
        /httpRoute\.hostnames = "10\.0\.0\.1"[\s\S]*httpRoute\.gateway = "a\/b\/c"/,
      ],
      [
        { topologySpread: [{ topologyKey: "bad key" }, { topologyKey: "x", maxSkew: 0 }] },
        /topologySpread\.topologyKey = "bad key"[\s\S]*topologySpread\.maxSkew = 0/,
      ],
    ];
    for (const [over, message] of bad) {
      await useMocks();
      assert.throws(() => new Workload("shop", args(over)), message, JSON.stringify(over));
      assert.equal(findAll("tagship:index:Workload").length, 0, "nothing registered");
    }
  });
});

/** The dev stack with these keys set as `pulumi config set --path` stores them. */
const dev = (over: Record<string, unknown>) =>
  configSource("dev", {
    ...stackConfig("dev"),
    ...Object.fromEntries(Object.entries(over).map(([k, v]) => [`tagship:${k}`, typeof v === "string" ? v : JSON.stringify(v)])),
  });

describe("traffic and scale in stack config", () => {
  it("reads autoscaling, topologySpread, ingress and httpRoute into the service", () => {
    const s = parseSettings(
      dev({
        autoscaling: { minReplicas: 2, maxReplicas: "8", cpuUtilization: 60 },
        topologySpread: ["kubernetes.io/hostname", { topologyKey: "topology.kubernetes.io/zone", maxSkew: 2 }],
        ingress: { host: "hello.lab.test", className: "traefik" },
        httpRoute: { hostnames: "hello.lab.test", gateway: "lab-gateway/lab" },
      }),
    );
    const w = s.services[0]?.workload;
    assert.deepEqual(w?.autoscaling, { minReplicas: 2, maxReplicas: 8, cpuUtilization: 60 });
    assert.equal(w?.rollout.replicas, undefined);
    assert.deepEqual(w?.topologySpread, [
      { topologyKey: "kubernetes.io/hostname" },
      { topologyKey: "topology.kubernetes.io/zone", maxSkew: 2 },
    ]);
    assert.deepEqual(w?.ingress, { host: "hello.lab.test", className: "traefik" });
    // A lone host name is a list of one.
    assert.deepEqual(w?.httpRoute, { hostnames: ["hello.lab.test"], gateway: "lab-gateway/lab" });
  });

  it("names each bad value by its path in the key, with a fix that sets that path, and lists them all", () => {
    const message = problemsOf(
      dev({
        autoscaling: { minReplicas: 5, maxReplicas: 3, cpuUtilization: 0, maxReplica: 4 },
        ingress: { host: "https://shop.example.com/", path: "shop" },
        httpRoute: { hostnames: ["ok.example.com"], gatway: "x" },
      }),
    );
    assert.match(
      message,
      /tagship:autoscaling\.maxReplica = 4: allowed one of the fields minReplicas, maxReplicas, .*and set maxReplicas instead/,
    );
    assert.match(message, /tagship:autoscaling\.minReplicas and tagship:autoscaling\.maxReplicas = \{"minReplicas":5,"maxReplicas":3\}/);
    assert.match(
      message,
      /tagship:autoscaling\.cpuUtilization = 0: .*run `pulumi config set --path 'tagship:autoscaling\.cpuUtilization' <value>`/,
    );
    assert.match(message, /tagship:ingress\.host = "https:\/\/shop\.example\.com\/": allowed a DNS name.*e\.g\. shop\.example\.com/);
    assert.match(message, /tagship:ingress\.path = "shop": allowed a path prefix that starts with '\/'/);
    assert.match(message, /tagship:httpRoute\.gatway = "x": .*and set gateway instead/);
    assert.match(message, /tagship:httpRoute\.gateway = \(not set\): allowed a value: httpRoute needs its gateway/);
  });

  it("refuses replicas and autoscaling set together, and lets a service's own setting outrank the stack's", () => {
    assert.match(
      problemsOf(dev({ replicas: "4", autoscaling: { maxReplicas: 6 } })),
      /tagship:replicas and tagship:autoscaling = .*allowed one of them: with autoscaling the autoscaler sets the pod count/,
    );
    const inService = dev({ services: { api: { context: "app", replicas: 2, autoscaling: { maxReplicas: 5 } } } });
    assert.match(problemsOf(inService), /tagship:services\.api\.replicas and tagship:services\.api\.autoscaling/);
    const s = parseSettings(
      dev({
        replicas: "4",
        services: { api: { context: "app", autoscaling: { maxReplicas: 5 } }, web: { context: "app", imageName: "tagship/web" } },
      }),
    );
    const [api, web] = s.services;
    assert.equal(api?.workload.rollout.replicas, undefined);
    assert.equal(api?.workload.autoscaling?.maxReplicas, 5);
    assert.equal(web?.workload.rollout.replicas, 4);
    assert.equal(web?.workload.autoscaling, undefined);
  });

  it("refuses two services routing one host and path, as a stack-wide ingress several services inherit would", () => {
    const message = problemsOf(
      dev({
        ingress: { host: "shop.example.com" },
        services: { api: { context: "app" }, web: { context: "app", imageName: "tagship/web" } },
      }),
    );
    assert.match(
      message,
      /tagship:services\.web\.ingress = "Ingress shop\.example\.com\/": allowed a host and path of its own: services api and web would both route/,
    );
    const routes = problemsOf(
      dev({
        ingress: "",
        services: {
          api: { context: "app", httpRoute: { hostnames: ["a.example.com"], gateway: "g" } },
          web: { context: "app", imageName: "tagship/web", httpRoute: { hostnames: ["b.example.com", "a.example.com"], gateway: "g" } },
        },
      }),
    );
    assert.match(routes, /tagship:services\.web\.httpRoute = "HTTPRoute a\.example\.com\/"/);
    // Other paths of one host are fine.
    const paths = dev({
      ingress: "",
      services: {
        api: { context: "app", ingress: { host: "a.example.com", path: "/api" } },
        web: { context: "app", imageName: "tagship/web", ingress: { host: "a.example.com" } },
      },
    });
    assert.equal(parseSettings(paths).services.length, 2);
  });

  it("holds a production stack's autoscaler to at least 2 pods", () => {
    const prod = configSource("prod", {
      ...stackConfig("prod"),
      "tagship:replicas": "",
      "tagship:autoscaling": JSON.stringify({ minReplicas: 1, maxReplicas: 4 }),
    });
    assert.match(problemsOf(prod), /tagship:autoscaling = \{"minReplicas":1\}: allowed minReplicas of at least 2 in a production stack/);
  });
});
