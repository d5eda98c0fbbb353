import { checkEncrypted } from "./encrypted";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import type { Settings } from "./settings";
import type { ConfigSource } from "./source";

/**
 * Reads registryUsername and registryPassword: both or neither, the password stored encrypted, and for the
 * stack-wide registry. Undefined unless both are set: pushes then use anonymous or ambient docker credentials,
 * and the cluster pulls anonymously.
 */
export function registryCredentials(r: ConfigReader, src: ConfigSource): Settings["registryCredentials"] {
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
  const registry = r.text("registry").trim();
  if (username && password && !registry) {
    r.report(
      "registry",
      "",
      "the registry host registryUsername and registryPassword are for (the pods pull from it with them)",
      `run \`pulumi config set ${qualified("registry")} <host>\``,
    );
  }
  return username && password && registry ? { registry, username, password: src.secret("registryPassword") } : undefined;
}
