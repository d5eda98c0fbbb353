/**
 * What the tagship command and the program tell each other across the engine, apart from the program so that the
 * command reads it without loading the Pulumi SDK.
 */

/**
 * How the program's diagnostics name a gitops release's phase ("release phase: commit and push"), which the
 * command's phase clock follows (cli/release/phases.ts).
 */
export const PHASE_PREFIX = "release phase: ";

/**
 * The environment variable through which the command's `--timeout` reaches the program's wait for Argo CD (the
 * engine's process inherits the command's environment). Read only by config.ts.
 */
export const RELEASE_TIMEOUT_VARIABLE = "TAGSHIP_RELEASE_TIMEOUT_SECONDS";

/** The longest wait for Argo CD either takes: a day. A release that waits longer is stuck, not slow. */
export const MAX_RELEASE_TIMEOUT_SECONDS = 86_400;
