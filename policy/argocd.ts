/** Policies on Argo CD objects: a project that can deploy only its own repository into its own namespace. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { AppProject, Application, Destination } from "./objects";

const APP_PROJECT = "kubernetes:argoproj.io/v1alpha1:AppProject";
const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";

const wildcard = (v: string | undefined) => v === undefined || v === "" || v.includes("*");

export const appProjectScope: ResourceValidationPolicy = {
  name: "argocd-project-scope",
  description:
    "An AppProject allows one repository and one namespace, with no wildcard and no cluster-scoped kind, so that an Application can change nothing else.",
  validateResource: (args, report) => {
    if (args.type !== APP_PROJECT) return;
    const spec = (args.props as AppProject).spec ?? {};
    const repos = spec.sourceRepos ?? [];
    if (repos.length !== 1 || repos.some(wildcard))
      report(`sourceRepos ${JSON.stringify(repos)}: allowed exactly one repository, no wildcard`);
    const dests = spec.destinations ?? [];
    if (dests.length !== 1 || dests.some((d) => wildcard(d.namespace) || wildcard(d.server ?? d.name))) {
      report(`destinations ${JSON.stringify(dests)}: allowed exactly one, with a named namespace and cluster, no wildcard`);
    }
    const cluster = spec.clusterResourceWhitelist ?? [];
    if (cluster.length > 0)
      report(`clusterResourceWhitelist ${JSON.stringify(cluster)}: allowed none (the stack applies the namespace itself)`);
  },
};

export const applicationInItsProject: StackValidationPolicy = {
  name: "argocd-application-in-its-project",
  description:
    "Every Application belongs to an AppProject of the stack (never `default`) that allows exactly its repository and destination.",
  validateStack: (args, report) => {
    const projects = new Map(
      args.resources
        .filter((r) => r.type === APP_PROJECT)
        .map((r): [string | undefined, AppProject] => [(r.props as AppProject).metadata?.name, r.props]),
    );
    for (const app of args.resources.filter((r) => r.type === APPLICATION)) {
      const spec = (app.props as Application).spec ?? {};
      const project = spec.project === "default" ? undefined : projects.get(spec.project);
      if (!project) {
        report(`Application ${app.name}: project ${JSON.stringify(spec.project)} is not an AppProject of this stack`, app.urn);
        continue;
      }
      const repos = project.spec?.sourceRepos ?? [];
      const dests = project.spec?.destinations ?? [];
      const dest: Destination = spec.destination ?? {};
      if (!repos.includes(spec.source?.repoURL ?? ""))
        report(`Application ${app.name}: repoURL ${spec.source?.repoURL} is not its project's ${JSON.stringify(repos)}`, app.urn);
      if (!dests.some((d) => d.namespace === dest.namespace && (d.server ?? d.name) === (dest.server ?? dest.name))) {
        report(`Application ${app.name}: destination ${JSON.stringify(dest)} is not its project's ${JSON.stringify(dests)}`, app.urn);
      }
    }
  },
};
