// What the container runs and how: its command, environment, identity, writable paths and account. Each value goes
// to the Workload as it is, checked by its rules; what is read here is only the shape of the structured keys.
import type { IdentityArgs, ServiceAccountArgs } from "../components/workload";
import { qualified } from "./keys";
import { setCommand } from "./config-naming";
import type { ConfigReader } from "./reader";
import { readTextList, readTextMap } from "./structured";

export interface RuntimeSettings {
  readonly env: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly identity: IdentityArgs;
  readonly writablePaths: Readonly<Record<string, string>>;
  readonly serviceAccount?: ServiceAccountArgs;
}

/** Reads env, command, args, runAsUser, runAsGroup, fsGroup, writablePaths, serviceAccount and automountServiceAccountToken. */
export function runtimeSettings(r: ConfigReader): RuntimeSettings {
  // Names and sizes are the Workload's to check; here only that each entry holds text.
  const anyName = (): undefined => undefined;
  const env = readTextMap(
    r,
    { key: "env", example: `pulumi config set --path '${qualified("env")}.NAME' value` },
    "variable names to values",
    anyName,
  );
  const command = readTextList(r, { key: "command", example: `pulumi config set --path '${qualified("command")}[0]' /server` });
  const args = readTextList(r, { key: "args", example: `pulumi config set --path '${qualified("args")}[0]' --verbose` });
  const writablePaths = readTextMap(
    r,
    { key: "writablePaths", example: `pulumi config set --path '${qualified("writablePaths")}["/tmp"]' 64Mi` },
    "absolute paths to size limits",
    anyName,
  );
  const fsGroup = optionalInteger(r);
  const account = r.boolean("serviceAccount");
  const automountToken = r.boolean("automountServiceAccountToken");
  if (automountToken && !account) {
    r.report(
      "automountServiceAccountToken",
      true,
      "true only together with serviceAccount: the namespace's default account is shared, and never gets a token mounted",
      `run \`pulumi config set ${qualified("serviceAccount")} true\`, or \`pulumi config rm ${qualified("automountServiceAccountToken")}\``,
    );
  }
  return {
    env,
    ...(command ? { command } : {}),
    ...(args ? { args } : {}),
    identity: { runAsUser: r.integer("runAsUser"), runAsGroup: r.integer("runAsGroup"), ...(fsGroup !== undefined ? { fsGroup } : {}) },
    writablePaths,
    ...(account ? { serviceAccount: { automountToken } } : {}),
  };
}

/** fsGroup: empty for none, else an integer. */
function optionalInteger(r: ConfigReader): number | undefined {
  const v = r.text("fsGroup").trim();
  if (v === "") return undefined;
  if (/^-?[0-9]+$/.test(v)) return Number(v);
  r.report("fsGroup", v, "a group ID (an integer), or empty for none", `run \`${setCommand("fsGroup")}\` with e.g. 10001`);
  return undefined;
}
