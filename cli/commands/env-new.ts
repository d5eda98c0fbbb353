/**
 * env-new: a new environment in one command, the stack and its Pulumi.<stack>.yaml. Where things live
 * (registry, builder, base image, cluster, git repository) and the release (imageTag, imageRef) come from an
 * existing stack (`--from`, default dev); what makes the environment its own is set explicitly so a reviewer
 * sees it: its namespace `<appName>-<stack>`, its render path `deploy/<stack>` (and so its Argo CD
 * Application, named after the namespace), its replicas and its delivery mode. Secrets are not copied: set
 * them again. Then `make up STACK=<stack>` (or `tagship ship --stack <stack>`) deploys it; env-rm removes it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { CONFIG_KEYS } from "../../settings/keys";
import { newStackPassphraseProblem } from "../../settings/secrets-provider";
import { command, oneStack, UsageError } from "../command";
import { stackNames, workspace } from "../engine/workspace";
import { configuredServices } from "../release/services";

/** Keys that say where things live and what is released: shared by every environment of a project. */
const SHARED_KEYS: readonly (keyof typeof CONFIG_KEYS)[] = [
  "appName",
  "imageTag",
  "imageRef",
  "registry",
  "imageName",
  "builder",
  "buildCache",
  "buildContext",
  "dockerfile",
  "buildTarget",
  "buildArgs",
  "baseImage",
  "services",
  "env",
  "command",
  "args",
  "runAsUser",
  "runAsGroup",
  "fsGroup",
  "writablePaths",
  "autoscaling",
  "topologySpread",
  "serviceAccount",
  "automountServiceAccountToken",
  "kubeconfig",
  "kubeContext",
  "repoUrl",
  "repoRevision",
  "argocdNamespace",
];

interface Arguments {
  readonly stack: string;
  readonly from: string;
  /** Absent: 2, or none when the source is autoscaled. */
  readonly replicas: string | undefined;
  readonly mode: string | undefined;
}

/** Every problem with the arguments, each naming the argument, the value, what is allowed and the fix. */
function problems(a: Arguments, existing: readonly string[], cwd: string): string[] {
  const found: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/.test(a.stack))
    found.push(
      `<stack> = "${a.stack}": allowed lowercase letters, digits and '-', at most 40 characters, starting and ending with a letter or digit (it names the namespace); choose a name such as staging`,
    );
  else if (existing.includes(a.stack) || fs.existsSync(path.join(cwd, `Pulumi.${a.stack}.yaml`)))
    found.push(
      `<stack> = "${a.stack}": the stack already exists; choose another name, or remove it first with \`tagship env-rm ${a.stack} --yes\``,
    );
  if (!existing.includes(a.from))
    found.push(`--from = "${a.from}": no such stack (stacks: ${existing.join(", ") || "none"}); name an existing stack`);
  const replicas = Number(a.replicas ?? DEFAULT_REPLICAS);
  if (!Number.isInteger(replicas) || replicas < 1) found.push(`--replicas = "${a.replicas}": allowed an integer >= 1; e.g. --replicas 2`);
  if (a.mode !== undefined && !["direct", "gitops"].includes(a.mode))
    found.push(`--mode = "${a.mode}": allowed direct or gitops; e.g. --mode gitops`);
  // A stack that already has its file is refused above, so the backend's default provider applies.
  const passphrase = newStackPassphraseProblem(a.stack, undefined, process.env);
  if (passphrase) found.push(passphrase);
  return found;
}

/** The settings the new stack gets: the source's shared keys it sets itself, and the environment's own. */
export function settingsFrom(source: ConfigMap, stack: string, replicas: string | undefined, mode: string | undefined): [string, string][] {
  const value = (key: string) => source[`tagship:${key}`];
  // An autoscaled source stays autoscaled: a replicas as well would be refused.
  const count = autoscaled(source) ? [] : [["replicas", replicas ?? DEFAULT_REPLICAS] as [string, string]];
  // The engine lists the project's defaults too; only what the source stack sets is copied.
  const shared = SHARED_KEYS.flatMap((k) => {
    const v = value(k);
    const declared = CONFIG_KEYS[k] as { default?: string | number | boolean };
    if (!v || v.secret || v.value === undefined || v.value === String(declared.default)) return [];
    return [[k, k === "services" ? withoutRoutes(v.value) : v.value] as [string, string]];
  });
  const appName = value("appName")?.value ?? "hello";
  const deliveryMode = mode ?? value("deliveryMode")?.value ?? "direct";
  return [
    ...shared,
    ["namespace", `${appName}-${stack}`],
    ...count,
    ["deliveryMode", deliveryMode],
    ...(deliveryMode === "gitops" ? [["repoPath", `deploy/${stack}`] as [string, string]] : []),
  ];
}

