export * from "./args";
export { resolveWorkload, type ResolvedWorkload } from "./resolve";
export { workloadProblems } from "./validate";
export { RESTRICTED_NAMESPACE_LABELS } from "./labels";
export { restrictedNamespace, type RestrictedNamespaceArgs } from "./namespace";
export { appSecret, type AppSecretArgs } from "./secret";
export { Workload } from "./workload";
export { workloadKinds, type GroupKind } from "./kinds";
export { registryPullSecret, type PullSecretArgs } from "./pull-secret";
