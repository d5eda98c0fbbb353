// The lab's Argo Rollouts controller (lab/rollouts.sh), the component a canary release stands on: it steps a
// Rollout's canary by replica ratio and finishes it, and its analyses query the lab's Prometheus with the
// verdicts a canary's judgement relies on: a condition met is Successful, one not met Failed, and a query with no
// data (fewer requests than a window needs, guarded in the conditions) Inconclusive, not a pass.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { clearNamespace, dropNamespace, Kube, kubectl, pollUntil } from "./kube";

const NAMESPACE = "it-rollouts-lab";
const PAUSE = "127.0.0.1:5000/pause:3.10.1";

interface AnalysisRun {
  status?: { phase?: string; metricResults?: { name: string; phase: string; measurements?: { value?: string }[] }[] };
}
interface Rollout {
  metadata: { generation: number };
  status?: { phase?: string; observedGeneration?: string; currentStepIndex?: number; stableRS?: string; currentPodHash?: string };
}

/** Applies manifests (YAML documents) in the test's namespace. */
async function apply(yaml: string): Promise<void> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rollouts-lab-")), "m.yaml");
  fs.writeFileSync(file, yaml);
  const run = await kubectl("-n", NAMESPACE, "apply", "-f", file);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  assert.equal(run.code, 0, run.output);
}

/** An AnalysisRun of one Prometheus metric, both conditions guarded against an empty result. */
function analysisRun(name: string, query: string, threshold: number): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: AnalysisRun
metadata: {name: ${name}}
spec:
  metrics:
  - name: success-rate
    count: 1
    successCondition: "len(result) > 0 && result[0] >= ${threshold}"
    failureCondition: "len(result) > 0 && result[0] < ${threshold}"
    provider:
      prometheus:
        query: '${query}'
`;
}

describe("the lab's Argo Rollouts controller", () => {
  let kube: Kube;
  const run = (name: string) => kube.get<AnalysisRun>(`/apis/argoproj.io/v1alpha1/namespaces/${NAMESPACE}/analysisruns/${name}`);
  const rollout = async () => (await kube.get<Rollout>(`/apis/argoproj.io/v1alpha1/namespaces/${NAMESPACE}/rollouts/r`))!;

  before(async () => {
    kube = new Kube();
    await clearNamespace(NAMESPACE);
    assert.equal((await kubectl("create", "namespace", NAMESPACE)).code, 0);
  });
  after(() => dropNamespace(NAMESPACE));

  it("judges analyses on the lab's Prometheus: met, not met, and no data (inconclusive)", async () => {
    await apply(
      [
        analysisRun("met", "vector(0.99)", 0.95),
        analysisRun("not-met", "vector(0.8)", 0.95),
        analysisRun("no-data", 'sum(http_requests_total{namespace="none-such"})', 0.95),
      ].join("---\n"),
    );
    const phaseOf = async (name: string) =>
      (
        await pollUntil(
          () => run(name),
          (r) => ["Successful", "Failed", "Inconclusive", "Error"].includes(r?.status?.phase ?? ""),
          60_000,
        )
      )?.status;
    const met = await phaseOf("met");
    assert.equal(met?.phase, "Successful", JSON.stringify(met));
    assert.equal(met?.metricResults?.[0]?.measurements?.[0]?.value, "[0.99]", "the value Prometheus returned");
    assert.equal((await phaseOf("not-met"))?.phase, "Failed");
    assert.equal((await phaseOf("no-data"))?.phase, "Inconclusive");
  });

  it("steps a canary by replica ratio, pauses, and finishes on the new template, healthy", async () => {
    const manifest = (version: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  replicas: 2
  selector: {matchLabels: {app: r}}
  template:
    metadata: {labels: {app: r, version: "${version}"}}
    spec:
      containers: [{name: c, image: ${PAUSE}}]
  strategy:
    canary:
      steps: [{setWeight: 50}, {pause: {duration: 2}}]
`;
    await apply(manifest("1"));
    const first = await pollUntil(rollout, (r) => r.status?.phase === "Healthy", 120_000, 1000);
    assert.equal(first.status?.phase, "Healthy", JSON.stringify(first.status));
    const stable = first.status?.stableRS;

    await apply(manifest("2"));
    // Half the pods on the new template: one canary pod beside the stable ones, then the pause.
    const stepped = await pollUntil(
      rollout,
      (r) => (r.status?.currentStepIndex ?? 0) >= 1 && r.status?.currentPodHash !== stable,
      60_000,
      250,
    );
    assert.ok((stepped.status?.currentStepIndex ?? 0) >= 1, JSON.stringify(stepped.status));
    const done = await pollUntil(
      rollout,
      (r) =>
        r.status?.phase === "Healthy" &&
        r.status.stableRS !== stable &&
        String(r.status.observedGeneration) === String(r.metadata.generation),
      120_000,
      1000,
    );
    assert.equal(done.status?.phase, "Healthy", JSON.stringify(done.status));
    assert.equal(done.status?.stableRS, done.status?.currentPodHash, "the new template is the stable one");
    assert.notEqual(done.status?.stableRS, stable);
  });
});
