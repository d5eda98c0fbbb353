// The traffic policies as functions: what each reports for routes and for autoscaled Deployments. The real engine
// runs the pack in tests/integration/policy.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { autoscaledWithoutReplicas, routesNameTheirHosts } from "../../policy/traffic";

function routeReports(type: string, spec: Record<string, unknown>): string[] {
  const found: string[] = [];
  const args = { type, props: { spec } } as unknown as ResourceValidationArgs;
  const validate = routesNameTheirHosts.validateResource;
  for (const v of Array.isArray(validate) ? validate : [validate]) void v?.(args, (message: string) => found.push(message));
  return found;
}

function stackReports(resources: { type: string; name: string; props: Record<string, unknown> }[]): string[] {
  const found: string[] = [];
  const args = { resources: resources.map((r) => ({ ...r, urn: `urn:${r.name}` }) as unknown as PolicyResource) } as StackValidationArgs;
  void autoscaledWithoutReplicas.validateStack(args, (message: string) => found.push(message));
  return found;
}

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

describe("traffic policies", () => {
  it("routes-name-their-hosts: every Ingress rule has a host, no default backend; an HTTPRoute names a host", () => {
    assert.deepEqual(routeReports(INGRESS, { rules: [{ host: "a.example.com" }] }), []);
    assert.match(routeReports(INGRESS, { rules: [{ host: "a.example.com" }, {}] })[0] ?? "", /1 rule\(s\) without a host/);
    assert.match(routeReports(INGRESS, { defaultBackend: { service: { name: "x" } }, rules: [] })[0] ?? "", /defaultBackend is set/);
    assert.deepEqual(routeReports(ROUTE, { hostnames: ["a.example.com"] }), []);
    assert.match(routeReports(ROUTE, { hostnames: [] })[0] ?? "", /hostnames is empty/);
    assert.match(routeReports(ROUTE, {})[0] ?? "", /hostnames is empty/);
  });

  it("autoscaled-without-replicas: a Deployment an autoscaler of the stack scales sets no replicas", () => {
    const hpa = (target: string, namespace = "shop") => ({
      type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      name: `${target}-hpa`,
      props: { metadata: { name: target, namespace }, spec: { scaleTargetRef: { kind: "Deployment", name: target } } },
    });
    const deployment = (name: string, replicas?: number, namespace = "shop") => ({
      type: "kubernetes:apps/v1:Deployment",
      name: `${name}-deployment`,
      props: { metadata: { name, namespace }, spec: replicas === undefined ? {} : { replicas } },
    });
    assert.deepEqual(stackReports([hpa("api"), deployment("api"), deployment("web", 3)]), []);
    assert.match(
      stackReports([hpa("api"), deployment("api", 3)])[0] ?? "",
      /Deployment api sets spec.replicas 3 while an autoscaler scales it/,
    );
    // An autoscaler in another namespace scales another Deployment of the same name.
    assert.deepEqual(stackReports([hpa("api", "other"), deployment("api", 3)]), []);
  });
});
