import type * as pulumi from "@pulumi/pulumi";
import type { IntOrPercent } from "../rules";

/**
 * How a new version replaces the old one.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
 */
export interface RolloutArgs {
  /** Number of pods; not together with WorkloadArgs.autoscaling, which sets the count itself. @default 3 */
  readonly replicas?: number;
  /** Pods above `replicas` during a rollout. @default 1 (one new pod at a time) */
  readonly maxSurge?: IntOrPercent;
  /** Pods below `replicas` during a rollout; must not be 0 together with `maxSurge`. @default 0 (full capacity throughout) */
  readonly maxUnavailable?: IntOrPercent;
  /** Seconds a new pod must stay ready before it counts as available. @default 3 */
  readonly minReadySeconds?: number;
  /** Seconds without progress before the Deployment reports the rollout failed; must exceed `minReadySeconds`. @default 120 */
  readonly progressDeadlineSeconds?: number;
  /** Old ReplicaSets kept for rollback. @default 5 */
  readonly revisionHistoryLimit?: number;
}

/**
 * A canary release instead of a rolling update: Argo Rollouts (which the cluster must run) moves the pods to the new
 * version in steps, and at each step an analysis of the new version's requests in Prometheus decides whether it goes
 * on, aborts (every pod back on the stable version at once) or, with too few requests to judge, waits until its
 * deadline and fails as inconclusive. Traffic follows the pods: a step's weight is its share of the pods (rounded up
 * to whole pods). The analysis reads the pods' metrics (WorkloadArgs.metricsPath, which a canary needs) by the labels
 * Prometheus' common pod discovery gives them: namespace, app_kubernetes_io_name and app_kubernetes_io_version.
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/canary/
 */
export interface CanaryArgs {
  /** The weights of the steps, percent of the pods, ascending, each 1 to 99; after the last one the rest of the pods follow. */
  readonly steps: readonly number[];
  /** Seconds of passing analysis each step needs before the next: its consecutive successful measurements. @default 30 */
  readonly pauseSeconds?: number;
  /** Seconds between two measurements. @default 10 */
  readonly intervalSeconds?: number;
  /** The range each measurement reads, in seconds; at least twice Prometheus' scrape interval. @default 30 */
  readonly windowSeconds?: number;
  /** Fewest requests to the new version in a window for a measurement to count; fewer is inconclusive. @default 50 */
  readonly minRequests?: number;
  /** Most percent of the new version's requests that may fail (5xx), above the stable version's share. @default 1 */
  readonly maxErrorPercent?: number;
  /** Most milliseconds the new version's p99 latency may take. @default undefined: latency not judged */
  readonly maxP99Milliseconds?: number;
  /** Seconds a step may stay inconclusive (too few requests) before the release fails as such. @default 300 */
  readonly deadlineSeconds?: number;
  /** Prometheus' URL as the Argo Rollouts controller reaches it. @default the controller's ARGO_ROLLOUTS_PROMETHEUS_ADDRESS */
  readonly prometheusAddress?: string;
  /** The app's counter of requests, by status code in label `code`. @default "http_requests_total" */
  readonly requestsMetric?: string;
  /** The app's histogram of request durations in seconds, for maxP99Milliseconds. @default "http_request_duration_seconds" */
  readonly latencyMetric?: string;
}

/**
 * An HTTP GET probe against the container port.
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export interface HttpProbeArgs {
  /** Path to GET; must start with '/'. */
  readonly path: string;
  /** Seconds between probes. @default 10 */
  readonly periodSeconds?: number;
  /** Consecutive failures before the probe counts as failed. @default 3 */
  readonly failureThreshold?: number;
  /** Seconds before one probe times out. @default 1 */
  readonly timeoutSeconds?: number;
}

/** The container's probes. Readiness is required: without it a rollout cannot know when a pod may take traffic. */
export interface ProbesArgs {
  /** Gates traffic: a pod joins the Service only while this passes. */
  readonly readiness: HttpProbeArgs;
  /** Restarts a container that stops answering. @default none */
  readonly liveness?: HttpProbeArgs;
  /** Holds liveness off until the container has started. @default none */
  readonly startup?: HttpProbeArgs;
}

/**
 * Compute requested and capped for the container.
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourcesArgs {
  /** @default "50m" */
  readonly cpuRequest?: string;
  /** @default "500m" */
  readonly cpuLimit?: string;
  /** @default "64Mi" */
  readonly memoryRequest?: string;
  /** @default "128Mi" */
  readonly memoryLimit?: string;
}

/**
 * How a pod leaves: the preStop pause lets endpoint removal reach every proxy before the app stops
 * accepting, then SIGTERM starts the app's graceful drain.
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
 */
