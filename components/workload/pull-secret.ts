import * as pulumi from "@pulumi/pulumi";
import * as rules from "../rules";
import { checkValue, throwIfAny, type Problem } from "../validation";
import { stackSecret } from "./secret";

export interface PullSecretArgs {
  /** The Secret's name; Workloads name it in WorkloadArgs.imagePullSecrets. */
  readonly name: string;
  readonly namespace: pulumi.Input<string>;
  /** The app it belongs to, for its app.kubernetes.io labels. */
  readonly appName: string;
  /** The instance, for label app.kubernetes.io/instance: the stack. */
  readonly instance: string;
  /** The registry host the credentials are for, e.g. registry.example.com:5000 or docker.io. */
  readonly registry: string;
  readonly username: string;
  /** Kept a Pulumi secret whatever is passed, so that it never reaches the state in plaintext. */
  readonly password: pulumi.Input<string>;
  /** Value of label app.kubernetes.io/part-of. @default "tagship" */
  readonly partOf?: string;
}

/** The hosts the kubelet may look a registry's credentials up under: Docker Hub's images name docker.io, its auth index.docker.io. */
function authHosts(registry: string): string[] {
  return registry === "docker.io" || registry === "index.docker.io" ? ["docker.io", "https://index.docker.io/v1/"] : [registry];
}

/**
 * An image pull Secret (kubernetes.io/dockerconfigjson) with one registry's credentials, for pods that pull from a
 * private registry. Like appSecret, it is applied by the stack in both delivery modes and never rendered to git.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
 */
export function registryPullSecret(resourceName: string, args: PullSecretArgs, opts?: pulumi.CustomResourceOptions) {
  const problems: Problem[] = [];
  checkValue(args.name, "PullSecretArgs.name", rules.dnsLabel(253), problems);
  checkValue(args.registry, "PullSecretArgs.registry", rules.registryHost, problems);
  throwIfAny(`pull secret "${resourceName}"`, problems);
  const config = pulumi.secret(args.password).apply((password) => {
    const auth = Buffer.from(`${args.username}:${password}`).toString("base64");
    const entry = { username: args.username, password, auth };
    return JSON.stringify({ auths: Object.fromEntries(authHosts(args.registry).map((host) => [host, entry])) });
  });
  return stackSecret(resourceName, args, "kubernetes.io/dockerconfigjson", { ".dockerconfigjson": config }, opts);
}
