// The lab's lifecycle: down leaves no process and no mount behind, and up after down works again.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { projectScript, ROOT, runCommand } from "../engine";

const LAB = process.env.TAGSHIP_LAB_DIR ?? path.join(ROOT, ".lab");
const lab = (cmd: string) => projectScript("lab/lab.sh", [cmd]);
const kubectl = (...args: string[]) =>
  runCommand(path.join(LAB, "bin", "kubectl"), args, { env: { KUBECONFIG: path.join(LAB, "kubeconfig") }, timeoutMs: 150_000 });

// A pod of the lab's own pause image: it must be stopped by down and run again after up.
const POD = `apiVersion: v1
kind: Pod
metadata: {name: sleeper, namespace: default}
spec:
  automountServiceAccountToken: false
  containers:
  - name: pause
    image: 127.0.0.1:5000/pause:3.10.1
    securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

/** `read(pid)` for every process on the machine, "" for those that ended or cannot be read. */
function fromEveryProcess(read: (pid: string) => string): string[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return read(p);
      } catch {
        return "";
      }
    });
}

/**
 * The lab's processes: those whose command line mentions the lab's directory (every server's config or
 * socket is there, and so is each container shim's).
 */
const labProcesses = () =>
  fromEveryProcess((p) => fs.readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ")).filter(
    (cmd) => cmd.includes(LAB) && !cmd.includes("lab.test.ts"),
  );

const CACHE = process.env.TAGSHIP_CACHE ?? path.join(os.homedir(), ".cache", "tagship");

/** Processes running a binary the lab built into the cache (etcd, Kubernetes, BuildKit, Argo CD). */
const cachedBinaryProcesses = () =>
  fromEveryProcess((p) => fs.readlinkSync(`/proc/${p}/exe`)).filter((exe) => exe.startsWith(path.join(CACHE, "lab")));

/** The pods' own processes, in the kubelet's cgroups. */
const podProcesses = () =>
  fromEveryProcess((p) => (fs.readFileSync(`/proc/${p}/cgroup`, "utf8").includes("/kubepods") ? p : "")).filter(Boolean);

const labMounts = () =>
  fs
    .readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .filter((l) => l.split(" ")[1]?.startsWith(LAB));

describe("lab lifecycle", () => {
  it("down stops every lab process, every pod, and leaves no mount", async () => {
    assert.ok(labProcesses().length > 0, "the lab was running before");
    const manifest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tagship-lab-")), "pod.yaml");
    fs.writeFileSync(manifest, POD);
    const applied = await kubectl("apply", "-f", manifest);
    assert.equal(applied.code, 0, applied.output);
    const ready = await kubectl("wait", "--for=condition=Ready", "pod/sleeper", "--timeout=120s");
    assert.equal(ready.code, 0, ready.output);
    assert.ok(podProcesses().length > 0, "the pod's processes run in the kubelet's cgroups");
    const down = await lab("down");
    assert.equal(down.code, 0, down.output);
    assert.deepEqual(labProcesses(), []);
    assert.deepEqual(podProcesses(), []);
    assert.deepEqual(cachedBinaryProcesses(), []);
    assert.deepEqual(labMounts(), []);
    const status = await lab("status");
    assert.notEqual(status.code, 0);
    assert.match(status.output, /registry: stopped/);
  });

  it("up after down brings every part back", async () => {
    const up = await lab("up");
    assert.equal(up.code, 0, up.output);
    const status = await lab("status");
    assert.equal(status.code, 0, status.output);
    assert.match(status.output, /registry: running/);
    assert.match(status.output, /buildkit: running/);
    assert.match(status.output, /base image: 127\.0\.0\.1:5000\/tagship\/node-base:22/);
    assert.match(status.output, /kubelet: running/);
    assert.match(status.output, /node tagship-lab: Ready/);
    assert.match(status.output, /argocd-application-controller: running/);
    assert.match(status.output, /argocd-repo-server: running/);
    // The kubelet starts the pod that was running before down again.
    const ready = await kubectl("wait", "--for=condition=Ready", "pod/sleeper", "--timeout=120s");
    assert.equal(ready.code, 0, ready.output);
    const deleted = await kubectl("delete", "pod", "sleeper", "--wait=true");
    assert.equal(deleted.code, 0, deleted.output);
  });
});
