import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSettings } from "../../settings/parse";
import type { ServiceSettings } from "../../settings/settings";
import { configSource, stackConfig, problemsOf } from "./stack-config";

// A team's repository: two services with their own Dockerfiles, one of them with a build stage for tests.
const FILES = {
  "services/api/Dockerfile": "FROM node:22 AS build\nRUN true\nFROM scratch\nCOPY --from=build /x /x\n",
  "services/api/src/main.ts": "",
  "services/web/Containerfile": "ARG RUNTIME\nFROM ${RUNTIME}\n",
  "services/web/index.html": "",
};

/** The dev stack with `services` set to `services` (as `pulumi config set --path` stores it) and `over` on top. */
function stack(services: unknown, over: Record<string, string> = {}) {
  const values = { ...stackConfig("dev"), "tagship:services": JSON.stringify(services), ...over };
  return configSource("dev", values, {}, FILES);
}

const TWO = {
  api: { context: "services/api", imageTag: "1.4.0", replicas: 2 },
  web: { context: "services/web", dockerfile: "services/web/Containerfile", buildArgs: { RUNTIME: "127.0.0.1:5000/base:1" } },
};

function byName(services: readonly ServiceSettings[], name: string): ServiceSettings {
  const found = services.find((s) => s.name === name);
  assert.ok(found, `service ${name} among ${services.map((s) => s.name).join(", ")}`);
  return found;
}

