import { throwIfAny } from "../components/validation";
import { clusterSettings } from "./cluster";
import { checkDeclaredKeys } from "./declared-keys";
import { gitopsSettings } from "./gitops";
import { registryCredentials as credentials } from "./credentials";
import { configReader } from "./reader";
import type { Settings } from "./settings";
import type { ConfigSource } from "./source";
import { serviceSettings } from "./services";
import { stackLabel, stackSettings } from "./stack";

// The parser's input, importable from here with the parser.
export { jsonShape, stringObjectFields, type ConfigSource } from "./source";

/**
 * Reads and checks a stack's whole config. Every problem is collected and thrown as one ValidationError
 * before any resource is registered, each naming the key, the value, what is allowed and the fix.
 */
export function parseSettings(src: ConfigSource): Settings {
  const r = configReader(src.values);
  checkDeclaredKeys(r, src);
  const label = stackLabel(src.stack);
  const stack = stackSettings(r, label);
  const registryCredentials = credentials(r, src);
  const services = serviceSettings(r, src, { ...stack, ...(registryCredentials ? { credentials: registryCredentials } : {}) });
  const gitops = gitopsSettings(r, {
    deliveryMode: stack.deliveryMode,
    stackLabel: label,
    hasAppSecrets: services.some((s) => s.appSecrets !== undefined),
  });
  const cluster = clusterSettings(r, src.fileExists);
  throwIfAny(`Stack "${src.stack}" config`, r.problems);
  return {
    stack: src.stack,
    ...stack,
    services,
    ...(gitops ? { gitops } : {}),
    cluster,
    ...(registryCredentials ? { registryCredentials } : {}),
  };
}
