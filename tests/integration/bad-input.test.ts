// Bad input end to end, on a stack that is deployed and serving: bad configuration through the real
// `pulumi up`, bad arguments through the project's commands. Each must end non-zero with an error that names
// what is wrong, and leave the stack's state byte-for-byte as it was, its config file as the user left it
// (restored by the test), and the service answering the deployed version.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { cliCommand, type CommandResult, filesUnder, pulumiCli, type Sandbox, ship } from "./engine";
import { dropNamespace, Kube, labStack } from "./kube";

const STACK = "it-bad-input";
const NAMESPACE = `hello-${STACK}`;

/** One bad `pulumi config set` (or several), and what the error must say. */
interface BadConfig {
  readonly set: readonly (readonly [key: string, value: string, flags?: readonly string[]])[];
  readonly error: RegExp;
}

const BAD_CONFIG: Record<string, BadConfig> = {
  "replicas 0": { set: [["replicas", "0"]], error: /tagship:replicas = 0: allowed an integer from 1 to 1000/ },
  "replicas not a number": { set: [["replicas", "three"]], error: /replicas.*(integer|three)/ },
  "maxSurge not a count": { set: [["maxSurge", "abc"]], error: /tagship:maxSurge = "abc": allowed/ },
  "maxSurge and maxUnavailable both 0": {
    set: [["maxSurge", "0"]],
    error: /tagship:maxSurge and tagship:maxUnavailable = .*allowed at most one of them 0/,
  },
  "imageTag with a space": { set: [["imageTag", "not a tag"]], error: /tagship:imageTag = "not a tag": allowed an OCI tag/ },
  "imageTag empty": { set: [["imageTag", ""]], error: /tagship:imageTag = "": allowed/ },
  "registry with a scheme": {
    set: [["registry", "http://127.0.0.1:5000"]],
    error: /tagship:registry = "http:\/\/127\.0\.0\.1:5000": allowed a registry host/,
  },
  "imageName upper case": {
    set: [["imageName", "Tagship/Hello"]],
    error: /tagship:imageName = "Tagship\/Hello": allowed a repository path/,
  },
  "namespace kube-system": {
    set: [["namespace", "kube-system"]],
    error:
      /tagship:namespace = "kube-system": allowed a namespace for the application's own objects, not a system one: kube-system is one of the cluster's own/,
  },
  "namespace of Argo CD": {
    set: [["namespace", "argocd"]],
    error: /tagship:namespace = "argocd": allowed a namespace for the application's own objects, not a system one: argocd is Argo CD's/,
  },
  "deliveryMode unknown": { set: [["deliveryMode", "argo"]], error: /tagship:deliveryMode = "argo": allowed/ },
  "gitops without repoUrl": { set: [["deliveryMode", "gitops"]], error: /tagship:repoUrl = "": allowed/ },
  "repoUrl not git": {
    set: [
      ["deliveryMode", "gitops"],
      ["repoUrl", "ftp://example.invalid/r"],
    ],
    error: /tagship:repoUrl = "ftp:\/\/example\.invalid\/r": allowed/,
  },
  "renderOnly in direct mode": { set: [["renderOnly", "true"]], error: /tagship:renderOnly = true: allowed true only in gitops mode/ },
  "containerPort out of range": { set: [["containerPort", "70000"]], error: /tagship:containerPort = 70000: allowed/ },
  "cpuRequest not a quantity": { set: [["cpuRequest", "lots"]], error: /tagship:cpuRequest = "lots": allowed/ },
  "memory request above limit": {
    set: [["memoryRequest", "1Gi"]],
    error: /tagship:memoryRequest and tagship:memoryLimit = .*allowed a request no greater than the limit/,
  },
  "preStop longer than the grace period": {
    set: [["preStopSeconds", "40"]],
    error: /tagship:preStopSeconds and tagship:terminationGracePeriodSeconds = .*allowed preStopSeconds shorter/,
  },
  "deadline below minReadySeconds": {
    set: [["progressDeadlineSeconds", "2"]],
    error: /tagship:progressDeadlineSeconds and tagship:minReadySeconds = .*allowed progressDeadlineSeconds greater/,
  },
  "readinessPath without a slash": { set: [["readinessPath", "readyz"]], error: /tagship:readinessPath = "readyz": allowed/ },
  "ingress host not a DNS name": {
    set: [["ingress.host", "Shop_Example", ["--path"]]],
    error: /tagship:ingress\.host = "Shop_Example": allowed a DNS name/,
  },
  "ingress path without a slash": {
    set: [
      ["ingress.host", "shop.example.com", ["--path"]],
      ["ingress.path", "api", ["--path"]],
    ],
    error: /tagship:ingress\.path = "api": allowed a path prefix that starts with '\/'/,
  },
  "httpRoute path without a slash": {
    set: [
      ["httpRoute.hostnames[0]", "shop.example.com", ["--path"]],
      ["httpRoute.gateway", "lab-gateway/lab", ["--path"]],
      ["httpRoute.path", "api", ["--path"]],
    ],
    error: /tagship:httpRoute\.path = "api": allowed a path prefix/,
  },
  "autoscaling min above max": {
    set: [
      ["autoscaling.minReplicas", "5", ["--path"]],
      ["autoscaling.maxReplicas", "3", ["--path"]],
    ],
    error: /tagship:autoscaling\.minReplicas and tagship:autoscaling\.maxReplicas = .*allowed minReplicas no greater than maxReplicas/,
  },
  "autoscaling target 0": {
    set: [
      ["autoscaling.maxReplicas", "4", ["--path"]],
      ["autoscaling.cpuUtilization", "0", ["--path"]],
    ],
    error: /tagship:autoscaling\.cpuUtilization = 0: allowed an integer percentage from 1 to 100/,
  },
  "autoscaling target over 100": {
    set: [
      ["autoscaling.maxReplicas", "4", ["--path"]],
      ["autoscaling.memoryUtilization", "101", ["--path"]],
    ],
    error: /tagship:autoscaling\.memoryUtilization = 101: allowed an integer percentage from 1 to 100/,
  },
  "autoscaling with a fixed replicas": {
    set: [
      ["replicas", "3"],
      ["autoscaling.maxReplicas", "4", ["--path"]],
    ],
    error: /tagship:replicas and tagship:autoscaling = .*allowed one of them/,
  },
  "misspelled key": {
    set: [["replcas", "2"]],
    error: /tagship:replcas = "2": allowed one of the keys declared in Pulumi\.yaml \(did you mean tagship:replicas\?\)/,
  },
  "kubeconfig missing": {
    set: [["kubeconfig", "/nonexistent/kubeconfig"]],
    error: /tagship:kubeconfig = "\/nonexistent\/kubeconfig": allowed the path of an existing kubeconfig file/,
  },
  "imageRef without a digest": {
    set: [["imageRef", "127.0.0.1:5000/tagship/hello:1.0.0"]],
    error: /tagship:imageRef = "127\.0\.0\.1:5000\/tagship\/hello:1\.0\.0": allowed an immutable image reference/,
  },
  "appSecrets not JSON": {
    set: [["appSecrets", "s3cr3t-not-json", ["--secret"]]],
    error: /tagship:appSecrets = "\(hidden\)": allowed a JSON object/,
  },
  "appSecrets name invalid": {
    set: [["appSecrets.api-token", "s3cr3t-v", ["--secret", "--path"]]],
    error: /tagship:appSecrets = "api-token": allowed an environment variable name/,
  },
  "registryPassword without a user": {
    set: [["registryPassword", "s3cr3t-pw", ["--secret"]]],
    error: /tagship:registryUsername = "": allowed a user name whenever registryPassword is set/,
  },
  "registryUsername without a password": {
    set: [["registryUsername", "ci"]],
    error: /tagship:registryPassword = \(not set\): allowed a password or token/,
  },
  "production with maxUnavailable 1": {
    set: [
      ["production", "true"],
      ["maxUnavailable", "1"],
    ],
    error: /tagship:maxUnavailable = 1: allowed 0 in a production stack/,
  },
  "namespace not a DNS label": { set: [["namespace", "Hello_Dev"]], error: /tagship:namespace = "Hello_Dev": allowed a DNS label/ },
  "appName not a name": { set: [["appName", "Hello!"]], error: /tagship:appName = "Hello!": allowed/ },
};

