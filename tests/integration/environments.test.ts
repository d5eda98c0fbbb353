// Environments on the lab: `env-new` creates a stack and its Pulumi.<stack>.yaml from an existing stack, with
// its own namespace and replicas, that a release deploys; bad arguments create nothing; `env-rm` removes it
// and everything it created.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { cliCommand, newStack, pulumiCli, sandbox, ship, type Sandbox } from "./engine";
import { Kube, LAB_KUBECONFIG, LAB_STACK } from "./kube";

const ENV = "it-env";
const NAMESPACE = `hello-${ENV}`;

describe("environments: env-new and env-rm", () => {
  let box: Sandbox;
  let kube: Kube;
  const command = (name: string, ...args: string[]) => cliCommand(box, name, args);
  const stacks = async () => (await pulumiCli(box, ["stack", "ls", "--json"])).output;
  const configFiles = () =>
    fs
      .readdirSync(box.workDir)
      .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
      .sort();

  before(async () => {
    kube = new Kube();
    box = sandbox();
    // The stack a new environment copies where things live from, as the lab's dev stack does.
    await newStack(box, "dev", {
      imageTag: "1.0.0",
      ...LAB_STACK,
    });
  });
  after(async () => {
    await command("env-rm", ENV, "--yes");
    box?.cleanup();
  });

  it("refuses bad arguments, naming each, and creates nothing", async () => {
    const before = [await stacks(), configFiles()];
    const run = await command("env-new", "Bad_Name", "--from", "nope", "--replicas", "0", "--mode", "blue");
    assert.equal(run.code, 2, "a usage error");
    assert.match(run.output, /4 problems found, nothing was created/);
    assert.match(run.output, /<stack> = "Bad_Name": allowed lowercase letters/);
    assert.match(run.output, /--from = "nope": no such stack \(stacks: dev\)/);
    assert.match(run.output, /--replicas = "0": allowed an integer >= 1/);
    assert.match(run.output, /--mode = "blue": allowed direct or gitops/);
    assert.deepEqual([await stacks(), configFiles()], before);
  });

  it("env-new creates the stack and its Pulumi.<stack>.yaml: the lab's settings, its own namespace and replicas", async () => {
    const run = await command("env-new", ENV, "--from", "dev", "--replicas", "2");
    assert.equal(run.code, 0, run.output);
    const config = (parse(fs.readFileSync(path.join(box.workDir, `Pulumi.${ENV}.yaml`), "utf8")) as { config: Record<string, string> })
      .config;
    assert.deepEqual(config, {
      "tagship:imageTag": "1.0.0",
      "tagship:registry": "127.0.0.1:5000",
      "tagship:builder": "tagship-lab",
      "tagship:baseImage": "127.0.0.1:5000/tagship/node-base:22",
      "tagship:kubeconfig": LAB_KUBECONFIG,
      "tagship:namespace": NAMESPACE,
      "tagship:replicas": "2",
      "tagship:deliveryMode": "direct",
    });
    const again = await command("env-new", ENV);
    assert.equal(again.code, 2, "a usage error");
    assert.match(again.output, new RegExp(`<stack> = "${ENV}": the stack already exists`));
  });

  it("a release deploys the new environment in its own namespace", async () => {
    // The source stack's namespace: absent on a fresh lab, or the one `make up` deployed; either way untouched.
    const sourceNamespace = async () => {
      const ns = await kube.get<{ metadata: { uid: string; resourceVersion: string } }>("/api/v1/namespaces/hello-dev");
      return ns ? `${ns.metadata.uid}@${ns.metadata.resourceVersion}` : null;
    };
    const sourceBefore = await sourceNamespace();
    await ship(box, ENV);
    const d = (await kube.get<{ metadata: { labels: Record<string, string> }; status: { readyReplicas?: number } }>(
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`,
    ))!;
    assert.equal(d.status.readyReplicas, 2);
    assert.equal(d.metadata.labels["app.kubernetes.io/instance"], ENV);
    // Nothing of the source stack was deployed or changed by it.
    assert.equal(await sourceNamespace(), sourceBefore);
  });

  it("env-rm lists what it would remove without --yes, then removes the namespace, the stack and its config", async () => {
    const dry = await command("env-rm", ENV);
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.output, new RegExp(`namespace ${NAMESPACE} and everything in it`));
    assert.match(dry.output, /nothing removed: run again with --yes/);
    assert.notEqual(await kube.get(`/api/v1/namespaces/${NAMESPACE}`), null);

    const run = await command("env-rm", ENV, "--yes");
    assert.equal(run.code, 0, run.output);
    console.log(run.output.trim().split("\n").at(-1));
    // The provider waits for the namespace's deletion; allow a few seconds for its last finalizer.
    assert.equal(await kube.namespaceAfterDeletion(NAMESPACE), null);
    assert.doesNotMatch(await stacks(), new RegExp(`"${ENV}"`));
    assert.deepEqual(configFiles(), ["Pulumi.dev.yaml"]);
  });
});
