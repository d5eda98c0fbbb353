import type * as pulumi from "@pulumi/pulumi";
import * as rules from "../components/rules";
import { type Check, type Problem, ValidationError } from "../components/validation";
import { resolveWorkload, workloadProblems, type WorkloadArgs } from "../components/workload";
import { CONFIG_KEYS, qualified, type ConfigKey, type ConfigKeyName } from "./keys";
import { configNaming, isConfigKey, isSecretKey, setCommand } from "./naming";
import { DELIVERY_MODES, type DeliveryMode, type Settings } from "./settings";
import { closest } from "./suggest";

/** What config.ts hands the parser: the stack's raw config, and the few facts parsing needs from outside. */
export interface ConfigSource {
  readonly stack: string;
  /**
   * Every key set in the project's namespace, without the `tagship:` prefix, and its plain value. Keys
   * declared secret and values stored encrypted are left out: their values never pass through here.
   */
  readonly values: ReadonlyMap<string, string>;
  /** Keys declared secret that are set to a non-empty value, and any key stored encrypted; and whether each is encrypted. */
  readonly secrets: ReadonlyMap<string, { readonly encrypted: boolean }>;
  /** The Output of a secret key's value. */
  readonly secret: (key: ConfigKeyName) => pulumi.Output<string>;
  /**
   * The field names of a secret key whose value is a JSON object of strings; undefined when it is not one.
   * The only fact about a secret's value that parsing needs, and it holds no value.
   */
  readonly secretFields: (key: ConfigKeyName) => readonly string[] | undefined;
  readonly fileExists: (path: string) => boolean;
}

/** The field names of a JSON object whose values are all strings; undefined for any other text. Never echoes the text. */
export function stringObjectFields(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const entries = Object.entries(parsed);
  return entries.every(([, v]) => typeof v === "string") ? entries.map(([k]) => k) : undefined;
}

/**
 * Reads and checks a stack's whole config. Every problem is collected and thrown as one ValidationError
 * before any resource is registered, each naming the key, the value, what is allowed and the fix.
 */
