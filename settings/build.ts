import * as path from "node:path";
import { qualified } from "./keys";
import { setCommand } from "./config-naming";
import { dockerfileFacts } from "./dockerfile";
import type { ConfigReader } from "./reader";
import type { BuildSource } from "./settings";
import type { ConfigSource } from "./source";
import { readTextMap } from "./structured";

const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * What is built: the context directory, the Dockerfile, the stage and the build arguments, all checked against
 * the project's files before anything is built. baseImage is the build argument BASE_IMAGE, which app/'s
 * Dockerfile takes; any other Dockerfile needs no such argument.
 */
export function buildSource(r: ConfigReader, src: ConfigSource): BuildSource {
  const context = projectPath(r, "buildContext", r.text("buildContext").trim());
  const contextOk = context !== undefined && src.isDirectory(context);
  if (context !== undefined && !contextOk) {
    r.report(
      "buildContext",
      context,
      "an existing directory of the project, relative to it",
      `check the path, or run \`${setCommand("buildContext")}\` with the directory that holds your service's sources`,
    );
  }
  const found = dockerfileOf(r, src, context, contextOk);
  const dockerfile = found?.path;
  const facts = found && dockerfileFacts(found.text);
  const buildArgs = buildArguments(r);
  const target = r.optional("buildTarget");
  if (target !== undefined) checkTarget(r, target, dockerfile ?? "", facts?.stages);
  for (const name of facts?.globalArgsWithoutDefault ?? []) {
    if (buildArgs[name] !== undefined) continue;
    const key = name === "BASE_IMAGE" ? "baseImage" : `buildArgs.${name}`;
    r.report(
      key,
      name === "BASE_IMAGE" ? r.text("baseImage") : undefined,
      `a value for ARG ${name}, which ${dockerfile} declares before its first FROM with no default`,
      name === "BASE_IMAGE"
        ? `run \`${setCommand("baseImage")}\``
        : `run \`pulumi config set --path '${qualified("buildArgs")}.${name}' <value>\``,
    );
  }
  return {
    context: context ?? "",
    dockerfile: dockerfile ?? "",
    ...(target !== undefined ? { target } : {}),
    buildArgs,
  };
}

/**
 * The Dockerfile and its text: `dockerfile` when set, else `<buildContext>/Dockerfile`; undefined, with the
 * problem recorded, when it does not exist (and nothing more to say when the context is already reported).
 */
function dockerfileOf(
  r: ConfigReader,
  src: ConfigSource,
  context: string | undefined,
  contextOk: boolean,
): { path: string; text: string } | undefined {
  const set = r.optional("dockerfile");
  if (set === undefined) {
    if (!contextOk) return undefined;
    const inContext = path.posix.join(context ?? ".", "Dockerfile");
    const text = src.readFile(inContext);
    if (text !== undefined) return { path: inContext, text };
    r.report(
      "buildContext",
      context,
      `a directory with a Dockerfile (${inContext} does not exist)`,
      `add ${inContext}, or run \`${setCommand("dockerfile")}\` with the Dockerfile's path`,
    );
    return undefined;
  }
  const dockerfile = projectPath(r, "dockerfile", set);
  const text = dockerfile === undefined ? undefined : src.readFile(dockerfile);
  if (dockerfile !== undefined && text === undefined) {
    r.report(
      "dockerfile",
      set,
      "the path of an existing Dockerfile, relative to the project",
      `check the path, or run \`${setCommand("dockerfile")}\``,
    );
  }
  return dockerfile !== undefined && text !== undefined ? { path: dockerfile, text } : undefined;
}

/** A path relative to the project that stays inside it; undefined, with the problem recorded, otherwise. */
function projectPath(r: ConfigReader, key: "buildContext" | "dockerfile", value: string): string | undefined {
  const normal = path.posix.normalize(value.replace(/\\/g, "/"));
  if (value === "" || path.posix.isAbsolute(normal) || normal === ".." || normal.startsWith("../")) {
    r.report(key, value, "a path relative to the project, inside it (e.g. services/api)", `run \`${setCommand(key)}\``);
    return undefined;
  }
  return normal.replace(/\/$/, "");
}

/** buildArgs and baseImage (BASE_IMAGE) as one map of build arguments. */
export function buildArguments(r: ConfigReader): Record<string, string> {
  const args = readTextMap(
    r,
    { key: "buildArgs", example: `pulumi config set --path '${qualified("buildArgs")}.NAME' value` },
    "build argument names to values",
    (name) => (ARG_NAME.test(name) ? undefined : "a build argument name: letters, digits and '_', not starting with a digit"),
  );
  const baseImage = r.text("baseImage").trim();
  if (baseImage && /\s/.test(baseImage)) {
    r.report("baseImage", baseImage, "an image reference without spaces", `run \`${setCommand("baseImage")}\``);
  } else if (baseImage && args.BASE_IMAGE !== undefined) {
    r.report(
      "baseImage",
      baseImage,
      `one value for the build argument BASE_IMAGE, which ${qualified("buildArgs")}.BASE_IMAGE also sets`,
      `run \`pulumi config rm --path '${qualified("buildArgs")}.BASE_IMAGE'\` or \`pulumi config rm ${qualified("baseImage")}\``,
    );
  } else if (baseImage) {
    args.BASE_IMAGE = baseImage;
  }
  return args;
}

function checkTarget(r: ConfigReader, target: string, dockerfile: string, stages: readonly string[] | undefined): void {
  if (!STAGE_NAME.test(target)) {
    r.report("buildTarget", target, "a stage name (letters, digits, '_', '.', '-')", `run \`${setCommand("buildTarget")}\``);
  } else if (stages !== undefined && !stages.includes(target.toLowerCase())) {
    r.report(
      "buildTarget",
      target,
      stages.length > 0
        ? `a stage of ${dockerfile}: ${stages.join(", ")}`
        : `a stage of ${dockerfile}, which names none (FROM <image> AS <stage>)`,
      `run \`${setCommand("buildTarget")}\`, or \`pulumi config rm ${qualified("buildTarget")}\` for its last stage`,
    );
  }
}
