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

/**
 * The environment variable through which the command hands the program the stack's quarantined digests (ledger
 * entries of aborted releases, cli/ledger/lookup.ts): a JSON object from each digest to the one-line refusal that
 * names it. A build's digest is known only inside the update, so only the program can refuse a build that comes out
 * the same as an aborted one before it reaches a workload. Absent (a plain `pulumi up`, `--force`): nothing is refused.
 * Read only by config.ts.
 */
export const QUARANTINE_VARIABLE = "TAGSHIP_QUARANTINED_DIGESTS";