export interface ShutdownArgs {
  /** Seconds of the preStop sleep; must be shorter than `terminationGracePeriodSeconds`. @default 5 */
  readonly preStopSeconds?: number;
  /** Seconds from the start of termination to SIGKILL. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
}

export interface WorkloadArgs {
  /** Namespace of every object; it must exist (restrictedNamespace makes one). */
  readonly namespace: pulumi.Input<string>;
  /**
   * Let the Kubernetes provider wait for the Deployment's rollout. Set false when the caller waits itself
   * (rollout/await.ts: awaitRollout, which fails at the progress deadline rather than at the provider's
   * timeout): the Deployment then carries pulumi.com/skipAwait. @default true
   */
  readonly providerAwait?: boolean;
  /**
   * Apply every object as its sole owner: server-side apply under this fixed field manager, taking over fields
   * another manager wrote (annotations pulumi.com/patchFieldManager and pulumi.com/patchForce). Set it when
   * Pulumi applies the objects and may take them over from another applier, as after a switch from gitops to
   * direct mode, where Argo CD and an earlier Pulumi resource hold the fields. @default undefined: the provider's
   * own random manager name per resource, and a conflict is an error
   */
  readonly fieldManager?: string;
  /** Container image: an immutable `repo@sha256:...` reference, never a bare tag. */
  readonly image: pulumi.Input<string>;
  /** The version being released; the app reports it at /version and it labels the pods. */
  readonly version: pulumi.Input<string>;
  /** Value of label app.kubernetes.io/part-of. @default "tagship" */
  readonly partOf?: string;
  /** Port the container listens on. @default 8080 */
  readonly containerPort?: number;
  /** Port of the Service. @default 80 */
  readonly servicePort?: number;
  /**
   * Path where the container serves Prometheus metrics on its port. Set, the pod template carries the
   * annotations a Prometheus that discovers pods reads (prometheus.io/scrape, prometheus.io/port,
   * prometheus.io/path): what a canary's analysis queries. Must start with '/'. @default undefined: not scraped
   */
  readonly metricsPath?: string;
  readonly rollout?: RolloutArgs;
  /** Release by canary with analysis (Argo Rollouts) instead of a rolling update. @default undefined: a rolling update */
  readonly canary?: CanaryArgs;
  readonly probes: ProbesArgs;
  readonly resources?: ResourcesArgs;
  readonly shutdown?: ShutdownArgs;
  /**
   * Environment variables read from a Secret in the namespace (see appSecret), one per name, each from the
   * Secret's key of that name. Only the Secret's name reaches the workload's manifests, never a value, so
   * they can be rendered to git. @default none
   */
  readonly secretEnv?: SecretEnvArgs;
  /**
   * Plain environment variables, NAME: value, from a ConfigMap the component makes. Its name carries a hash
   * of the values, so a change is a new ConfigMap and a new pod template: the pods roll, and pods of the old
   * version keep the values they started with. Names must not repeat secretEnv's or the container's own
   * (HOST, PORT, ...). @default none
   */
  readonly env?: Readonly<Record<string, string>>;
  /** The container's command, replacing the image's ENTRYPOINT. @default the image's */
  readonly command?: readonly string[];
  /** The command's arguments, replacing the image's CMD. @default the image's */
  readonly args?: readonly string[];
  /** @default runAsUser and runAsGroup 10001, no fsGroup */
  readonly identity?: IdentityArgs;
  /**
   * Writable directories on the otherwise read-only root filesystem: absolute path to the size limit of the
   * emptyDir mounted there (a memory quantity such as 64Mi). Their content lives as long as the pod. @default none
   */
  readonly writablePaths?: Readonly<Record<string, string>>;
  /** Give the pods their own ServiceAccount. @default none: the namespace's `default` account, with no token mounted */
  readonly serviceAccount?: ServiceAccountArgs;
  /** Secrets of type kubernetes.io/dockerconfigjson the kubelet pulls the image with, by name. @default none */
  readonly imagePullSecrets?: readonly pulumi.Input<string>[];
  /**
   * Scale the pods with their load: a HorizontalPodAutoscaler owns the pod count, and the Deployment carries no
   * `replicas` for Pulumi or Argo CD to reset. Not together with `rollout.replicas`. @default none: `rollout.replicas` pods
   */
  readonly autoscaling?: AutoscalingArgs;
  /** Spread the pods over nodes, zones or any other topology, one constraint per entry. @default none */
  readonly topologySpread?: readonly TopologySpreadArgs[];
  /** Reach the service through an Ingress of the cluster's ingress controller. @default none */
  readonly ingress?: IngressArgs;
  /** Reach the service through a Gateway API HTTPRoute attached to a Gateway of the cluster. @default none */
  readonly httpRoute?: HttpRouteArgs;
}

