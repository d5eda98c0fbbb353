// The lab's metrics system end to end: a stack with metricsPath has its pods scraped by the lab's Prometheus
// (lab/prometheus.sh), where the sample app's counters say how many requests each version answered and with which
// code: the measurements a canary's analysis judges. FAULT_ERROR_PERCENT (set through the stack's env) makes the
// version fail an exact share of them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import { newStack, sandbox, ship, type Sandbox } from "./engine";
import { clearNamespace, Kube, LAB_STACK, pollUntil } from "./kube";

const STACK = "it-metrics";
const NAMESPACE = `hello-${STACK}`;
const PROMETHEUS = "http://127.0.0.1:9090";
const REQUESTS = 200;

/** Prometheus's answer to an instant query: each series' labels and value. */
async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.equal(body.status, "success");
  return body.data.result;
}

describe("the lab's Prometheus and the sample app's metrics", () => {
  let box: Sandbox;
  let stack: Stack;
  let kube: Kube;

  before(async () => {
    kube = new Kube();
    box = sandbox();
    await clearNamespace(NAMESPACE);
    // One pod: the share of failures is exact per pod.
    stack = await newStack(box, STACK, { imageTag: "3.0.0", ...LAB_STACK, replicas: "1", metricsPath: "/metrics" });
    await stack.setConfig("tagship:env", { value: JSON.stringify({ FAULT_ERROR_PERCENT: "20" }) });
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    box?.cleanup();
  });

  it(`counts the requests per version and code: of ${REQUESTS}, exactly a fifth answered 500, as the client saw`, async () => {
    await ship(box, STACK);
    const svc = (await kube.get<{ spec: { clusterIP: string } }>(`/api/v1/namespaces/${NAMESPACE}/services/hello`))!;
    const codes: Record<number, number> = {};
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(`http://${svc.spec.clusterIP}/`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      codes[res.status] = (codes[res.status] ?? 0) + 1;
    }
    assert.deepEqual(codes, { 200: (REQUESTS * 4) / 5, 500: REQUESTS / 5 });

    const promql = `sum by (version, code) (http_requests_total{namespace="${NAMESPACE}"})`;
    const total = (r: Awaited<ReturnType<typeof query>>) => r.reduce((s, x) => s + Number(x.value[1]), 0);
    // Scraped every 2 s once the discovery loop (every second) has listed the new pod.
    const result = await pollUntil(
      () => query(promql),
      (r) => total(r) >= REQUESTS,
      90_000,
      2000,
    );
    const seen = Object.fromEntries(result.map((x) => [`${x.metric.version} ${x.metric.code}`, Number(x.value[1])]));
    assert.deepEqual(seen, { "3.0.0 200": (REQUESTS * 4) / 5, "3.0.0 500": REQUESTS / 5 });
    // Labelled by the discovery with the pod's namespace and name.
    const pods = await query(`count by (pod) (http_requests_total{namespace="${NAMESPACE}"})`);
    assert.equal(pods.length, 1);
    assert.match(pods[0]?.metric.pod ?? "", /^hello-/);
  });
});
