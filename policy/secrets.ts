/** Policies on how a stack keeps its secrets. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { publishedPassphraseOpens } from "../settings/secrets-provider";
import { isProductionStack, PROJECT_DIR, stackFile, stackOf } from "./stacks";

/**
 * Whether Pulumi.<stack>.yaml's encryptionsalt is opened by the lab's published passphrase. Read from the file, not
 * the environment: what counts is what the secrets are encrypted with, whoever supplied the passphrase.
 */
export function underPublishedPassphrase(stack: string, projectDir = PROJECT_DIR): boolean {
  const salt = stackFile(stack, projectDir)?.encryptionsalt;
  return typeof salt === "string" && publishedPassphraseOpens(salt);
}

export const productionSecretsNotPublished: StackValidationPolicy = {
  name: "production-secrets-not-under-the-published-passphrase",
  description:
    "A production stack's secrets are not encrypted with the lab's published passphrase (toolchain/env.sh), which anyone who has read the repository can use to decrypt them.",
  validateStack: (args, report) => {
    const stack = stackOf(args.resources[0]?.urn ?? "");
    if (!stack || !isProductionStack(stack) || !underPublishedPassphrase(stack)) return;
    report(
      `stack ${stack} is production and Pulumi.${stack}.yaml's encryptionsalt belongs to the published passphrase: set the stack's own (PULUMI_CONFIG_PASSPHRASE_FILE) or a secrets provider with \`pulumi stack change-secrets-provider\`, then set its secrets again`,
    );
  },
};
