export { awaitRollout, type AwaitRolloutArgs, type RolloutResult } from "./await";
export { diagnosePods, type EventSnapshot, type PodSnapshot } from "./diagnose";
export { rolloutVerdict, type DeploymentSnapshot, type RolloutVerdict } from "./status";
export { retirementReader, retirementVerdict, type RetiringPod } from "./retirement";
export { applicationVerdict, type ApplicationSnapshot, type ApplicationVerdict } from "./application";
export { connect, deploymentSnapshot, orAbsent, readRetrying, UNREACHABLE_SECONDS, type UnreachableOptions } from "./cluster";
export { madeByStack, namespaceOwner, type NamespaceOwner } from "./namespace";
export { foreignOwner, objectsOwnedByOthers } from "./ownership";
export { preflight } from "./preflight";
