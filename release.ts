import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgoApplication } from "./components/argocd";
import { Image } from "./components/image";
import { digestOf } from "./components/image/reference";
import { gitopsRelease, type GitopsReleaseResult } from "./gitops/release";
import { awaitRollout, type NamespaceOwner, type RolloutResult } from "./rollout";
import {
  appSecret,
  registryPullSecret,
  restrictedNamespace,
  Workload,
  WORKLOAD_DEFAULTS,
  workloadKinds,
  type GroupKind,
} from "./components/workload";
import type { KubernetesObject } from "./components/workload/workload";
import type { ServiceSettings, Settings } from "./settings/settings";

/** What the commands read back about one service after an update. */
export interface ServiceOutputs {
  /** The immutable reference the Deployment runs: registry/repository@sha256:... */
  readonly imageRef: string;
  readonly imageTag: string;
  readonly deploymentName: string;
  readonly serviceName: string;
  /** direct mode: the revision of the Deployment that is live once `pulumi up` returns. */
  readonly rollout?: RolloutResult;
}

/**
 * The stack's outputs, as plain values: what the commands (cli/) read back after an update. The program
 * returns the same keys as ReleaseOutputs. Keys that do not apply to the delivery mode are left out.
 */
export interface StackOutputs extends Partial<ServiceOutputs> {
  // The fields of ServiceOutputs, at the top: the stack's only service, when it has one (left out otherwise).
  /** Every service, by name. */
  readonly services: Readonly<Record<string, ServiceOutputs>>;
  readonly deliveryMode: Settings["deliveryMode"];
  readonly namespace: string;
  /** "stack": the stack made its namespace and deletes it on destroy; "existing": it uses one it found, and leaves it. */
  readonly namespaceOwner?: NamespaceOwner;
  /** gitops mode: the Argo CD Application that applies the rendered workload. */
  readonly applicationName?: string;
  /** gitops mode: where the workload's manifests are rendered on this machine, relative to the project. */
  readonly renderDirectory?: string;
  /** gitops mode: where a release pushes the rendered manifests and where Argo CD reads them. */
  readonly gitops?: {
    readonly repoUrl: string;
    readonly revision: string;
    /** The directory in the repository; absent from stacks last updated when it was `renderDirectory` itself. */
    readonly repoPath?: string;
    readonly argocdNamespace: string;
  };
  /** gitops mode: the release's commit on the tracked branch, once Argo CD has it live (unknown in a preview). */
  readonly delivered?: GitopsReleaseResult;
  /**
   * The cluster the stack deploys to (and Argo CD runs in), for the commands that read it (the gitops wait,
   * promote, rollback): kubeconfig path and context, "" for the defaults. Absent when nothing reaches a cluster.
   */
  readonly cluster?: { readonly kubeconfig: string; readonly kubeContext: string };
}

/** An output the program returns: its value, known once the update has applied what it names. */
type Eventually<T> = { readonly [K in keyof T]: T[K] | pulumi.Output<T[K]> };

/** What the program returns: the stack's outputs, each known once the update has applied what it names. */
export type ReleaseOutputs = Omit<Eventually<StackOutputs>, "services"> & {
  readonly services: Readonly<Record<string, Eventually<ServiceOutputs>>>;
};

/** What every service of a stack shares: the providers it deploys with and the namespace it lives in. */
interface StackScope {
  readonly cluster: k8s.Provider;
  /** gitops mode: the provider that renders the workload to files. */
  readonly render?: k8s.Provider;
  /** The namespace's name, known once the stack's own namespace is applied. */
  readonly namespace: pulumi.Input<string>;
  /** The image pull Secret with the stack's registry credentials, when it has them. */
  readonly pullSecret?: k8s.core.v1.Secret;
}

