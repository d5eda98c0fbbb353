import { checkEncrypted } from "./encrypted";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import type { ServiceSettings } from "./settings";
import type { ConfigSource } from "./source";

/**
 * Reads appSecrets, the app's secret environment variables: a JSON object of names to values, stored
 * encrypted. Only the names are checked (by the Workload's rules, later); the values stay an Output.
 * Undefined when none are set, and for a value that is no such object.
 */
export function appSecretSettings(r: ConfigReader, src: ConfigSource): ServiceSettings["appSecrets"] {
  const set = src.secrets.get("appSecrets");
  if (!set) return undefined;
  const example = `pulumi config set --secret --path ${qualified("appSecrets")}.API_TOKEN`;
  checkEncrypted(r, "appSecrets", set, `run \`${example}\` for each variable`);
  const names = src.secretFields("appSecrets");
  if (names === undefined) {
    r.report(
      "appSecrets",
      "(hidden)",
      'a JSON object of variable names to text values, e.g. {"API_TOKEN": "..."}',
      `run \`pulumi config rm ${qualified("appSecrets")}\`, then \`${example}\` and enter the value at the prompt`,
    );
    return undefined;
  }
  // `{}` sets no variable: the workload then needs no Secret at all.
  if (names.length === 0) return undefined;
  return { names, values: src.secret("appSecrets").apply((v) => JSON.parse(v) as Record<string, string>) };
}
