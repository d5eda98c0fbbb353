// tagship: one release of one stack. `pulumi config set imageTag X && pulumi up` is a release.
import { loadSettings } from "./config";
import { release } from "./release";

// The stack outputs. release() leaves out the keys that do not apply to the delivery mode, rather than
// returning them undefined, which Pulumi would warn about on every run.
export = release(loadSettings());
