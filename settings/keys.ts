import { WORKLOAD_DEFAULTS as D } from "../components/workload/args";
import type { ComponentArg } from "./component-args";

/**
 * Every stack-config key of the tagship project, in one table: its type, default and description, and the
 * component arguments its value feeds. Pulumi.yaml declares the same keys (tests/unit/config-reference.test.ts
 * keeps the two and the reference table in docs/configuration.md in step), config.ts reads exactly these keys,
 * and settings/config-naming.ts derives from `feeds` which key a problem the Workload's rules find is about.
 */
export type ConfigType = "string" | "integer" | "boolean" | "object";

export interface ConfigKey {
  readonly type: ConfigType;
  readonly description: string;
  /** The default when the stack does not set the key; absent means the key is required. */
  readonly default?: string | number | boolean;
  /** Stored encrypted (`pulumi config set --secret`) and handled as a Pulumi secret. */
  readonly secret?: boolean;
  /**
   * The component arguments the value is passed on as (release.ts passes them). A problem the Workload's
   * rules find in a `WorkloadArgs.` field is reported under the key that feeds it, so each such field is
   * fed by one key at most. Absent for keys that only choose between behaviours (production, deliveryMode,
   * renderOnly).
   */
  readonly feeds?: readonly ComponentArg[];
}

export const PROJECT = "tagship";

