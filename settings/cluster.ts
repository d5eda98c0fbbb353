import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import type { Settings } from "./settings";

/** Reads the kubeconfig path, which must exist when set, and its context; each absent for the kubeconfig's own defaults. */
export function clusterSettings(r: ConfigReader, fileExists: (path: string) => boolean): Settings["cluster"] {
  const kubeconfig = r.optional("kubeconfig");
  if (kubeconfig !== undefined && !fileExists(kubeconfig)) {
    r.report(
      "kubeconfig",
      kubeconfig,
      "the path of an existing kubeconfig file",
      `check the path (the lab writes .lab/kubeconfig: \`make lab-up\`), or run \`pulumi config rm ${qualified("kubeconfig")}\` to use KUBECONFIG or ~/.kube/config`,
    );
  }
  const context = r.optional("kubeContext");
  return { ...(kubeconfig !== undefined ? { kubeconfig } : {}), ...(context !== undefined ? { context } : {}) };
}
