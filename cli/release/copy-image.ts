/**
 * Promotion across registries: the image a source stack runs is copied, by digest, into the registry and
 * repository the target stack pulls from, with crane (go-containerregistry, built by toolchain/crane.sh), and the
 * copy's digest is checked to be the source's before the target is pinned to it. Registry logins go to crane in a
 * Docker config file of its own, readable by this user only and removed afterwards; they never reach a command line,
 * the environment of anything else, or the output.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { digestOf, isDigest, repositoryPath } from "../../components/image/reference";
import { servicesConfig } from "./services";

export interface RegistryLogin {
  readonly username: string;
  readonly password: string;
}

export interface ImageCopy {
  /** The source, by digest: registry/repository@sha256:... */
  readonly from: string;
  /** The target's registry/repository. */
  readonly to: string;
  /** The tag the copy gets there (the release's version), beside its digest. */
  readonly tag: string;
  /** Logins by registry host; a registry without one is used anonymously. */
  readonly logins: Readonly<Record<string, RegistryLogin>>;
}

/** Copies the image and returns the target's reference to it by digest, the source's digest. */
export function copyImage(c: ImageCopy, toolchainRoot: string): string {
  const digest = digestOf(c.from);
  if (!isDigest(digest)) throw new Error(`${c.from}: not a reference by digest (registry/repository@sha256:...)`);
  const crane = execFileSync("bash", [path.join(toolchainRoot, "toolchain", "crane.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const config = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-registry-"));
  try {
    const auths = Object.fromEntries(
      Object.entries(c.logins).map(([host, l]) => [host, { auth: Buffer.from(`${l.username}:${l.password}`).toString("base64") }]),
    );
    fs.writeFileSync(path.join(config, "config.json"), JSON.stringify({ auths }), { mode: 0o600 });
    const run = (...args: string[]) =>
      execFileSync(crane, args, {
        encoding: "utf8",
        env: { ...process.env, DOCKER_CONFIG: config },
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();
    try {
      run("copy", c.from, `${c.to}:${c.tag}`);
    } catch (e) {
      const said = ((e as { stderr?: string }).stderr ?? "").trim().split("\n").at(-1) ?? "";
      throw new Error(`copying ${c.from} to ${c.to}:${c.tag} failed: ${said || (e as Error).message}`);
    }
    const copied = run("digest", `${c.to}@${digest}`);
    if (copied !== digest)
      throw new Error(`the copy of ${c.from} in ${c.to} has digest ${copied}, not ${digest}: not promoting a different image`);
    return `${c.to}@${digest}`;
  } finally {
    fs.rmSync(config, { recursive: true, force: true });
  }
}

/** A service's own value of a key (`services.<name>.<key>`), else the stack-wide one; "" when neither is set. */
function serviceValue(config: ConfigMap, service: string, key: string): string {
  const own = servicesConfig(config)?.[service]?.[key];
  return typeof own === "string" && own !== "" ? own : (config[`tagship:${key}`]?.value ?? "");
}

/**
 * Where a stack pulls a service's images from, by its config: its registry (the service's, else the stack's) and
 * repository path (imageName, else the source's path). Undefined without a registry of its own: it pulls from
 * wherever it is told, the source's registry included.
 */
export function pullRepository(config: ConfigMap, service: string, source: string): string | undefined {
  const registry = serviceValue(config, service, "registry").trim();
  if (!registry) return undefined;
  const name = serviceValue(config, service, "imageName").trim() || repositoryPath(source);
  return `${registry}/${name}`;
}

/** A stack's login to its registry (registry, registryUsername, registryPassword), by host; none without one. */
export function registryLogins(config: ConfigMap): Record<string, RegistryLogin> {
  const registry = config["tagship:registry"]?.value?.trim() ?? "";
  const username = config["tagship:registryUsername"]?.value ?? "";
  const password = config["tagship:registryPassword"]?.value ?? "";
  return registry && username && password ? { [registry]: { username, password } } : {};
}