/** Bad arguments to the project's commands (tagship <command>), and what the error must say. */
const BAD_COMMANDS: Record<string, { command: string; args: readonly string[]; error: RegExp }> = {
  "ship: unknown stack": {
    command: "ship",
    args: ["--stack", "it-nosuch"],
    error: /--stack = "it-nosuch": no such stack \(stacks: .*it-bad-input/,
  },
  "ship: misspelled option": {
    command: "ship",
    args: ["--stak", STACK],
    error: /Unknown option '--stak'[\s\S]*usage: tagship ship .*--stack <name>/,
  },
  "ship: timeout not a number": {
    command: "ship",
    args: ["--stack", STACK, "--timeout", "soon"],
    error: /--timeout soon: allowed a whole number of seconds from 1 to 86400/,
  },
  "promote: one stack": { command: "promote", args: [STACK], error: /expected <from> <to>, got 1 arguments/ },
  "promote: unknown target": { command: "promote", args: [STACK, "it-nosuch"], error: /<to> = "it-nosuch": no such stack/ },
  "rollback: unknown digest": {
    command: "rollback",
    args: [STACK, "--to", `127.0.0.1:5000/tagship/hello@sha256:${"0".repeat(64)}`],
    error: /--to = "127\.0\.0\.1:5000\/tagship\/hello@sha256:0{64}": not a good release of stack it-bad-input; known: 1\.0\.0 /,
  },
  "env-new: bad name and replicas": {
    command: "env-new",
    args: ["Bad_Name", "--replicas", "zero"],
    error: /--replicas = "zero": allowed an integer >= 1/,
  },
  "env-new: unknown mode": { command: "env-new", args: ["it-other", "--mode", "argo"], error: /--mode = "argo": allowed direct or gitops/ },
  "env-rm: unknown stack": { command: "env-rm", args: ["it-nosuch", "--yes"], error: /<stack> = "it-nosuch": no such stack/ },
  "plan: bad argument": { command: "plan", args: ["bad name!"], error: /"bad name!": allowed <stack> or <stack>=<preview\.json>/ },
};

describe("bad input end to end: a clear error, and the state byte-identical", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  let configFile = "";
  let serviceUrl = "";
  /** Every file of the backend (state, backups, history) and its hash; locks come and go. */
  const backend = () =>
    new Map(
      filesUnder(box.stateDir)
        .filter((f) => !f.includes(`${path.sep}locks${path.sep}`))
        .map((f) => [
          f,
          createHash("sha256")
            .update(fs.readFileSync(path.join(box.stateDir, f)))
            .digest("hex"),
        ]),
    );
  let deployed = new Map<string, string>();
  const tried: string[] = [];

  /** After each bad input: refused, named, the backend untouched, the service still on the deployed version. */
  async function expectRefused(what: string, run: CommandResult, error: RegExp) {
    tried.push(what);
    assert.notEqual(run.code, 0, `${what}: accepted\n${run.output}`);
    assert.match(run.output, error, what);
    assert.doesNotMatch(run.output, /s3cr3t/, `${what}: a secret's value was printed`);
    assert.deepEqual(backend(), deployed, `${what}: the backend changed`);
    const res = (await (await fetch(serviceUrl, { signal: AbortSignal.timeout(5000) })).json()) as { version: string };
    assert.equal(res.version, "1.0.0", what);
  }

  before(async () => {
    kube = new Kube();
    ({ box, stack } = await labStack(STACK, NAMESPACE, { imageTag: "1.0.0", replicas: "2" }, { repoUrl: false }));
    await ship(box, STACK);
    configFile = path.join(box.workDir, `Pulumi.${STACK}.yaml`);
    serviceUrl = await kube.versionUrl(NAMESPACE);
    deployed = backend();
  });
  after(async () => {
    console.log(`bad inputs refused with the state byte-identical: ${tried.length}`);
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  for (const [what, bad] of Object.entries(BAD_CONFIG)) {
    it(`config: ${what}`, async () => {
      const original = fs.readFileSync(configFile);
      try {
        for (const [key, value, flags = []] of bad.set) {
          const set = await pulumiCli(box, ["config", "set", ...flags, `tagship:${key}`, value, "--stack", STACK]);
          assert.equal(set.code, 0, set.output);
        }
        await expectRefused(what, await pulumiCli(box, ["up", "--yes", "--stack", STACK]), bad.error);
      } finally {
        fs.writeFileSync(configFile, original);
      }
    });
  }

  for (const [what, bad] of Object.entries(BAD_COMMANDS)) {
    it(`command: ${what}`, async () => {
      await expectRefused(what, await cliCommand(box, bad.command, [...bad.args]), bad.error);
      assert.ok(!fs.existsSync(path.join(box.workDir, "Pulumi.it-other.yaml")), "no environment was created");
    });
  }
});
