import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSettings } from "../../settings/parse";
import type { BuildImageSettings, ServiceSettings, Settings } from "../../settings/settings";
import { configSource as source, stackConfig, problemsOf } from "./stack-config";

/** The stack's only service, as a stack without `services` has. */
function only(s: Settings): ServiceSettings {
  assert.equal(s.services.length, 1);
  const [first] = s.services;
  assert.ok(first);
  return first;
}

/** The only service's build, which it must have. */
function built(s: Settings): BuildImageSettings {
  const { image } = only(s);
  assert.equal(image.kind, "build");
  return image;
}

const dev = (over: Record<string, string> = {}) => ({ ...stackConfig("dev"), ...over });
/** An image to deploy by digest, for the cases of a stack that does not build. */
const DIGEST_REF = `127.0.0.1:5000/tagship/hello@sha256:${"d".repeat(64)}`;
const prod = (over: Record<string, string> = {}) => ({ ...stackConfig("prod"), ...over });

describe("stack config", () => {
  it("reads the dev stack into typed settings with the documented defaults", () => {
    const s = parseSettings(source("dev", dev()));
    assert.equal(s.deliveryMode, "direct");
    assert.equal(s.namespace, "hello-dev");
    assert.deepEqual(only(s).image, {
      kind: "build",
      tag: "0.1.0",
      registry: "127.0.0.1:5000",
      repository: "tagship/hello",
      builder: "tagship-lab",
      context: "app",
      dockerfile: "app/Dockerfile",
      buildArgs: { BASE_IMAGE: "127.0.0.1:5000/tagship/node-base:22" },
    });
    // No replicas: the Workload's default (3) applies.
    assert.deepEqual(only(s).workload.rollout, {
      maxSurge: 1,
      maxUnavailable: 0,
      minReadySeconds: 3,
      progressDeadlineSeconds: 120,
      revisionHistoryLimit: 5,
    });
    assert.deepEqual(only(s).workload.probes.readiness, { path: "/readyz", periodSeconds: 2, failureThreshold: 2, timeoutSeconds: 1 });
    assert.equal(s.gitops, undefined);
  });

  it("reads the prod stack: gitops, production rules, Docker Hub style registry", () => {
    const s = parseSettings(source("prod", prod()));
    assert.equal(s.production, true);
    assert.equal(s.deliveryMode, "gitops");
    assert.deepEqual(s.gitops, {
      repoUrl: "https://github.com/acme/tagship.git",
      repoPath: "deploy/prod",
      renderDirectory: ".tagship/render/prod",
      repoRevision: "main",
      argocdNamespace: "argocd",
      renderOnly: false,
    });
    assert.equal(only(s).workload.rollout.replicas, 6);
    assert.equal(only(s).workload.rollout.maxSurge, "25%");
    assert.equal(`${built(s).registry}/${built(s).repository}`, "docker.io/acme/hello");
  });

  it("deploys a given digest reference instead of building when imageRef is set", () => {
    const ref = `127.0.0.1:5000/tagship/hello@sha256:${"a".repeat(64)}`;
    const s = parseSettings(source("dev", dev({ "tagship:imageRef": ref, "tagship:registry": "", "tagship:baseImage": "" })));
    assert.deepEqual(only(s).image, { kind: "prebuilt", tag: "0.1.0", reference: ref });
  });

  it("derives names from a stack name that is not a DNS label", () => {
    const s = parseSettings(
      source("Team_A.dev", dev({ "tagship:deliveryMode": "gitops", "tagship:repoUrl": "file:///srv/git/tagship.git" })),
    );
    assert.equal(s.namespace, "hello-team-a-dev");
    assert.equal(s.gitops?.repoPath, "deploy/team-a-dev");
    assert.equal(s.gitops?.renderDirectory, ".tagship/render/team-a-dev");
  });

  it("collects every problem into one error instead of stopping at the first", () => {
    const message = problemsOf(
      source("dev", dev({ "tagship:replicas": "0", "tagship:deliveryMode": "yolo", "tagship:readinessPath": "readyz" })),
    );
    assert.match(message, /^Stack "dev" config: 3 problems found, nothing was changed:/);
    assert.match(message, /1\. .*\n\s+2\. .*\n\s+3\. /);
  });

  // Each bad input: the config that causes it, and the key, value, allowed values and fix it must name.
  const bad: {
    name: string;
    stack?: "dev" | "prod";
    set: Record<string, string>;
    key: string;
    value: string;
    allowed: RegExp;
    fix: RegExp;
  }[] = [
    {
      name: "replicas 0",
      set: { replicas: "0" },
      key: "replicas",
      value: "0",
      allowed: /an integer from 1 to 1000\./,
      fix: /pulumi config set tagship:replicas 3/,
    },
    {
      name: "negative replicas",
      set: { replicas: "-2" },
      key: "replicas",
      value: "-2",
      allowed: /an integer from 1 to 1000\./,
      fix: /pulumi config set tagship:replicas/,
    },
    {
      name: "fractional replicas",
      set: { replicas: "1.5" },
      key: "replicas",
      value: '"1.5"',
      allowed: /an integer/,
      fix: /pulumi config set tagship:replicas 3/,
    },
    {
      name: "maxSurge and maxUnavailable both 0",
      set: { maxSurge: "0", maxUnavailable: "0" },
      key: "maxSurge and tagship:maxUnavailable",
      value: '{"maxSurge":0,"maxUnavailable":0}',
      allowed: /at most one of them 0/,
      fix: /set maxSurge to 1/,
    },
    {
      name: "percentage over 100",
      set: { maxSurge: "150%" },
      key: "maxSurge",
      value: '"150%"',
      allowed: /percentage from 0% to 100%/,
      fix: /pulumi config set tagship:maxSurge 1/,
    },
    {
      name: "negative maxUnavailable",
      set: { maxUnavailable: "-1" },
      key: "maxUnavailable",
      value: '"-1"',
      allowed: /non-negative integer/,
      fix: /pulumi config set tagship:maxUnavailable/,
    },
    {
      name: "tag with a space",
      set: { imageTag: "v1 beta" },
      key: "imageTag",
      value: '"v1 beta"',
      allowed: /an OCI tag/,
      fix: /pulumi config set tagship:imageTag/,
    },
    {
      name: "tag starting with a dot",
      set: { imageTag: ".hidden" },
      key: "imageTag",
      value: '".hidden"',
      allowed: /not starting with '\.' or '-'/,
      fix: /0\.2\.1/,
    },
    {
      name: "latest in production",
      stack: "prod",
      set: { imageTag: "latest" },
      key: "imageTag",
      value: '"latest"',
      allowed: /'latest' names no release/,
      fix: /pulumi config set tagship:imageTag <version>/,
    },
    {
      name: "gitops without a repo URL",
      set: { deliveryMode: "gitops", repoUrl: "" },
      key: "repoUrl",
      value: '""',
      allowed: /non-empty value \(gitops mode/,
      fix: /pulumi config set tagship:repoUrl <value>/,
    },
    {
      name: "malformed repo URL",
      set: { deliveryMode: "gitops", repoUrl: "github.com/acme/tagship" },
      key: "repoUrl",
      value: '"github.com/acme/tagship"',
      allowed: /a git URL/,
      fix: /git clone/,
    },
    {
      name: "unknown delivery mode",
      set: { deliveryMode: "yolo" },
      key: "deliveryMode",
      value: '"yolo"',
      allowed: /one of direct, gitops/,
      fix: /pulumi config set tagship:deliveryMode direct/,
    },
    {
      name: "probe path without a slash",
      set: { readinessPath: "readyz" },
      key: "readinessPath",
      value: '"readyz"',
      allowed: /starts with '\/'/,
      fix: /write it as "\/readyz"/,
    },
    {
      name: "metrics path without a slash",
      set: { metricsPath: "metrics" },
      key: "metricsPath",
      value: '"metrics"',
      allowed: /starts with '\/'/,
      fix: /write it as "\/metrics"/,
    },
    {
      name: "port out of range",
      set: { containerPort: "70000" },
      key: "containerPort",
      value: "70000",
      allowed: /from 1 to 65535/,
      fix: /pulumi config set tagship:containerPort 8080/,
    },
    {
      name: "service port 0",
      set: { servicePort: "0" },
      key: "servicePort",
      value: "0",
      allowed: /from 1 to 65535/,
      fix: /tagship:servicePort 80/,
    },
    {
      name: "deadline not above minReady",
      set: { progressDeadlineSeconds: "3", minReadySeconds: "3" },
      key: "progressDeadlineSeconds and tagship:minReadySeconds",
      value: '{"progressDeadlineSeconds":3,"minReadySeconds":3}',
      allowed: /greater than minReadySeconds/,
      fix: /raise progressDeadlineSeconds above 3/,
    },
    {
      name: "preStop not shorter than grace",
      set: { preStopSeconds: "30", terminationGracePeriodSeconds: "30" },
      key: "preStopSeconds and tagship:terminationGracePeriodSeconds",
      value: '{"preStopSeconds":30,"terminationGracePeriodSeconds":30}',
      allowed: /preStopSeconds shorter than terminationGracePeriodSeconds/,
      fix: /raise terminationGracePeriodSeconds above 40/,
    },
    {
      name: "push without a registry",
      set: { registry: "" },
      key: "registry",
      value: '""',
      allowed: /the built image is pushed there/,
      fix: /pulumi config set tagship:registry <value>/,
    },
    {
      name: "registry port out of range",
      set: { registry: "registry.example.com:99999" },
      key: "registry",
      value: '"registry.example.com:99999"',
      allowed: /optional port \(1 to 65535\)/,
      fix: /registry host only/,
    },
    {
      name: "a bad registry while deploying a digest (not used, still checked)",
      set: { imageRef: DIGEST_REF, registry: "https://registry.example.com" },
      key: "registry",
      value: '"https://registry.example.com"',
      allowed: /a registry host/,
      fix: /registry host only/,
    },
    {
      name: "a bad imageName while deploying a digest (not used, still checked)",
      set: { imageRef: DIGEST_REF, imageName: "Acme/Hello" },
      key: "imageName",
      value: '"Acme/Hello"',
      allowed: /a repository path/,
      fix: /use lowercase letters/,
    },
    {
      name: "a bad builder while deploying a digest (not used, still checked)",
      set: { imageRef: DIGEST_REF, builder: "my builder!" },
      key: "builder",
      value: '"my builder!"',
      allowed: /the name of a buildx builder/,
      fix: /docker buildx ls/,
    },
    {
      name: "a bad baseImage while deploying a digest (not used, still checked)",
      set: { imageRef: DIGEST_REF, baseImage: "node base:22" },
      key: "baseImage",
      value: '"node base:22"',
      allowed: /an image reference without spaces/,
      fix: /baseImage/,
    },
    {
      name: "misspelled key",
      set: { replica: "5" },
      key: "replica",
      value: '"5"',
      allowed: /\(did you mean tagship:replicas\?\)/,
      fix: /pulumi config rm tagship:replica.*pulumi config set tagship:replicas/,
    },
    {
      name: "imageRef by tag",
      set: { imageRef: "127.0.0.1:5000/tagship/hello:0.1.0" },
      key: "imageRef",
      value: '"127.0.0.1:5000/tagship/hello:0.1.0"',
      allowed: /@sha256:<64 hex digits>/,
      fix: /never a bare tag/,
    },
    {
      name: "request above limit",
      set: { cpuRequest: "1000m", cpuLimit: "500m" },
      key: "cpuRequest and tagship:cpuLimit",
      value: '{"cpuRequest":"1000m","cpuLimit":"500m"}',
      allowed: /no greater than the limit/,
      fix: /lower the request/,
    },
    {
      name: "memory not a quantity",
      set: { memoryLimit: "lots" },
      key: "memoryLimit",
      value: '"lots"',
      allowed: /a memory quantity/,
      fix: /128Mi/,
    },
    {
      name: "app name not a DNS label",
      set: { appName: "Hello_World" },
      key: "appName",
      value: '"Hello_World"',
      allowed: /RFC 1035 label/,
      fix: /pulumi config set tagship:appName hello/,
    },
    {
      name: "namespace with capitals",
      set: { namespace: "Shop" },
      key: "namespace",
      value: '"Shop"',
      allowed: /a DNS label/,
      fix: /pulumi config set tagship:namespace/,
    },
    {
      name: "maxUnavailable in production",
      stack: "prod",
      set: { maxUnavailable: "1" },
      key: "maxUnavailable",
      value: "1",
      allowed: /0 in a production stack/,
      fix: /raise maxSurge/,
    },
    {
      name: "one replica in production",
      stack: "prod",
      set: { replicas: "1" },
      key: "replicas",
      value: "1",
      allowed: /at least 2 in a production stack/,
      fix: /tagship:replicas 3/,
    },
    {
      name: "user without a password",
      set: { registryUsername: "ci" },
      key: "registryPassword",
      value: "(not set)",
      allowed: /whenever registryUsername is set/,
      fix: /pulumi config set --secret tagship:registryPassword/,
    },
    {
      name: "kubeconfig that does not exist",
      set: { kubeconfig: "/nope/config" },
      key: "kubeconfig",
      value: '"/nope/config"',
      allowed: /an existing kubeconfig file/,
      fix: /pulumi config rm tagship:kubeconfig/,
    },
    {
      name: "boolean that is not one",
      set: { production: "yes" },
      key: "production",
      value: '"yes"',
      allowed: /true or false/,
      fix: /pulumi config set tagship:production false/,
    },
    {
      name: "a malformed gitops key in direct mode, where it is unused",
      set: { repoUrl: "not a url" },
      key: "repoUrl",
      value: '"not a url"',
      allowed: /git/,
      fix: /repoUrl/,
    },
    {
      name: "a gitops path escaping the repo in direct mode",
      set: { repoPath: "../other" },
      key: "repoPath",
      value: '"../other"',
      allowed: /no '\.\.'/,
      fix: /from the repository root/,
    },
    {
      name: "repo path escaping the repo",
      set: { deliveryMode: "gitops", repoUrl: "file:///srv/git/t.git", repoPath: "../other" },
      key: "repoPath",
      value: '"../other"',
      allowed: /no '\.\.'/,
      fix: /from the repository root/,
    },
    {
      name: "no base image to build on",
      set: { baseImage: "" },
      key: "baseImage",
      value: '""',
      allowed: /a value for ARG BASE_IMAGE, which app\/Dockerfile declares before its first FROM with no default/,
      fix: /pulumi config set tagship:baseImage <value>/,
    },
    {
      name: "a build context outside the project",
      set: { buildContext: "../elsewhere" },
      key: "buildContext",
      value: '"../elsewhere"',
      allowed: /a path relative to the project, inside it/,
      fix: /pulumi config set tagship:buildContext/,
    },
    {
      name: "an absolute build context",
      set: { buildContext: "/srv/api" },
      key: "buildContext",
      value: '"/srv/api"',
      allowed: /a path relative to the project, inside it/,
      fix: /pulumi config set tagship:buildContext/,
    },
    {
      name: "a build context that does not exist",
      set: { buildContext: "services/nope" },
      key: "buildContext",
      value: '"services/nope"',
      allowed: /an existing directory of the project/,
      fix: /the directory that holds your service's sources/,
    },
    {
      name: "a build context with no Dockerfile",
      set: { buildContext: "docs" },
      key: "buildContext",
      value: '"docs"',
      allowed: /a directory with a Dockerfile \(docs\/Dockerfile does not exist\)/,
      fix: /add docs\/Dockerfile, or run `pulumi config set tagship:dockerfile/,
    },
    {
      name: "a Dockerfile that does not exist",
      set: { dockerfile: "app/Dockerfile.prod" },
      key: "dockerfile",
      value: '"app/Dockerfile.prod"',
      allowed: /the path of an existing Dockerfile/,
      fix: /pulumi config set tagship:dockerfile/,
    },
    {
      name: "a build target the Dockerfile does not have",
      set: { buildTarget: "runtime" },
      key: "buildTarget",
      value: '"runtime"',
      allowed: /a stage of app\/Dockerfile, which names none/,
      fix: /pulumi config rm tagship:buildTarget/,
    },
    {
      name: "a build target that is no stage name",
      set: { buildTarget: "run time" },
      key: "buildTarget",
      value: '"run time"',
      allowed: /a stage name/,
      fix: /pulumi config set tagship:buildTarget/,
    },
    {
      name: "build arguments that are no object",
      set: { buildArgs: "[1,2]" },
      key: "buildArgs",
      value: '"[1,2]"',
      allowed: /an object of build argument names to values/,
      fix: /pulumi config rm tagship:buildArgs/,
    },
    {
      name: "a build argument name that is not one",
      set: { buildArgs: '{"1ST":"a"}' },
      key: "buildArgs.1ST",
      value: '"a"',
      allowed: /a build argument name/,
      fix: /pulumi config set --path 'tagship:buildArgs.NAME' value/,
    },
    {
      name: "BASE_IMAGE set twice, by baseImage and by buildArgs",
      set: { buildArgs: '{"BASE_IMAGE":"other:1"}' },
      key: "baseImage",
      value: '"127.0.0.1:5000/tagship/node-base:22"',
      allowed: /one value for the build argument BASE_IMAGE/,
      fix: /pulumi config rm --path 'tagship:buildArgs.BASE_IMAGE'/,
    },
    {
      name: "no image tag",
      set: { imageTag: "" },
      key: "imageTag",
      value: '""',
      allowed: /every release names its version/,
      fix: /pulumi config set tagship:imageTag <value>/,
    },
    {
      name: "renderOnly outside gitops",
      set: { renderOnly: "true" },
      key: "renderOnly",
      value: "true",
      allowed: /true only in gitops mode/,
      fix: /pulumi config set tagship:deliveryMode gitops/,
    },
    {
      name: "probe period 0",
      set: { readinessPeriodSeconds: "0" },
      key: "readinessPeriodSeconds",
      value: "0",
      allowed: /an integer from 1 to 300\./,
      fix: /tagship:readinessPeriodSeconds 2/,
    },
    {
      name: "absurd replicas",
      set: { replicas: "100000" },
      key: "replicas",
      value: "100000",
      allowed: /an integer from 1 to 1000 \(more pods than that for one service is likelier a typo than a need\)/,
      fix: /pulumi config set tagship:replicas 3/,
    },
    {
      name: "a progress deadline of days",
      set: { progressDeadlineSeconds: "360000" },
      key: "progressDeadlineSeconds",
      value: "360000",
      allowed: /an integer from 1 to 3600 \(a rollout making no progress for an hour is stuck/,
      fix: /progressDeadlineSeconds/,
    },
    {
      name: "a preStop pause of an hour",
      set: { preStopSeconds: "3600" },
      key: "preStopSeconds",
      value: "3600",
      allowed: /an integer from 0 to 600 \(every old pod holds the rollout for that long\)/,
      fix: /preStopSeconds/,
    },
  ];

  for (const b of bad) {
    it(`rejects ${b.name}`, () => {
      const values = Object.fromEntries(Object.entries(b.set).map(([k, v]) => [`tagship:${k}`, v]));
      const message = problemsOf(source(b.stack ?? "dev", (b.stack === "prod" ? prod : dev)(values)));
      const line = message.split("\n").find((l) => l.includes(`tagship:${b.key} = `));
      assert.ok(line, `no problem names tagship:${b.key} in:\n${message}`);
      assert.ok(line.includes(`tagship:${b.key} = ${b.value}: `), `value ${b.value} not shown in: ${line}`);
      assert.match(line, b.allowed);
      assert.match(line, / Fix: /);
      assert.match(line.slice(line.indexOf(" Fix: ")), b.fix);
    });
  }

  it("never prints a secret's value, even when it is stored in plaintext", () => {
    const message = problemsOf(
      source("dev", dev({ "tagship:registryUsername": "ci" }), { registryPassword: { value: "hunter2-plain", encrypted: false } }),
    );
    assert.match(message, /tagship:registryPassword = "\(hidden\)": allowed a value stored encrypted/);
    assert.doesNotMatch(message, /hunter2-plain/);
  });

  it("refuses a plaintext registryPassword while deploying a digest, which never pushes", () => {
    const message = problemsOf(
      source("dev", dev({ "tagship:imageRef": DIGEST_REF, "tagship:registryUsername": "ci" }), {
        registryPassword: { value: "hunter2-plain", encrypted: false },
      }),
    );
    assert.match(message, /tagship:registryPassword = "\(hidden\)": allowed a value stored encrypted/);
    assert.doesNotMatch(message, /hunter2-plain/);
  });

  it("refuses an encrypted value under a key that is not secret, without printing it", () => {
    const message = problemsOf(source("dev", dev(), { repoUrl: { value: "https://token@git.example/x.git", encrypted: true } }));
    assert.match(message, /tagship:repoUrl = "\(secret\)": allowed a plain value: this key is not secret/);
    assert.match(message, /without --secret/);
    assert.doesNotMatch(message, /token@git/);
  });

  it("reads appSecrets as variable names and a secret Output of their values", async () => {
    const s = parseSettings(
      source("dev", dev(), { appSecrets: { value: '{"API_TOKEN":"t0k","DB_URL":"postgres://x"}', encrypted: true } }),
    );
    assert.deepEqual(only(s).appSecrets?.names, ["API_TOKEN", "DB_URL"]);
    const secrets = only(s).appSecrets;
    assert.ok(secrets);
    assert.equal(await (secrets.values as unknown as { isSecret: Promise<boolean> }).isSecret, true);
    assert.equal(only(parseSettings(source("dev", dev(), { appSecrets: { value: "{}", encrypted: true } }))).appSecrets, undefined);
  });

  for (const [what, value, encrypted, expected] of [
    ["text that is not JSON", "s3cr3t-not-json", true, /tagship:appSecrets = "\(hidden\)": allowed a JSON object of variable names/],
    ["a JSON array", '["s3cr3t-in-array"]', true, /allowed a JSON object of variable names to text values/],
    ["a number value", '{"PORT_SECRET": 12345678}', true, /allowed a JSON object of variable names to text values/],
    [
      "a value stored in plaintext",
      '{"API_TOKEN":"s3cr3t-plain"}',
      false,
      /tagship:appSecrets = "\(hidden\)": allowed a value stored encrypted/,
    ],
    [
      "a name that is no variable name",
      '{"api-token":"s3cr3t-v"}',
      true,
      /tagship:appSecrets = "api-token": allowed an environment variable name/,
    ],
    ["a name the container sets itself", '{"PORT":"s3cr3t-v"}', true, /tagship:appSecrets = "PORT": allowed a name other than HOST, PORT/],
  ] as const) {
    it(`refuses appSecrets with ${what}, never printing a value`, () => {
      const message = problemsOf(source("dev", dev(), { appSecrets: { value, encrypted } }));
      assert.match(message, expected);
      assert.doesNotMatch(message, /s3cr3t|12345678/);
    });
  }

  it("refuses appSecrets in a renderOnly stack, where the Secret could only be written to files", () => {
    const message = problemsOf(
      source("ci", dev({ "tagship:deliveryMode": "gitops", "tagship:repoUrl": "file:///srv/git/t.git", "tagship:renderOnly": "true" }), {
        appSecrets: { value: '{"API_TOKEN":"s3cr3t"}', encrypted: true },
      }),
    );
    assert.match(message, /tagship:appSecrets = "\(hidden\)": allowed no secrets with renderOnly/);
    assert.doesNotMatch(message, /s3cr3t/);
  });

  it("passes registry credentials on as a secret Output", async () => {
    const s = parseSettings(
      source("dev", dev({ "tagship:registryUsername": "ci" }), { registryPassword: { value: "tok", encrypted: true } }),
    );
    const credentials = built(s).credentials;
    assert.ok(credentials);
    const secret = await (credentials.password as unknown as { isSecret: Promise<boolean> }).isSecret;
    assert.equal(secret, true);
  });
});

describe("the image's build source", () => {
  const files: Record<string, string> = {
    "services/api/Dockerfile.prod": [
      "# syntax is not needed",
      "ARG GO_VERSION",
      "ARG DISTRO=bookworm",
      "FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-${DISTRO} AS Build",
      "RUN go build \\",
      "    -o /out/api ./cmd/api",
      "FROM scratch AS runtime",
      "COPY --from=build /out/api /api",
    ].join("\n"),
  };
  /** The dev stack's config over a project that holds only `files`. */
  const teamSource = (over: Record<string, string>) => ({
    ...source("dev", dev(Object.fromEntries(Object.entries(over).map(([k, v]) => [`tagship:${k}`, v])))),
    isDirectory: (p: string) => p === "services/api",
    readFile: (p: string) => files[p],
  });

  it("builds a team's own service: its context, Dockerfile, stage and build arguments, with no BASE_IMAGE", () => {
    const s = parseSettings(
      teamSource({
        buildContext: "services/api/",
        dockerfile: "services/api/Dockerfile.prod",
        buildTarget: "runtime",
        buildArgs: '{"GO_VERSION":"1.26","DEBUG":false}',
        baseImage: "",
      }),
    );
    assert.deepEqual(
      { context: built(s).context, dockerfile: built(s).dockerfile, target: built(s).target, buildArgs: built(s).buildArgs },
      {
        context: "services/api",
        dockerfile: "services/api/Dockerfile.prod",
        target: "runtime",
        buildArgs: { GO_VERSION: "1.26", DEBUG: "false" },
      },
    );
  });

  it("with buildCache, caches beside the image in the same registry; without it, no cache reference", () => {
    const cached = parseSettings(source("dev", dev({ "tagship:buildCache": "true" })));
    assert.equal(built(cached).cacheRef, "127.0.0.1:5000/tagship/hello:buildcache");
    const plain = parseSettings(source("dev", dev()));
    assert.equal(built(plain).cacheRef, undefined);
    // The release's own tag must not be the cache's, or one would overwrite the other in the registry.
    assert.match(
      problemsOf(source("dev", dev({ "tagship:buildCache": "true", "tagship:imageTag": "buildcache" }))),
      /tagship:imageTag = "buildcache": allowed a release version other than 'buildcache'/,
    );
    assert.equal(only(parseSettings(source("dev", dev({ "tagship:imageTag": "buildcache" })))).image.tag, "buildcache");
  });

  it("names a stage as the Dockerfile spells it, whatever the case, and lists the stages when it is not one", () => {
    const ok = parseSettings(
      teamSource({
        buildContext: "services/api",
        dockerfile: "services/api/Dockerfile.prod",
        buildTarget: "BUILD",
        buildArgs: '{"GO_VERSION":"1.26"}',
      }),
    );
    assert.equal(built(ok).target, "BUILD");
    const message = problemsOf(
      teamSource({
        buildContext: "services/api",
        dockerfile: "services/api/Dockerfile.prod",
        buildTarget: "test",
        buildArgs: '{"GO_VERSION":"1.26"}',
      }),
    );
    assert.match(message, /tagship:buildTarget = "test": allowed a stage of services\/api\/Dockerfile\.prod: build, runtime\./);
  });

  it("refuses a base-image argument the Dockerfile needs and nothing sets, under the build argument's own key", () => {
    const message = problemsOf(teamSource({ buildContext: "services/api", dockerfile: "services/api/Dockerfile.prod" }));
    assert.match(
      message,
      /tagship:buildArgs\.GO_VERSION = \(not set\): allowed a value for ARG GO_VERSION, which services\/api\/Dockerfile\.prod declares before its first FROM with no default\. Fix: run `pulumi config set --path 'tagship:buildArgs\.GO_VERSION' <value>`/,
    );
    // An argument with a default needs nothing.
    assert.doesNotMatch(message, /DISTRO/);
  });
});