/** What a release takes besides the stack's settings. */
export interface ReleaseOptions {
  /**
   * Bound on a gitops release's wait for Argo CD, in seconds.
   * @default the longest of the services' rollout bounds, plus ARGO_CD_SECONDS
   */
  readonly gitopsTimeoutSeconds?: number;
  /**
   * Digests no workload may run, each with the refusal that names it: the stack's quarantined ones, as the tagship
   * command passes them. A service whose image (built or pinned) has one fails the update before its workload changes.
   * @default none
   */
  readonly quarantined?: ReadonlyMap<string, string>;
}

/** What Argo CD may take beyond a rollout: noticing the commit, comparing and syncing. */
const ARGO_CD_SECONDS = 180;

/**
 * Declares one release of one stack from its settings: each service's image and workload and, in gitops mode,
 * the Argo CD Application that applies them.
 *
 * One owner per resource: in direct mode the workloads go to the cluster through Pulumi; in gitops mode they
 * are only rendered to files, and the cluster gets just the Application and AppProject, so Pulumi and Argo CD
 * never both apply a Deployment. Services are independent resources: Pulumi builds and rolls out the ones that
 * changed side by side, and leaves the others untouched.
 */
export function release(s: Settings, namespaceOwner: NamespaceOwner = "stack", o: ReleaseOptions = {}): ReleaseOutputs {
  // A render provider takes an explicit empty kubeconfig: the SDK otherwise fills it from $KUBECONFIG, and the
  // provider refuses a kubeconfig beside renderYamlToDirectory.
  const cluster = s.gitops?.renderOnly
    ? new k8s.Provider("cluster", { renderYamlToDirectory: `${s.gitops.repoPath}-argocd`, kubeconfig: "" })
    : new k8s.Provider("cluster", { kubeconfig: s.cluster.kubeconfig, context: s.cluster.context });
  // The render provider writes Secrets in plaintext: the workload must never contain one (see appSecret).
  const render = s.gitops ? new k8s.Provider("render", { renderYamlToDirectory: s.gitops.renderDirectory, kubeconfig: "" }) : undefined;

  // The stack applies its own namespace in both modes, so a switch of mode never deletes it; a namespace it found
  // (namespaceOwner "existing") is only named, never declared: not relabelled, adopted or deleted. The own one's URN
  // moved out of the Workload: the alias keeps stacks created before that from replacing (deleting) it.
  const namespace =
    namespaceOwner === "stack"
      ? restrictedNamespace(
          `${s.appName}-namespace`,
          { name: s.namespace, appName: s.appName, instance: pulumi.getStack() },
          { provider: cluster, aliases: [{ parent: pulumi.createUrn(s.appName, "tagship:index:Workload") }] },
        ).metadata.name
      : s.namespace;

  // Applied to the cluster in both modes, never rendered, like appSecret: the pods of services that pull from the
  // stack's registry name it.
  const pullSecret = s.registryCredentials
    ? registryPullSecret(
        `${s.appName}-registry`,
        {
          name: `${s.appName}-registry`,
          namespace,
          appName: s.appName,
          instance: pulumi.getStack(),
          ...s.registryCredentials,
        },
        { provider: cluster },
      )
    : undefined;

  const scope: StackScope = { cluster, ...(render ? { render } : {}), namespace, ...(pullSecret ? { pullSecret } : {}) };
  const released = s.services.map((svc) => ({ svc, ...releaseService(s, svc, scope, o.quarantined ?? new Map()) }));
  const services = Object.fromEntries(released.map((r) => [r.svc.name, r.outputs]));

  const application = s.gitops
    ? new ArgoApplication(
        s.namespace,
        {
          argocdNamespace: s.gitops.argocdNamespace,
          repoUrl: s.gitops.repoUrl,
          path: s.gitops.repoPath,
          targetRevision: s.gitops.repoRevision,
          destinationNamespace: namespace,
          allowedKinds: allowedKinds(s),
        },
        { providers: [cluster] },
      )
    : undefined;

  // gitops: the update itself commits, pushes and waits until Argo CD has the release live.
  const delivered =
    s.gitops && !s.gitops.renderOnly && application
      ? gitopsRelease({
          stackName: pulumi.getStack(),
          services: released.map(({ svc, outputs, objects }) => ({
            name: svc.name,
            tag: svc.image.tag,
            imageRef: outputs.imageRef,
            deploymentName: outputs.deploymentName,
            objects,
          })),
          application: application.application.metadata,
          argocdNamespace: s.gitops.argocdNamespace,
          repoUrl: s.gitops.repoUrl,
          branch: s.gitops.repoRevision,
          repoPath: s.gitops.repoPath,
          renderDirectory: s.gitops.renderDirectory,
          namespace,
          ...(s.cluster.kubeconfig ? { kubeconfig: s.cluster.kubeconfig } : {}),
          ...(s.cluster.context ? { context: s.cluster.context } : {}),
          timeoutSeconds: o.gitopsTimeoutSeconds ?? Math.max(...s.services.map((svc) => rolloutBoundSeconds(svc))) + ARGO_CD_SECONDS,
          reportOn: application,
        })
      : undefined;

  const only = s.services.length === 1 ? Object.values(services)[0] : undefined;
  return {
    ...(only ?? {}),
    services,
    deliveryMode: s.deliveryMode,
    namespace,
    namespaceOwner,
    ...(application ? { applicationName: application.applicationName } : {}),
    ...(delivered ? { delivered } : {}),
    ...(s.gitops
      ? {
          renderDirectory: s.gitops.renderDirectory,
          gitops: {
            repoUrl: s.gitops.repoUrl,
            revision: s.gitops.repoRevision,
            repoPath: s.gitops.repoPath,
            argocdNamespace: s.gitops.argocdNamespace,
          },
        }
      : {}),
    ...(s.gitops?.renderOnly ? {} : { cluster: { kubeconfig: s.cluster.kubeconfig ?? "", kubeContext: s.cluster.context ?? "" } }),
  };
}

