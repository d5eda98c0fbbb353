import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { argsNaming } from "../naming";
import * as rules from "../rules";
import { checkValue, plainInputProblems, throwIfAny, validatedOutput, type Problem } from "../validation";

export interface RegistryCredentials {
  readonly username: string;
  /** Kept secret end to end: pass a Pulumi secret. */
  readonly password: pulumi.Input<string>;
}

export interface ImageArgs {
  /** Directory with the sources and the Dockerfile. */
  readonly context: string;
  /** Path of the Dockerfile. @default "<context>/Dockerfile" */
  readonly dockerfile?: string;
  /** Stage of a multi-stage Dockerfile to build (`FROM ... AS <stage>`). @default the last stage */
  readonly target?: string;
  /** Registry host to push to, e.g. "127.0.0.1:5000" or "docker.io". */
  readonly registry: string;
  /** Repository path inside the registry, e.g. "tagship/hello". */
  readonly repository: string;
  /** The tag pushed alongside the digest. */
  readonly tag: pulumi.Input<string>;
  /**
   * Name of an existing buildx builder (remote, docker-container or kubernetes driver) that does the build,
   * e.g. one made with `docker buildx create --name lab --driver remote tcp://127.0.0.1:1234`.
   * @default docker-build's choice: the first reachable builder, else a new docker-container builder
   */
  readonly builder?: string;
  /** Build arguments, e.g. a base image. Plain: they are recorded in state and in the image's history. @default {} */
  readonly buildArgs?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * A registry reference (e.g. "registry.example.com/team/api:buildcache") the build imports its cache from and
   * exports it to, every stage's layers, so that a build on a fresh builder (a CI runner, a new machine) reuses
   * layers. A failed export does not fail the build. @default none: only the builder's own cache
   */
  readonly cacheRef?: string;
  /** Credentials for pushing. @default none: anonymous or ambient docker credentials */
  readonly credentials?: RegistryCredentials;
}

/**
 * Builds a directory with BuildKit and pushes it, and exposes the immutable digest reference that a
 * Deployment must use: a tag can be moved, a digest cannot.
 */
export class Image extends pulumi.ComponentResource {
  /** `registry/repository@sha256:<digest>`. */
  public readonly ref: pulumi.Output<string>;
  /** The digest alone, `sha256:...`. */
  public readonly digest: pulumi.Output<string>;
  public readonly tag: pulumi.Output<string>;
  /** `registry/repository`. */
  public readonly repository: string;
  public readonly image: dockerbuild.Image;

  constructor(name: string, args: ImageArgs, opts?: pulumi.ComponentResourceOptions) {
    const naming = argsNaming("ImageArgs");
    const tagCheck = { input: args.tag, key: naming.key("tag"), check: rules.ociTag };
    const problems: Problem[] = plainInputProblems([tagCheck]);
    checkValue(args.registry, naming.key("registry"), rules.registryHost, problems);
    checkValue(args.repository, naming.key("repository"), rules.imagePath, problems);
    throwIfAny(`Image "${name}"`, problems);

    super("tagship:index:Image", name, {}, opts);
    const tag = validatedOutput(tagCheck, this);

    this.repository = `${args.registry}/${args.repository}`;
    this.image = new dockerbuild.Image(
      `${name}-build`,
      {
        context: { location: args.context },
        dockerfile: { location: args.dockerfile ?? `${args.context}/Dockerfile` },
        tags: [pulumi.interpolate`${this.repository}:${tag}`],
        buildArgs: args.buildArgs ?? {},
        ...(args.target ? { target: args.target } : {}),
        ...(args.cacheRef
          ? {
              cacheFrom: [{ registry: { ref: args.cacheRef } }],
              cacheTo: [{ registry: { ref: args.cacheRef, mode: dockerbuild.CacheMode.Max, ignoreError: true } }],
            }
          : {}),
        builder: args.builder ? { name: args.builder } : undefined,
        push: true,
        registries: args.credentials
          ? [{ address: args.registry, username: args.credentials.username, password: pulumi.secret(args.credentials.password) }]
          : undefined,
      },
      { parent: this },
    );

    this.digest = this.image.digest;
    this.tag = tag;
    // A preview that skips the build (some inputs unknown) gets an empty digest from docker-build; the
    // reference is then unknown, as it is until the push, rather than the invalid "repository@".
    const repository = this.repository;
    this.ref = this.image.digest.apply((digest): pulumi.Output<string> =>
      !digest && pulumi.runtime.isDryRun() ? pulumi.output(pulumi.unknown as unknown as string) : pulumi.output(`${repository}@${digest}`),
    );
    this.registerOutputs({ ref: this.ref, digest: this.digest, tag: this.tag, repository: this.repository, image: this.image });
  }
}
