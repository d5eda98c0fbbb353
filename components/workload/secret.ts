import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as rules from "../rules";
import { checkValue, throwIfAny, type Problem } from "../validation";
import { WORKLOAD_DEFAULTS } from "./args";
import { appLabels } from "./labels";

export interface AppSecretArgs {
  /** The Secret's name. */
  readonly name: string;
  /** Its namespace: the workload's. */
  readonly namespace: pulumi.Input<string>;
  /** The app it belongs to, for its app.kubernetes.io labels. */
  readonly appName: string;
  /** The instance, for label app.kubernetes.io/instance: the stack. */
  readonly instance: string;
  /** Variable name to value. Kept a Pulumi secret whatever is passed, so that no value reaches the state in plaintext. */
  readonly data: pulumi.Input<Record<string, string>>;
  /** Value of label app.kubernetes.io/part-of. @default "tagship" */
  readonly partOf?: string;
}

/**
 * The Secret a Workload reads its secret environment variables from (WorkloadArgs.secretEnv).
 *
 * Like the namespace, it is applied by the stack to the cluster in both delivery modes and never rendered: in
 * gitops mode the workload's manifests go to git, and a Secret there would put its values in the repository
 * (the render provider writes Secrets in plaintext). The Deployment refers to it by name only.
 */
export function appSecret(resourceName: string, args: AppSecretArgs, opts?: pulumi.CustomResourceOptions) {
  const problems: Problem[] = [];
  checkValue(args.name, "AppSecretArgs.name", rules.dnsLabel(253), problems);
  throwIfAny(`secret "${resourceName}"`, problems);
  return stackSecret(resourceName, args, "Opaque", args.data, opts);
}

/**
 * A Secret of the stack's, labelled for its app, with `stringData` kept a Pulumi secret whatever is passed: what
 * appSecret and registryPullSecret make.
 */
export function stackSecret(
  resourceName: string,
  meta: Pick<AppSecretArgs, "name" | "namespace" | "appName" | "instance" | "partOf">,
  type: string,
  stringData: pulumi.Input<Record<string, pulumi.Input<string>>>,
  opts?: pulumi.CustomResourceOptions,
) {
  return new k8s.core.v1.Secret(
    resourceName,
    {
      metadata: {
        name: meta.name,
        namespace: meta.namespace,
        labels: appLabels(meta.appName, meta.instance, meta.partOf ?? WORKLOAD_DEFAULTS.partOf),
      },
      type,
      stringData: pulumi.secret(stringData),
    },
    opts,
  );
}
