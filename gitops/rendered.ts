/**
 * The file the Kubernetes provider's renderYamlToDirectory writes an object to (pulumi-kubernetes
 * provider/pkg/provider/provider.go, renderPathForResource): CustomResourceDefinitions under 0-crd/, everything else
 * under 1-manifest/, named <apiVersion>-<kind>-<namespace>-<name>.yaml with the apiVersion's "/" and ":" made "_", and
 * "default" for an object without a namespace. A release needs the names of all the stack's objects' files, including those this
 * update did not write because their objects did not change.
 */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export function renderedFile(o: ObjectIdentity): string {
  const file = `${o.apiVersion.replace(/[/:]/g, "_")}-${o.kind.toLowerCase()}-${o.namespace || "default"}-${o.name}.yaml`;
  return `${o.kind === "CustomResourceDefinition" ? "0-crd" : "1-manifest"}/${file}`;
}