describe("services", () => {
  it("reads each service's fields over the stack-wide keys, in the config's order", () => {
    const s = parseSettings(stack(TWO));
    assert.deepEqual(
      s.services.map((x) => x.name),
      ["api", "web"],
    );
    const api = byName(s.services, "api");
    const web = byName(s.services, "web");
    assert.equal(api.image.tag, "1.4.0");
    // web sets no imageTag: the stack's (Pulumi.dev.yaml) applies.
    assert.equal(web.image.tag, stackConfig("dev")["tagship:imageTag"]);
    assert.equal(api.workload.rollout.replicas, 2);
    // web sets no replicas and neither does the stack: the Workload's default applies.
    assert.equal(web.workload.rollout.replicas, undefined);
    assert.ok(api.image.kind === "build" && web.image.kind === "build");
    assert.deepEqual(
      [api.image.context, api.image.dockerfile, api.image.repository],
      ["services/api", "services/api/Dockerfile", "tagship/api"],
    );
    assert.deepEqual([web.image.dockerfile, web.image.repository], ["services/web/Containerfile", "tagship/web"]);
    // The stack's baseImage is app/'s build argument, and still the default of every service's BASE_IMAGE.
    assert.deepEqual(web.image.buildArgs, { RUNTIME: "127.0.0.1:5000/base:1", BASE_IMAGE: stackConfig("dev")["tagship:baseImage"] });
  });

  it("without services, ships one service named appName from the stack-wide keys", () => {
    const s = parseSettings(configSource("dev", { ...stackConfig("dev"), "tagship:appName": "shop" }));
    assert.deepEqual(
      s.services.map((x) => x.name),
      ["shop"],
    );
  });

  it("reads numbers and booleans that `pulumi config set --path` stored as such", () => {
    const s = parseSettings(stack({ api: { context: "services/api", replicas: 4, buildCache: true, runAsUser: 20001 } }));
    const api = byName(s.services, "api");
    assert.equal(api.workload.rollout.replicas, 4);
    assert.equal(api.workload.identity.runAsUser, 20001);
    assert.equal(api.image.kind === "build" && api.image.cacheRef, "127.0.0.1:5000/tagship/api:buildcache");
  });

  it("names a problem with a value a service set by its path, with a fix that sets that path", () => {
    const message = problemsOf(stack({ api: { context: "services/api", replicas: "many", readinessPath: "readyz" } }));
    assert.match(
      message,
      /tagship:services\.api\.replicas = "many": allowed an integer number of pods, or empty for the default \(3, or the autoscaler's count\)\. Fix: run `pulumi config set --path 'tagship:services\.api\.replicas' 3`/,
    );
    assert.match(
      message,
      /tagship:services\.api\.readinessPath = "readyz": allowed an HTTP path .*`pulumi config set --path 'tagship:services\.api\.readinessPath' \/readyz`/,
    );
  });

  it("names a problem a service inherited under the stack-wide key, once for all services", () => {
    const message = problemsOf(stack(TWO, { "tagship:maxSurge": "lots" }));
    assert.equal(message.match(/tagship:maxSurge = "lots"/g)?.length, 1, message);
    assert.match(message, /1 problem found/);
  });

  it("refuses a context that does not exist, or has no Dockerfile, under the service's context", () => {
    const message = problemsOf(stack({ api: { context: "services/nope" }, web: { context: "services" } }));
    assert.match(message, /tagship:services\.api\.context = "services\/nope": allowed an existing directory of the project/);
    assert.match(
      message,
      /tagship:services\.web\.context = "services": allowed a directory with a Dockerfile \(services\/Dockerfile does not exist\)/,
    );
    assert.match(message, /`pulumi config set --path 'tagship:services\.web\.dockerfile' <value>`/);
  });

  it("refuses a build argument a service's Dockerfile needs and nobody sets, under the service's buildArgs", () => {
    const message = problemsOf(stack({ web: { context: "services/web", dockerfile: "services/web/Containerfile" } }));
    assert.match(
      message,
      /tagship:buildArgs\.RUNTIME = \(not set\): allowed a value for ARG RUNTIME, which services\/web\/Containerfile declares/,
    );
    const own = problemsOf(
      stack({ web: { context: "services/web", dockerfile: "services/web/Containerfile", buildArgs: { OTHER: "x" } } }),
    );
    assert.match(
      own,
      /tagship:services\.web\.buildArgs\.RUNTIME = \(not set\).*`pulumi config set --path 'tagship:services\.web\.buildArgs\.RUNTIME' <value>`/,
    );
  });

  it("refuses unknown fields, with the field it probably meant", () => {
    const message = problemsOf(stack({ api: { context: "services/api", replica: 2, buildContext: "services/api" } }));
    assert.match(message, /tagship:services\.api\.replica = 2: allowed a field of a service: did you mean replicas\?/);
    assert.match(message, /tagship:services\.api\.buildContext = "services\/api": allowed a field of a service: did you mean context\?/);
  });

  it("refuses keys of the whole stack as service fields", () => {
    for (const field of ["namespace", "deliveryMode", "registryPassword", "appName", "repoUrl"]) {
      assert.match(
        problemsOf(stack({ api: { context: "services/api", [field]: "x" } })),
        new RegExp(`tagship:services\\.api\\.${field} = "x": allowed a field of a service`),
      );
    }
  });

  it("refuses bad service names, entries that are not objects, and an empty or malformed services", () => {
    const message = problemsOf(stack({ API: { context: "services/api" }, "1web": {}, web: "services/web" }));
    assert.match(message, /tagship:services\.API = "API": allowed a service name: an RFC 1035 label/);
    assert.match(message, /tagship:services\.1web = "1web": allowed a service name/);
    assert.match(message, /tagship:services\.web = "services\/web": allowed an object of the service's fields/);
    assert.match(
      problemsOf(stack({})),
      /tagship:services = "\{\}": allowed an object of service names to their fields, with at least one service/,
    );
    assert.match(problemsOf(stack(["api"])), /tagship:services = "\[\\"api\\"\]": allowed an object of service names/);
  });

  it("refuses two services that would push to one repository", () => {
    const message = problemsOf(stack({ api: { context: "services/api" }, web: { context: "services/api", imageName: "tagship/api" } }));
    assert.match(
      message,
      /tagship:services\.web\.imageName = "tagship\/api": allowed a repository of its own: services api and web would both push to 127\.0\.0\.1:5000\/tagship\/api/,
    );
  });

  it("lists every service's problems at once", () => {
    const message = problemsOf(
      stack({ api: { context: "services/api", replicas: 0 }, web: { context: "services/nope", containerPort: 70000 } }),
    );
    assert.match(message, /3 problems found/);
    assert.match(message, /services\.api\.replicas/);
    assert.match(message, /services\.web\.context/);
    assert.match(message, /services\.web\.containerPort/);
  });

  it("gives the stack's registry credentials only to services that push to the stack's registry", () => {
    const src = configSource(
      "dev",
      {
        ...stackConfig("dev"),
        "tagship:registryUsername": "ci",
        "tagship:services": JSON.stringify({
          api: { context: "services/api" },
          web: { context: "services/api", registry: "ghcr.io", imageName: "acme/web" },
        }),
      },
      { registryPassword: { value: "tok", encrypted: true } },
      FILES,
    );
    const s = parseSettings(src);
    const api = byName(s.services, "api");
    const web = byName(s.services, "web");
    assert.ok(api.image.kind === "build" && api.image.credentials?.username === "ci");
    assert.ok(web.image.kind === "build" && web.image.credentials === undefined);
  });
});

describe("secret variables per service", () => {
  const withSecrets = (secrets: Record<string, { value: string; encrypted: boolean }>) =>
    configSource("dev", { ...stackConfig("dev"), "tagship:services": JSON.stringify(TWO) }, secrets, FILES);

  it("a service listed in serviceSecrets gets its own; the others share appSecrets", async () => {
    const s = parseSettings(
      withSecrets({
        serviceSecrets: { value: JSON.stringify({ api: { API_TOKEN: "api-only-s3cr3t" } }), encrypted: true },
        appSecrets: { value: JSON.stringify({ SHARED: "shared-s3cr3t" }), encrypted: true },
      }),
    );
    const api = byName(s.services, "api").appSecrets;
    const web = byName(s.services, "web").appSecrets;
    assert.deepEqual([api?.names, web?.names], [["API_TOKEN"], ["SHARED"]]);
    assert.ok(api);
    const values = await new Promise<Record<string, string>>((resolve) => api.values.apply(resolve));
    assert.deepEqual(values, { API_TOKEN: "api-only-s3cr3t" });
  });

  it("refuses serviceSecrets in plaintext, of the wrong shape, or for a service the stack does not ship, never showing a value", () => {
    const plain = problemsOf(withSecrets({ serviceSecrets: { value: JSON.stringify({ api: { A: "v4lue" } }), encrypted: false } }));
    assert.match(plain, /tagship:serviceSecrets = "\(hidden\)": allowed a value stored encrypted/);
    const flat = problemsOf(withSecrets({ serviceSecrets: { value: JSON.stringify({ A: "v4lue" }), encrypted: true } }));
    assert.match(flat, /tagship:serviceSecrets = "\(hidden\)": allowed an object of service names to objects of variable names/);
    const other = problemsOf(withSecrets({ serviceSecrets: { value: JSON.stringify({ db: { A: "v4lue" } }), encrypted: true } }));
    assert.match(other, /tagship:serviceSecrets\.db = "\(hidden\)": allowed a service of the stack \(api, web\)/);
    for (const m of [plain, flat, other]) assert.doesNotMatch(m, /v4lue/);
  });
});

describe("runtime settings", () => {
  it("reads env, command, args, identity, writable paths and the service account", () => {
    const s = parseSettings(
      stack({
        api: {
          context: "services/api",
          env: { LOG_LEVEL: "debug", WORKERS: 4 },
          command: ["/server"],
          args: ["--listen", 8080],
          runAsUser: 65532,
          runAsGroup: 65532,
          fsGroup: "65532",
          writablePaths: { "/tmp": "16Mi", "/data": "64Mi" },
          serviceAccount: true,
        },
      }),
    );
    const w = byName(s.services, "api").workload;
    assert.deepEqual(w.env, { LOG_LEVEL: "debug", WORKERS: "4" });
    assert.deepEqual([w.command, w.args], [["/server"], ["--listen", "8080"]]);
    assert.deepEqual(w.identity, { runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 });
    assert.deepEqual(w.writablePaths, { "/tmp": "16Mi", "/data": "64Mi" });
    assert.deepEqual(w.serviceAccount, { automountToken: false });
  });

  it("defaults to the image's command, UID 10001, no writable path and the namespace's default account", () => {
    const w = byName(parseSettings(stack({ api: { context: "services/api" } })).services, "api").workload;
    assert.deepEqual([w.command, w.args, w.env, w.writablePaths, w.serviceAccount], [undefined, undefined, {}, {}, undefined]);
    assert.deepEqual(w.identity, { runAsUser: 10001, runAsGroup: 10001 });
  });

  it("refuses env names that shadow the container's own or a secret variable", () => {
    const src = configSource(
      "dev",
      { ...stackConfig("dev"), "tagship:env": JSON.stringify({ PORT: "1", API_TOKEN: "x", "bad-name": "y" }) },
      { appSecrets: { value: JSON.stringify({ API_TOKEN: "s" }), encrypted: true } },
    );
    const message = problemsOf(src);
    assert.match(message, /tagship:env = "PORT": allowed a name other than HOST, PORT/);
    assert.match(message, /tagship:env = "API_TOKEN": allowed a name that is not also a secret variable/);
    assert.match(message, /tagship:env = "bad-name": allowed an environment variable name/);
  });

  it("refuses root, relative or nested-dot writable paths, bad sizes, and a token without an account", () => {
    const message = problemsOf(
      stack({
        api: {
          context: "services/api",
          runAsUser: 0,
          fsGroup: "staff",
          writablePaths: { tmp: "16Mi", "/": "1Mi", "/data/../etc": "1Mi", "/cache": "lots" },
          automountServiceAccountToken: true,
          command: "/server --port 1",
        },
      }),
    );
    assert.match(message, /tagship:services\.api\.runAsUser = 0: allowed an integer from 1 to 2147483647/);
    assert.match(message, /tagship:services\.api\.fsGroup = "staff": allowed a group ID/);
    assert.match(message, /tagship:services\.api\.writablePaths = "tmp": allowed an absolute path in the container/);
    assert.match(message, /tagship:services\.api\.writablePaths = "\/": allowed an absolute path/);
    assert.match(message, /tagship:services\.api\.writablePaths = "\/data\/\.\.\/etc": allowed an absolute path/);
    assert.match(message, /tagship:services\.api\.writablePaths = \{"\/cache":"lots"\}: allowed a size limit/);
    assert.match(message, /tagship:services\.api\.automountServiceAccountToken = true: allowed true only together with serviceAccount/);
    assert.match(message, /tagship:services\.api\.command = "\/server --port 1": allowed a list of text values/);
  });
});
