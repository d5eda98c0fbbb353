/**
 * The parts of Kubernetes and Argo CD objects that the policies read. Every field is optional: the program
 * under review may leave any of them out, and that is what the policies are there to catch.
 */
export interface Metadata {
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string };
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly readinessProbe?: unknown;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
  };
  readonly securityContext?: SecurityContext;
}

export interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly securityContext?: SecurityContext;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly volumes?: readonly {
    readonly name?: string;
    readonly hostPath?: unknown;
    readonly emptyDir?: { readonly sizeLimit?: string };
  }[];
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
}

export interface PodTemplate {
  readonly metadata?: Metadata;
  readonly spec?: PodSpec;
}

/** Any Kubernetes object: the pod-running kinds fill in `spec` with their template (or, for a Pod, the pod spec). */
export interface KubeObject {
  readonly metadata?: Metadata;
  readonly spec?: PodSpec & {
    readonly template?: PodTemplate;
    readonly jobTemplate?: { readonly spec?: { readonly template?: PodTemplate } };
    readonly strategy?: { readonly type?: string; readonly rollingUpdate?: { readonly maxUnavailable?: number | string } };
  };
}

export interface Destination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface AppProject {
  readonly metadata?: Metadata;
  readonly spec?: {
    readonly sourceRepos?: readonly string[];
    readonly destinations?: readonly Destination[];
    readonly clusterResourceWhitelist?: readonly unknown[];
  };
}

export interface Application {
  readonly metadata?: Metadata;
  readonly spec?: { readonly project?: string; readonly source?: { readonly repoURL?: string }; readonly destination?: Destination };
}
