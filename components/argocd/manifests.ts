import type { IApplication, IAppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1" with { "resolution-mode": "import" };

/** Plain values of an Application and its AppProject, after defaults. */
export interface ArgoValues {
  readonly name: string;
  readonly argocdNamespace: string;
  readonly repoUrl: string;
  readonly path: string;
  readonly targetRevision: string;
  readonly destinationNamespace: string;
  readonly destinationServer: string;
  readonly allowedKinds: readonly { readonly group: string; readonly kind: string }[];
  readonly retry: {
    readonly limit: number;
    readonly backoffDuration: string;
    readonly backoffFactor: number;
    readonly backoffMaxDuration: string;
  };
}

// The models package is ESM-only; this program is CommonJS (Pulumi's ts-node default), so it is loaded
// with a dynamic import rather than require().
const models = () => import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1");

/**
 * An AppProject that confines the Application to one repository, one destination namespace and the kinds
 * it needs. Checked against Argo CD's CRD schema by the models' validate().
 */
export async function appProjectManifest(v: ArgoValues): Promise<IAppProject> {
  const { AppProject } = await models();
  const project = new AppProject({
    metadata: { name: v.name, namespace: v.argocdNamespace },
    spec: {
      description: `tagship: ${v.destinationNamespace} from ${v.repoUrl}`,
      sourceRepos: [v.repoUrl],
      destinations: [{ server: v.destinationServer, namespace: v.destinationNamespace }],
      // No cluster-scoped kind at all: the stack applies the namespace itself (restrictedNamespace).
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: v.allowedKinds.map((k) => ({ group: k.group, kind: k.kind })),
    },
  });
  project.validate();
  return project.toJSON() as IAppProject;
}

/**
 * An Application that keeps the destination namespace (which must exist) in step with the repository:
 * automated sync with prune and selfHeal, and retry with backoff.
 *
 * No resources-finalizer: deleting the Application leaves the workload running, so a stack can hand the
 * Deployment back to direct mode without a moment with no pods.
 */
export async function applicationManifest(v: ArgoValues): Promise<IApplication> {
  const { Application } = await models();
  const app = new Application({
    metadata: { name: v.name, namespace: v.argocdNamespace, labels: { "app.kubernetes.io/managed-by": "tagship" } },
    spec: {
      project: v.name,
      source: { repoURL: v.repoUrl, path: v.path, targetRevision: v.targetRevision, directory: { recurse: true } },
      destination: { server: v.destinationServer, namespace: v.destinationNamespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: {
          limit: v.retry.limit,
          backoff: { duration: v.retry.backoffDuration, factor: v.retry.backoffFactor, maxDuration: v.retry.backoffMaxDuration },
        },
      },
    },
  });
  app.validate();
  return app.toJSON() as IApplication;
}
