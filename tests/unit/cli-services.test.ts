// How the commands find a stack's services in its outputs, and judge several rollouts as one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../cli/command";
import { pathEntries, settingsFrom } from "../../cli/commands/env-new";
import { combinedVerdict } from "../../gitops/wait";
import { configuredServices, pickService, servicesOf, versions } from "../../cli/release/services";

const svc = (name: string, tag: string) => ({ imageRef: `r/${name}@sha256:1`, imageTag: tag, deploymentName: name, serviceName: name });
const two = { services: { api: svc("api", "1.4.0"), web: svc("web", "0.9.1") } };

describe("a stack's services", () => {
  it("come from the services output, or from the top-level fields of a stack updated before services existed", () => {
    assert.deepEqual(
      servicesOf(two).map((s) => s.name),
      ["api", "web"],
    );
    assert.deepEqual(
      servicesOf(svc("hello", "0.1.0")).map((s) => [s.name, s.imageTag]),
      [["hello", "0.1.0"]],
    );
    assert.deepEqual(servicesOf({}), []);
  });

  it("--service picks one; with several, one must be named; an unknown name lists the known ones", () => {
    assert.equal(pickService(two, "dev", "web").imageTag, "0.9.1");
    assert.equal(pickService({ services: { hello: svc("hello", "1") } }, "dev", undefined).name, "hello");
    assert.throws(
      () => pickService(two, "dev", undefined),
      (e: Error) => e instanceof UsageError && /ships 2 services \(api, web\): name one with --service/.test(e.message),
    );
    assert.throws(
      () => pickService(two, "dev", "db"),
      (e: Error) => e instanceof UsageError && /--service = "db": stack dev has no such service; its services: api, web/.test(e.message),
    );
    assert.throws(() => pickService({}, "dev", undefined), /stack dev has no output imageRef: it has never been released/);
  });

  it("versions name the version alone for one service and each service's for several", () => {
    assert.equal(versions({ services: { hello: svc("hello", "1.0.0") } }), "version 1.0.0");
    assert.equal(versions(two), "api 1.4.0, web 0.9.1");
  });
});

describe("several rollouts judged as one", () => {
  it("fails with the first failure, progresses while any does, completes when all have", () => {
    const done = { state: "complete" } as const;
    const moving = { state: "progressing", detail: "1 of 2 updated" } as const;
    const failed = { state: "failed", reason: "ProgressDeadlineExceeded", message: "too slow" } as const;
    assert.deepEqual(
      combinedVerdict([
        { name: "api", verdict: done },
        { name: "web", verdict: done },
      ]),
      { state: "complete", name: "api,web" },
    );
    assert.deepEqual(
      combinedVerdict([
        { name: "api", verdict: done },
        { name: "web", verdict: moving },
      ]),
      {
        state: "progressing",
        detail: "web: 1 of 2 updated",
        name: "web",
      },
    );
    assert.deepEqual(combinedVerdict([{ name: "api", verdict: moving }]), { state: "progressing", detail: "1 of 2 updated", name: "api" });
    assert.equal(
      combinedVerdict([
        { name: "api", verdict: moving },
        { name: "web", verdict: failed },
      ]).name,
      "web",
    );
    assert.equal(
      combinedVerdict([
        { name: "api", verdict: moving },
        { name: "web", verdict: failed },
      ]).state,
      "failed",
    );
  });
});

describe("env-new's copy of structured keys", () => {
  it("sets objects and lists entry by entry, with brackets for keys that are no identifiers", () => {
    assert.deepEqual(
      pathEntries("tagship:services", {
        api: { context: "services/api", replicas: 2, args: ["--a", "b"], writablePaths: { "/tmp": "8Mi" } },
      }),
      [
        ["tagship:services.api.context", "services/api"],
        ["tagship:services.api.replicas", "2"],
        ["tagship:services.api.args[0]", "--a"],
        ["tagship:services.api.args[1]", "b"],
        ['tagship:services.api.writablePaths["/tmp"]', "8Mi"],
      ],
    );
  });
});

describe("env-new's settings", () => {
  const config = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, value]) => [`tagship:${k}`, { value, secret: false }]));

  it("keeps an autoscaled source autoscaled, with no replicas beside it; else sets replicas (2 by default)", () => {
    const scaled = new Map(
      settingsFrom(config({ autoscaling: '{"maxReplicas":6}', topologySpread: '["kubernetes.io/hostname"]' }), "qa", undefined, undefined),
    );
    assert.equal(scaled.get("autoscaling"), '{"maxReplicas":6}');
    assert.equal(scaled.get("topologySpread"), '["kubernetes.io/hostname"]');
    assert.equal(scaled.has("replicas"), false);
    assert.equal(new Map(settingsFrom(config({}), "qa", undefined, undefined)).get("replicas"), "2");
    assert.equal(new Map(settingsFrom(config({}), "qa", "4", undefined)).get("replicas"), "4");
  });

  it("copies no host name: neither ingress nor httpRoute, stack-wide or in a service", () => {
    const services = {
      api: { context: "api", ingress: { host: "api.example.com" }, httpRoute: { hostnames: ["a"], gateway: "g" }, replicas: 2 },
    };
    const copied = new Map(
      settingsFrom(config({ ingress: '{"host":"x.example.com"}', services: JSON.stringify(services) }), "qa", undefined, undefined),
    );
    assert.equal(copied.has("ingress"), false);
    assert.deepEqual(JSON.parse(copied.get("services") ?? ""), { api: { context: "api", replicas: 2 } });
  });
});

describe("the services a stack's config declares", () => {
  it("none for an unset key, which the engine lists with the project's empty default; the names otherwise", () => {
    assert.equal(configuredServices({}), undefined);
    assert.equal(configuredServices({ "tagship:services": { value: "", secret: false } }), undefined);
    assert.deepEqual(configuredServices({ "tagship:services": { value: '{"api":{"context":"x"},"web":{}}', secret: false } }), [
      "api",
      "web",
    ]);
  });
});