export default command({
  name: "env-new",
  summary: "create an environment: a stack and its Pulumi.<stack>.yaml from an existing stack",
  usage: "<stack> [--from <stack>] [--replicas <n>] [--mode direct|gitops]",
  options: {
    from: { type: "string", value: "<stack>", default: "dev", description: "the stack whose settings it copies (default dev)" },
    replicas: { type: "string", value: "<n>", description: "its replicas (default 2; not with an autoscaled source)" },
    mode: { type: "string", value: "direct|gitops", description: "its delivery mode (default: the source's)" },
  },
  common: [],
  positionals: true,
  async run({ cwd, options, positionals }) {
    const stack = oneStack(positionals, "tagship env-new staging");
    const found = problems({ stack, ...options }, await stackNames(cwd), cwd);
    const ws = await workspace(cwd);
    const source = found.length === 0 ? await ws.getAllConfig(options.from) : {};
    if (options.replicas !== undefined && autoscaled(source))
      found.push(
        `--replicas = "${options.replicas}": allowed only when ${options.from} is not autoscaled (it sets tagship:autoscaling, which the new stack copies); leave --replicas out`,
      );
    if (found.length > 0)
      throw new UsageError(
        `env-new: ${found.length} problem${found.length === 1 ? "" : "s"} found, nothing was created:\n${found.map((p, i) => `  ${i + 1}. ${p}`).join("\n")}`,
      );
    const settings = settingsFrom(source, stack, options.replicas, options.mode);
    const secrets = Object.entries(source)
      .filter(([, v]) => v.secret)
      .map(([k]) => k);
    await ws.createStack(stack);
    // Objects and lists are set entry by entry with --path, so that they stay objects the user can set a path of;
    // plain values without it, which would read a tag such as 007 as a number.
    const structured = (k: string) => ["object", "list"].includes(CONFIG_KEYS[k as keyof typeof CONFIG_KEYS]?.type ?? "");
    const plain = settings.filter(([k]) => !structured(k));
    const paths = settings.filter(([k]) => structured(k)).flatMap(([k, v]) => pathEntries(`tagship:${k}`, JSON.parse(v) as unknown));
    await ws.setAllConfig(stack, Object.fromEntries(plain.map(([k, v]) => [`tagship:${k}`, { value: v, secret: false }])));
    if (paths.length > 0) await ws.setAllConfig(stack, Object.fromEntries(paths.map(([k, v]) => [k, { value: v, secret: false }])), true);
    console.log(`created stack ${stack} and Pulumi.${stack}.yaml (from ${options.from}):`);
    for (const [k, v] of settings) console.log(`  tagship:${k}: ${v}`);
    if (secrets.length > 0)
      console.log(`not copied (secrets; set them with \`pulumi config set --secret --stack ${stack}\`): ${secrets.join(", ")}`);
    const services =
      configuredServices(source) === undefined
        ? {}
        : (JSON.parse(source["tagship:services"]?.value ?? "{}") as Record<string, { replicas?: unknown }>);
    const ownReplicas = Object.entries(services)
      .filter(([, svc]) => svc.replicas !== undefined)
      .map(([name]) => name);
    if (ownReplicas.length > 0)
      console.log(
        `services with replicas of their own (copied as they are; --replicas is the default of the others): ${ownReplicas.join(", ")}`,
      );
    const routed = ["ingress", "httpRoute"].filter((k) => (source[`tagship:${k}`]?.value ?? "") !== "");
    if (routed.length > 0 || settings.some(([k, v]) => k === "services" && v !== source["tagship:services"]?.value))
      console.log(
        `not copied: ingress and httpRoute (host names belong to one environment; two stacks claiming one host would take each other's requests): set them for ${stack}`,
      );
    console.log(`deploy it with: make up STACK=${stack}`);
  },
});

const DEFAULT_REPLICAS = "2";

/** Whether the source stack scales its pods with an autoscaler (tagship:autoscaling set). */
function autoscaled(source: ConfigMap): boolean {
  return (source["tagship:autoscaling"]?.value ?? "") !== "";
}

/** The services object without each service's ingress and httpRoute: their host names are the source environment's. */
function withoutRoutes(services: string): string {
  let parsed: Record<string, Record<string, unknown>>;
  try {
    parsed = JSON.parse(services) as Record<string, Record<string, unknown>>;
  } catch {
    return services;
  }
  const stripped = Object.fromEntries(
    Object.entries(parsed).map(([name, fields]) => [
      name,
      Object.fromEntries(Object.entries(fields).filter(([field]) => field !== "ingress" && field !== "httpRoute")),
    ]),
  );
  return JSON.stringify(stripped);
}

/** A JSON value as `pulumi config set --path` entries: `a.b`, `a["/tmp"]` for keys that are not identifiers, `a[0]`. */
export function pathEntries(prefix: string, value: unknown): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => pathEntries(`${prefix}[${i}]`, v));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      pathEntries(/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `${prefix}.${k}` : `${prefix}[${JSON.stringify(k)}]`, v),
    );
  }
  return [[prefix, String(value)]];
}
