import { WORKLOAD_DEFAULTS as D } from "../components/workload/args";
import type { ComponentArg } from "./component-args";

/**
 * Every stack-config key of the tagship project, in one table: its type, default and description, and the
 * component arguments its value feeds. Pulumi.yaml declares the same keys (tests/unit/config-reference.test.ts
 * keeps the two and the reference table in docs/configuration.md in step), config.ts reads exactly these keys,
 * and settings/config-naming.ts derives from `feeds` which key a problem the Workload's rules find is about.
 */
export type ConfigType = "string" | "integer" | "boolean" | "object" | "list";

export interface ConfigKey {
  readonly type: ConfigType;
  readonly description: string;
  /** The default when the stack does not set the key; absent means the key is required. */
  readonly default?: string | number | boolean;
  /** A value to show in a fix's `pulumi config set` command when the default is empty. @default the default */
  readonly example?: string;
  /** Stored encrypted (`pulumi config set --secret`) and handled as a Pulumi secret. */
  readonly secret?: boolean;
  /**
   * The component arguments the value is passed on as (release.ts passes them). A problem the Workload's
   * rules find in a `WorkloadArgs.` field is reported under the key that feeds it, so each such field is
   * fed by one key at most. Absent for keys that only choose between behaviours (production, deliveryMode,
   * renderOnly).
   */
  readonly feeds?: readonly ComponentArg[];
  /**
   * The key's field in a service of `services` (services.<name>.<field>), where each service may set its own
   * value; the key itself is then the default of every service. Absent for keys of the whole stack.
   */
  readonly service?: string;
}

export const PROJECT = "tagship";

