/**
 * A new environment in one command: the stack and its Pulumi.<stack>.yaml. Where things live (registry,
 * builder, base image, cluster, git repository) and the release (imageTag, imageRef) come from an existing
 * stack (`--from`, default dev); what makes the environment its own is set explicitly so a reviewer sees it:
 * its namespace `<appName>-<stack>`, its render path `deploy/<stack>` (and so its Argo CD Application, named
 * after the namespace), its replicas and its delivery mode. Secrets are not copied: set them again.
 * Then `make up STACK=<stack>` (or `npm run ship -- --stack <stack>`) deploys it; `npm run env:rm` removes it.
 *
 * Usage: node --import tsx scripts/cli/env-new.ts <stack> [--from <stack>] [--replicas <n>] [--mode direct|gitops] [--cwd <dir>]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseCommandLine, projectDir } from "./command";
import { CONFIG_KEYS } from "../../settings/keys";
import { pulumi, stackNames } from "./pulumi";

const USAGE = "npm run env:new -- <stack> [--from <stack>] [--replicas <n>] [--mode direct|gitops] [--cwd <dir>]";
const { values, positionals } = parseCommandLine(USAGE, {
  options: {
    from: { type: "string", default: "dev" },
    replicas: { type: "string", default: "2" },
    mode: { type: "string" },
    cwd: { type: "string" },
  },
  allowPositionals: true,
});
const cwd = projectDir(values.cwd);

/** Keys that say where things live and what is released: shared by every environment of a project. */
const SHARED_KEYS: readonly (keyof typeof CONFIG_KEYS)[] = [
  "appName",
  "imageTag",
  "imageRef",
  "registry",
  "imageName",
  "builder",
  "baseImage",
  "kubeconfig",
  "kubeContext",
  "repoUrl",
  "repoRevision",
  "argocdNamespace",
];

/** Every problem with the arguments, each naming the argument, the value, what is allowed and the fix. */
function problems(stack: string | undefined, existing: readonly string[]): string[] {
  const found: string[] = [];
  if (positionals.length !== 1 || !stack)
    found.push(`expected one stack name, got ${positionals.length}: run \`npm run env:new -- staging\``);
  else if (!/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/.test(stack))
    found.push(
      `<stack> = "${stack}": allowed lowercase letters, digits and '-', at most 40 characters, starting and ending with a letter or digit (it names the namespace); choose a name such as staging`,
    );
  else if (existing.includes(stack) || fs.existsSync(path.join(cwd, `Pulumi.${stack}.yaml`)))
    found.push(
      `<stack> = "${stack}": the stack already exists; choose another name, or remove it first with \`npm run env:rm -- ${stack} --yes\``,
    );
  if (!existing.includes(values.from))
    found.push(`--from = "${values.from}": no such stack (stacks: ${existing.join(", ") || "none"}); name an existing stack`);
  const replicas = Number(values.replicas);
  if (!Number.isInteger(replicas) || replicas < 1)
    found.push(`--replicas = "${values.replicas}": allowed an integer >= 1; e.g. --replicas 2`);
  if (values.mode !== undefined && !["direct", "gitops"].includes(values.mode))
    found.push(`--mode = "${values.mode}": allowed direct or gitops; e.g. --mode gitops`);
  return found;
}

function main() {
  const stack = positionals[0];
  const found = problems(stack, stackNames(cwd));
  if (found.length > 0 || !stack) {
    console.error(`env:new: ${found.length} problem${found.length === 1 ? "" : "s"} found, nothing was created:`);
    found.forEach((p, i) => console.error(`  ${i + 1}. ${p}`));
    process.exit(1);
  }
  const source = JSON.parse(pulumi(cwd, values.from, ["config", "--json"])) as Record<string, { value?: string; secret?: boolean }>;
  const value = (key: string) => source[`tagship:${key}`];
  // `pulumi config` lists the project's defaults too; only what the source stack sets is copied.
  const shared = SHARED_KEYS.flatMap((k) => {
    const v = value(k);
    const declared = CONFIG_KEYS[k] as { default?: string | number | boolean };
    return v && !v.secret && v.value !== undefined && v.value !== String(declared.default) ? [[k, v.value] as const] : [];
  });
  const secrets = Object.entries(source)
    .filter(([, v]) => v.secret)
    .map(([k]) => k);
  const appName = value("appName")?.value ?? "hello";
  const mode = values.mode ?? value("deliveryMode")?.value ?? "direct";
  const own: [string, string][] = [
    ["namespace", `${appName}-${stack}`],
    ["replicas", values.replicas],
    ["deliveryMode", mode],
    ...(mode === "gitops" ? [["repoPath", `deploy/${stack}`] as [string, string]] : []),
  ];

  pulumi(cwd, stack, ["stack", "init"]);
  const settings = [...shared, ...own];
  pulumi(cwd, stack, ["config", "set-all", ...settings.flatMap(([k, v]) => ["--plaintext", `tagship:${k}=${v}`])]);
  console.log(`created stack ${stack} and Pulumi.${stack}.yaml (from ${values.from}):`);
  for (const [k, v] of settings) console.log(`  tagship:${k}: ${v}`);
  if (secrets.length > 0)
    console.log(`not copied (secrets; set them with \`pulumi config set --secret --stack ${stack}\`): ${secrets.join(", ")}`);
  console.log(`deploy it with: make up STACK=${stack}`);
}

try {
  main();
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