/**
 * One service: its image, its secret variables, its workload and, in direct mode, the wait for its rollout.
 * Its resources are named after the service, so that the only service of a stack without `services` keeps the
 * names it had before services existed.
 */
function releaseService(
  s: Settings,
  svc: ServiceSettings,
  scope: StackScope,
  quarantined: ReadonlyMap<string, string>,
): { outputs: Eventually<ServiceOutputs>; objects: readonly KubernetesObject[] } {
  const built =
    svc.image.kind === "build"
      ? new Image(svc.name, {
          context: svc.image.context,
          dockerfile: svc.image.dockerfile,
          ...(svc.image.target ? { target: svc.image.target } : {}),
          registry: svc.image.registry,
          repository: svc.image.repository,
          tag: svc.image.tag,
          builder: svc.image.builder || undefined,
          buildArgs: svc.image.buildArgs,
          ...(svc.image.cacheRef ? { cacheRef: svc.image.cacheRef } : {}),
          credentials: svc.image.credentials,
        }).ref
      : pulumi.output(svc.image.reference);
  const imageRef = unquarantined(svc.name, built, quarantined);

  // Applied to the cluster in both modes, never rendered: a Secret in deploy/ would put its values in git.
  const secret = svc.appSecrets
    ? appSecret(
        `${svc.name}-secret-env`,
        {
          name: `${svc.name}-env`,
          namespace: scope.namespace,
          appName: svc.name,
          instance: pulumi.getStack(),
          data: svc.appSecrets.values,
        },
        { provider: scope.cluster },
      )
    : undefined;

  const w = svc.workload;
  const workload = new Workload(
    svc.name,
    {
      namespace: scope.namespace,
      // Direct mode: awaitRollout below waits instead of the provider, and fails at the progress deadline.
      // Rendered manifests (gitops) never carry the provider's skipAwait annotation.
      providerAwait: s.gitops !== undefined,
      // Direct mode: one fixed owner of every field, so that Pulumi can take the workload back from Argo CD.
      ...(s.gitops ? {} : { fieldManager: "tagship" }),
      image: imageRef,
      version: svc.image.tag,
      containerPort: w.containerPort,
      servicePort: w.servicePort,
      ...(w.metricsPath !== undefined ? { metricsPath: w.metricsPath } : {}),
      rollout: w.rollout,
      ...(w.canary ? { canary: w.canary } : {}),
      probes: w.probes,
      resources: w.resources,
      shutdown: w.shutdown,
      env: w.env,
      ...(w.command ? { command: w.command } : {}),
      ...(w.args ? { args: w.args } : {}),
      identity: w.identity,
      writablePaths: w.writablePaths,
      ...(w.serviceAccount ? { serviceAccount: w.serviceAccount } : {}),
      ...(w.autoscaling ? { autoscaling: w.autoscaling } : {}),
      ...(w.topologySpread ? { topologySpread: w.topologySpread } : {}),
      ...(w.ingress ? { ingress: w.ingress } : {}),
      ...(w.httpRoute ? { httpRoute: w.httpRoute } : {}),
      ...(scope.pullSecret && svc.pullsWithCredentials ? { imagePullSecrets: [scope.pullSecret.metadata.name] } : {}),
      ...(secret && svc.appSecrets ? { secretEnv: { secretName: secret.metadata.name, names: svc.appSecrets.names } } : {}),
    },
    // Switching a direct stack to gitops replaces these objects with rendered files. Retained, the live ones
    // are only dropped from the state, still serving, and Argo CD adopts them; without it Pulumi would delete
    // them. Destroying the stack still removes them, with their namespace.
    { providers: [scope.render ?? scope.cluster], retainOnDelete: !s.gitops },
  );

  // The release ends only when the rollout is complete: every pod new and available, no old one left.
  const rollout = s.gitops
    ? undefined
    : awaitRollout({
        deployment: workload.deployment,
        ...(workload.rollout ? { canary: workload.rollout } : {}),
        kubeconfig: s.cluster.kubeconfig,
        context: s.cluster.context,
        timeoutSeconds: rolloutBoundSeconds(svc),
      });

  return {
    outputs: {
      imageRef,
      imageTag: svc.image.tag,
      deploymentName: workload.deploymentName,
      serviceName: workload.serviceName,
      ...(rollout ? { rollout } : {}),
    },
    objects: workload.objects,
  };
}

