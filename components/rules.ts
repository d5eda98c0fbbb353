/**
 * Pure checks of single values, shared by stack-config parsing and by component arguments so that a rule
 * is written once. Each returns undefined when the value is fine.
 */
import type { Check } from "./validation";

// OCI distribution spec: a tag is at most 128 characters of [A-Za-z0-9_.-], not starting with . or -.
const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
// A repository path component, per the distribution reference grammar.
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REGISTRY_HOST = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)";
const IMAGE_PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const REGISTRY = new RegExp(`^${REGISTRY_HOST}$`);
/** A host's port, when it names one, is 1 to 65535: a registry on port 99999 would fail only when the build pushes. */
const validPort = (host: string) => {
  const port = /:([0-9]+)$/.exec(host)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
};
const DIGEST_REF = new RegExp(
  `^(?:${REGISTRY_HOST}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?@sha256:[a-f0-9]{64}$`,
);
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const CPU = /^(?:[0-9]+(?:\.[0-9]+)?|[0-9]+m)$/;
const MEMORY = /^[0-9]+(?:\.[0-9]+)?(?:Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const PERCENT = /^([0-9]+)%$/;
const INTEGER = /^[0-9]+$/;

export const ociTag: Check<string> = (v) =>
  OCI_TAG.test(v)
    ? undefined
    : {
        allowed: "an OCI tag: 1 to 128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'",
        fix: "use a version such as 0.2.1 or 2026.11.26-1",
      };

export const digestReference: Check<string> = (v) =>
  DIGEST_REF.test(v)
    ? undefined
    : {
        allowed: "an immutable image reference of the form registry/repository@sha256:<64 hex digits>",
        fix: "deploy the digest reference that the image build printed (imageRef output), never a bare tag",
      };

export const registryHost: Check<string> = (v) =>
  REGISTRY.test(v) && validPort(v)
    ? undefined
    : {
        allowed: "a registry host with an optional port (1 to 65535), e.g. 127.0.0.1:5000, docker.io or ghcr.io",
        fix: "give the registry host only, without a scheme or a path",
      };

export const imagePath: Check<string> = (v) =>
  IMAGE_PATH.test(v)
    ? undefined
    : {
        allowed: "a repository path of lowercase components separated by '/', e.g. tagship/hello",
        fix: "use lowercase letters, digits and single separators (. _ -) in each component",
      };

/** A Kubernetes object name that is also a DNS label (names of Services must be). */
export function dnsLabel(maxLength = 63): Check<string> {
  return (v) =>
    v.length <= maxLength && DNS_LABEL.test(v)
      ? undefined
      : {
          allowed: `a DNS label: at most ${maxLength} characters of lowercase letters, digits and '-', starting and ending with a letter or digit`,
          fix: "choose a name such as hello or hello-api",
        };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name the app can read as an environment variable, and a Secret key too (a subset of both grammars). */
export const envName: Check<string> = (v) =>
  ENV_NAME.test(v) && v.length <= 253
    ? undefined
    : {
        allowed: "an environment variable name: letters, digits and '_', not starting with a digit",
        fix: "rename it, e.g. API_TOKEN",
      };

export const httpPath: Check<string> = (v) =>
  v.startsWith("/") && !/\s/.test(v)
    ? undefined
    : { allowed: "an HTTP path that starts with '/' and has no spaces", fix: `write it as "/${v.replace(/^\/*/, "").trim()}"` };

export const port: Check<number> = (v) =>
  Number.isInteger(v) && v >= 1 && v <= 65535
    ? undefined
    : { allowed: "an integer port from 1 to 65535", fix: "use the port the service listens on, e.g. 8080" };

export function integerAtLeast(min: number, fix: string): Check<number> {
  return (v) => (Number.isInteger(v) && v >= min ? undefined : { allowed: `an integer >= ${min}`, fix });
}

/**
 * An integer from `min` to `bound.max`. The upper bound is a sanity bound, not Kubernetes': `bound.why` says what a value
 * beyond it would do, so that a typo (30000 for 300) is caught before it holds a release for hours.
 */
export function integerWithin(min: number, bound: Bound, fix: string): Check<number> {
  return (v) =>
    Number.isInteger(v) && v >= min && v <= bound.max
      ? undefined
      : { allowed: `an integer from ${min} to ${bound.max}${Number.isInteger(v) && v > bound.max ? ` (${bound.why})` : ""}`, fix };
}

/** An upper bound, and what a value beyond it would do. */
export interface Bound {
  readonly max: number;
  readonly why: string;
}

/** The bounds tagship puts on counts and durations, with why. */
export const BOUNDS = {
  pods: { max: 1000, why: "more pods than that for one service is likelier a typo than a need" },
  deadlineSeconds: { max: 3600, why: "a rollout making no progress for an hour is stuck, and the release waits for it" },
  pauseSeconds: { max: 600, why: "every old pod holds the rollout for that long" },
  graceSeconds: { max: 3600, why: "an old pod may take that long to stop, and a release waits for it" },
  probeSeconds: { max: 300, why: "a probe that slow would leave a dead pod in service for many minutes" },
  probeFailures: { max: 100, why: "that many failed probes in a row is a pod that never recovers" },
  revisions: { max: 100, why: "each kept revision is a ReplicaSet object in the namespace" },
} as const satisfies Record<string, Bound>;

export const cpuQuantity: Check<string> = (v) =>
  CPU.test(v) ? undefined : { allowed: "a CPU quantity such as 250m, 0.5 or 2", fix: "write millicores with an 'm' suffix, e.g. 100m" };

export const memoryQuantity: Check<string> = (v) =>
  MEMORY.test(v) ? undefined : { allowed: "a memory quantity such as 64Mi, 1Gi or 128M", fix: "use a binary suffix, e.g. 128Mi" };

/**
 * A Kubernetes IntOrString for rolling-update parameters: a non-negative integer ("1") or a percentage
 * from 0% to 100% ("25%").
 */
export type IntOrPercent = number | `${number}%`;

/** Parses "1" or "25%"; returns undefined when the text is neither. */
export function parseIntOrPercent(text: string): IntOrPercent | undefined {
  if (INTEGER.test(text)) return Number(text);
  const m = PERCENT.exec(text);
  if (m && Number(m[1]) <= 100) return `${Number(m[1])}%`;
  return undefined;
}

export const intOrPercent: Check<string | number> = (v) =>
  (typeof v === "number" ? Number.isInteger(v) && v >= 0 : parseIntOrPercent(v) !== undefined)
    ? undefined
    : {
        allowed: "a non-negative integer such as 1, or a percentage from 0% to 100% such as 25%",
        fix: "use 1 for one pod at a time, or a percentage of replicas",
      };

/** Whether an IntOrPercent resolves to zero pods (0 or 0%). */
export function isZero(v: IntOrPercent): boolean {
  return v === 0 || v === "0%";
}

const GIT_URL = /^(?:https?|ssh|git|file):\/\/\S+$|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+$/;

export const gitRepoUrl: Check<string> = (v) => {
  if (GIT_URL.test(v)) {
    try {
      if (!/^[A-Za-z0-9._-]+@/.test(v)) new URL(v);
      return undefined;
    } catch {
      // fall through to the failure below
    }
  }
  return {
    allowed: "a git URL: https://host/org/repo.git, ssh://git@host/org/repo.git, git@host:org/repo.git or file:///abs/path",
    fix: "give the URL that `git clone` accepts for the repository Argo CD should track",
  };
};

const DNS_1035 = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;

/** A name that Services accept (RFC 1035 label: starts with a letter). */
export function serviceName(maxLength = 63): Check<string> {
  return (v) =>
    v.length <= maxLength && DNS_1035.test(v)
      ? undefined
      : {
          allowed: `an RFC 1035 label: at most ${maxLength} characters of lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`,
          fix: "choose a name such as hello or hello-api",
        };
}

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** A label value (the release version labels the pods, so it must be one). */
export const labelValue: Check<string> = (v) =>
  v.length <= 63 && LABEL_VALUE.test(v)
    ? undefined
    : {
        allowed: "at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
        fix: "use a version such as 0.2.1",
      };

/** A directory inside a git repository: relative, no '..', no trailing slash. */
export const repoPath: Check<string> = (v) =>
  v.length > 0 && !v.startsWith("/") && !v.endsWith("/") && !v.split("/").some((part) => part === ".." || part === "" || part === ".")
    ? undefined
    : {
        allowed: "a relative directory inside the repository, e.g. deploy/dev (no leading '/', no '..')",
        fix: "give the path from the repository root",
      };

/** A git revision Argo CD can track: branch, tag, commit or HEAD. */
export const gitRevision: Check<string> = (v) =>
  /^[A-Za-z0-9._/-]+$/.test(v) && !v.includes("..") && !v.startsWith("/") && !v.endsWith("/")
    ? undefined
    : { allowed: "a branch, tag or commit such as main, v1.2.0 or HEAD", fix: "use the branch the release commits go to, e.g. main" };

/** An absolute path in a container's filesystem: normalized, not the root itself, no '.' or '..' parts. */
export const containerPath: Check<string> = (v) =>
  v.startsWith("/") &&
  v.length > 1 &&
  !v.endsWith("/") &&
  !/\s/.test(v) &&
  !v
    .slice(1)
    .split("/")
    .some((p) => p === "" || p === "." || p === "..")
    ? undefined
    : {
        allowed: "an absolute path in the container other than '/', e.g. /tmp or /var/cache/app, with no '.', '..' or empty parts",
        fix: `write it as "/${v.replace(/^\/*/, "").replace(/\/+$/, "").trim()}"`,
      };

/** A Linux user or group ID. */
export function unixId(min: number, fix: string): Check<number> {
  return (v) => (Number.isInteger(v) && v >= min && v <= 2147483647 ? undefined : { allowed: `an integer from ${min} to 2147483647`, fix });
}

const HOST_LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
const HOSTNAME = new RegExp(`^(?:\\*\\.)?${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);

/**
 * A host name an Ingress or HTTPRoute matches: lowercase DNS labels joined by '.', at most 253 characters, with an
 * optional leading `*.` for one label; no IP address (neither kind matches one), no port, no scheme.
 */
export const hostname: Check<string> = (v) =>
  typeof v === "string" && v.length <= 253 && HOSTNAME.test(v) && !/^[0-9.]+$/.test(v) && v.split(".").every((l) => l.length <= 63)
    ? undefined
    : {
        allowed:
          "a DNS name such as shop.example.com (lowercase letters, digits, '-' and '.'; a leading '*.' matches one label; no IP, port or scheme)",
        fix: `write the host name alone, e.g. ${suggestHost(v)}`,
      };

function suggestHost(v: unknown): string {
  const cleaned = String(v)
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/[:/].*$/, "")
    .replace(/[^-a-z0-9.*]/g, "-");
  return HOSTNAME.test(cleaned) && !/^[0-9.]+$/.test(cleaned) ? cleaned : "shop.example.com";
}

/** A path prefix an Ingress or HTTPRoute routes: starts with '/', no spaces, no query or fragment. */
export const routePath: Check<string> = (v) =>
  typeof v === "string" && v.startsWith("/") && !/[\s?#]/.test(v)
    ? undefined
    : {
        allowed: "a path prefix that starts with '/', without spaces, '?' or '#', e.g. / or /api",
        fix: `write it as "/${String(v)
          .replace(/^\/*/, "")
          .replace(/[?#].*$/, "")
          .trim()}"`,
      };

/** A utilisation target: a whole percentage from 1 to 100. */
export const utilization: Check<number> = (v) =>
  Number.isInteger(v) && v >= 1 && v <= 100
    ? undefined
    : { allowed: "an integer percentage from 1 to 100 (of the container's request)", fix: "use e.g. 70" };

const QUALIFIED_NAME = /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A label key such as kubernetes.io/hostname: an optional DNS prefix and '/', then a name of at most 63 characters. */
export const labelKey: Check<string> = (v) =>
  typeof v === "string" && QUALIFIED_NAME.test(v) && (v.split("/").pop() ?? "").length <= 63 && v.length <= 317
    ? undefined
    : {
        allowed: "a node label key such as kubernetes.io/hostname or topology.kubernetes.io/zone",
        fix: "use a label your nodes carry, e.g. topology.kubernetes.io/zone",
      };

/** A reference to a Gateway: `namespace/name`, or `name` in the workload's own namespace. */
export const gatewayReference: Check<string> = (v) => {
  const parts = typeof v === "string" ? v.split("/") : [];
  return parts.length >= 1 && parts.length <= 2 && parts.every((p) => p.length <= 63 && DNS_LABEL.test(p))
    ? undefined
    : {
        allowed: "a Gateway as namespace/name (e.g. gateways/public), or a name in the service's own namespace",
        fix: "name the Gateway your cluster runs: `kubectl get gateways -A` lists them",
      };
};

const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name of the DNS-subdomain kind (IngressClass, Secret, listener names). */
export const dnsSubdomain: Check<string> = (v) =>
  typeof v === "string" && v.length <= 253 && DNS_SUBDOMAIN.test(v)
    ? undefined
    : {
        allowed: "a DNS subdomain: lowercase letters, digits, '-' and '.', at most 253 characters",
        fix: "use the object's name as `kubectl get` shows it",
      };
