import type * as pulumi from "@pulumi/pulumi";

/** Retry of failed syncs, with exponential backoff. @see https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/ */
export interface SyncRetryArgs {
  /** Attempts before the sync is reported failed. @default 5 */
  readonly limit?: number;
  /** First backoff, as an Argo CD duration. @default "5s" */
  readonly backoffDuration?: string;
  /** Multiplier applied after each failed attempt. @default 2 */
  readonly backoffFactor?: number;
  /** Longest backoff. @default "3m" */
  readonly backoffMaxDuration?: string;
}

export interface ArgoApplicationArgs {
  /** Namespace where Argo CD runs and where the Application and AppProject live. @default "argocd" */
  readonly argocdNamespace?: string;
  /** The git repository Argo CD tracks; the AppProject allows this one only. */
  readonly repoUrl: pulumi.Input<string>;
  /** Directory in the repository with the manifests (read recursively). */
  readonly path: pulumi.Input<string>;
  /** Branch, tag or commit to track. @default "HEAD" */
  readonly targetRevision?: pulumi.Input<string>;
  /** Namespace the manifests go to, which must exist; the AppProject allows this one only. */
  readonly destinationNamespace: pulumi.Input<string>;
  /** API server of the destination cluster. @default "https://kubernetes.default.svc" (the cluster Argo CD runs in) */
  readonly destinationServer?: string;
  /**
   * Namespaced kinds the AppProject lets the Application manage.
   * @default Deployment, Service and PodDisruptionBudget: what Workload renders
   */
  readonly allowedKinds?: readonly { readonly group: string; readonly kind: string }[];
  readonly retry?: SyncRetryArgs;
}

export const ARGO_DEFAULTS = {
  argocdNamespace: "argocd",
  targetRevision: "HEAD",
  destinationServer: "https://kubernetes.default.svc",
  allowedKinds: [
    { group: "apps", kind: "Deployment" },
    { group: "", kind: "Service" },
    { group: "policy", kind: "PodDisruptionBudget" },
  ],
  retry: { limit: 5, backoffDuration: "5s", backoffFactor: 2, backoffMaxDuration: "3m" },
} as const;
