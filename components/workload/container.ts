import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { httpProbe } from "./probes";
import type { ResolvedWorkload } from "./resolve";

export const PORT_NAME = "http";

/**
 * The Pod Security Standards "restricted" profile for a container, plus a read-only root filesystem.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function restrictedSecurityContext(): k8s.types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The pod-level half of the restricted profile: a fixed non-root user, so runAsNonRoot can be verified. */
export function restrictedPodSecurityContext(w: ResolvedWorkload): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: w.runAsUser,
    runAsGroup: w.runAsGroup,
    ...(w.fsGroup !== undefined ? { fsGroup: w.fsGroup } : {}),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The emptyDir volumes of the writable paths, named in path order, and where the container mounts them. */
export function writableVolumes(w: ResolvedWorkload): {
  volumes: k8s.types.input.core.v1.Volume[];
  mounts: k8s.types.input.core.v1.VolumeMount[];
} {
  const paths = Object.keys(w.writablePaths).sort();
  return {
    volumes: paths.map((p, i) => ({ name: `writable-${i}`, emptyDir: { sizeLimit: w.writablePaths[p] } })),
    mounts: paths.map((p, i) => ({ name: `writable-${i}`, mountPath: p })),
  };
}

/** The variables the container sets itself; a Secret's variables must not shadow them. */
export const CONTAINER_ENV = ["HOST", "PORT", "APP_VERSION", "POD_NAME", "DRAIN_TIMEOUT_MS"] as const;

export interface ContainerInputs {
  readonly name: string;
  readonly image: pulumi.Input<string>;
  readonly version: pulumi.Input<string>;
  /** The Secret that holds the variables named in ResolvedWorkload.secretEnvNames. */
  readonly secretName?: pulumi.Input<string>;
  /** The ConfigMap that holds ResolvedWorkload.env. */
  readonly envConfigMapName?: pulumi.Input<string>;
}

/** The application container: ports, env the app reads, probes, resources, preStop pause and security. */
export function appContainer(c: ContainerInputs, w: ResolvedWorkload): k8s.types.input.core.v1.Container {
  const secretName = c.secretName;
  const mounts = writableVolumes(w).mounts;
  return {
    name: c.name,
    image: c.image,
    ...(w.command ? { command: [...w.command] } : {}),
    ...(w.args ? { args: [...w.args] } : {}),
    ports: [{ name: PORT_NAME, containerPort: w.containerPort, protocol: "TCP" }],
    env: [
      { name: "HOST", value: "0.0.0.0" },
      { name: "PORT", value: String(w.containerPort) },
      { name: "APP_VERSION", value: c.version },
      // apiVersion spelled out as the API server defaults it: fieldRef is atomic for server-side apply, so a
      // manifest without it differs from the live object, and Pulumi taking the Deployment back from Argo CD
      // (a switch to direct mode) would conflict with the field's earlier manager.
      { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
      // The app drains after SIGTERM; leave it the grace period minus the preStop pause, less a margin.
      { name: "DRAIN_TIMEOUT_MS", value: String(Math.max(1, w.terminationGracePeriodSeconds - w.preStopSeconds - 1) * 1000) },
      // By reference: the manifest names the Secret and its keys, never a value.
      ...(secretName === undefined
        ? []
        : w.secretEnvNames.map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key: name } } }))),
    ],
    ...(c.envConfigMapName === undefined ? {} : { envFrom: [{ configMapRef: { name: c.envConfigMapName } }] }),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    readinessProbe: httpProbe(w.readiness, PORT_NAME),
    livenessProbe: w.liveness && httpProbe(w.liveness, PORT_NAME),
    startupProbe: w.startup && httpProbe(w.startup, PORT_NAME),
    resources: {
      requests: { cpu: w.cpuRequest, memory: w.memoryRequest },
      limits: { cpu: w.cpuLimit, memory: w.memoryLimit },
    },
    // Endpoint removal and SIGTERM happen at the same time; the pause lets every proxy stop routing here
    // before the app stops accepting. The sleep action needs no shell or sleep binary in the image.
    lifecycle: w.preStopSeconds > 0 ? { preStop: { sleep: { seconds: w.preStopSeconds } } } : undefined,
    securityContext: restrictedSecurityContext(),
  };
}
