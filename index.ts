// tagship: one release of one stack. `pulumi config set imageTag X && pulumi up` is a release.
import { loadSettings } from "./config";
import { release } from "./release";

// The stack outputs. Keys that do not apply to the stack's delivery mode are left out rather than exported
// as undefined, which Pulumi would warn about on every run.
export = Object.fromEntries(Object.entries(release(loadSettings())).filter(([, value]) => value !== undefined));
