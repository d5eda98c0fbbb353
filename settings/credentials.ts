import { checkEncrypted } from "./encrypted";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import type { BuildImageSettings } from "./settings";
import type { ConfigSource } from "./source";

/**
 * Reads registryUsername and registryPassword: both or neither, the password stored encrypted. Undefined
 * unless both are set: the push then uses anonymous or ambient docker credentials.
 */
export function registryCredentials(r: ConfigReader, src: ConfigSource): BuildImageSettings["credentials"] {
  const username = r.text("registryUsername");
  const password = src.secrets.get("registryPassword");
  checkEncrypted(
    r,
    "registryPassword",
    password,
    `run \`pulumi config set --secret ${qualified("registryPassword")}\` and enter the value at the prompt`,
  );
  if (username && !password) {
    r.report(
      "registryPassword",
      undefined,
      "a password or token whenever registryUsername is set",
      `run \`pulumi config set --secret ${qualified("registryPassword")}\``,
    );
  }
  if (!username && password) {
    r.report(
      "registryUsername",
      "",
      "a user name whenever registryPassword is set",
      `run \`pulumi config set ${qualified("registryUsername")} <user>\``,
    );
  }
  return username && password ? { username, password: src.secret("registryPassword") } : undefined;
}
