import type * as pulumi from "@pulumi/pulumi";
import type { RolloutSettings } from "./rollout";
import type { RuntimeSettings } from "./runtime";
import type { TrafficSettings } from "./traffic";
import type { CanaryArgs, ProbesArgs, ResourcesArgs, ShutdownArgs } from "../components/workload";

export const DELIVERY_MODES = ["direct", "gitops"] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** What is built, each path relative to the project. */
export interface BuildSource {
  readonly context: string;
  readonly dockerfile: string;
  /** Absent: the Dockerfile's last stage. */
  readonly target?: string;
  /** Build arguments, BASE_IMAGE (baseImage) among them when set. */
  readonly buildArgs: Readonly<Record<string, string>>;
}

/** Build the service's sources with BuildKit and push them; the Deployment gets the pushed digest. */
export interface BuildImageSettings extends BuildSource {
  readonly kind: "build";
  readonly tag: string;
  readonly registry: string;
  readonly repository: string;
  /** Empty: docker-build's default builder. */
  readonly builder: string;
  /** Where the build cache is imported from and exported to; absent: the builder's own cache only. */
  readonly cacheRef?: string;
  /** The stack's registry credentials, when this image is pushed to their registry. */
  readonly credentials?: { readonly username: string; readonly password: pulumi.Output<string> };
}

/** Credentials for one registry: the stack-wide one. */
export interface RegistryCredentials {
  readonly registry: string;
  readonly username: string;
  readonly password: pulumi.Output<string>;
}

/** Deploy an image that already exists, by digest; `tag` is still the version the service reports. */
export interface PrebuiltImageSettings {
  readonly kind: "prebuilt";
  readonly tag: string;
  readonly reference: string;
}

export interface GitopsSettings {
  readonly repoUrl: string;
  readonly repoPath: string;
  /**
   * Where the workload is rendered on this machine, relative to the project: .tagship/render/<stack label>, out of
   * the way of `repoPath` in a checkout of the tracked branch (a release commits to the branch, not the checkout).
   */
  readonly renderDirectory: string;
  readonly repoRevision: string;
  readonly argocdNamespace: string;
  /** Render the Application and AppProject to `<repoPath>-argocd/` instead of applying them. */
  readonly renderOnly: boolean;
}

/** One service the stack ships: its image, its workload and its secret variables. */
export interface ServiceSettings {
  /** The Kubernetes name of its Deployment and Service. */
  readonly name: string;
  readonly image: BuildImageSettings | PrebuiltImageSettings;
  readonly workload: {
    readonly containerPort: number;
    readonly servicePort: number;
    /** Absent: the pods are not annotated for scraping. */
    readonly metricsPath?: string;
    readonly rollout: RolloutSettings;
    /** Absent: a rolling update. */
    readonly canary?: CanaryArgs;
    readonly probes: Required<ProbesArgs>;
    readonly resources: Required<ResourcesArgs>;
    readonly shutdown: Required<ShutdownArgs>;
  } & RuntimeSettings &
    TrafficSettings;
  /** Whether its image comes from the registry of the stack's credentials: its pods then pull with them. */
  readonly pullsWithCredentials: boolean;
  /** The service's secret environment variables: their names, and the values as a Pulumi secret. Absent when none are set. */
  readonly appSecrets?: { readonly names: readonly string[]; readonly values: pulumi.Output<Record<string, string>> };
}

/** Everything a stack's config says, validated and typed. Built only by config.ts. */
export interface Settings {
  readonly stack: string;
  /** The stack's application: the namespace's default name and labels, and the name of its only service when `services` is not set. */
  readonly appName: string;
  readonly namespace: string;
  readonly production: boolean;
  readonly deliveryMode: DeliveryMode;
  /** At least one, in the order of the config. */
  readonly services: readonly ServiceSettings[];
  /** Present in gitops mode. */
  readonly gitops?: GitopsSettings;
  readonly cluster: { readonly kubeconfig?: string; readonly context?: string };
  /** registryUsername and registryPassword, for the stack-wide registry; absent when not set. */
  readonly registryCredentials?: RegistryCredentials;
}
