/**
 * Recommended labels.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
export type AppLabels = {
  readonly "app.kubernetes.io/name": string;
  readonly "app.kubernetes.io/instance": string;
  readonly "app.kubernetes.io/part-of": string;
  readonly "app.kubernetes.io/managed-by": string;
};

export function appLabels(name: string, instance: string, partOf: string): AppLabels {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/part-of": partOf,
    "app.kubernetes.io/managed-by": "tagship",
  };
}

/** The label selector of every object a stack makes: made by tagship, for that stack (its instance). */
export function stackSelector(stack: string): string {
  return `app.kubernetes.io/managed-by=tagship,app.kubernetes.io/instance=${stack}`;
}

/** Whether an object's labels make it one of the stack's own (see stackSelector). */
export function isStackObject(labels: Readonly<Record<string, string>> | undefined, stack: string): boolean {
  return labels?.["app.kubernetes.io/managed-by"] === "tagship" && labels["app.kubernetes.io/instance"] === stack;
}

/**
 * The selector: only the labels that never change for the life of the Deployment (a Deployment's selector
 * is immutable, and the version label changes with every release).
 */
export function selectorLabels(labels: AppLabels): Record<string, string> {
  return { "app.kubernetes.io/name": labels["app.kubernetes.io/name"], "app.kubernetes.io/instance": labels["app.kubernetes.io/instance"] };
}

/**
 * Pod Security Standards "restricted", enforced by the API server's admission for every pod in the namespace.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export const RESTRICTED_NAMESPACE_LABELS = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
} as const;
