import { CONFIG_KEYS, isConfigKey, isSecretKey, qualified } from "./keys";
import type { ConfigReader } from "./reader";
import type { ConfigSource } from "./source";
import { closest } from "./suggest";

/** Reports keys the table does not declare, and encrypted values under keys it does not declare secret. */
export function checkDeclaredKeys(r: ConfigReader, src: ConfigSource): void {
  checkUnknownKeys(r, src);
  checkEncryptedPlainKeys(r, src);
}

/** A misspelled or unknown key would otherwise be silently ignored while its default applies. */
function checkUnknownKeys(r: ConfigReader, src: ConfigSource): void {
  const known = Object.keys(CONFIG_KEYS);
  for (const key of [...src.values.keys(), ...src.secrets.keys()]) {
    if (isConfigKey(key)) continue;
    const guess = closest(key, known);
    r.report(
      key,
      src.values.get(key) ?? "(secret)",
      `one of the keys declared in Pulumi.yaml${guess ? ` (did you mean ${qualified(guess)}?)` : ""}`,
      `run \`pulumi config rm ${qualified(key)}\`${guess ? ` and \`pulumi config set ${qualified(guess)} <value>\`` : ""}`,
    );
  }
}

/**
 * A value stored encrypted under a key that is not secret would be handled as plain text from here on
 * (rendered into manifests, shown in outputs), so it is refused rather than quietly decrypted.
 */
function checkEncryptedPlainKeys(r: ConfigReader, src: ConfigSource): void {
  for (const key of src.secrets.keys()) {
    if (isConfigKey(key) && !isSecretKey(key)) {
      r.report(
        key,
        "(secret)",
        "a plain value: this key is not secret, and its value would be exposed wherever it is used",
        `run \`pulumi config set ${qualified(key)} <value>\` without --secret`,
      );
    }
  }
}
