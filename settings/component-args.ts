import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ArgoApplicationArgs } from "../components/argocd";
import type { ImageArgs } from "../components/image";
import type { AppSecretArgs, RestrictedNamespaceArgs, WorkloadArgs } from "../components/workload";

/** Values that end a path: nothing inside them is a separate argument. */
type Leaf = string | number | boolean | readonly unknown[];

/**
 * The args object a field nests, or never for a field that ends a path. An Input ends it too: its value may
 * arrive later as a whole, so the component can only check it as one argument.
 */
type Nested<V> = [Extract<V, PromiseLike<unknown> | pulumi.OutputInstance<unknown>>] extends [never] ? (V extends Leaf ? never : V) : never;

/** The dotted path of every field of an args interface, e.g. "rollout.replicas" or "probes.readiness.path" of WorkloadArgs. */
export type ArgPath<T> = {
  [K in keyof T & string]-?: [Nested<NonNullable<T[K]>>] extends [never] ? K : `${K}.${ArgPath<NonNullable<T[K]>>}`;
}[keyof T & string];

/**
 * A component argument a config key can feed, named as the component names it in its own errors
 * (components/naming.ts's argsNaming): `<ArgsType>.<path>`, e.g. "WorkloadArgs.rollout.replicas". Typed, so
 * that a path the component does not have fails to compile.
 */
export type ComponentArg =
  | `WorkloadArgs.${ArgPath<WorkloadArgs>}`
  | `ImageArgs.${ArgPath<ImageArgs>}`
  | `ArgoApplicationArgs.${ArgPath<ArgoApplicationArgs>}`
  | `RestrictedNamespaceArgs.${ArgPath<RestrictedNamespaceArgs>}`
  | `AppSecretArgs.${ArgPath<AppSecretArgs>}`
  | `k8s.ProviderArgs.${ArgPath<k8s.ProviderArgs>}`;

/** The prefix of the WorkloadArgs fields, whose problems the Workload's shared rules report. */
export const WORKLOAD_ARGS = "WorkloadArgs.";
