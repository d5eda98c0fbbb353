// The lab tests' service that is not app/: tests/fixtures/static-service, a Go binary in a FROM scratch image.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { ROOT, type Sandbox } from "./engine";
import { LAB, LAB_STACK } from "./kube";

/** UID and GID the static service runs as: not app/'s 10001. */
export const STATIC_UID = 65532;

/** Its sources in the sandbox, services/static: its Dockerfile and the binary built here, as a team's CI would. */
export function addStaticService(box: Sandbox): void {
  const dir = path.join(box.workDir, "services", "static");
  fs.mkdirSync(dir, { recursive: true });
  const fixture = path.join(ROOT, "tests", "fixtures", "static-service");
  fs.copyFileSync(path.join(fixture, "Dockerfile"), path.join(dir, "Dockerfile"));
  execFileSync("go", ["build", "-trimpath", "-ldflags=-s", "-o", path.join(dir, "server"), "."], {
    cwd: fixture,
    env: { ...process.env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
    stdio: "pipe",
  });
}

/**
 * The config of a service `name` built from services/static: its command and arguments (the image has no
 * ENTRYPOINT), another UID, a writable /data for the state file it must write, 2 replicas and env MODE=<name>.
 */
function staticServiceConfig(name: string): Record<string, string> {
  const at = `services.${name}`;
  return {
    [`${at}.context`]: "services/static",
    [`${at}.replicas`]: "2",
    [`${at}.command[0]`]: "/server",
    [`${at}.args[0]`]: "--listen",
    [`${at}.args[1]`]: ":8080",
    [`${at}.args[2]`]: "--state",
    [`${at}.args[3]`]: "/data/state",
    [`${at}.runAsUser`]: String(STATIC_UID),
    [`${at}.runAsGroup`]: String(STATIC_UID),
    [`${at}.writablePaths./data`]: "8Mi",
    [`${at}.env.MODE`]: name,
  };
}

/** The lab's registry that requires a password, and its credentials as the stack's config sets them. */
export const PRIVATE_REGISTRY = "127.0.0.1:5002";
export function privateRegistryPassword(lab = LAB): string {
  return fs.readFileSync(path.join(lab, "private-registry", "password"), "utf8").trim();
}

/** A stack's config for pulling (and pushing) from the lab's private registry, its password stored as a secret. */
export function privateRegistryConfig() {
  return {
    "tagship:registry": { value: PRIVATE_REGISTRY },
    "tagship:registryUsername": { value: "tagship" },
    "tagship:registryPassword": { value: privateRegistryPassword(), secret: true },
  };
}

/**
 * The lab tests' stack of three services, set as a team sets it (`pulumi config set --path`): web (app/), static
 * (the Go binary, with its own ServiceAccount) on the open registry, and private, the same binary, on the stack's
 * registry, the password-protected one, with its credentials.
 */
export async function configureThreeServices(stack: Stack): Promise<void> {
  await stack.setAllConfig(privateRegistryConfig());
  const paths: Record<string, string> = {
    "services.web.context": "app",
    "services.web.replicas": "2",
    "services.web.registry": LAB_STACK.registry,
    ...staticServiceConfig("static"),
    "services.static.registry": LAB_STACK.registry,
    "services.static.serviceAccount": "true",
    ...staticServiceConfig("private"),
  };
  await stack.setAllConfig(Object.fromEntries(Object.entries(paths).map(([k, v]) => [`tagship:${k}`, { value: v }])), true);
}
