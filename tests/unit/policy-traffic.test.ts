// The traffic policy as a function: what it reports for routes. The real engine
// runs the pack in tests/integration/policy.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { routesNameTheirHosts } from "../../policy/traffic";

function routeReports(type: string, spec: Record<string, unknown>): string[] {
  const found: string[] = [];
  const args = { type, props: { spec } } as unknown as ResourceValidationArgs;
  const validate = routesNameTheirHosts.validateResource;
  for (const v of Array.isArray(validate) ? validate : [validate]) void v?.(args, (message: string) => found.push(message));
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
});
