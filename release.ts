import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgoApplication } from "./components/argocd";
import { Image } from "./components/image";
import { awaitRollout, type RolloutResult } from "./rollout";
import { appSecret, restrictedNamespace, Workload } from "./components/workload";
import type { Settings } from "./settings/settings";

/**
 * The stack's outputs, as plain values: what the commands (cli/) read back after an update. The program
 * returns the same keys as ReleaseOutputs. Keys that do not apply to the delivery mode are left out.
 */
export interface StackOutputs {
  /** The immutable reference the Deployment runs: registry/repository@sha256:... */
  readonly imageRef: string;
  readonly imageTag: string;
  readonly deliveryMode: Settings["deliveryMode"];
  readonly namespace: string;
  readonly deploymentName: string;
  readonly serviceName: string;
  /** direct mode: the revision of the Deployment that is live once `pulumi up` returns. */
  readonly rollout?: RolloutResult;
  /** gitops mode: the Argo CD Application that applies the rendered workload. */
  readonly applicationName?: string;
  /** gitops mode: where the workload's manifests are rendered, relative to the project. */
  readonly renderDirectory?: string;
  /** gitops mode: where a release pushes the rendered manifests and where Argo CD reads them. */
  readonly gitops?: {
    readonly repoUrl: string;
    readonly revision: string;
    readonly argocdNamespace: string;
  };
  /**
   * The cluster the stack deploys to (and Argo CD runs in), for the commands that read it (the gitops wait,
   * promote, rollback): kubeconfig path and context, "" for the defaults. Absent when nothing reaches a cluster.
   */
  readonly cluster?: { readonly kubeconfig: string; readonly kubeContext: string };
}

/** What the program returns: the stack's outputs, each known once the update has applied what it names. */
export type ReleaseOutputs = { readonly [K in keyof StackOutputs]: StackOutputs[K] | pulumi.Output<StackOutputs[K]> };

/**
 * Declares one release of one stack from its settings: the image, the workload and, in gitops mode, the
 * Argo CD Application that applies it.
 *
 * One owner per resource: in direct mode the workload goes to the cluster through Pulumi; in gitops mode it
 * is only rendered to files, and the cluster gets just the Application and AppProject, so Pulumi and Argo CD
 * never both apply the Deployment.
 */
export function release(s: Settings): ReleaseOutputs {
  // A render provider takes an explicit empty kubeconfig: the SDK otherwise fills it from $KUBECONFIG, and the
  // provider refuses a kubeconfig beside renderYamlToDirectory.
  const cluster = s.gitops?.renderOnly
    ? new k8s.Provider("cluster", { renderYamlToDirectory: `${s.gitops.repoPath}-argocd`, kubeconfig: "" })
    : new k8s.Provider("cluster", { kubeconfig: s.cluster.kubeconfig, context: s.cluster.context });
  // The render provider writes Secrets in plaintext: the workload must never contain one (see appSecret).
  const render = s.gitops ? new k8s.Provider("render", { renderYamlToDirectory: s.gitops.repoPath, kubeconfig: "" }) : undefined;

  const imageRef =
    s.image.kind === "build"
      ? new Image(s.appName, {
          context: s.image.context,
          dockerfile: s.image.dockerfile,
          ...(s.image.target ? { target: s.image.target } : {}),
          registry: s.image.registry,
          repository: s.image.repository,
          tag: s.image.tag,
          builder: s.image.builder || undefined,
          buildArgs: s.image.buildArgs,
          ...(s.image.cacheRef ? { cacheRef: s.image.cacheRef } : {}),
          credentials: s.image.credentials,
        }).ref
      : pulumi.output(s.image.reference);

  // The stack applies the namespace in both modes, so a switch of mode never deletes it. Its URN moved out of
  // the Workload: the alias keeps stacks created before that from replacing (deleting) it.
  const namespace = restrictedNamespace(
    `${s.appName}-namespace`,
    { name: s.namespace, appName: s.appName, instance: pulumi.getStack() },
    { provider: cluster, aliases: [{ parent: pulumi.createUrn(s.appName, "tagship:index:Workload") }] },
  );

  // Applied to the cluster in both modes, never rendered: a Secret in deploy/ would put its values in git.
  const secret = s.appSecrets
    ? appSecret(
        `${s.appName}-secret-env`,
        {
          name: `${s.appName}-env`,
          namespace: namespace.metadata.name,
          appName: s.appName,
          instance: pulumi.getStack(),
          data: s.appSecrets.values,
        },
        { provider: cluster },
      )
    : undefined;

  const workload = new Workload(
    s.appName,
    {
      namespace: namespace.metadata.name,
      // Direct mode: awaitRollout below waits instead of the provider, and fails at the progress deadline.
      // Rendered manifests (gitops) never carry the provider's skipAwait annotation.
      providerAwait: s.gitops !== undefined,
      // Direct mode: one fixed owner of every field, so that Pulumi can take the workload back from Argo CD.
      ...(s.gitops ? {} : { fieldManager: "tagship" }),
      image: imageRef,
      version: s.image.tag,
      containerPort: s.workload.containerPort,
      servicePort: s.workload.servicePort,
      rollout: s.workload.rollout,
      probes: s.workload.probes,
      resources: s.workload.resources,
      shutdown: s.workload.shutdown,
      ...(secret && s.appSecrets ? { secretEnv: { secretName: secret.metadata.name, names: s.appSecrets.names } } : {}),
    },
    // Switching a direct stack to gitops replaces these objects with rendered files. Retained, the live ones
    // are only dropped from the state, still serving, and Argo CD adopts them; without it Pulumi would delete
    // them. Destroying the stack still removes them, with their namespace.
    { providers: [render ?? cluster], retainOnDelete: !s.gitops },
  );

  // The release ends only when the rollout is complete: every pod new and available, no old one left.
  const rollout = s.gitops
    ? undefined
    : awaitRollout({
        deployment: workload.deployment,
        kubeconfig: s.cluster.kubeconfig,
        context: s.cluster.context,
        timeoutSeconds: s.workload.rollout.progressDeadlineSeconds * (s.workload.rollout.replicas + 1),
      });

  const application = s.gitops
    ? new ArgoApplication(
        s.namespace,
        {
          argocdNamespace: s.gitops.argocdNamespace,
          repoUrl: s.gitops.repoUrl,
          path: s.gitops.repoPath,
          targetRevision: s.gitops.repoRevision,
          destinationNamespace: namespace.metadata.name,
        },
        { providers: [cluster] },
      )
    : undefined;

  return {
    imageRef,
    imageTag: s.image.tag,
    deliveryMode: s.deliveryMode,
    namespace: workload.namespace,
    deploymentName: workload.deploymentName,
    serviceName: workload.serviceName,
    ...(rollout ? { rollout } : {}),
    ...(application ? { applicationName: application.applicationName } : {}),
    ...(s.gitops
      ? {
          renderDirectory: s.gitops.repoPath,
          gitops: { repoUrl: s.gitops.repoUrl, revision: s.gitops.repoRevision, argocdNamespace: s.gitops.argocdNamespace },
        }
      : {}),
    ...(s.gitops?.renderOnly ? {} : { cluster: { kubeconfig: s.cluster.kubeconfig ?? "", kubeContext: s.cluster.context ?? "" } }),
  };
}
