// The pod policies as functions: what each reports for one pod template. The real engine runs them in
// tests/integration/policy.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { boundedWritableVolumes, productionMaxUnavailable, serviceAccountToken } from "../../policy/pods";

/** What a policy reports for a Deployment whose pod spec is `pod`. */
function reports(policy: ResourceValidationPolicy, pod: Record<string, unknown>): string[] {
  const found: string[] = [];
  const args = { type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: pod } } } } as unknown as ResourceValidationArgs;
  const validate = policy.validateResource;
  for (const v of Array.isArray(validate) ? validate : [validate]) void v?.(args, (message: string) => found.push(message));
  return found;
}

describe("pod policies", () => {
  it("bounded-writable-volumes: every emptyDir has a sizeLimit", () => {
    assert.deepEqual(reports(boundedWritableVolumes, { volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }] }), []);
    assert.deepEqual(reports(boundedWritableVolumes, { volumes: [{ name: "config", configMap: { name: "x" } }] }), []);
    const [message] = reports(boundedWritableVolumes, {
      volumes: [
        { name: "data", emptyDir: {} },
        { name: "tmp", emptyDir: { sizeLimit: "1Mi" } },
      ],
    });
    assert.match(message ?? "", /emptyDir volume data has no sizeLimit/);
  });

  it("service-account-token: a token is mounted only with the pods' own account", () => {
    assert.deepEqual(reports(serviceAccountToken, { automountServiceAccountToken: false }), []);
    assert.deepEqual(reports(serviceAccountToken, { serviceAccountName: "api", automountServiceAccountToken: true }), []);
    assert.match(
      reports(serviceAccountToken, {})[0] ?? "",
      /automountServiceAccountToken is "not set \(true\)" with the namespace's default account/,
    );
    assert.match(reports(serviceAccountToken, { serviceAccountName: "default", automountServiceAccountToken: true })[0] ?? "", /is true/);
  });

  it("production-max-unavailable-zero: a production canary's Rollout keeps full capacity too", () => {
    const rollout = (stack: string, maxUnavailable?: number | string) => {
      const found: string[] = [];
      const args = {
        type: "kubernetes:argoproj.io/v1alpha1:Rollout",
        urn: `urn:pulumi:${stack}::tagship::kubernetes:argoproj.io/v1alpha1:Rollout::hello-rollout`,
        props: { spec: { strategy: { canary: maxUnavailable === undefined ? {} : { maxUnavailable } } } },
      } as unknown as ResourceValidationArgs;
      const validate = productionMaxUnavailable.validateResource;
      for (const v of Array.isArray(validate) ? validate : [validate]) void v?.(args, (message: string) => found.push(message));
      return found;
    };
    assert.deepEqual(rollout("prod", 0), []);
    assert.match(rollout("prod", 1)[0] ?? "", /production stack prod: canary with maxUnavailable 1; set it to 0/);
    assert.match(rollout("prod")[0] ?? "", /25% \(the default\)/);
    assert.deepEqual(rollout("dev", 1), [], "only production stacks");
  });
});
