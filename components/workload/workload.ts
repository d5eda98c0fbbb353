import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { argsNaming } from "../naming";
import * as rules from "../rules";
import { checkValue, plainInputProblems, throwIfAny, validatedOutput, type Problem } from "../validation";
import type { WorkloadArgs } from "./args";
import { appContainer, restrictedPodSecurityContext, writableVolumes } from "./container";
import { appLabels, selectorLabels } from "./labels";
import { resolveWorkload, type ResolvedWorkload } from "./resolve";
import { autoscalerSpec, disruptionLimit } from "./autoscaler";
import { httpRouteSpec, ingressSpec } from "./exposure";
import { analysisTemplateSpec, canaryRolloutSpec } from "./canary";
import { WORKLOAD_KINDS } from "./kinds";
import { rollingUpdate, topologySpreadConstraints } from "./strategy";
import { workloadProblems } from "./validate";

/**
 * A stateless HTTP service that rolls over with no failed request: a Deployment with a RollingUpdate
 * strategy and probes, a Service and a PodDisruptionBudget, in a namespace that exists already (see
 * restrictedNamespace); as asked, a HorizontalPodAutoscaler, an Ingress and an HTTPRoute.
 *
 * The component's name is the Kubernetes name of the Deployment and Service. Whether the objects are
 * applied to a cluster or rendered to files is decided by the Kubernetes provider passed in `opts`;
 * `opts.retainOnDelete` is passed on to every object, as Pulumi does not pass it to a component's children.
 */
/** What every Kubernetes object resource has: its identity, known once it is applied (or rendered). */
export type KubernetesObject = pulumi.CustomResource & {
  readonly apiVersion: pulumi.Output<string>;
  readonly kind: pulumi.Output<string>;
  readonly metadata: pulumi.Output<{ readonly name?: string; readonly namespace?: string }>;
};

