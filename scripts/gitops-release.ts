/**
 * The second half of a gitops release, after `pulumi up` has rendered deploy/<stack>/ and applied the
 * Application: commit the rendered manifests ("release <stack> <tag>"), push them to the stack's repoUrl,
 * ask Argo CD to refresh, and wait until the Application is Synced at that commit and Healthy and the
 * Deployment's rollout is complete. scripts/up.sh runs it for gitops stacks, so that
 * `pulumi config set imageTag X` and `make up` (or `bash scripts/up.sh <stack>`) are the whole release.
 *
 * Usage: node --import tsx scripts/gitops-release.ts --stack <name> [--cwd <project dir>] [--timeout <s>]
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { applicationVerdict, connect, deploymentSnapshot, rolloutVerdict } from "../components/rollout";

const { values } = parseArgs({
  options: { stack: { type: "string" }, cwd: { type: "string" }, timeout: { type: "string", default: "600" } },
});
function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}
const stackName = values.stack ?? fail("--stack <name> is required: the gitops stack to release");
const cwd = path.resolve(values.cwd ?? path.join(__dirname, ".."));
const timeoutSeconds = Number(values.timeout);
if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) fail(`--timeout ${values.timeout}: a whole number of seconds > 0`);

const git = (...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

async function main() {
  const stack = await LocalWorkspace.selectStack({ stackName, workDir: cwd });
  const outputs = await stack.outputs();
  const out = (key: string) => outputs[key]?.value as unknown;
  if (out("deliveryMode") !== "gitops") fail(`stack ${stackName} is in ${String(out("deliveryMode"))} mode: only gitops stacks are pushed`);
  const gitops = out("gitops") as { repoUrl: string; revision: string; argocdNamespace: string; kubeconfig: string; kubeContext: string };
  const dir = String(out("renderDirectory"));
  const tag = String(out("imageTag"));
  const application = String(out("applicationName"));
  const namespace = String(out("namespace"));
  const deployment = String(out("deploymentName"));

  // 1. Commit exactly the stack's rendered manifests, then push the branch Argo CD tracks.
  git("add", "-A", "--", dir);
  const changed = git("status", "--porcelain", "--", dir) !== "";
  if (changed)
    git("-c", "user.name=tagship", "-c", "user.email=tagship@localhost", "commit", "-q", "-m", `release ${stackName} ${tag}`, "--", dir);
  const commit = git("rev-parse", "HEAD");
  try {
    git("push", "-q", gitops.repoUrl, `HEAD:refs/heads/${gitops.revision}`);
  } catch (e) {
    fail(
      `pushing ${commit.slice(0, 12)} to ${gitops.repoUrl} ${gitops.revision} failed (${(e as Error).message.split("\n")[0]}); pull the remote's changes and release again`,
    );
  }
  console.log(
    `${changed ? "committed" : "no change in"} ${dir}: ${commit.slice(0, 12)} "release ${stackName} ${tag}", pushed to ${gitops.repoUrl} ${gitops.revision} (${elapsed()})`,
  );

  // 2. Ask Argo CD to look now rather than at its next poll (every 3 minutes).
  const { client, kc } = await connect(gitops.kubeconfig && path.resolve(cwd, gitops.kubeconfig), gitops.kubeContext || undefined);
  const objects = client.KubernetesObjectApi.makeApiClient(kc);
  const apps = kc.makeApiClient(client.AppsV1Api);
  const ref = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: application, namespace: gitops.argocdNamespace },
  };
  await objects.patch(
    { ...ref, metadata: { ...ref.metadata, annotations: { "argocd.argoproj.io/refresh": "normal" } } },
    undefined,
    undefined,
    "tagship",
    undefined,
    client.PatchStrategy.MergePatch,
  );

  const deploymentVerdict = async () =>
    rolloutVerdict(deploymentSnapshot(await apps.readNamespacedDeployment({ name: deployment, namespace })));

  // 3. Wait: Synced at this commit, the sync succeeded, Healthy, and the Deployment's rollout complete.
  let last = "";
  for (;;) {
    const app = (await objects.read(ref)) as unknown as ArgoApplication;
    const verdict = applicationVerdict(
      {
        syncStatus: app.status?.sync?.status,
        syncRevision: app.status?.sync?.revision,
        healthStatus: app.status?.health?.status,
        healthMessage: app.status?.health?.message,
        operationPhase: app.status?.operationState?.phase,
        operationMessage: app.status?.operationState?.message,
        operationRevision: app.status?.operationState?.syncResult?.revision,
        unhealthy: (app.status?.resources ?? [])
          .filter((r) => r.health && r.health.status !== "Healthy")
          .map((r) => `${r.kind}/${r.name}: ${r.health?.status}${r.health?.message ? ` (${r.health.message})` : ""}`),
        errors: (app.status?.conditions ?? []).filter((c) => c.type.endsWith("Error")).map((c) => `${c.type}: ${c.message}`),
      },
      commit,
    );
    let detail = verdict.state === "progressing" ? verdict.detail : "";
    if (verdict.state === "failed") {
      // Argo CD 3 keeps resource health out of the Application's status; the Deployment says what failed.
      const rollout = await deploymentVerdict().catch(() => undefined);
      const why = rollout?.state === "failed" ? `; Deployment ${namespace}/${deployment}: [${rollout.reason}] ${rollout.message}` : "";
      fail(`Application ${gitops.argocdNamespace}/${application} did not roll out ${commit.slice(0, 12)}: ${verdict.message}${why}`);
    }
    if (verdict.state === "complete") {
      const rollout = await deploymentVerdict();
      if (rollout.state === "complete") {
        console.log(
          `Application ${application} Synced at ${commit.slice(0, 12)} and Healthy, Deployment ${namespace}/${deployment} rolled out: release ${tag} live after ${elapsed()}`,
        );
        return;
      }
      if (rollout.state === "failed") fail(`Deployment ${namespace}/${deployment}: [${rollout.reason}] ${rollout.message}`);
      detail = `Deployment: ${rollout.detail}`;
    }
    if (detail !== last) console.log(`  ${elapsed()}: ${(last = detail)}`);
    if (Date.now() - started > timeoutSeconds * 1000) fail(`Application ${application}: not live after ${timeoutSeconds} s (${detail})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface ArgoApplication {
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; syncResult?: { revision?: string } };
    resources?: { kind: string; name: string; health?: { status?: string; message?: string } }[];
    conditions?: { type: string; message: string }[];
  };
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
