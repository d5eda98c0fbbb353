import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedWorkload } from "./resolve";

type Ingress = NonNullable<ResolvedWorkload["ingress"]>;
type HttpRoute = NonNullable<ResolvedWorkload["httpRoute"]>;

/** The Ingress's spec: one host, one path prefix, to the Service's named port. */
export function ingressSpec(ingress: Ingress, serviceName: pulumi.Input<string>): k8s.types.input.networking.v1.IngressSpec {
  return {
    ...(ingress.className !== undefined ? { ingressClassName: ingress.className } : {}),
    ...(ingress.tlsSecretName !== undefined ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] } : {}),
    rules: [
      {
        host: ingress.host,
        http: {
          paths: [{ path: ingress.path, pathType: "Prefix", backend: { service: { name: serviceName, port: { name: "http" } } } }],
        },
      },
    ],
  };
}

/**
 * The HTTPRoute's spec: its host names and path prefix, to the Service's port, attached to the Gateway named
 * `namespace/name` or `name` (then in the route's namespace).
 */
export function httpRouteSpec(route: HttpRoute, serviceName: pulumi.Input<string>, servicePort: number): Record<string, unknown> {
  const [namespace, name] = route.gateway.includes("/") ? route.gateway.split("/") : [undefined, route.gateway];
  return {
    parentRefs: [
      {
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name,
        ...(namespace !== undefined ? { namespace } : {}),
        ...(route.sectionName !== undefined ? { sectionName: route.sectionName } : {}),
      },
    ],
    hostnames: [...route.hostnames],
    rules: [
      {
        matches: [{ path: { type: "PathPrefix", value: route.path } }],
        backendRefs: [{ group: "", kind: "Service", name: serviceName, port: servicePort }],
      },
    ],
  };
}
