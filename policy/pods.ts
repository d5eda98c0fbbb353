/**
 * Policies on every pod a stack declares, wherever its template sits (Deployment, StatefulSet, Job, Pod...):
 * what a release must be to roll out safely and run under the restricted Pod Security Standard.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import type { Container, KubeObject, PodSpec } from "./objects";
import { isProductionStack, stackOf } from "./stacks";

/** The pod spec of a resource that runs pods, or undefined for any other resource. */
export function podSpecOf(type: string, object: KubeObject): PodSpec | undefined {
  const kind = type.split(":").pop() ?? "";
  if (kind === "Pod") return object.spec;
  if (kind === "CronJob") return object.spec?.jobTemplate?.spec?.template?.spec;
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"].includes(kind))
    return object.spec?.template?.spec;
  return undefined;
}

/** A policy over each pod template, wherever it sits; `check` returns what is wrong with it, one line each. */
function podPolicy(
  name: string,
  description: string,
  check: (pod: PodSpec, args: ResourceValidationArgs) => readonly string[],
): ResourceValidationPolicy {
  return {
    name,
    description,
    validateResource: (args, report) => {
      if (!args.type.startsWith("kubernetes:")) return;
      const pod = podSpecOf(args.type, args.props as KubeObject);
      if (pod) for (const problem of check(pod, args)) report(problem);
    },
  };
}

/** A policy over each container of each pod template; `check` returns what is wrong with one container. */
function containerPolicy(
  name: string,
  description: string,
  check: (c: Container, pod: PodSpec, args: ResourceValidationArgs) => string | undefined,
): ResourceValidationPolicy {
  return podPolicy(name, description, (pod, args) =>
    [...(pod.initContainers ?? []), ...(pod.containers ?? [])].flatMap((c) => {
      const problem = check(c, pod, args);
      return problem ? [`container "${c.name}": ${problem}`] : [];
    }),
  );
}

const DIGEST = /@sha256:[a-f0-9]{64}$/;

export const imageByDigest = containerPolicy(
  "image-by-digest",
  "Every container runs an image pinned by digest (repo@sha256:...), never a bare or `latest` tag, so that what was verified is what runs.",
  (c) =>
    c.image && DIGEST.test(c.image) && !/:latest@/.test(c.image)
      ? undefined
      : `image ${JSON.stringify(c.image)} is not pinned by digest; deploy the imageRef the build printed (registry/repo@sha256:...)`,
);

export const readinessProbe = containerPolicy(
  "readiness-probe",
  "Every container has a readiness probe: without one, a rollout sends traffic to pods that are not ready.",
  (c, _pod, args) => (args.type.endsWith(":Job") || args.type.endsWith(":CronJob") || c.readinessProbe ? undefined : "no readinessProbe"),
);

export const requestsAndLimits = containerPolicy(
  "requests-and-limits",
  "Every container requests and limits CPU and memory, so that the scheduler can place it and one pod cannot starve the node.",
  (c) => {
    const missing = (["requests", "limits"] as const).flatMap((group) =>
      ["cpu", "memory"].filter((resource) => !c.resources?.[group]?.[resource]).map((resource) => `${group}.${resource}`),
    );
    return missing.length ? `resources ${missing.join(", ")} not set` : undefined;
  },
);