export const CONFIG_KEYS = {
  // What is shipped, and where.
  appName: {
    type: "string",
    default: "hello",
    description: "Name of the service: Deployment, Service and label app.kubernetes.io/name.",
    feeds: ["RestrictedNamespaceArgs.appName", "AppSecretArgs.appName"],
  },
  namespace: {
    type: "string",
    default: "",
    description: "Kubernetes namespace of the workload. Empty: <appName>-<stack>.",
    feeds: ["RestrictedNamespaceArgs.name", "WorkloadArgs.namespace"],
  },
  production: {
    type: "boolean",
    default: false,
    description: "Marks a production stack: stricter rules (no `latest` tag, maxUnavailable 0, at least 2 replicas).",
  },
  deliveryMode: {
    type: "string",
    default: "direct",
    description:
      "direct: Pulumi applies the workload and waits for the rollout. gitops: the workload is rendered to repoPath and Argo CD applies it.",
  },

  // The image.
  imageTag: {
    type: "string",
    description: "The release: tag of the image built from buildContext and the version the service reports. Required.",
    feeds: ["ImageArgs.tag", "WorkloadArgs.version"],
  },
  imageRef: {
    type: "string",
    default: "",
    description: "Deploy this existing image (registry/repo@sha256:...) instead of building buildContext. Empty: build.",
    feeds: ["WorkloadArgs.image"],
  },
  registry: {
    type: "string",
    default: "",
    description: "Registry host the built image is pushed to, e.g. 127.0.0.1:5000 or docker.io. Required when building.",
    feeds: ["ImageArgs.registry"],
  },
  imageName: {
    type: "string",
    default: "",
    description: "Repository path inside the registry. Empty: tagship/<appName>.",
    feeds: ["ImageArgs.repository"],
  },
  builder: {
    type: "string",
    default: "",
    description: "Name of the buildx builder (a remote BuildKit endpoint) that builds the image.",
    feeds: ["ImageArgs.builder"],
  },
  buildContext: {
    type: "string",
    default: "app",
    description: "Directory of the service's sources, relative to the project: the build context.",
    feeds: ["ImageArgs.context"],
  },
  dockerfile: {
    type: "string",
    default: "",
    description: "Path of the Dockerfile, relative to the project. Empty: <buildContext>/Dockerfile.",
    feeds: ["ImageArgs.dockerfile"],
  },
  buildCache: {
    type: "boolean",
    default: false,
    description:
      "Import and export the build cache through the registry (<registry>/<imageName>:buildcache, every stage), so that a build on a fresh builder reuses layers.",
    feeds: ["ImageArgs.cacheRef"],
  },
  buildTarget: {
    type: "string",
    default: "",
    description: "Stage of the Dockerfile to build (FROM ... AS <stage>). Empty: its last stage.",
    feeds: ["ImageArgs.target"],
  },
  buildArgs: {
    type: "object",
    default: "",
    description:
      "Build arguments, an object of NAME: value; set each with `pulumi config set --path 'tagship:buildArgs.NAME' value`. Plain text: never a secret.",
    feeds: ["ImageArgs.buildArgs.*"],
  },
  baseImage: {
    type: "string",
    default: "",
    description: "Build argument BASE_IMAGE, the base image of app/Dockerfile. Required when the Dockerfile declares it with no default.",
    feeds: ["ImageArgs.buildArgs.BASE_IMAGE"],
  },
  registryUsername: {
    type: "string",
    default: "",
    description: "User name for pushing to the registry. Empty: anonymous or ambient credentials.",
    feeds: ["ImageArgs.credentials.username"],
  },
  registryPassword: {
    type: "string",
    secret: true,
    default: "",
    description: "Password or token for registryUsername. Secret: set it with --secret.",
    feeds: ["ImageArgs.credentials.password"],
  },
  appSecrets: {
    type: "string",
    secret: true,
    default: "",
    description:
      "Environment variables the service reads from a Kubernetes Secret, as a JSON object of NAME: value. Secret: set each with `pulumi config set --secret --path tagship:appSecrets.NAME`.",
    feeds: ["AppSecretArgs.data", "WorkloadArgs.secretEnv.names"],
  },

  // The rollout.
  replicas: { type: "integer", default: D.replicas, description: "Number of pods.", feeds: ["WorkloadArgs.rollout.replicas"] },
  maxSurge: {
    type: "string",
    default: String(D.maxSurge),
    description: "Pods above replicas during a rollout: an integer or a percentage.",
    feeds: ["WorkloadArgs.rollout.maxSurge"],
  },
  maxUnavailable: {
    type: "string",
    default: String(D.maxUnavailable),
    description: "Pods below replicas during a rollout: an integer or a percentage. 0 keeps full capacity.",
    feeds: ["WorkloadArgs.rollout.maxUnavailable"],
  },
  minReadySeconds: {
    type: "integer",
    default: D.minReadySeconds,
    description: "Seconds a new pod must be ready before it counts as available.",
    feeds: ["WorkloadArgs.rollout.minReadySeconds"],
  },
  progressDeadlineSeconds: {
    type: "integer",
    default: D.progressDeadlineSeconds,
    description: "Seconds without progress before the rollout is reported failed.",
    feeds: ["WorkloadArgs.rollout.progressDeadlineSeconds"],
  },
  revisionHistoryLimit: {
    type: "integer",
    default: D.revisionHistoryLimit,
    description: "Old ReplicaSets kept for rollback.",
    feeds: ["WorkloadArgs.rollout.revisionHistoryLimit"],
  },

  // The pods.
  containerPort: {
    type: "integer",
    default: D.containerPort,
    description: "Port the container listens on.",
    feeds: ["WorkloadArgs.containerPort"],
  },
  servicePort: { type: "integer", default: D.servicePort, description: "Port of the Service.", feeds: ["WorkloadArgs.servicePort"] },
  readinessPath: {
    type: "string",
    default: "/readyz",
    description: "HTTP path of the readiness probe.",
    feeds: ["WorkloadArgs.probes.readiness.path"],
  },
  readinessPeriodSeconds: {
    type: "integer",
    default: 2,
    description: "Seconds between readiness probes.",
    feeds: ["WorkloadArgs.probes.readiness.periodSeconds"],
  },
  readinessFailureThreshold: {
    type: "integer",
    default: 2,
    description: "Failed readiness probes before a pod leaves the Service.",
    feeds: ["WorkloadArgs.probes.readiness.failureThreshold"],
  },
  livenessPath: {
    type: "string",
    default: "/healthz",
    description: "HTTP path of the liveness probe.",
    feeds: ["WorkloadArgs.probes.liveness.path"],
  },
  livenessPeriodSeconds: {
    type: "integer",
    default: 10,
    description: "Seconds between liveness probes.",
    feeds: ["WorkloadArgs.probes.liveness.periodSeconds"],
  },
  livenessFailureThreshold: {
    type: "integer",
    default: 3,
    description: "Failed liveness probes before the container is restarted.",
    feeds: ["WorkloadArgs.probes.liveness.failureThreshold"],
  },
  startupPath: {
    type: "string",
    default: "/healthz",
    description: "HTTP path of the startup probe.",
    feeds: ["WorkloadArgs.probes.startup.path"],
  },
  startupPeriodSeconds: {
    type: "integer",
    default: 1,
    description: "Seconds between startup probes.",
    feeds: ["WorkloadArgs.probes.startup.periodSeconds"],
  },
  startupFailureThreshold: {
    type: "integer",
    default: 30,
    description: "Failed startup probes before the container is restarted.",
    feeds: ["WorkloadArgs.probes.startup.failureThreshold"],
  },
  probeTimeoutSeconds: {
    type: "integer",
    default: D.probeTimeoutSeconds,
    description: "Timeout of every probe, in seconds.",
    feeds: [
      "WorkloadArgs.probes.readiness.timeoutSeconds",
      "WorkloadArgs.probes.liveness.timeoutSeconds",
      "WorkloadArgs.probes.startup.timeoutSeconds",
    ],
  },
  preStopSeconds: {
    type: "integer",
    default: D.preStopSeconds,
    description: "Pause before SIGTERM so that endpoints stop routing to the pod first.",
    feeds: ["WorkloadArgs.shutdown.preStopSeconds"],
  },
  terminationGracePeriodSeconds: {
    type: "integer",
    default: D.terminationGracePeriodSeconds,
    description: "Seconds from the start of termination to SIGKILL; must exceed preStopSeconds.",
    feeds: ["WorkloadArgs.shutdown.terminationGracePeriodSeconds"],
  },
  cpuRequest: {
    type: "string",
    default: D.cpuRequest,
    description: "CPU request of the container.",
    feeds: ["WorkloadArgs.resources.cpuRequest"],
  },
  cpuLimit: { type: "string", default: D.cpuLimit, description: "CPU limit of the container.", feeds: ["WorkloadArgs.resources.cpuLimit"] },
  memoryRequest: {
    type: "string",
    default: D.memoryRequest,
    description: "Memory request of the container.",
    feeds: ["WorkloadArgs.resources.memoryRequest"],
  },
  memoryLimit: {
    type: "string",
    default: D.memoryLimit,
    description: "Memory limit of the container.",
    feeds: ["WorkloadArgs.resources.memoryLimit"],
  },

  // GitOps.
  repoUrl: {
    type: "string",
    default: "",
    description: "Git repository Argo CD tracks. Required in gitops mode.",
    feeds: ["ArgoApplicationArgs.repoUrl"],
  },
  repoPath: {
    type: "string",
    default: "",
    description: "Path in the repository of the rendered manifests. Empty: deploy/<stack>.",
    feeds: ["ArgoApplicationArgs.path"],
  },
  repoRevision: {
    type: "string",
    default: "main",
    description: "Branch, tag or commit Argo CD tracks (targetRevision).",
    feeds: ["ArgoApplicationArgs.targetRevision"],
  },
  renderOnly: {
    type: "boolean",
    default: false,
    description: "gitops mode without a cluster: the Application and AppProject are rendered to <repoPath>-argocd/ instead of applied.",
  },
  argocdNamespace: {
    type: "string",
    default: "argocd",
    description: "Namespace where Argo CD runs and its Application and AppProject live.",
    feeds: ["ArgoApplicationArgs.argocdNamespace"],
  },

  // The cluster.
  kubeconfig: {
    type: "string",
    default: "",
    description: "Path of the kubeconfig for the target cluster. Empty: KUBECONFIG or ~/.kube/config.",
    feeds: ["k8s.ProviderArgs.kubeconfig"],
  },
  kubeContext: {
    type: "string",
    default: "",
    description: "Context in the kubeconfig. Empty: its current context.",
    feeds: ["k8s.ProviderArgs.context"],
  },
} as const satisfies Record<string, ConfigKey>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

/** The keys the table declares of one type, so that each is read as what it is declared, e.g. KeyOfType<"integer">. */
export type KeyOfType<T extends ConfigType> = {
  [K in ConfigKeyName]: (typeof CONFIG_KEYS)[K]["type"] extends T ? K : never;
}[ConfigKeyName];

export function isConfigKey(name: string): name is ConfigKeyName {
  return Object.hasOwn(CONFIG_KEYS, name);
}

/** The table's entry for a key. */
export function configKey(name: ConfigKeyName): ConfigKey {
  return CONFIG_KEYS[name];
}

/** Whether Pulumi.yaml declares the key secret. */
export function isSecretKey(name: string): boolean {
  return isConfigKey(name) && configKey(name).secret === true;
}

/** Config keys as `tagship:<name>`, the form users type in `pulumi config set`. */
export function qualified(name: string): string {
  return `${PROJECT}:${name}`;
}
