import type { ConfigKeyName } from "./keys";
import type { ConfigReader } from "./reader";

/**
 * Reports a secret key whose value is stored in plaintext in the stack file. Its value is never shown, not
 * even in the problem: "(hidden)" stands for it.
 */
export function checkEncrypted(r: ConfigReader, key: ConfigKeyName, set: { readonly encrypted: boolean } | undefined, fix: string): void {
  if (set && !set.encrypted) r.report(key, "(hidden)", "a value stored encrypted", fix);
}