export const restrictedSecurityContext = containerPolicy(
  "restricted-security-context",
  "Every container meets the restricted Pod Security Standard: non-root, no privilege escalation, all capabilities dropped, a seccomp profile, no host namespaces.",
  (c, pod) => {
    const sc = c.securityContext ?? {};
    const podSc = pod.securityContext ?? {};
    const wrong = [
      ...(sc.runAsNonRoot === true || (podSc.runAsNonRoot === true && sc.runAsNonRoot !== false) ? [] : ["runAsNonRoot is not true"]),
      ...(sc.runAsUser === 0 || podSc.runAsUser === 0 ? ["runAsUser is 0"] : []),
      ...(sc.allowPrivilegeEscalation === false ? [] : ["allowPrivilegeEscalation is not false"]),
      ...(sc.privileged === true ? ["privileged"] : []),
      ...((sc.capabilities?.drop ?? []).includes("ALL") ? [] : ["capabilities.drop lacks ALL"]),
      ...((sc.capabilities?.add ?? []).some((cap) => cap !== "NET_BIND_SERVICE") ? ["capabilities.add beyond NET_BIND_SERVICE"] : []),
      ...(["RuntimeDefault", "Localhost"].includes(sc.seccompProfile?.type ?? podSc.seccompProfile?.type ?? "")
        ? []
        : ["no RuntimeDefault seccompProfile"]),
      ...(pod.hostNetwork || pod.hostPID || pod.hostIPC ? ["the pod shares a host namespace"] : []),
      ...((pod.volumes ?? []).some((v) => v.hostPath) ? ["the pod mounts a hostPath volume"] : []),
    ];
    return wrong.length ? `securityContext not restricted: ${wrong.join("; ")}` : undefined;
  },
);

export const productionMaxUnavailable: ResourceValidationPolicy = {
  name: "production-max-unavailable-zero",
  description:
    "A Deployment (or a canary's Rollout) of a production stack rolls out with maxUnavailable 0, so that it never serves below full capacity.",
  validateResource: (args, report) => {
    if (!isProductionStack(stackOf(args.urn))) return;
    if (args.type === "kubernetes:argoproj.io/v1alpha1:Rollout") {
      const unavailable = (args.props as { spec?: { strategy?: { canary?: { maxUnavailable?: number | string } } } }).spec?.strategy?.canary
        ?.maxUnavailable;
      if (!(unavailable === 0 || unavailable === "0" || unavailable === "0%")) {
        report(
          `production stack ${stackOf(args.urn)}: canary with maxUnavailable ${JSON.stringify(unavailable ?? "25% (the default)")}; set it to 0`,
        );
      }
      return;
    }
    if (args.type !== "kubernetes:apps/v1:Deployment") return;
    const strategy = (args.props as KubeObject).spec?.strategy ?? {};
    // Left unset, Kubernetes defaults to a RollingUpdate with maxUnavailable 25%.
    const unavailable = strategy.rollingUpdate?.maxUnavailable;
    if (strategy.type === "Recreate" || !(unavailable === 0 || unavailable === "0" || unavailable === "0%")) {
      report(
        `production stack ${stackOf(args.urn)}: strategy ${strategy.type ?? "RollingUpdate"} with maxUnavailable ${JSON.stringify(unavailable ?? "25% (the default)")}; set rollingUpdate.maxUnavailable to 0`,
      );
    }
  },
};

export const boundedWritableVolumes = podPolicy(
  "bounded-writable-volumes",
  "Every emptyDir volume (a writable path) has a sizeLimit, so that one pod cannot fill its node's disk or memory.",
  (pod) => {
    const unbounded = (pod.volumes ?? []).filter((v) => v.emptyDir && !v.emptyDir.sizeLimit).map((v) => v.name ?? "(unnamed)");
    return unbounded.length ? [`emptyDir volume ${unbounded.join(", ")} has no sizeLimit; give each writable path a size, e.g. 64Mi`] : [];
  },
);

export const serviceAccountToken = podPolicy(
  "service-account-token",
  "A pod mounts an API token only with a ServiceAccount of its own: the namespace's default account is shared by every pod in it.",
  (pod) =>
    pod.automountServiceAccountToken !== false && (pod.serviceAccountName ?? "default") === "default"
      ? [
          `automountServiceAccountToken is ${JSON.stringify(pod.automountServiceAccountToken ?? "not set (true)")} with the namespace's default account; set it to false, or give the pods their own account (serviceAccount)`,
        ]
      : [],
);

export const podPolicies = [
  imageByDigest,
  readinessProbe,
  requestsAndLimits,
  restrictedSecurityContext,
  productionMaxUnavailable,
  boundedWritableVolumes,
  serviceAccountToken,
];
