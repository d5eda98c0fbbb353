import { registryHost } from "../components/image/reference";
import * as rules from "../components/rules";
import type { Problem } from "../components/validation";
import { checkServiceSecrets, serviceSecretSettings } from "./app-secrets";
import { imageSettings, imageTag } from "./image";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import { SERVICE_FIELDS, serviceReader } from "./service-scope";
import type { RegistryCredentials, ServiceSettings } from "./settings";
import { jsonObjectEntries, type ConfigSource } from "./source";
import type { StackSettings } from "./stack";
import { closest } from "./suggest";
import { workloadSettings } from "./workload";

const EXAMPLE = `pulumi config set --path '${qualified("services")}.api.context' services/api`;

/**
 * The services the stack ships: each entry of `services`, its fields over the stack-wide keys; or, when
 * `services` is not set, one service named appName from the stack-wide keys alone, as stacks had before
 * services existed (and with the same resource names, so that such a stack upgrades in place).
 */
export function serviceSettings(
  r: ConfigReader,
  src: ConfigSource,
  stack: StackSettings & { readonly credentials?: RegistryCredentials },
): ServiceSettings[] {
  const raw = r.text("services").trim();
  if (raw === "") {
    const only = oneService(r, src, stack, stack.appName);
    checkServiceSecrets(r, src, [only.name]);
    return [only];
  }
  const entries = jsonObjectEntries(raw);
  if (entries === undefined || entries.length === 0) {
    r.report(
      "services",
      raw,
      "an object of service names to their fields, with at least one service",
      `run \`pulumi config rm ${qualified("services")}\` for one service from the stack-wide keys, or \`${EXAMPLE}\``,
    );
    return [];
  }
  const services: ServiceSettings[] = [];
  const problems: Problem[] = [];
  for (const [name, value] of entries) {
    const fields = serviceFields(r, name, value);
    if (fields === undefined) continue;
    const scoped = serviceReader(src.values, name, fields);
    services.push(oneService(scoped.reader, src, stack, name));
    problems.push(...scoped.problems());
  }
  r.reportAll(uniqueProblems(problems));
  checkSharedRepositories(r, services);
  checkSharedRoutes(r, services);
  checkServiceSecrets(
    r,
    src,
    entries.map(([name]) => name),
  );
  return services;
}

/** One service from a reader of its values. */
function oneService(
  r: ConfigReader,
  src: ConfigSource,
  stack: StackSettings & { readonly credentials?: RegistryCredentials },
  name: string,
): ServiceSettings {
  const tag = imageTag(r, stack.production);
  const image = imageSettings(r, src, { tag, appName: name, ...(stack.credentials ? { credentials: stack.credentials } : {}) });
  const appSecrets = serviceSecretSettings(r, src, name);
  const workload = workloadSettings(r, {
    namespace: stack.namespace,
    version: tag,
    production: stack.production,
    ...(appSecrets ? { secretNames: appSecrets.names } : {}),
  });
  const pullsWithCredentials = stack.credentials !== undefined && registryOf(image) === stack.credentials.registry;
  return { name, image, workload, pullsWithCredentials, ...(appSecrets ? { appSecrets } : {}) };
}

/** A service's name and fields checked; its fields as a map, or undefined when the entry is no object. */
function serviceFields(r: ConfigReader, name: string, value: unknown): Map<string, unknown> | undefined {
  const at = `services.${name}`;
  const bad = rules.serviceName(40)(name);
  if (bad)
    r.report(at, name, `a service name: ${bad.allowed}`, `rename it: \`pulumi config rm --path '${qualified(at)}'\`, then \`${EXAMPLE}\``);
  const fields = value !== null && typeof value === "object" && !Array.isArray(value) ? new Map(Object.entries(value)) : undefined;
  if (fields === undefined) {
    r.report(at, value, "an object of the service's fields (an empty object takes every stack-wide default)", `run \`${EXAMPLE}\``);
    return undefined;
  }
  const known = [...SERVICE_FIELDS.keys()];
  for (const [field, v] of fields) {
    if (SERVICE_FIELDS.has(field)) continue;
    // A stack-wide key's name where the service's field is named otherwise (buildContext → context).
    const guess = [...SERVICE_FIELDS].find(([, key]) => key === field)?.[0] ?? closest(field, known);
    r.report(
      `${at}.${field}`,
      v,
      `a field of a service: ${guess ? `did you mean ${guess}? ` : ""}the fields are listed in docs/configuration.md`,
      `run \`pulumi config rm --path '${qualified(`${at}.${field}`)}'\`${guess ? ` and set ${qualified(`${at}.${guess}`)}` : ""}`,
    );
  }
  return bad ? undefined : fields;
}

/** Two services pushing to one repository would overwrite each other's tags and build cache. */
function checkSharedRepositories(r: ConfigReader, services: readonly ServiceSettings[]): void {
  const owner = new Map<string, string>();
  for (const s of services) {
    if (s.image.kind !== "build") continue;
    const repository = `${s.image.registry}/${s.image.repository}`;
    const other = owner.get(repository);
    if (other === undefined) {
      owner.set(repository, s.name);
      continue;
    }
    r.report(
      `services.${s.name}.imageName`,
      s.image.repository,
      `a repository of its own: services ${other} and ${s.name} would both push to ${repository}, overwriting each other's tags`,
      `run \`pulumi config set --path '${qualified(`services.${s.name}.imageName`)}' <team>/${s.name}\``,
    );
  }
}

/**
 * Two services routing one host and path (an Ingress rule, or an HTTPRoute host name) would take each other's
 * requests, whichever the controller picked: as with a stack-wide ingress or httpRoute that several services inherit.
 */
function checkSharedRoutes(r: ConfigReader, services: readonly ServiceSettings[]): void {
  const owner = new Map<string, string>();
  for (const s of services) {
    const w = s.workload;
    const claims = [
      ...(w.ingress ? [{ field: "ingress", route: `Ingress ${w.ingress.host}${w.ingress.path ?? "/"}` }] : []),
      ...(w.httpRoute?.hostnames ?? []).map((h) => ({ field: "httpRoute", route: `HTTPRoute ${h}${w.httpRoute?.path ?? "/"}` })),
    ];
    for (const { field, route } of claims) {
      const other = owner.get(route);
      if (other === undefined) {
        owner.set(route, s.name);
        continue;
      }
      r.report(
        `services.${s.name}.${field}`,
        route,
        `a host and path of its own: services ${other} and ${s.name} would both route ${route}, each taking the other's requests`,
        `give each service its own host or path: \`pulumi config set --path '${qualified(`services.${s.name}.${field}`)}.${field === "ingress" ? "host" : "hostnames[0]"}' ${s.name}.example.com\`, and no stack-wide ${field} for several services`,
      );
    }
  }
}

/** Problems of stack-wide keys that every service inherits are listed once. */
function uniqueProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = JSON.stringify([p.key, p.value, p.allowed, p.fix]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The registry host an image is pulled from: the one it is pushed to, or the host of a given reference. */
function registryOf(image: ServiceSettings["image"]): string {
  return image.kind === "build" ? image.registry : registryHost(image.reference);
}
