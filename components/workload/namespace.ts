import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import * as rules from "../rules";
import { checkValue, throwIfAny, type Problem } from "../validation";
import { WORKLOAD_DEFAULTS } from "./args";
import { appLabels, RESTRICTED_NAMESPACE_LABELS } from "./labels";

export interface RestrictedNamespaceArgs {
  /** The namespace's name. */
  readonly name: string;
  /** The app the namespace holds, for its app.kubernetes.io labels. */
  readonly appName: string;
  /** The instance, for label app.kubernetes.io/instance: the stack. */
  readonly instance: string;
  /** Value of label app.kubernetes.io/part-of. @default "tagship" */
  readonly partOf?: string;
}

/**
 * The namespace a Workload runs in, with Pod Security Standards "restricted" enforced by the API server.
 *
 * It is not part of Workload because its owner does not change with the delivery mode: the stack applies it
 * in both modes, while the workload inside is applied by Pulumi (direct) or by Argo CD (gitops). A switch of
 * mode then never deletes the namespace, and destroying the stack removes everything in it.
 */
export function restrictedNamespace(resourceName: string, args: RestrictedNamespaceArgs, opts?: pulumi.CustomResourceOptions) {
  const problems: Problem[] = [];
  checkValue(args.name, "RestrictedNamespaceArgs.name", rules.dnsLabel(63), problems);
  throwIfAny(`namespace "${resourceName}"`, problems);
  const labels = appLabels(args.appName, args.instance, args.partOf ?? WORKLOAD_DEFAULTS.partOf);
  return new k8s.core.v1.Namespace(
    resourceName,
    { metadata: { name: args.name, labels: { ...labels, ...RESTRICTED_NAMESPACE_LABELS } } },
    opts,
  );
}
