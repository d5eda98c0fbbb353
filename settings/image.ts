import * as rules from "../components/rules";
import { buildArguments, buildSource } from "./build";
import { qualified } from "./keys";
import type { ConfigReader } from "./reader";
import type { BuildImageSettings, RegistryCredentials, ServiceSettings } from "./settings";
import type { ConfigSource } from "./source";

/** What the image settings depend on besides their own keys. */
export interface ImageSettingsArgs {
  /** The release's version (imageTag), already checked. */
  readonly tag: string;
  /** The default repository is tagship/<appName>. */
  readonly appName: string;
  /**
   * The stack's registry credentials (registryUsername, registryPassword), for the stack-wide registry. A service
   * that pushes elsewhere gets none, so they never reach another host.
   */
  readonly credentials?: RegistryCredentials;
}

/** Reads imageTag, which every release names, whether it builds its image or deploys a given one. */
export function imageTag(r: ConfigReader, production: boolean): string {
  const tag = r.required("imageTag", "every release names its version") ?? "";
  if (tag && r.check("imageTag", tag, rules.ociTag) && r.check("imageTag", tag, rules.labelValue) && production && tag === "latest") {
    r.report(
      "imageTag",
      tag,
      "a release version in a production stack: 'latest' names no release and cannot be rolled back to",
      `run \`pulumi config set ${qualified("imageTag")} <version>\``,
    );
  }
  return tag;
}

/** The image to deploy: imageRef when it is set, else the one built from buildContext and pushed to the registry. */
export function imageSettings(r: ConfigReader, src: ConfigSource, args: ImageSettingsArgs): ServiceSettings["image"] {
  const reference = r.text("imageRef").trim();
  if (!reference) return buildSettings(r, src, args);
  r.check("imageRef", reference, rules.digestReference);
  // Not used to deploy a digest, but checked all the same: a bad value must not wait for the day the stack builds.
  const registry = r.optional("registry");
  if (registry !== undefined) r.check("registry", registry.trim(), rules.registryHost);
  const repository = r.optional("imageName");
  if (repository !== undefined) r.check("imageName", repository, rules.imagePath);
  builderName(r);
  buildArguments(r);
  return { kind: "prebuilt", tag: args.tag, reference };
}

function buildSettings(r: ConfigReader, src: ConfigSource, args: ImageSettingsArgs): BuildImageSettings {
  const registry = r.required("registry", "the built image is pushed there and the cluster pulls it by digest") ?? "";
  if (registry) r.check("registry", registry, rules.registryHost);
  const repository = r.optional("imageName") ?? `tagship/${args.appName}`;
  r.check("imageName", repository, rules.imagePath);
  const source = buildSource(r, src);
  const builder = builderName(r);
  // Beside the image, under a tag of its own: whoever may push the image may push its cache.
  const cacheRef = r.boolean("buildCache") ? `${registry}/${repository}:${CACHE_TAG}` : undefined;
  if (cacheRef && args.tag === CACHE_TAG) {
    r.report(
      "imageTag",
      args.tag,
      `a release version other than '${CACHE_TAG}', the tag buildCache keeps the build cache under`,
      `run \`pulumi config set ${qualified("imageTag")} <version>\``,
    );
  }
  const credentials =
    args.credentials && registry === args.credentials.registry
      ? { username: args.credentials.username, password: args.credentials.password }
      : undefined;
  return {
    kind: "build",
    tag: args.tag,
    registry,
    repository,
    builder,
    ...source,
    ...(cacheRef ? { cacheRef } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/** The tag of the build cache, beside the image's own tags in its repository. */
const CACHE_TAG = "buildcache";

/** The buildx builder; empty for docker-build's default. */
function builderName(r: ConfigReader): string {
  const builder = r.text("builder");
  if (builder && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(builder)) {
    r.report(
      "builder",
      builder,
      "the name of a buildx builder (letters, digits, '_', '.', '-')",
      "list builders with `docker buildx ls`, or leave it empty for the default",
    );
  }
  return builder;
}
