import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { isDigest } from "./components/image/reference";
import { ValidationError } from "./components/validation";
import { MAX_RELEASE_TIMEOUT_SECONDS, QUARANTINE_VARIABLE, RELEASE_TIMEOUT_VARIABLE } from "./gitops/protocol";
import { isSecretKey, PROJECT, type ConfigKeyName } from "./settings/keys";
import { jsonShape, parseSettings, stringObjectFields, type ConfigSource } from "./settings/parse";
import { passphraseInEffect, publishedPassphraseProblem, stackSecretsProvider } from "./settings/secrets-provider";
import type { Settings } from "./settings/settings";

// Whether a key is stored encrypted. The SDK exports this at runtime but keeps it out of its typings;
// without it the check is left to the CLI, which enforces `secret: true` for typed keys in Pulumi.yaml.
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;

/** A file's text; undefined when it cannot be read. */
function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The project's files as parsing sees them: paths relative to `root`, the project directory the program runs in. */
export function projectFiles(root: string): Pick<ConfigSource, "isDirectory" | "readFile"> {
  return {
    isDirectory: (p) => fs.statSync(path.join(root, p), { throwIfNoEntry: false })?.isDirectory() ?? false,
    readFile: (p) => readText(path.join(root, p)),
  };
}

/**
 * Stops the program of a stack whose secrets are encrypted with the lab's published passphrase, unless it is the lab's
 * dev stack: whatever runs the engine (tagship, a plain `pulumi up`, a CI action), nothing is registered.
 */
function refusePublishedPassphrase(stack: string): void {
  const problem = publishedPassphraseProblem({
    stack,
    provider: stackSecretsProvider(readText(`Pulumi.${stack}.yaml`)),
    noneMeansPassphrase: false,
    passphrase: passphraseInEffect(process.env),
  });
  if (problem) throw new pulumi.RunError(problem);
}

/**
 * The bound on a gitops release's wait for Argo CD that the tagship command passes (its `--timeout`), if it does;
 * a plain `pulumi up` leaves the program its default.
 */
export function releaseTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[RELEASE_TIMEOUT_VARIABLE];
  if (raw === undefined || raw === "") return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_RELEASE_TIMEOUT_SECONDS) {
    throw new pulumi.RunError(
      `${RELEASE_TIMEOUT_VARIABLE} = "${raw}": allowed a whole number of seconds from 1 to ${MAX_RELEASE_TIMEOUT_SECONDS} (a day); unset it, or pass tagship's --timeout`,
    );
  }
  return seconds;
}

/**
 * The stack's quarantined digests that the tagship command passes (digest to the refusal that names it), which the
 * program refuses to run; a plain `pulumi up`, or the command's `--force`, passes none.
 */
export function quarantinedDigests(env: NodeJS.ProcessEnv = process.env): ReadonlyMap<string, string> {
  const raw = env[QUARANTINE_VARIABLE];
  if (raw === undefined || raw === "") return new Map();
  const bad = (): never => {
    throw new pulumi.RunError(
      `${QUARANTINE_VARIABLE} = ${JSON.stringify(raw.slice(0, 80))}: allowed a JSON object from digests ("sha256:" and 64 hex digits) ` +
        `to one-line reasons, as tagship sets it; unset it, or run the release through tagship`,
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return bad();
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return bad();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.some(([digest, why]) => !isDigest(digest) || typeof why !== "string")) return bad();
  return new Map(entries as [string, string][]);
}

/**
 * Reads the stack's config, the only place besides index.ts that does, and returns it validated and
 * typed. Bad config ends the program with every problem listed and nothing registered.
 */
export function loadSettings(): Settings {
  refusePublishedPassphrase(pulumi.getStack());
  const values = new Map<string, string>();
  const secrets = new Map<string, { encrypted: boolean }>();
  // Secret values stay in this function: parsing learns only their shape (secretFields).
  const secretValues = new Map<string, string>();
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    // undefined when the SDK cannot tell; then the CLI's own check of `secret: true` keys stands.
    const encrypted = isConfigSecret?.(fullKey);
    // A secret's value must never reach an error message, even under a misspelled key.
    if (isSecretKey(key) || encrypted === true) {
      if (value !== "") {
        secrets.set(key, { encrypted: encrypted ?? true });
        secretValues.set(key, value);
      }
    } else {
      values.set(key, value);
    }
  }
  const config = new pulumi.Config(PROJECT);
  try {
    return parseSettings({
      stack: pulumi.getStack(),
      values,
      secrets,
      secret: (key: ConfigKeyName) => config.requireSecret(key),
      secretFields: (key: ConfigKeyName) => stringObjectFields(secretValues.get(key) ?? ""),
      secretShape: (key: ConfigKeyName) => jsonShape(secretValues.get(key) ?? ""),
      fileExists: (path) => fs.existsSync(path),
      ...projectFiles("."),
    });
  } catch (e) {
    // A clean exit with the list of problems, rather than a stack trace of the program.
    if (e instanceof ValidationError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