export function parseSettings(src: ConfigSource): Settings {
  const problems: Problem[] = [];
  const add = (key: string, value: unknown, allowed: string, fix: string): void => {
    problems.push({ key: qualified(key), value, allowed, fix });
  };
  const check = <T>(key: ConfigKeyName, value: T, c: Check<T>): boolean => {
    const failure = c(value);
    if (failure) add(key, value, failure.allowed, `${failure.fix}; run \`${setCommand(key)}\` with such a value`);
    return !failure;
  };

  // Misspelled or unknown keys would otherwise be silently ignored while their default applies.
  const known = Object.keys(CONFIG_KEYS);
  for (const key of [...src.values.keys(), ...src.secrets.keys()]) {
    if (isConfigKey(key)) continue;
    const guess = closest(key, known);
    add(
      key,
      src.values.get(key) ?? "(secret)",
      `one of the keys declared in Pulumi.yaml${guess ? ` (did you mean ${qualified(guess)}?)` : ""}`,
      `run \`pulumi config rm ${qualified(key)}\`${guess ? ` and \`pulumi config set ${qualified(guess)} <value>\`` : ""}`,
    );
  }

  // A value stored encrypted under a key that is not secret would be handled as plain text from here on
  // (rendered into manifests, shown in outputs), so it is refused rather than quietly decrypted.
  for (const key of src.secrets.keys()) {
    if (isConfigKey(key) && !isSecretKey(key)) {
      add(
        key,
        "(secret)",
        "a plain value: this key is not secret, and its value would be exposed wherever it is used",
        `run \`pulumi config set ${qualified(key)} <value>\` without --secret`,
      );
    }
  }

  const text = (key: ConfigKeyName): string => {
    const v = src.values.get(key);
    if (v !== undefined) return v;
    const d = (CONFIG_KEYS[key] as ConfigKey).default;
    return d === undefined ? "" : String(d);
  };
  const integer = (key: ConfigKeyName): number => {
    const v = text(key);
    if (/^-?[0-9]+$/.test(v.trim())) return Number(v.trim());
    add(key, v, "an integer", `run \`${setCommand(key)}\``);
    return Number.NaN;
  };
  const boolean = (key: ConfigKeyName): boolean => {
    const v = text(key);
    if (v === "true" || v === "false") return v === "true";
    add(key, v, "true or false", `run \`pulumi config set ${qualified(key)} false\` (or true)`);
    return false;
  };
  const required = (key: ConfigKeyName, why: string): string | undefined => {
    const v = text(key).trim();
    if (v) return v;
    add(key, src.values.get(key), `a non-empty value (${why})`, `run \`${setCommand(key)}\``);
    return undefined;
  };

  // Derived names come from the stack name, made into a DNS label (stack names may hold '_' and capitals).
  const stackLabel = src.stack
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const appName = text("appName");
  check("appName", appName, rules.serviceName(40));
  const namespace = text("namespace") || `${appName}-${stackLabel}`;
  check("namespace", namespace, rules.dnsLabel(63));
  const production = boolean("production");

  const deliveryMode = text("deliveryMode") as DeliveryMode;
  if (!DELIVERY_MODES.includes(deliveryMode)) {
    add(
      "deliveryMode",
      deliveryMode,
      `one of ${DELIVERY_MODES.join(", ")}`,
      `run \`pulumi config set ${qualified("deliveryMode")} direct\` (or gitops)`,
    );
  }

  const tag = required("imageTag", "every release names its version") ?? "";
  if (tag && check("imageTag", tag, rules.ociTag) && check("imageTag", tag, rules.labelValue) && production && tag === "latest") {
    add(
      "imageTag",
      tag,
      "a release version in a production stack: 'latest' names no release and cannot be rolled back to",
      `run \`pulumi config set ${qualified("imageTag")} <version>\``,
    );
  }

  let image: Settings["image"];
  const imageRef = text("imageRef").trim();
  if (imageRef) {
    check("imageRef", imageRef, rules.digestReference);
    image = { kind: "prebuilt", tag, reference: imageRef };
  } else {
    const registry = required("registry", "the built image is pushed there and the cluster pulls it by digest") ?? "";
    if (registry) check("registry", registry, rules.registryHost);
    const repository = text("imageName") || `tagship/${appName}`;
    check("imageName", repository, rules.imagePath);
    const baseImage = required("baseImage", "app/Dockerfile's BASE_IMAGE build argument: no registry default can be assumed") ?? "";
    if (/\s/.test(baseImage)) add("baseImage", baseImage, "an image reference without spaces", `run \`${setCommand("baseImage")}\``);
    const builder = text("builder");
    if (builder && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(builder)) {
      add(
        "builder",
        builder,
        "the name of a buildx builder (letters, digits, '_', '.', '-')",
        "list builders with `docker buildx ls`, or leave it empty for the default",
      );
    }
    const username = text("registryUsername");
    const password = src.secrets.get("registryPassword");
    if (password && !password.encrypted) {
      add(
        "registryPassword",
        "(hidden)",
        "a value stored encrypted",
        `run \`pulumi config set --secret ${qualified("registryPassword")}\` and enter the value at the prompt`,
      );
    }
    if (username && !password) {
      add(
        "registryPassword",
        undefined,
        "a password or token whenever registryUsername is set",
        `run \`pulumi config set --secret ${qualified("registryPassword")}\``,
      );
    }
    if (!username && password) {
      add(
        "registryUsername",
        "",
        "a user name whenever registryPassword is set",
        `run \`pulumi config set ${qualified("registryUsername")} <user>\``,
      );
    }
    image = {
      kind: "build",
      tag,
      registry,
      repository,
      builder,
      baseImage,
      ...(username && password ? { credentials: { username, password: src.secret("registryPassword") } } : {}),
    };
  }

  let appSecrets: Settings["appSecrets"];
  const appSecretsSet = src.secrets.get("appSecrets");
  if (appSecretsSet) {
    const example = `pulumi config set --secret --path ${qualified("appSecrets")}.API_TOKEN`;
    if (!appSecretsSet.encrypted) add("appSecrets", "(hidden)", "a value stored encrypted", `run \`${example}\` for each variable`);
    const names = src.secretFields("appSecrets");
    if (names === undefined) {
      add(
        "appSecrets",
        "(hidden)",
        'a JSON object of variable names to text values, e.g. {"API_TOKEN": "..."}',
        `run \`pulumi config rm ${qualified("appSecrets")}\`, then \`${example}\` and enter the value at the prompt`,
      );
    } else if (names.length > 0) {
      appSecrets = { names, values: src.secret("appSecrets").apply((v) => JSON.parse(v) as Record<string, string>) };
    }
  }

  const maxSurge = intOrPercent("maxSurge");
  const maxUnavailable = intOrPercent("maxUnavailable");
  const workload: Settings["workload"] = {
    containerPort: integer("containerPort"),
    servicePort: integer("servicePort"),
    rollout: {
      replicas: integer("replicas"),
      // A value that failed to parse is already reported; a non-zero stand-in keeps the rules from
      // reporting it again as "both zero".
      maxSurge: maxSurge ?? 1,
      maxUnavailable: maxUnavailable ?? 1,
      minReadySeconds: integer("minReadySeconds"),
      progressDeadlineSeconds: integer("progressDeadlineSeconds"),
      revisionHistoryLimit: integer("revisionHistoryLimit"),
    },
    probes: {
      readiness: probe("readiness"),
      liveness: probe("liveness"),
      startup: probe("startup"),
    },
    resources: {
      cpuRequest: text("cpuRequest"),
      cpuLimit: text("cpuLimit"),
      memoryRequest: text("memoryRequest"),
      memoryLimit: text("memoryLimit"),
    },
    shutdown: { preStopSeconds: integer("preStopSeconds"), terminationGracePeriodSeconds: integer("terminationGracePeriodSeconds") },
  };
  // Rules on values that failed to parse would only repeat the parse error.
  const parsed = (n: number | rules.IntOrPercent | undefined) => n !== undefined && !Number.isNaN(n);
  const workloadArgs: WorkloadArgs = {
    namespace,
    image: "",
    version: tag,
    ...workload,
    ...(appSecrets ? { secretEnv: { secretName: "", names: appSecrets.names } } : {}),
  };
  problems.push(
    ...workloadProblems(resolveWorkload(workloadArgs), configNaming).filter((p) => {
      const fields = Object.values(p.value && typeof p.value === "object" ? p.value : { v: p.value });
      return fields.every((v) => typeof v !== "number" || parsed(v));
    }),
  );

  if (production) {
    if (parsed(workload.rollout.replicas) && workload.rollout.replicas < 2) {
      add(
        "replicas",
        workload.rollout.replicas,
        "at least 2 in a production stack, so that one pod can be replaced while another serves",
        `run \`pulumi config set ${qualified("replicas")} 3\``,
      );
    }
    if (maxUnavailable !== undefined && !rules.isZero(maxUnavailable)) {
      add(
        "maxUnavailable",
        maxUnavailable,
        "0 in a production stack, so that a rollout never runs below full capacity",
        `run \`pulumi config set ${qualified("maxUnavailable")} 0\` and raise maxSurge for speed`,
      );
    }
  }

  let gitops: Settings["gitops"];
  const renderOnly = boolean("renderOnly");
  if (deliveryMode === "gitops") {
    const repoUrl = required("repoUrl", "gitops mode: Argo CD tracks this repository") ?? "";
    if (repoUrl) check("repoUrl", repoUrl, rules.gitRepoUrl);
    const repoPath = text("repoPath") || `deploy/${stackLabel}`;
    check("repoPath", repoPath, rules.repoPath);
    const repoRevision = text("repoRevision");
    check("repoRevision", repoRevision, rules.gitRevision);
    const argocdNamespace = text("argocdNamespace");
    check("argocdNamespace", argocdNamespace, rules.dnsLabel(63));
    gitops = { repoUrl, repoPath, repoRevision, argocdNamespace, renderOnly };
    if (renderOnly && appSecrets) {
      add(
        "appSecrets",
        "(hidden)",
        "no secrets with renderOnly: with no cluster to apply it to, the Secret would be written to files in plaintext",
        `run \`pulumi config rm ${qualified("renderOnly")}\` so that the stack applies the Secret, or \`pulumi config rm ${qualified("appSecrets")}\``,
      );
    }
  } else if (renderOnly) {
    add(
      "renderOnly",
      true,
      "true only in gitops mode (direct mode applies the workload itself)",
      `run \`pulumi config set ${qualified("deliveryMode")} gitops\` or \`pulumi config rm ${qualified("renderOnly")}\``,
    );
  }

  const kubeconfig = text("kubeconfig") || undefined;
  if (kubeconfig && !src.fileExists(kubeconfig)) {
    add(
      "kubeconfig",
      kubeconfig,
      "the path of an existing kubeconfig file",
      `check the path (the lab writes .lab/kubeconfig: \`make lab-up\`), or run \`pulumi config rm ${qualified("kubeconfig")}\` to use KUBECONFIG or ~/.kube/config`,
    );
  }
  const context = text("kubeContext") || undefined;

  if (problems.length > 0) throw new ValidationError(`Stack "${src.stack}" config`, problems);
  return {
    stack: src.stack,
    appName,
    namespace,
    production,
    deliveryMode,
    image,
    workload,
    ...(gitops ? { gitops } : {}),
    cluster: { ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) },
    ...(appSecrets ? { appSecrets } : {}),
  };

  function intOrPercent(key: "maxSurge" | "maxUnavailable"): rules.IntOrPercent | undefined {
    const v = text(key);
    const parsedValue = rules.parseIntOrPercent(v.trim());
    if (parsedValue === undefined) check(key, v, rules.intOrPercent);
    return parsedValue;
  }

  function probe(kind: "readiness" | "liveness" | "startup") {
    return {
      path: text(`${kind}Path`),
      periodSeconds: integer(`${kind}PeriodSeconds`),
      failureThreshold: integer(`${kind}FailureThreshold`),
      timeoutSeconds: integer("probeTimeoutSeconds"),
    };
  }
}
