import { throwIfAny } from "../components/validation";
import { appSecretSettings } from "./app-secrets";
import { clusterSettings } from "./cluster";
import { checkDeclaredKeys } from "./declared-keys";
import { gitopsSettings } from "./gitops";
import { imageSettings, imageTag } from "./image";
import { configReader } from "./reader";
import type { Settings } from "./settings";
import type { ConfigSource } from "./source";
import { stackLabel, stackSettings } from "./stack";
import { workloadSettings } from "./workload";

// The parser's input, importable from here with the parser.
export { stringObjectFields, type ConfigSource } from "./source";

/**
 * Reads and checks a stack's whole config. Every problem is collected and thrown as one ValidationError
 * before any resource is registered, each naming the key, the value, what is allowed and the fix.
 */
export function parseSettings(src: ConfigSource): Settings {
  const r = configReader(src.values);
  checkDeclaredKeys(r, src);
  const label = stackLabel(src.stack);
  const stack = stackSettings(r, label);
  const tag = imageTag(r, stack.production);
  const image = imageSettings(r, src, { tag, appName: stack.appName });
  const appSecrets = appSecretSettings(r, src);
  const workload = workloadSettings(r, {
    namespace: stack.namespace,
    version: tag,
    production: stack.production,
    ...(appSecrets ? { secretNames: appSecrets.names } : {}),
  });
  const gitops = gitopsSettings(r, { deliveryMode: stack.deliveryMode, stackLabel: label, hasAppSecrets: appSecrets !== undefined });
  const cluster = clusterSettings(r, src.fileExists);
  throwIfAny(`Stack "${src.stack}" config`, r.problems);
  return {
    stack: src.stack,
    ...stack,
    image,
    workload,
    ...(gitops ? { gitops } : {}),
    cluster,
    ...(appSecrets ? { appSecrets } : {}),
  };
}
