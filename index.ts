// tagship: one release of one stack. `pulumi config set imageTag X && pulumi up` is a release.
import { loadSettings } from "./config";
import { release } from "./release";
import { namespaceOwner } from "./rollout";

// The stack outputs. release() leaves out the keys that do not apply to the delivery mode, rather than
// returning them undefined, which Pulumi would warn about on every run. The config is checked before the cluster
// is read: bad config stops the program without touching anything.
export = (async () => {
  const settings = loadSettings();
  // Whether the stack made its namespace or found it, read before anything is declared; a render-only stack has
  // no cluster to read, and renders its own.
  const owner = settings.gitops?.renderOnly
    ? "stack"
    : await namespaceOwner({
        name: settings.namespace,
        appName: settings.appName,
        stack: settings.stack,
        ...(settings.cluster.kubeconfig ? { kubeconfig: settings.cluster.kubeconfig } : {}),
        ...(settings.cluster.context ? { context: settings.cluster.context } : {}),
      });
  return release(settings, owner);
})();