/**
 * An autoscaling/v2 HorizontalPodAutoscaler on the Deployment. Utilisation targets are percentages of the
 * container's requests (ResourcesArgs), averaged over the pods.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export interface AutoscalingArgs {
  /** Fewest pods; 2 or more keeps a pod serving while another is replaced. @default 2 */
  readonly minReplicas?: number;
  /** Most pods; at least minReplicas. */
  readonly maxReplicas: number;
  /** Target CPU utilisation, 1 to 100 percent of cpuRequest. @default 70 when memoryUtilization is not set either */
  readonly cpuUtilization?: number;
  /** Target memory utilisation, 1 to 100 percent of memoryRequest. @default none */
  readonly memoryUtilization?: number;
  /** Seconds the load must stay low before pods are removed; 0 to 3600. @default 300 (the autoscaler's own) */
  readonly scaleDownStabilizationSeconds?: number;
}

/**
 * A topology spread constraint over the workload's pods.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export interface TopologySpreadArgs {
  /** The node label whose values are the domains, e.g. topology.kubernetes.io/zone or kubernetes.io/hostname. */
  readonly topologyKey: string;
  /** Most pods one domain may hold above another. @default 1 */
  readonly maxSkew?: number;
  /**
   * ScheduleAnyway prefers a spread but still schedules a pod that cannot get one (a single node, a lost zone);
   * DoNotSchedule leaves it Pending. @default "ScheduleAnyway"
   */
  readonly whenUnsatisfiable?: "ScheduleAnyway" | "DoNotSchedule";
}

/**
 * A networking.k8s.io/v1 Ingress to the workload's Service.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
export interface IngressArgs {
  /** The host name requests arrive for, e.g. shop.example.com; a leading `*.` matches one label. */
  readonly host: string;
  /** Path prefix routed to the service. @default "/" */
  readonly path?: string;
  /** The IngressClass of the controller that serves it. @default the cluster's default class */
  readonly className?: string;
  /** A kubernetes.io/tls Secret in the namespace for `host`; HTTPS is then served with it. @default none: HTTP only */
  readonly tlsSecretName?: string;
}

/**
 * A gateway.networking.k8s.io/v1 HTTPRoute to the workload's Service, attached to a Gateway the cluster runs.
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
 */
export interface HttpRouteArgs {
  /**
   * Host names the route matches; at least one, so that a route never takes every host of a shared Gateway.
   * A leading `*.` matches one label.
   */
  readonly hostnames: readonly string[];
  /** Path prefix routed to the service. @default "/" */
  readonly path?: string;
  /** The Gateway to attach to: `namespace/name`, or `name` for a Gateway in the workload's namespace. */
  readonly gateway: string;
  /** The Gateway's listener to attach to. @default every listener that allows the route */
  readonly sectionName?: string;
}

/**
 * Who the container runs as. Always a non-root user: the namespace enforces the Pod Security Standards
 * "restricted" profile, which refuses UID 0.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
 */
export interface IdentityArgs {
  /** UID of the container's processes; not 0. @default 10001 */
  readonly runAsUser?: number;
  /** Primary GID of the container's processes. @default 10001 */
  readonly runAsGroup?: number;
  /** GID that owns the pod's volumes (the writable paths), and a supplementary group of its processes. @default none */
  readonly fsGroup?: number;
}

/** The pod's own ServiceAccount, named after the workload, instead of the namespace's `default`. */
export interface ServiceAccountArgs {
  /**
   * Mount the account's API token into the pods. Only for a service that calls the Kubernetes API: a token
   * the app does not use is a credential an attacker can. @default false
   */
  readonly automountToken?: boolean;
}

export interface SecretEnvArgs {
  /** Name of the Secret, in the workload's namespace. */
  readonly secretName: pulumi.Input<string>;
  /** The variables: names the container does not set itself (HOST, PORT, APP_VERSION, POD_NAME, DRAIN_TIMEOUT_MS). */
  readonly names: readonly string[];
}

/** The defaults of WorkloadArgs, applied in one place. */
export const WORKLOAD_DEFAULTS = {
  replicas: 3,
  maxSurge: 1,
  maxUnavailable: 0,
  minReadySeconds: 3,
  progressDeadlineSeconds: 120,
  revisionHistoryLimit: 5,
  containerPort: 8080,
  servicePort: 80,
  probePeriodSeconds: 10,
  probeFailureThreshold: 3,
  probeTimeoutSeconds: 1,
  cpuRequest: "50m",
  cpuLimit: "500m",
  memoryRequest: "64Mi",
  memoryLimit: "128Mi",
  preStopSeconds: 5,
  terminationGracePeriodSeconds: 30,
  runAsUser: 10001,
  runAsGroup: 10001,
  partOf: "tagship",
  minReplicas: 2,
  cpuUtilization: 70,
  scaleDownStabilizationSeconds: 300,
  routePath: "/",
  maxSkew: 1,
  whenUnsatisfiable: "ScheduleAnyway",
  canaryPauseSeconds: 30,
  canaryIntervalSeconds: 10,
  canaryWindowSeconds: 30,
  canaryMinRequests: 50,
  canaryMaxErrorPercent: 1,
  canaryDeadlineSeconds: 300,
  requestsMetric: "http_requests_total",
  latencyMetric: "http_request_duration_seconds",
} as const;
