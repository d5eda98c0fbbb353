// tagship: one release of one stack. `pulumi config set imageTag X && pulumi up` is a release.
import { loadSettings, quarantinedDigests, releaseTimeoutSeconds } from "./config";
import { release } from "./release";
import { preflight } from "./rollout";

// The stack outputs. release() leaves out the keys that do not apply to the delivery mode, rather than
// returning them undefined, which Pulumi would warn about on every run. The config is checked first, then the cluster
// is read (whose namespace, whose objects), and only then is anything declared.
export = (async () => {
  const settings = loadSettings();
  const timeoutSeconds = releaseTimeoutSeconds();
  const quarantined = quarantinedDigests();
  return release(settings, await preflight(settings), {
    ...(timeoutSeconds === undefined ? {} : { gitopsTimeoutSeconds: timeoutSeconds }),
    quarantined,
  });
})();
