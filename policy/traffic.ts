/** Policies on how requests reach the pods and who sets their count: routes scoped to their hosts, autoscalers unopposed. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

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

interface ScaledObject {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: { readonly replicas?: number; readonly scaleTargetRef?: { readonly kind?: string; readonly name?: string } };
}

export const autoscaledWithoutReplicas: StackValidationPolicy = {
  name: "autoscaled-without-replicas",
  description:
    "A Deployment a HorizontalPodAutoscaler of the stack scales carries no spec.replicas, so that no update or sync resets the count the autoscaler chose.",
  validateStack: (args, report) => {
    const props = (r: { props: unknown }) => r.props as ScaledObject;
    const scaled = new Set(
      args.resources
        .filter((r) => r.type === HPA && props(r).spec?.scaleTargetRef?.kind === "Deployment")
        .map((r) => `${props(r).metadata?.namespace ?? ""}/${props(r).spec?.scaleTargetRef?.name ?? ""}`),
    );
    for (const d of args.resources.filter((r) => r.type === DEPLOYMENT)) {
      const m = props(d).metadata ?? {};
      const replicas = props(d).spec?.replicas;
      if (scaled.has(`${m.namespace ?? ""}/${m.name ?? ""}`) && replicas !== undefined) {
        report(`Deployment ${m.name ?? d.name} sets spec.replicas ${replicas} while an autoscaler scales it: leave replicas out`, d.urn);
      }
    }
  },
};
