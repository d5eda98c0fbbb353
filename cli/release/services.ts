/** The services of a stack as its outputs and its config name them, and the one a command acts on (--service). */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { ServiceOutputs } from "../../release";
import { UsageError } from "../command";
import { digestOf } from "../../components/image/reference";
import type { Outputs } from "./gitops";

/** A service as its stack's outputs name it. */
export interface ServiceOf extends Partial<ServiceOutputs> {
  readonly name: string;
}

/**
 * Every service of a stack, by name. A stack last updated before services existed has only the top-level
 * fields: its one service, named after its Deployment.
 */
export function servicesOf(outputs: Outputs): ServiceOf[] {
  if (outputs.services) return Object.entries(outputs.services).map(([name, s]) => ({ name, ...s }));
  return outputs.deploymentName ? [{ name: outputs.deploymentName, ...outputs }] : [];
}

/**
 * The service a command acts on: the one `--service` names, or the stack's only one. A stack of several
 * needs the name: acting on all of them is never what a rollback of one meant.
 */
export function pickService(outputs: Outputs, stackName: string, name: string | undefined): ServiceOf {
  const all = servicesOf(outputs);
  const names = all.map((s) => s.name).join(", ");
  if (name !== undefined) {
    const found = all.find((s) => s.name === name);
    if (!found) throw new UsageError(`--service = "${name}": stack ${stackName} has no such service; its services: ${names || "none yet"}`);
    return found;
  }
  const [only] = all;
  if (all.length === 1 && only) return only;
  if (all.length === 0) throw new Error(`stack ${stackName} has no output imageRef: it has never been released; release it first`);
  throw new UsageError(`stack ${stackName} ships ${all.length} services (${names}): name one with --service`);
}

/** What a stack runs, for messages: "version 1.4.0" for one service, "api 1.4.0, web 0.9.1" for several. */
export function versions(outputs: Outputs): string {
  const services = servicesOf(outputs);
  if (services.length === 1) return `version ${services[0]?.imageTag ?? "?"}`;
  return services.map((svc) => `${svc.name} ${svc.imageTag ?? "?"}`).join(", ");
}

/**
 * The services a stack's config declares (`tagship:services`), by name; undefined when it declares none, and so
 * ships one service from the stack-wide keys. The engine lists the project's default ("") for a key not set.
 */
export function configuredServices(config: ConfigMap): string[] | undefined {
  const services = servicesConfig(config);
  return services && Object.keys(services);
}

/** The stack's `services` object, by service name; undefined when it has none or it is not a JSON object. */
export function servicesConfig(config: ConfigMap): Record<string, Record<string, unknown> | undefined> | undefined {
  const raw = config["tagship:services"]?.value ?? "";
  if (raw.trim() === "") return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, Record<string, unknown> | undefined>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A service's version and, when it is pinned by imageRef, its digest ("" when built), as its stack's config gives them. */
export interface ConfiguredImage {
  readonly service: string;
  readonly tag: string;
  readonly digest: string;
}

/**
 * The version (and digest, when pinned by imageRef) the config gives each service: a service's own keys, else the
 * stack-wide ones. A stack without `services` ships one service, named as its outputs name it.
 */
export function configuredImages(config: ConfigMap, running: readonly string[]): ConfiguredImage[] {
  const stackWide = (key: string) => config[`tagship:${key}`]?.value ?? "";
  const services = servicesConfig(config);
  if (services === undefined) {
    const name = running.length === 1 ? (running[0] ?? "") : "";
    return name === "" ? [] : [{ service: name, tag: stackWide("imageTag"), digest: digestOf(stackWide("imageRef")) }];
  }
  return Object.entries(services).map(([service, fields]) => {
    const own = (key: string) => (typeof fields?.[key] === "string" ? fields[key] : undefined);
    return { service, tag: own("imageTag") ?? stackWide("imageTag"), digest: digestOf(own("imageRef") ?? stackWide("imageRef")) };
  });
}
