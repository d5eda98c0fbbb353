/**
 * Every stack-config key of the tagship project, in one table. Pulumi.yaml declares the same keys
 * (tests/unit/config-reference.test.ts keeps the two and the README's reference table in step), and
 * config.ts reads exactly these keys.
 */
export type ConfigType = "string" | "integer" | "boolean";

export interface ConfigKey {
  readonly type: ConfigType;
  readonly description: string;
  /** The default when the stack does not set the key; absent means the key is required. */
  readonly default?: string | number | boolean;
  /** Stored encrypted (`pulumi config set --secret`) and handled as a Pulumi secret. */
  readonly secret?: boolean;
}

import { WORKLOAD_DEFAULTS as D } from "../components/workload/args";

export const PROJECT = "tagship";

export const CONFIG_KEYS = {
  // What is shipped, and where.
  appName: { type: "string", default: "hello", description: "Name of the service: Deployment, Service and label app.kubernetes.io/name." },
  namespace: { type: "string", default: "", description: "Kubernetes namespace of the workload. Empty: <appName>-<stack>." },
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
  imageTag: { type: "string", description: "The release: tag of the image built from app/ and the version the service reports. Required." },
  imageRef: {
    type: "string",
    default: "",
    description: "Deploy this existing image (registry/repo@sha256:...) instead of building app/. Empty: build.",
  },
  registry: {
    type: "string",
    default: "",
    description: "Registry host the built image is pushed to, e.g. 127.0.0.1:5000 or docker.io. Required when building.",
  },
  imageName: { type: "string", default: "", description: "Repository path inside the registry. Empty: tagship/<appName>." },
  builder: { type: "string", default: "", description: "Name of the buildx builder (a remote BuildKit endpoint) that builds the image." },
  baseImage: { type: "string", default: "", description: "Base image of app/Dockerfile (build arg BASE_IMAGE). Required when building." },
  registryUsername: {
    type: "string",
    default: "",
    description: "User name for pushing to the registry. Empty: anonymous or ambient credentials.",
  },
  registryPassword: {
    type: "string",
    secret: true,
    default: "",
    description: "Password or token for registryUsername. Secret: set it with --secret.",
  },
  appSecrets: {
    type: "string",
    secret: true,
    default: "",
    description:
      "Environment variables the service reads from a Kubernetes Secret, as a JSON object of NAME: value. Secret: set each with `pulumi config set --secret --path tagship:appSecrets.NAME`.",
  },

  // The rollout.
  replicas: { type: "integer", default: D.replicas, description: "Number of pods." },
  maxSurge: {
    type: "string",
    default: String(D.maxSurge),
    description: "Pods above replicas during a rollout: an integer or a percentage.",
  },
  maxUnavailable: {
    type: "string",
    default: String(D.maxUnavailable),
    description: "Pods below replicas during a rollout: an integer or a percentage. 0 keeps full capacity.",
  },
  minReadySeconds: {
    type: "integer",
    default: D.minReadySeconds,
    description: "Seconds a new pod must be ready before it counts as available.",
  },
  progressDeadlineSeconds: {
    type: "integer",
    default: D.progressDeadlineSeconds,
    description: "Seconds without progress before the rollout is reported failed.",
  },
  revisionHistoryLimit: { type: "integer", default: D.revisionHistoryLimit, description: "Old ReplicaSets kept for rollback." },

  // The pods.
  containerPort: { type: "integer", default: D.containerPort, description: "Port the container listens on." },
  servicePort: { type: "integer", default: D.servicePort, description: "Port of the Service." },
  readinessPath: { type: "string", default: "/readyz", description: "HTTP path of the readiness probe." },
  readinessPeriodSeconds: { type: "integer", default: 2, description: "Seconds between readiness probes." },
  readinessFailureThreshold: { type: "integer", default: 2, description: "Failed readiness probes before a pod leaves the Service." },
  livenessPath: { type: "string", default: "/healthz", description: "HTTP path of the liveness probe." },
  livenessPeriodSeconds: { type: "integer", default: 10, description: "Seconds between liveness probes." },
  livenessFailureThreshold: { type: "integer", default: 3, description: "Failed liveness probes before the container is restarted." },
  startupPath: { type: "string", default: "/healthz", description: "HTTP path of the startup probe." },
  startupPeriodSeconds: { type: "integer", default: 1, description: "Seconds between startup probes." },
  startupFailureThreshold: { type: "integer", default: 30, description: "Failed startup probes before the container is restarted." },
  probeTimeoutSeconds: { type: "integer", default: D.probeTimeoutSeconds, description: "Timeout of every probe, in seconds." },
  preStopSeconds: {
    type: "integer",
    default: D.preStopSeconds,
    description: "Pause before SIGTERM so that endpoints stop routing to the pod first.",
  },
  terminationGracePeriodSeconds: {
    type: "integer",
    default: D.terminationGracePeriodSeconds,
    description: "Seconds from the start of termination to SIGKILL; must exceed preStopSeconds.",
  },
  cpuRequest: { type: "string", default: D.cpuRequest, description: "CPU request of the container." },
  cpuLimit: { type: "string", default: D.cpuLimit, description: "CPU limit of the container." },
  memoryRequest: { type: "string", default: D.memoryRequest, description: "Memory request of the container." },
  memoryLimit: { type: "string", default: D.memoryLimit, description: "Memory limit of the container." },

  // GitOps.
  repoUrl: { type: "string", default: "", description: "Git repository Argo CD tracks. Required in gitops mode." },
  repoPath: { type: "string", default: "", description: "Path in the repository of the rendered manifests. Empty: deploy/<stack>." },
  repoRevision: { type: "string", default: "main", description: "Branch, tag or commit Argo CD tracks (targetRevision)." },
  renderOnly: {
    type: "boolean",
    default: false,
    description: "gitops mode without a cluster: the Application and AppProject are rendered to <repoPath>-argocd/ instead of applied.",
  },
  argocdNamespace: {
    type: "string",
    default: "argocd",
    description: "Namespace where Argo CD runs and its Application and AppProject live.",
  },

  // The cluster.
  kubeconfig: {
    type: "string",
    default: "",
    description: "Path of the kubeconfig for the target cluster. Empty: KUBECONFIG or ~/.kube/config.",
  },
  kubeContext: { type: "string", default: "", description: "Context in the kubeconfig. Empty: its current context." },
} as const satisfies Record<string, ConfigKey>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

/** Config keys as `tagship:<name>`, the form users type in `pulumi config set`. */
export function qualified(name: string): string {
  return `${PROJECT}:${name}`;
}
