import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedAutoscaling } from "./resolve";

/**
 * The HorizontalPodAutoscaler's spec for a Deployment, or for the Rollout of a canary (which runs the pods then). Scaling up keeps the autoscaler's own quick default;
 * scaling down waits `scaleDownStabilizationSeconds` of low load and then removes at most half the pods a
 * minute, so a lull between bursts does not drop capacity the next burst needs.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
 */
export function autoscalerSpec(
  target: { readonly kind: "Deployment" | "Rollout"; readonly name: k8s.types.input.autoscaling.v2.CrossVersionObjectReference["name"] },
  a: ResolvedAutoscaling,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
  const utilization = (name: "cpu" | "memory", averageUtilization: number) => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization } },
  });
  return {
    scaleTargetRef: { apiVersion: target.kind === "Rollout" ? "argoproj.io/v1alpha1" : "apps/v1", kind: target.kind, name: target.name },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [
      ...(a.cpuUtilization !== undefined ? [utilization("cpu", a.cpuUtilization)] : []),
      ...(a.memoryUtilization !== undefined ? [utilization("memory", a.memoryUtilization)] : []),
    ],
    behavior: {
      scaleDown: {
        stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
        policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
      },
    },
  };
}

/**
 * The PodDisruptionBudget's limit. A fixed count keeps one pod at a time. An autoscaled one allows a quarter of
 * the pods (Kubernetes rounds a percentage of maxUnavailable up), so a drain is never blocked even at one pod and
 * does not crawl one pod at a time at forty.
 */
export function disruptionLimit(autoscaled: boolean): number | string {
  return autoscaled ? "25%" : 1;
}
