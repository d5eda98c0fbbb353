/**
 * The parts of an image reference as the distribution reference grammar reads them: [host/]path[:tag][@digest],
 * where the first part is a host only when it has a '.' or a ':' or is localhost (else the host is docker.io).
 */

function hostPrefix(ref: string): string | undefined {
  const first = ref.split("/")[0] ?? "";
  return ref.includes("/") && (/[.:]/.test(first) || first === "localhost") ? first : undefined;
}

/** The registry host an image is pulled from. */
export function registryHost(ref: string): string {
  return hostPrefix(ref) ?? "docker.io";
}

/** The repository, host included when the reference names one: everything before its @digest or its :tag. */
export function repositoryOf(ref: string): string {
  const at = ref.indexOf("@");
  if (at >= 0) return ref.slice(0, at);
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  return colon > slash ? ref.slice(0, colon) : ref;
}

/** The digest of a reference ("sha256:..."), everything after its '@'; "" for a reference by tag alone or none. */
export function digestOf(ref: string | undefined): string {
  const at = ref?.indexOf("@") ?? -1;
  return ref !== undefined && at >= 0 ? ref.slice(at + 1) : "";
}

/** Whether a string is an image digest as registries give it: "sha256:" and 64 lowercase hex digits. */
export function isDigest(digest: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(digest);
}

/** The repository's path inside its registry. */
export function repositoryPath(ref: string): string {
  const repository = repositoryOf(ref);
  const host = hostPrefix(repository);
  return host === undefined ? repository : repository.slice(host.length + 1);
}