export const CONFIG_KEYS = {
  // What is shipped, and where.
  appName: {
    type: "string",
    default: "hello",
    description:
      "Name of the application: the namespace's default name and its labels, and the name of its only service (Deployment, Service) when services is not set.",
    feeds: ["RestrictedNamespaceArgs.appName", "AppSecretArgs.appName"],
  },
  namespace: {
    type: "string",
    default: "",
    description:
      "Kubernetes namespace of the workload: created (and deleted with the stack) only if it does not exist; an existing one is used as it is. Never kube-system, kube-public, kube-node-lease or Argo CD's. Empty: <appName>-<stack>.",
    feeds: ["RestrictedNamespaceArgs.name", "WorkloadArgs.namespace"],
  },
  production: {
    type: "boolean",
    default: false,
    description: "Marks a production stack: stricter rules (no `latest` tag, maxUnavailable 0, at least 2 replicas).",
  },
  services: {
    type: "object",
    default: "",
    description:
      "The services the stack ships, an object of name: fields; each field defaults to the stack-wide key of the same purpose (see docs/configuration.md). Empty: one service, named appName, from the stack-wide keys.",
  },
  deliveryMode: {
    type: "string",
    default: "direct",
    description:
      "direct: Pulumi applies the workload and waits for the rollout. gitops: the workload is rendered to repoPath and Argo CD applies it.",
  },

  // The image.
  imageTag: {
    service: "imageTag",
    type: "string",
    description: "The release: tag of the image built from buildContext and the version the service reports. Required.",
    feeds: ["ImageArgs.tag", "WorkloadArgs.version"],
  },
  imageRef: {
    service: "imageRef",
    type: "string",
    default: "",
    description: "Deploy this existing image (registry/repo@sha256:...) instead of building buildContext. Empty: build.",
    feeds: ["WorkloadArgs.image"],
  },
  registry: {
    service: "registry",
    type: "string",
    default: "",
    description: "Registry host the built image is pushed to, e.g. 127.0.0.1:5000 or docker.io. Required when building.",
    feeds: ["ImageArgs.registry"],
  },
  imageName: {
    service: "imageName",
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
    service: "context",
    type: "string",
    default: "app",
    description: "Directory of the service's sources, relative to the project: the build context.",
    feeds: ["ImageArgs.context"],
  },
  dockerfile: {
    service: "dockerfile",
    type: "string",
    default: "",
    description: "Path of the Dockerfile, relative to the project. Empty: <buildContext>/Dockerfile.",
    feeds: ["ImageArgs.dockerfile"],
  },
  buildCache: {
    service: "buildCache",
    type: "boolean",
    default: false,
    description:
      "Import and export the build cache through the registry (<registry>/<imageName>:buildcache, every stage), so that a build on a fresh builder reuses layers.",
    feeds: ["ImageArgs.cacheRef"],
  },
  buildTarget: {
    service: "target",
    type: "string",
    default: "",
    description: "Stage of the Dockerfile to build (FROM ... AS <stage>). Empty: its last stage.",
    feeds: ["ImageArgs.target"],
  },
  buildArgs: {
    service: "buildArgs",
    type: "object",
    default: "",
    description:
      "Build arguments, an object of NAME: value; set each with `pulumi config set --path 'tagship:buildArgs.NAME' value`. Plain text: never a secret.",
    feeds: ["ImageArgs.buildArgs.*"],
  },
  baseImage: {
    service: "baseImage",
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

  serviceSecrets: {
    type: "object",
    secret: true,
    default: "",
    description:
      "Secret environment variables per service, an object of service: {NAME: value}; a service listed here gets these instead of appSecrets. Secret: set each with `pulumi config set --secret --path tagship:serviceSecrets.api.NAME`.",
    feeds: ["AppSecretArgs.data"],
  },

  // The rollout.
  replicas: {
    service: "replicas",
    type: "string",
    default: "",
    example: String(D.replicas),
    description: `Number of pods, an integer; not together with autoscaling. Empty: ${D.replicas}, or the autoscaler's count.`,
    feeds: ["WorkloadArgs.rollout.replicas"],
  },
  autoscaling: {
    service: "autoscaling",
    type: "object",
    default: "",
    description:
      "Scale the pods with their load (a HorizontalPodAutoscaler): an object of minReplicas, maxReplicas, cpuUtilization, memoryUtilization and scaleDownStabilizationSeconds, e.g. `pulumi config set --path 'tagship:autoscaling.maxReplicas' 10`. Empty: replicas pods.",
    feeds: [
      "WorkloadArgs.autoscaling.minReplicas",
      "WorkloadArgs.autoscaling.maxReplicas",
      "WorkloadArgs.autoscaling.cpuUtilization",
      "WorkloadArgs.autoscaling.memoryUtilization",
      "WorkloadArgs.autoscaling.scaleDownStabilizationSeconds",
    ],
  },
  canary: {
    service: "canary",
    type: "object",
    default: "",
    description:
      "Release by canary with analysis (Argo Rollouts, which the cluster must run) instead of a rolling update: an object of steps (weights, percent of the pods, e.g. [10, 50]), pauseSeconds, intervalSeconds, windowSeconds, minRequests, maxErrorPercent, maxP99Milliseconds, deadlineSeconds, prometheusAddress, requestsMetric and latencyMetric; needs metricsPath. E.g. `pulumi config set --path 'tagship:canary.steps[0]' 10`. Empty: a rolling update.",
    feeds: [
      "WorkloadArgs.canary.steps",
      "WorkloadArgs.canary.pauseSeconds",
      "WorkloadArgs.canary.intervalSeconds",
      "WorkloadArgs.canary.windowSeconds",
      "WorkloadArgs.canary.minRequests",
      "WorkloadArgs.canary.maxErrorPercent",
      "WorkloadArgs.canary.maxP99Milliseconds",
      "WorkloadArgs.canary.deadlineSeconds",
      "WorkloadArgs.canary.prometheusAddress",
      "WorkloadArgs.canary.requestsMetric",
      "WorkloadArgs.canary.latencyMetric",
    ],
  },
  topologySpread: {
    service: "topologySpread",
    type: "list",
    default: "",
    description:
      "Spread the pods over topology domains, a list of node label keys (each with maxSkew 1, ScheduleAnyway) or of objects of topologyKey, maxSkew and whenUnsatisfiable: `pulumi config set --path 'tagship:topologySpread[0]' topology.kubernetes.io/zone`. Empty: none.",
    feeds: ["WorkloadArgs.topologySpread"],
  },
  maxSurge: {
    service: "maxSurge",
    type: "string",
    default: String(D.maxSurge),
    description: "Pods above replicas during a rollout: an integer or a percentage.",
    feeds: ["WorkloadArgs.rollout.maxSurge"],
  },
  maxUnavailable: {
    service: "maxUnavailable",
    type: "string",
    default: String(D.maxUnavailable),
    description: "Pods below replicas during a rollout: an integer or a percentage. 0 keeps full capacity.",
    feeds: ["WorkloadArgs.rollout.maxUnavailable"],
  },
  minReadySeconds: {
    service: "minReadySeconds",
    type: "integer",
    default: D.minReadySeconds,
    description: "Seconds a new pod must be ready before it counts as available.",
    feeds: ["WorkloadArgs.rollout.minReadySeconds"],
  },
  progressDeadlineSeconds: {
    service: "progressDeadlineSeconds",
    type: "integer",
    default: D.progressDeadlineSeconds,
    description: "Seconds without progress before the rollout is reported failed.",
    feeds: ["WorkloadArgs.rollout.progressDeadlineSeconds"],
  },
  revisionHistoryLimit: {
    service: "revisionHistoryLimit",
    type: "integer",
    default: D.revisionHistoryLimit,
    description: "Old ReplicaSets kept for rollback.",
    feeds: ["WorkloadArgs.rollout.revisionHistoryLimit"],
  },

  // The pods.
  containerPort: {
    service: "containerPort",
    type: "integer",
    default: D.containerPort,
    description: "Port the container listens on.",
    feeds: ["WorkloadArgs.containerPort"],
  },
  servicePort: {
    service: "servicePort",
    type: "integer",
    default: D.servicePort,
    description: "Port of the Service.",
    feeds: ["WorkloadArgs.servicePort"],
  },
  metricsPath: {
    service: "metricsPath",
    type: "string",
    default: "",
    example: "/metrics",
    description:
      "Path where the container serves Prometheus metrics. Set: the pods are annotated for scraping (prometheus.io/scrape, port, path), as a canary's analysis reads them. Empty: not scraped.",
    feeds: ["WorkloadArgs.metricsPath"],
  },
  readinessPath: {
    service: "readinessPath",
    type: "string",
    default: "/readyz",
    description: "HTTP path of the readiness probe.",
    feeds: ["WorkloadArgs.probes.readiness.path"],
  },
  readinessPeriodSeconds: {
    service: "readinessPeriodSeconds",
    type: "integer",
    default: 2,
    description: "Seconds between readiness probes.",
    feeds: ["WorkloadArgs.probes.readiness.periodSeconds"],
  },
  readinessFailureThreshold: {
    service: "readinessFailureThreshold",
    type: "integer",
    default: 2,
    description: "Failed readiness probes before a pod leaves the Service.",
    feeds: ["WorkloadArgs.probes.readiness.failureThreshold"],
  },
  livenessPath: {
    service: "livenessPath",
    type: "string",
    default: "/healthz",
    description: "HTTP path of the liveness probe.",
    feeds: ["WorkloadArgs.probes.liveness.path"],
  },
  livenessPeriodSeconds: {
    service: "livenessPeriodSeconds",
    type: "integer",
    default: 10,
    description: "Seconds between liveness probes.",
    feeds: ["WorkloadArgs.probes.liveness.periodSeconds"],
  },
  livenessFailureThreshold: {
    service: "livenessFailureThreshold",
    type: "integer",
    default: 3,
    description: "Failed liveness probes before the container is restarted.",
    feeds: ["WorkloadArgs.probes.liveness.failureThreshold"],
  },
  startupPath: {
    service: "startupPath",
    type: "string",
    default: "/healthz",
    description: "HTTP path of the startup probe.",
    feeds: ["WorkloadArgs.probes.startup.path"],
  },
  startupPeriodSeconds: {
    service: "startupPeriodSeconds",
    type: "integer",
    default: 1,
    description: "Seconds between startup probes.",
    feeds: ["WorkloadArgs.probes.startup.periodSeconds"],
  },
  startupFailureThreshold: {
    service: "startupFailureThreshold",
    type: "integer",
    default: 30,
    description: "Failed startup probes before the container is restarted.",
    feeds: ["WorkloadArgs.probes.startup.failureThreshold"],
  },
  probeTimeoutSeconds: {
    service: "probeTimeoutSeconds",
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
    service: "preStopSeconds",
    type: "integer",
    default: D.preStopSeconds,
    description: "Pause before SIGTERM so that endpoints stop routing to the pod first.",
    feeds: ["WorkloadArgs.shutdown.preStopSeconds"],
  },
  terminationGracePeriodSeconds: {
    service: "terminationGracePeriodSeconds",
    type: "integer",
    default: D.terminationGracePeriodSeconds,
    description: "Seconds from the start of termination to SIGKILL; must exceed preStopSeconds.",
    feeds: ["WorkloadArgs.shutdown.terminationGracePeriodSeconds"],
  },
  cpuRequest: {
    service: "cpuRequest",
    type: "string",
    default: D.cpuRequest,
    description: "CPU request of the container.",
    feeds: ["WorkloadArgs.resources.cpuRequest"],
  },
  cpuLimit: {
    service: "cpuLimit",
    type: "string",
    default: D.cpuLimit,
    description: "CPU limit of the container.",
    feeds: ["WorkloadArgs.resources.cpuLimit"],
  },
  memoryRequest: {
    service: "memoryRequest",
    type: "string",
    default: D.memoryRequest,
    description: "Memory request of the container.",
    feeds: ["WorkloadArgs.resources.memoryRequest"],
  },
  memoryLimit: {
    service: "memoryLimit",
    type: "string",
    default: D.memoryLimit,
    description: "Memory limit of the container.",
    feeds: ["WorkloadArgs.resources.memoryLimit"],
  },

  env: {
    service: "env",
    type: "object",
    default: "",
    description:
      "Plain environment variables, an object of NAME: value, from a ConfigMap; a change rolls the pods. Set each with `pulumi config set --path 'tagship:env.NAME' value`. Never a secret: use appSecrets.",
    feeds: ["WorkloadArgs.env.*"],
  },
  command: {
    service: "command",
    type: "list",
    default: "",
    description:
      "The container's command, a list replacing the image's ENTRYPOINT: `pulumi config set --path 'tagship:command[0]' /server`. Empty: the image's.",
    feeds: ["WorkloadArgs.command"],
  },
  args: {
    service: "args",
    type: "list",
    default: "",
    description:
      "Arguments of the command, a list replacing the image's CMD: `pulumi config set --path 'tagship:args[0]' --verbose`. Empty: the image's.",
    feeds: ["WorkloadArgs.args"],
  },
  runAsUser: {
    service: "runAsUser",
    type: "integer",
    default: D.runAsUser,
    description: "UID the container runs as; never 0 (the namespace enforces Pod Security restricted).",
    feeds: ["WorkloadArgs.identity.runAsUser"],
  },
  runAsGroup: {
    service: "runAsGroup",
    type: "integer",
    default: D.runAsGroup,
    description: "Primary GID the container runs as.",
    feeds: ["WorkloadArgs.identity.runAsGroup"],
  },
  fsGroup: {
    service: "fsGroup",
    type: "string",
    default: "",
    description: "GID that owns the pod's volumes (writablePaths). Empty: none.",
    feeds: ["WorkloadArgs.identity.fsGroup"],
  },
  writablePaths: {
    service: "writablePaths",
    type: "object",
    default: "",
    description:
      "Writable directories on the read-only root filesystem, an object of absolute path: size limit, each an emptyDir: `pulumi config set --path 'tagship:writablePaths[\"/tmp\"]' 64Mi`.",
    feeds: ["WorkloadArgs.writablePaths.*"],
  },
  // How requests reach the service.
  ingress: {
    service: "ingress",
    type: "object",
    default: "",
    description:
      "An Ingress to the service: an object of host, path (default /), className and tlsSecretName, e.g. `pulumi config set --path 'tagship:ingress.host' shop.example.com`. Empty: none.",
    feeds: [
      "WorkloadArgs.ingress.host",
      "WorkloadArgs.ingress.path",
      "WorkloadArgs.ingress.className",
      "WorkloadArgs.ingress.tlsSecretName",
    ],
  },
  httpRoute: {
    service: "httpRoute",
    type: "object",
    default: "",
    description:
      "A Gateway API HTTPRoute to the service: an object of hostnames (a list), path (default /), gateway (namespace/name) and sectionName, e.g. `pulumi config set --path 'tagship:httpRoute.gateway' gateways/public`. Empty: none.",
    feeds: [
      "WorkloadArgs.httpRoute.hostnames",
      "WorkloadArgs.httpRoute.path",
      "WorkloadArgs.httpRoute.gateway",
      "WorkloadArgs.httpRoute.sectionName",
    ],
  },

  serviceAccount: {
    service: "serviceAccount",
    type: "boolean",
    default: false,
    description: "Give the pods their own ServiceAccount, named after the service. false: the namespace's default account.",
  },
  automountServiceAccountToken: {
    service: "automountServiceAccountToken",
    type: "boolean",
    default: false,
    description: "Mount the ServiceAccount's API token into the pods: only for a service that calls the Kubernetes API.",
    feeds: ["WorkloadArgs.serviceAccount.automountToken"],
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
