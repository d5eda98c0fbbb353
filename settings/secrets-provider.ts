/**
 * The lab's published passphrase and the rule that keeps it on the lab: only the dev stack may encrypt its secrets
 * with it. Anyone who has read toolchain/env.sh can decrypt what it protects, so a secret of any other stack under it
 * is a secret in plaintext, in its Pulumi.<stack>.yaml and in the backend's history.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { parse } from "yaml";

/** The passphrase toolchain/env.sh sets when none is set; Pulumi.dev.yaml carries its salt. */
export const PUBLISHED_PASSPHRASE = "tagship-lab";
/** The one stack allowed to use it: the lab's, which holds nothing secret. */
export const PUBLISHED_PASSPHRASE_STACK = "dev";

/** A stack's secrets provider as its settings file names it: none when the file does not say (yet). */
export type StackSecretsProvider = "passphrase" | "other" | "none";

export function stackSecretsProvider(settingsFile: string | undefined): StackSecretsProvider {
  const settings = (settingsFile ? parse(settingsFile) : undefined) as { secretsprovider?: unknown; encryptionsalt?: unknown } | null;
  const provider = settings?.secretsprovider;
  if (typeof provider === "string" && provider !== "passphrase") return "other";
  return provider === "passphrase" || typeof settings?.encryptionsalt === "string" ? "passphrase" : "none";
}

/** A file's text; undefined when it cannot be read. */
function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The passphrase the engine uses: PULUMI_CONFIG_PASSPHRASE, else the content of PULUMI_CONFIG_PASSPHRASE_FILE. */
export function passphraseInEffect(env: NodeJS.ProcessEnv, readFile: (path: string) => string | undefined = readText): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return file ? readFile(file)?.replace(/\r?\n$/, "") : undefined;
}

/**
 * Whether a stack the backend creates now gets the passphrase provider: a self-managed backend's default (file://,
 * s3://, gs://, azblob://). Pulumi Cloud's default is its own service.
 */
export function newStacksUsePassphrase(env: NodeJS.ProcessEnv): boolean {
  return /^(file|s3|gs|azblob):\/\//.test(env.PULUMI_BACKEND_URL ?? "");
}

export interface PassphraseUse {
  readonly stack: string;
  /** The provider its settings file names; "none" for a stack about to be created, or one whose file says nothing. */
  readonly provider: StackSecretsProvider;
  /** Whether a stack with provider "none" gets the passphrase provider (a stack being created on a self-managed backend). */
  readonly noneMeansPassphrase: boolean;
  readonly passphrase: string | undefined;
}

/**
 * Why the stack may not go on, when its secrets are (or would be) encrypted with the published passphrase and it is
 * not the lab's dev stack; undefined otherwise. The message names the stack, where the passphrase came from and
 * both ways out.
 */
export function publishedPassphraseProblem(use: PassphraseUse): string | undefined {
  const passphrase = use.provider === "passphrase" || (use.provider === "none" && use.noneMeansPassphrase);
  if (!passphrase || use.passphrase !== PUBLISHED_PASSPHRASE || use.stack === PUBLISHED_PASSPHRASE_STACK) return undefined;
  return [
    `stack ${use.stack}: its secrets would be encrypted with the lab's published passphrase (PULUMI_CONFIG_PASSPHRASE="${PUBLISHED_PASSPHRASE}", `,
    `which toolchain/env.sh sets when no passphrase is set), and anyone who has read this repository could decrypt them. `,
    `Only the lab's ${PUBLISHED_PASSPHRASE_STACK} stack may use it. Set the stack's own passphrase `,
    "(export PULUMI_CONFIG_PASSPHRASE_FILE=<a file only you can read>) or a secrets provider ",
    "(`pulumi stack init <stack> --secrets-provider awskms://...`, or `pulumi stack change-secrets-provider` for an existing one), ",
    "then run the command again. Nothing was changed.",
  ].join("");
}

/**
 * The problem of creating `stack` now (`make up`, env-new), if any: what its settings file names (`settingsFile`, its
 * text, undefined when there is none yet), else the backend's default for new stacks, under the passphrase in `env`.
 */
export function newStackPassphraseProblem(stack: string, settingsFile: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return publishedPassphraseProblem({
    stack,
    provider: stackSecretsProvider(settingsFile),
    noneMeansPassphrase: newStacksUsePassphrase(env),
    passphrase: passphraseInEffect(env),
  });
}

/**
 * Whether the published passphrase opens a passphrase provider's `encryptionsalt` (v1:<salt>:v1:<nonce>:<sealed>):
 * Pulumi derives the key with PBKDF2-SHA256 (1,000,000 rounds, 32 bytes) and seals "pulumi" with AES-256-GCM. This
 * tells what a stack's secrets are encrypted with from its settings file alone, whatever the environment says. About
 * half a second of CPU.
 */
export function publishedPassphraseOpens(encryptionSalt: string): boolean {
  const [v1, salt, v1b, nonce, sealed] = encryptionSalt.split(":");
  if (v1 !== "v1" || v1b !== "v1" || !salt || !nonce || !sealed) return false;
  const key = crypto.pbkdf2Sync(PUBLISHED_PASSPHRASE, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
  const box = Buffer.from(sealed, "base64");
  if (box.length < 16) return false;
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    decipher.setAuthTag(box.subarray(box.length - 16));
    return Buffer.concat([decipher.update(box.subarray(0, box.length - 16)), decipher.final()]).toString() === "pulumi";
  } catch {
    return false;
  }
}
