import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { argsNaming } from "../naming";
import * as rules from "../rules";
import { checkValue, plainInputProblems, throwIfAny, validatedOutput, type Problem } from "../validation";
import { ARGO_DEFAULTS, type ArgoApplicationArgs } from "./args";
import { applicationManifest, appProjectManifest, type ArgoValues } from "./manifests";

/**
 * An Argo CD Application that tracks a directory of a git repository, and the AppProject that allows it
 * that repository and that destination only. The component's name names both objects.
 */
export class ArgoApplication extends pulumi.ComponentResource {
  public readonly applicationName: pulumi.Output<string>;
  public readonly projectName: pulumi.Output<string>;
  public readonly application: k8s.apiextensions.CustomResource;
  public readonly project: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ArgoApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    const naming = argsNaming("ArgoApplicationArgs");
    const argocdNamespace = args.argocdNamespace ?? ARGO_DEFAULTS.argocdNamespace;
    const retry = { ...ARGO_DEFAULTS.retry, ...args.retry };
    const inputs = {
      repoUrl: { input: args.repoUrl, key: naming.key("repoUrl"), check: rules.gitRepoUrl },
      path: { input: args.path, key: naming.key("path"), check: rules.repoPath },
      targetRevision: {
        input: args.targetRevision ?? ARGO_DEFAULTS.targetRevision,
        key: naming.key("targetRevision"),
        check: rules.gitRevision,
      },
      destinationNamespace: { input: args.destinationNamespace, key: naming.key("destinationNamespace"), check: rules.dnsLabel(63) },
    };
    const problems: Problem[] = plainInputProblems(Object.values(inputs));
    checkValue(name, "ArgoApplication name", rules.dnsLabel(63), problems);
    checkValue(argocdNamespace, naming.key("argocdNamespace"), rules.dnsLabel(63), problems);
    checkValue(retry.limit, naming.key("retry.limit"), rules.integerAtLeast(0, "use e.g. 5"), problems);
    throwIfAny(`ArgoApplication "${name}"`, problems);

    super("tagship:index:ArgoApplication", name, {}, opts);
    const repoUrl = validatedOutput(inputs.repoUrl, this);
    const path = validatedOutput(inputs.path, this);
    const targetRevision = validatedOutput(inputs.targetRevision, this);
    const destinationNamespace = validatedOutput(inputs.destinationNamespace, this);

    const values: pulumi.Output<ArgoValues> = pulumi.all([repoUrl, path, targetRevision, destinationNamespace]).apply(([u, p, r, ns]) => ({
      name,
      argocdNamespace,
      repoUrl: u,
      path: p,
      targetRevision: r,
      destinationNamespace: ns,
      destinationServer: args.destinationServer ?? ARGO_DEFAULTS.destinationServer,
      allowedKinds: args.allowedKinds ?? ARGO_DEFAULTS.allowedKinds,
      retry,
    }));

    const projectManifest = values.apply(appProjectManifest);
    this.project = new k8s.apiextensions.CustomResource(
      `${name}-project`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name, namespace: argocdNamespace },
        spec: projectManifest.spec,
      },
      { parent: this },
    );

    const appManifest = values.apply(applicationManifest);
    this.application = new k8s.apiextensions.CustomResource(
      `${name}-application`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: appManifest.metadata,
        spec: appManifest.spec,
      },
      // The project must exist first, or Argo CD marks the Application invalid until its next refresh.
      { parent: this, dependsOn: [this.project] },
    );

    this.applicationName = this.application.metadata.name;
    this.projectName = this.project.metadata.name;
    this.registerOutputs({
      applicationName: this.applicationName,
      projectName: this.projectName,
      application: this.application,
      project: this.project,
    });
  }
}
