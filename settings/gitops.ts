import * as rules from "../components/rules";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import type { DeliveryMode, GitopsSettings } from "./settings";

/** Where gitops stacks render their workloads on this machine, relative to the project (git ignores it). */
export const RENDER_ROOT = ".tagship/render";

/** What the gitops settings depend on besides their own keys. */
export interface GitopsSettingsArgs {
  readonly deliveryMode: DeliveryMode;
  /** The default repoPath is deploy/<stack label>. */
  readonly stackLabel: string;
  /** Whether the app has secret variables, which a renderOnly stack cannot apply. */
  readonly hasAppSecrets: boolean;
}

/**
 * Reads where Argo CD finds the rendered workload; undefined outside gitops mode, where renderOnly must stay false.
 * Its keys are checked in every mode: a malformed value set in direct mode would otherwise surface only at the switch.
 */
export function gitopsSettings(r: ConfigReader, args: GitopsSettingsArgs): GitopsSettings | undefined {
  const gitops = args.deliveryMode === "gitops";
  const renderOnly = r.boolean("renderOnly");
  const repoUrl = (gitops ? r.required("repoUrl", "gitops mode: Argo CD tracks this repository") : r.optional("repoUrl")) ?? "";
  if (repoUrl) r.check("repoUrl", repoUrl, rules.gitRepoUrl);
  const repoPath = r.optional("repoPath") ?? `deploy/${args.stackLabel}`;
  r.check("repoPath", repoPath, rules.repoPath);
  const repoRevision = r.text("repoRevision");
  r.check("repoRevision", repoRevision, rules.gitRevision);
  const argocdNamespace = r.text("argocdNamespace");
  r.check("argocdNamespace", argocdNamespace, rules.dnsLabel(63));
  if (!gitops) {
    if (renderOnly) {
      r.report(
        "renderOnly",
        true,
        "true only in gitops mode (direct mode applies the workload itself)",
        `run \`pulumi config set ${qualified("deliveryMode")} gitops\` or \`pulumi config rm ${qualified("renderOnly")}\``,
      );
    }
    return undefined;
  }
  if (renderOnly && args.hasAppSecrets) {
    r.report(
      "appSecrets",
      "(hidden)",
      "no secrets with renderOnly: with no cluster to apply it to, the Secret would be written to files in plaintext",
      `run \`pulumi config rm ${qualified("renderOnly")}\` so that the stack applies the Secret, or \`pulumi config rm ${qualified("appSecrets")}\``,
    );
  }
  return { repoUrl, repoPath, renderDirectory: `${RENDER_ROOT}/${args.stackLabel}`, repoRevision, argocdNamespace, renderOnly };
}
