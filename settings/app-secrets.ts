import { checkEncrypted } from "./encrypted";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import type { ServiceSettings } from "./settings";
import type { ConfigSource } from "./source";

/**
 * The secret environment variables of one service of `services`: its entry of serviceSecrets when it has one,
 * else appSecrets, which every service shares.
 */
export function serviceSecretSettings(r: ConfigReader, src: ConfigSource, service: string): ServiceSettings["appSecrets"] {
  const shape = src.secrets.has("serviceSecrets") ? src.secretShape("serviceSecrets") : undefined;
  const own = isRecord(shape) ? shape[service] : undefined;
  if (!isRecord(own)) return appSecretSettings(r, src);
  const names = Object.keys(own).filter((name) => own[name] === "string");
  if (names.length === 0) return undefined;
  return {
    names,
    values: src.secret("serviceSecrets").apply((v) => (JSON.parse(v) as Record<string, Record<string, string>>)[service] ?? {}),
  };
}

/**
 * Checks serviceSecrets as a whole: stored encrypted, an object of service names to objects of text values, and
 * naming only services the stack ships.
 */
export function checkServiceSecrets(r: ConfigReader, src: ConfigSource, services: readonly string[]): void {
  const set = src.secrets.get("serviceSecrets");
  if (!set) return;
  const example = `pulumi config set --secret --path ${qualified("serviceSecrets")}.api.API_TOKEN`;
  checkEncrypted(r, "serviceSecrets", set, `run \`${example}\` for each variable`);
  const shape = src.secretShape("serviceSecrets");
  const ok = isRecord(shape) && Object.values(shape).every((v) => isRecord(v) && Object.values(v).every((x) => x === "string"));
  if (!ok) {
    r.report(
      "serviceSecrets",
      "(hidden)",
      'an object of service names to objects of variable names and text values, e.g. {"api": {"API_TOKEN": "..."}}',
      `run \`pulumi config rm ${qualified("serviceSecrets")}\`, then \`${example}\` and enter the value at the prompt`,
    );
    return;
  }
  for (const name of Object.keys(shape)) {
    if (services.includes(name)) continue;
    r.report(
      `serviceSecrets.${name}`,
      "(hidden)",
      `a service of the stack (${services.join(", ")}): its variables would reach no pod`,
      `run \`pulumi config rm --path ${qualified(`serviceSecrets.${name}`)}\`, or add the service to ${qualified("services")}`,
    );
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

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
