/**
 * A gitops release inside `pulumi up`, as the rollout wait is in direct mode: once every service's objects are
 * rendered and the Application is applied, commit the stack's manifests on the tip of the branch Argo CD tracks,
 * push them (publish.ts), and wait until Argo CD has them live (wait.ts). A plain `pulumi up`, a CI action's `up` or
 * `tagship ship` are then the same whole release, and a release that does not go live fails the update.
 *
 * In a preview nothing is pushed or waited for: the preview says that an update will, and the result is unknown.
 */
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesObject } from "../components/workload/workload";
import { quickRunError } from "../rollout/await";
import { PHASE_PREFIX } from "./protocol";
import { carriesRelease, publish } from "./publish";
import { renderedFile } from "./rendered";
import { awaitArgo } from "./wait";

export interface GitopsService {
  readonly name: string;
  readonly tag: string;
  readonly imageRef: pulumi.Input<string>;
  readonly deploymentName: pulumi.Input<string>;
  /** Every object the service renders: the release waits until each is written, and commits one file each. */
  readonly objects: readonly KubernetesObject[];
}

export interface GitopsReleaseArgs {
  readonly stackName: string;
  readonly services: readonly GitopsService[];
  /** The Application's metadata, known once it is applied: the release starts after that. */
  readonly application: pulumi.Output<{ readonly name?: string; readonly generation?: number }>;
  readonly argocdNamespace: string;
  readonly repoUrl: string;
  readonly branch: string;
  /** The directory in the repository that the release replaces. */
  readonly repoPath: string;
  /** Where the workload is rendered, relative to the project directory the program runs in. */
  readonly renderDirectory: string;
  readonly namespace: pulumi.Input<string>;
  /** The cluster of the Application and the workload. @default the Kubernetes provider's defaults */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Upper bound on the wait for Argo CD, in seconds. */
  readonly timeoutSeconds: number;
  /** The resource the release's messages are shown on. */
  readonly reportOn: pulumi.Resource;
}

export interface GitopsReleaseResult {
  /** The tip of the branch once the release is live: its commit, or the tip it found when nothing changed. */
  readonly commit: string;
  readonly changed: boolean;
}

export function gitopsRelease(a: GitopsReleaseArgs): pulumi.Output<GitopsReleaseResult> {
  const log = (line: string) => void pulumi.log.info(line, a.reportOn);
  if (pulumi.runtime.isDryRun()) {
    log(
      `gitops: the update commits ${a.repoPath} to ${a.repoUrl} ${a.branch} if its manifests change, then waits for Argo CD to have it live`,
    );
  }
  const identities = a.services.flatMap((s) =>
    s.objects.map((o) => pulumi.all([o.apiVersion, o.kind, o.metadata]).apply(([apiVersion, kind, m]) => ({ apiVersion, kind, ...m }))),
  );
  const services = a.services.map((s) =>
    pulumi.all([s.imageRef, s.deploymentName]).apply(([imageRef, deploymentName]) => ({ ...s, imageRef, deploymentName })),
  );
  return pulumi
    .all([pulumi.all(identities), pulumi.all(services), a.application, a.namespace])
    .apply(async ([objects, shipped, app, namespace]) => {
      // An Application without a generation was not applied to a cluster (Pulumi's mocks): nothing to release.
      if (pulumi.runtime.isDryRun() || app.generation === undefined) return pulumi.unknown as unknown as GitopsReleaseResult;
      const application = app.name ?? "";
      const phase = (name: string) => void pulumi.log.info(`${PHASE_PREFIX}${name}`, a.reportOn, undefined, true);
      const started = Date.now();
      const versions = shipped.length === 1 ? (shipped[0]?.tag ?? "") : shipped.map((s) => `${s.name} ${s.tag}`).join(", ");
      const subject = `release ${a.stackName} ${versions}`;
      phase("commit and push");
      try {
        const { commit, changed } = await publish(
          process.cwd(),
          {
            repoUrl: a.repoUrl,
            branch: a.branch,
            repoPath: a.repoPath,
            content: { directory: a.renderDirectory, files: objects.map((o) => renderedFile({ ...o, name: o.name ?? "" })).sort() },
            message: `${subject}\n\n${shipped.map((s) => `${s.name} ${s.tag} ${s.imageRef}`).join("\n")}`,
          },
          log,
        );
        log(
          `${changed ? "committed" : "no change in"} ${a.repoPath}: ${commit.slice(0, 12)} "${subject}", ${changed ? "pushed to" : "already on"} ${a.repoUrl} ${a.branch} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
        await awaitArgo({
          ...(a.kubeconfig ? { kubeconfig: a.kubeconfig } : {}),
          ...(a.context ? { context: a.context } : {}),
          application,
          argocdNamespace: a.argocdNamespace,
          namespace,
          deployments: shipped.map((s) => s.deploymentName),
          commit,
          carries: (revision) =>
            carriesRelease(process.cwd(), { repoUrl: a.repoUrl, branch: a.branch, repoPath: a.repoPath }, commit, revision),
          versions: shipped.length === 1 ? `version ${shipped[0]?.tag ?? ""}` : versions,
          timeoutSeconds: a.timeoutSeconds,
          log,
          phase,
        });
        return { commit, changed };
      } catch (e) {
        throw quickRunError(e instanceof Error ? e.message : String(e));
      }
    });
}
