// Security on the lab: the namespace's Pod Security admission and the handling of secrets.
// - The API server enforces "restricted" in the stack's namespace: it admits the workload and refuses a
//   privileged pod.
// - A registry password and an app secret, set with `pulumi config set --secret`, reach the cluster (the
//   Secret the app reads) and nowhere else in plaintext: not the state files (with their backups and history),
//   not deploy/ or the git history Argo CD reads, not the stack's outputs or export, not anything the release
//   command printed. Through a gitops release and then a switch to direct mode, so both paths are covered.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { filesUnder, pulumiCli, runCommand, type Sandbox, ship, renderedDir } from "./engine";
import { dropNamespace, isServing, Kube, kubectl, labStack, type Pod } from "./kube";

const STACK = "it-secrets";
const NAMESPACE = `hello-${STACK}`;

describe("security: Pod Security admission and secrets", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;
  let remote = "";
  // Unique per run, so that no other file on the machine can hold them by chance.
  const password = `pw-${randomUUID()}`;
  const token = `tok-${randomUUID()}`;
  /** Everything the commands printed. */
  const printed: string[] = [];

  before(async () => {
    kube = new Kube();
    ({ box, remote, stack } = await labStack(STACK, NAMESPACE, {
      imageTag: "1.0.0",
      replicas: "2",
      deliveryMode: "gitops",
      // The lab's registry takes anonymous pushes and ignores credentials; what matters is where they travel.
      registryUsername: "tagship-ci",
    }));
    for (const args of [
      ["config", "set", "--secret", "tagship:registryPassword", password],
      ["config", "set", "--secret", "--path", "tagship:appSecrets.API_TOKEN", token],
    ]) {
      const run = await pulumiCli(box, [...args, "--stack", STACK]);
      assert.equal(run.code, 0, run.output);
      printed.push(run.output);
    }
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await dropNamespace(NAMESPACE);
    box?.cleanup();
  });

  it("a gitops release: the app's Secret is applied by the stack, the rendered Deployment only names it", async () => {
    printed.push(await ship(box, STACK));
    const secret = await kube.get<{ data: Record<string, string> }>(`/api/v1/namespaces/${NAMESPACE}/secrets/hello-env`);
    assert.equal(Buffer.from(secret?.data.API_TOKEN ?? "", "base64").toString(), token, "the value reaches the cluster");
    const deployment = await kube.get<{ spec: { template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } } } }>(
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello`,
    );
    assert.deepEqual(
      deployment?.spec.template.spec.containers[0]?.env.find((e) => e.name === "API_TOKEN"),
      { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "hello-env", key: "API_TOKEN" } } },
    );
    const rendered = filesUnder(renderedDir(box, STACK));
    assert.ok(rendered.length > 0);
    for (const f of rendered) assert.doesNotMatch(fs.readFileSync(path.join(renderedDir(box, STACK), f), "utf8"), /^kind: Secret$/m, f);
  });

  it("the namespace enforces the restricted Pod Security Standard: the workload is admitted, a pod that is not restricted is refused", async () => {
    const ns = await kube.get<{ metadata: { labels: Record<string, string> } }>(`/api/v1/namespaces/${NAMESPACE}`);
    assert.equal(ns?.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    const pods = (await kube.get<{ items: Pod[] }>(`/api/v1/namespaces/${NAMESPACE}/pods`))!.items;
    assert.equal(pods.filter(isServing).length, 2, "the workload's pods were admitted and serve");
    // A plain pod, as `kubectl run` makes it: root allowed, privilege escalation allowed, no seccomp profile.
    const refused = await kubectl("run", "intruder", "-n", NAMESPACE, "--image", "127.0.0.1:5000/tagship/node-base:22", "--dry-run=server");
    assert.notEqual(refused.code, 0, refused.output);
    assert.match(refused.output, /violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    // The same pod in a namespace without the label is admitted: the refusal is the namespace's doing.
    const elsewhere = await kubectl(
      "run",
      "intruder",
      "-n",
      "default",
      "--image",
      "127.0.0.1:5000/tagship/node-base:22",
      "--dry-run=server",
    );
    assert.equal(elsewhere.code, 0, elsewhere.output);
  });

  it("after a switch to direct mode the app still reads the Secret, and neither secret is anywhere in plaintext", async () => {
    await stack.setConfig("tagship:deliveryMode", { value: "direct" });
    printed.push(await ship(box, STACK));
    const pods = (await kube.get<{ items: Pod[] }>(`/api/v1/namespaces/${NAMESPACE}/pods`))!.items;
    assert.equal(pods.filter(isServing).length, 2);
    for (const args of [["stack", "output", "--json"], ["stack", "export"], ["stack", "history", "--json"], ["config"]]) {
      const run = await pulumiCli(box, [...args, "--stack", STACK]);
      assert.equal(run.code, 0, run.output);
      printed.push(run.output);
    }
    const gitHistory = await runCommand("git", ["--git-dir", remote, "log", "-p", "--all"]);
    const places: [string, string][] = [
      ...filesUnder(box.stateDir).map((f): [string, string] => [`state/${f}`, fs.readFileSync(path.join(box.stateDir, f), "latin1")]),
      ...["deploy", ".tagship"].flatMap((dir) =>
        filesUnder(path.join(box.workDir, dir)).map((f): [string, string] => [
          `${dir}/${f}`,
          fs.readFileSync(path.join(box.workDir, dir, f), "latin1"),
        ]),
      ),
      [`Pulumi.${STACK}.yaml`, fs.readFileSync(path.join(box.workDir, `Pulumi.${STACK}.yaml`), "utf8")],
      ["git history of the remote", gitHistory.output],
      ...printed.map((p, i): [string, string] => [`command output ${i + 1}`, p]),
    ];
    // The plaintext and its base64 (a Secret's data): either would give the value away.
    const needles = [password, token, Buffer.from(password).toString("base64"), Buffer.from(token).toString("base64")];
    const found = places.flatMap(([where, text]) => needles.filter((n) => text.includes(n)).map((n) => `${where}: ${n.slice(0, 6)}…`));
    const bytes = places.reduce((n, [, text]) => n + text.length, 0);
    console.log(`searched ${places.length} files and outputs (${bytes} bytes) for 2 secrets: ${found.length} plaintext occurrences`);
    assert.deepEqual(found, []);
    // The search covers what it should: the state holds the secrets, encrypted.
    assert.ok(places.some(([where, text]) => where.startsWith("state/") && text.includes("4dabf18193072939515e22adb298388d")));
  });
});
