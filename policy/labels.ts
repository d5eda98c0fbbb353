/** Policies on the objects' metadata: the recommended app labels, and the namespace's Pod Security admission. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { KubeObject } from "./objects";
import { podSpecOf } from "./pods";

const APP_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"];
const LABELLED = [
  "Namespace",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Service",
  "PodDisruptionBudget",
  "Secret",
  "ConfigMap",
  "ServiceAccount",
  "HorizontalPodAutoscaler",
  "Ingress",
  "HTTPRoute",
  "Rollout",
  "AnalysisTemplate",
];

export const appLabels: ResourceValidationPolicy = {
  name: "app-labels",
  description:
    "Kubernetes objects (and their pod templates) carry the recommended app.kubernetes.io labels, so that every tool can tell what they belong to.",
  validateResource: (args, report) => {
    if (!args.type.startsWith("kubernetes:") || !LABELLED.includes(args.type.split(":").pop() ?? "")) return;
    const object = args.props as KubeObject;
    const missing = (labels: Readonly<Record<string, string>> | undefined) => APP_LABELS.filter((l) => !labels?.[l]);
    const onObject = missing(object.metadata?.labels);
    if (onObject.length) report(`metadata.labels lacks ${onObject.join(", ")}`);
    if (podSpecOf(args.type, object) && !args.type.endsWith(":Pod")) {
      const onPods = missing(object.spec?.template?.metadata?.labels);
      if (onPods.length) report(`spec.template.metadata.labels lacks ${onPods.join(", ")}`);
    }
  },
};

export const namespaceRestricted: ResourceValidationPolicy = {
  name: "namespace-restricted",
  description: "Every namespace enforces the restricted Pod Security Standard, so that the API server refuses a pod that is not.",
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:core/v1:Namespace") return;
    const enforce = (args.props as KubeObject).metadata?.labels?.["pod-security.kubernetes.io/enforce"];
    if (enforce !== "restricted")
      report(`label pod-security.kubernetes.io/enforce is ${JSON.stringify(enforce ?? null)}, not "restricted"`);
  },
};
