/** Policies on how requests reach the pods: routes scoped to their hosts. */
import type { ResourceValidationPolicy } from "@pulumi/policy";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

interface RouteObject {
  readonly spec?: {
    readonly defaultBackend?: unknown;
    readonly rules?: readonly { readonly host?: string }[];
    readonly hostnames?: readonly string[];
  };
}

export const routesNameTheirHosts: ResourceValidationPolicy = {
  name: "routes-name-their-hosts",
  description:
    "An Ingress names a host in every rule and has no default backend, and an HTTPRoute names at least one host, so that on a shared controller or Gateway a service never takes another's requests.",
  validateResource: (args, report) => {
    const spec = (args.props as RouteObject).spec ?? {};
    if (args.type === INGRESS) {
      if (spec.defaultBackend !== undefined) report("spec.defaultBackend is set: it would take every request no other rule matches");
      const hostless = (spec.rules ?? []).filter((r) => !r.host).length;
      if (hostless > 0) report(`${hostless} rule(s) without a host: each would match every host the controller serves`);
    } else if (args.type === HTTP_ROUTE && (spec.hostnames ?? []).length === 0) {
      report("spec.hostnames is empty: the route would match every host of the Gateway it attaches to");
    }
  },
};
