export { ArgoApplication } from "./application";
export { ARGO_DEFAULTS, type ArgoApplicationArgs, type SyncRetryArgs } from "./args";
export { applicationManifest, appProjectManifest, type ArgoValues } from "./manifests";
