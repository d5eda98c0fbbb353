import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedProbe } from "./resolve";

/**
 * An HTTP GET probe on the named container port.
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export function httpProbe(p: ResolvedProbe, portName: string): k8s.types.input.core.v1.Probe {
  return {
    httpGet: { path: p.path, port: portName },
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
    timeoutSeconds: p.timeoutSeconds,
    successThreshold: 1,
  };
}