export class Workload extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly deploymentName: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;
  public readonly disruptionBudget: k8s.policy.v1.PodDisruptionBudget;
  /** The plain environment variables (WorkloadArgs.env); absent without any. */
  public readonly envConfigMap?: k8s.core.v1.ConfigMap;
  /** The pods' own account (WorkloadArgs.serviceAccount); absent when they use the namespace's default. */
  public readonly serviceAccount?: k8s.core.v1.ServiceAccount;
  /** WorkloadArgs.canary: the Argo Rollouts Rollout that runs the Deployment's pod template; absent for a rolling update. */
  public readonly rollout?: k8s.apiextensions.CustomResource;
  /** WorkloadArgs.canary: the analysis the Rollout's steps run. */
  public readonly analysisTemplate?: k8s.apiextensions.CustomResource;
  /** The pod count's owner (WorkloadArgs.autoscaling); absent with a fixed count. */
  public readonly autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  /** WorkloadArgs.ingress; absent without one. */
  public readonly ingress?: k8s.networking.v1.Ingress;
  /** WorkloadArgs.httpRoute; absent without one. */
  public readonly httpRoute?: k8s.apiextensions.CustomResource;
  /** Every object above that exists: what a render provider writes to files, one each. */
  public readonly objects: readonly KubernetesObject[];

  constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    const w = resolveWorkload(args);
    const naming = argsNaming("WorkloadArgs");
    const inputs = {
      namespace: { input: args.namespace, key: naming.key("namespace"), check: rules.dnsLabel(63) },
      image: { input: args.image, key: naming.key("image"), check: rules.digestReference },
      version: { input: args.version, key: naming.key("version"), check: rules.labelValue },
    };
    // Everything plain is checked before the component registers, so bad input leaves no trace.
    const problems: Problem[] = [...workloadProblems(w, naming), ...plainInputProblems(Object.values(inputs))];
    checkValue(name, "Workload name", rules.serviceName(63), problems);
    throwIfAny(`Workload "${name}"`, problems);

    super("tagship:index:Workload", name, {}, opts);
    const namespace = validatedOutput(inputs.namespace, this);
    const image = validatedOutput(inputs.image, this);
    const version = validatedOutput(inputs.version, this);

    const labels = appLabels(name, pulumi.getStack(), w.partOf);
    const selector = selectorLabels(labels);
    // Directives to the Kubernetes provider, which reads them from the inputs (they land on the live objects too).
    const soleOwner: Record<string, string> = w.fieldManager
      ? { "pulumi.com/patchFieldManager": w.fieldManager, "pulumi.com/patchForce": "true" }
      : {};
    const metadata = (resourceLabels: Record<string, pulumi.Input<string>> = labels, annotations: Record<string, string> = soleOwner) => ({
      name,
      namespace,
      labels: resourceLabels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    });
    const versioned = { ...labels, "app.kubernetes.io/version": version };

    const inNamespace: pulumi.CustomResourceOptions = { parent: this, retainOnDelete: opts?.retainOnDelete };

    this.envConfigMap =
      Object.keys(w.env).length > 0
        ? new k8s.core.v1.ConfigMap(
            `${name}-env`,
            {
              // The hash in the name makes a change of values a new ConfigMap and a new pod template, so the pods
              // roll; a ConfigMap changed in place would reach only pods started after it, old and new alike.
              metadata: { ...metadata(), name: `${name}-env-${contentHash(w.env)}` },
              immutable: true,
              data: { ...w.env },
            },
            inNamespace,
          )
        : undefined;

    this.serviceAccount = w.serviceAccount
      ? new k8s.core.v1.ServiceAccount(
          `${name}-account`,
          { metadata: metadata(), automountServiceAccountToken: w.serviceAccount.automountToken },
          inNamespace,
        )
      : undefined;
    const volumes = writableVolumes(w).volumes;

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: metadata(versioned, w.providerAwait ? soleOwner : { ...soleOwner, "pulumi.com/skipAwait": "true" }),
        spec: {
          // With autoscaling no replicas at all: a value here would be applied (or synced) on every release and
          // reset the count the autoscaler chose. With a canary none either: the Rollout runs the pods and scales
          // this Deployment down to 0 itself.
          ...(w.replicas !== undefined && !w.canary ? { replicas: w.replicas } : {}),
          selector: { matchLabels: selector },
          strategy: rollingUpdate(w),
          minReadySeconds: w.minReadySeconds,
          progressDeadlineSeconds: w.progressDeadlineSeconds,
          revisionHistoryLimit: w.revisionHistoryLimit,
          template: {
            metadata: { labels: versioned, ...(w.metricsPath !== undefined ? { annotations: scrapeAnnotations(w) } : {}) },
            spec: {
              ...(this.serviceAccount ? { serviceAccountName: this.serviceAccount.metadata.name } : {}),
              automountServiceAccountToken: w.serviceAccount?.automountToken ?? false,
              enableServiceLinks: false,
              terminationGracePeriodSeconds: w.terminationGracePeriodSeconds,
              securityContext: restrictedPodSecurityContext(w),
              ...(args.imagePullSecrets?.length ? { imagePullSecrets: args.imagePullSecrets.map((n) => ({ name: n })) } : {}),
              containers: [
                appContainer(
                  {
                    name,
                    image,
                    version,
                    secretName: args.secretEnv?.secretName,
                    ...(this.envConfigMap ? { envConfigMapName: this.envConfigMap.metadata.name } : {}),
                  },
                  w,
                ),
              ],
              ...(volumes.length > 0 ? { volumes } : {}),
              ...(w.topologySpread.length > 0 ? { topologySpreadConstraints: topologySpreadConstraints(w, selector) } : {}),
            },
          },
        },
      },
      // The provider's await reports a rollout that missed its progress deadline only at this timeout.
      { ...inNamespace, customTimeouts: { create: `${w.progressDeadlineSeconds + 60}s`, update: `${w.progressDeadlineSeconds + 60}s` } },
    );

    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: metadata(),
        spec: {
          type: "ClusterIP",
          selector,
          ports: [{ name: "http", port: w.servicePort, targetPort: "http", protocol: "TCP" }],
        },
      },
      inNamespace,
    );

    // Voluntary disruptions (node drains) take one pod at a time, or a quarter of an autoscaled count.
    this.disruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      { metadata: metadata(), spec: { maxUnavailable: disruptionLimit(w.autoscaling !== undefined), selector: { matchLabels: selector } } },
      inNamespace,
    );

    if (w.canary) {
      const c = w.canary;
      const typed = (k: (typeof WORKLOAD_KINDS)["rollout" | "analysisTemplate"]) => ({
        apiVersion: `${k.group}/${k.version}`,
        kind: k.kind,
      });
      this.analysisTemplate = new k8s.apiextensions.CustomResource(
        `${name}-analysis`,
        {
          ...typed(WORKLOAD_KINDS.analysisTemplate),
          metadata: metadata(),
          spec: namespace.apply((ns) => analysisTemplateSpec(c, { namespace: ns, name })),
        },
        inNamespace,
      );
      this.rollout = new k8s.apiextensions.CustomResource(
        `${name}-rollout`,
        {
          ...typed(WORKLOAD_KINDS.rollout),
          metadata: metadata(versioned),
          spec: canaryRolloutSpec(w, c, {
            deploymentName: this.deployment.metadata.name,
            selector,
            templateName: this.analysisTemplate.metadata.name,
            version,
          }),
        },
        inNamespace,
      );
    }

    this.autoscaler = w.autoscaling
      ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(
          `${name}-hpa`,
          {
            metadata: metadata(),
            spec: autoscalerSpec(
              this.rollout
                ? { kind: "Rollout", name: this.rollout.metadata.name }
                : { kind: "Deployment", name: this.deployment.metadata.name },
              w.autoscaling,
            ),
          },
          inNamespace,
        )
      : undefined;
    this.ingress = w.ingress
      ? new k8s.networking.v1.Ingress(
          `${name}-ingress`,
          { metadata: metadata(), spec: ingressSpec(w.ingress, this.service.metadata.name) },
          inNamespace,
        )
      : undefined;
    this.httpRoute = w.httpRoute
      ? new k8s.apiextensions.CustomResource(
          `${name}-route`,
          {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: metadata(),
            spec: httpRouteSpec(w.httpRoute, this.service.metadata.name, w.servicePort),
          },
          inNamespace,
        )
      : undefined;

    this.objects = [
      this.envConfigMap,
      this.serviceAccount,
      this.deployment,
      this.analysisTemplate,
      this.rollout,
      this.service,
      this.disruptionBudget,
      this.autoscaler,
      this.ingress,
      this.httpRoute,
    ].filter((o) => o !== undefined);
    this.namespace = namespace;
    this.deploymentName = this.deployment.metadata.name;
    this.serviceName = this.service.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      deploymentName: this.deploymentName,
      serviceName: this.serviceName,
      deployment: this.deployment,
      service: this.service,
      disruptionBudget: this.disruptionBudget,
    });
  }
}

/** A short, stable hash of a map's content, whatever the order of its keys. */
function contentHash(data: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(data)
    .sort()
    .map((k) => [k, data[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 10);
}

/** The annotations by which a Prometheus that discovers pods finds their metrics (its common scrape config). */
function scrapeAnnotations(w: ResolvedWorkload): Record<string, string> {
  return { "prometheus.io/scrape": "true", "prometheus.io/port": String(w.containerPort), "prometheus.io/path": w.metricsPath ?? "" };
}