/**
 * The image reference, failing the update before any workload runs it when its digest is quarantined: a build can
 * come out the same as the image of an aborted release (the same sources, fully cached), and only the update knows.
 */
function unquarantined(service: string, ref: pulumi.Output<string>, quarantined: ReadonlyMap<string, string>): pulumi.Output<string> {
  if (quarantined.size === 0) return ref;
  return ref.apply((r) => {
    const refusal = quarantined.get(digestOf(r));
    if (refusal !== undefined) throw new pulumi.RunError(`service ${service}: its image ${r}: ${refusal}`);
    return r;
  });
}

/**
 * How long a service's rollout may take: a progress deadline for each pod it may run, and one more; with a canary,
 * each step's analysis besides, up to its deadline for enough requests and its pause.
 */
function rolloutBoundSeconds(svc: ServiceSettings): number {
  const w = svc.workload;
  const D = WORKLOAD_DEFAULTS;
  const pods = w.rollout.progressDeadlineSeconds * ((w.autoscaling?.maxReplicas ?? w.rollout.replicas ?? D.replicas) + 1);
  const c = w.canary;
  return c ? pods + c.steps.length * ((c.deadlineSeconds ?? D.canaryDeadlineSeconds) + (c.pauseSeconds ?? D.canaryPauseSeconds)) : pods;
}

/** Every kind the stack's workloads render, once each: all that the AppProject lets Argo CD apply. */
function allowedKinds(s: Settings): GroupKind[] {
  const kinds = new Map<string, GroupKind>();
  for (const svc of s.services) {
    for (const k of workloadKinds(svc.workload)) {
      kinds.set(`${k.group}/${k.kind}`, k);
    }
  }
  return [...kinds.values()];
}
