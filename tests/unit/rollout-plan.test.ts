import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  estimateRollout,
  MAX_COMMENT_CHARS,
  podsOf,
  rolloutPlan,
  stackPlan,
  type DeploymentSpec,
  type PreviewJson,
  type PreviewStep,
} from "../../cli/plan/rollout-plan";

const DEPLOYMENT_URN = "urn:pulumi:dev::tagship::tagship:index:Workload$kubernetes:apps/v1:Deployment::hello-deployment";
const digest = (c: string) => `127.0.0.1:5000/tagship/hello@sha256:${c.repeat(64)}`;

function spec(
  over: { image?: string; version?: string; replicas?: number; maxSurge?: number | string; maxUnavailable?: number | string } = {},
): DeploymentSpec {
  return {
    replicas: over.replicas ?? 3,
    minReadySeconds: 3,
    progressDeadlineSeconds: 120,
    strategy: { rollingUpdate: { maxSurge: over.maxSurge ?? 1, maxUnavailable: over.maxUnavailable ?? 0 } },
    template: {
      metadata: { labels: { "app.kubernetes.io/version": over.version ?? "1.0.0" } },
      spec: { containers: [{ image: over.image ?? digest("a"), readinessProbe: { periodSeconds: 2, successThreshold: 1 } }] },
    },
  };
}
const state = (s: DeploymentSpec) => ({ type: "kubernetes:apps/v1:Deployment", inputs: { spec: s } });
const update = (before: DeploymentSpec, after: DeploymentSpec, op = "update"): PreviewStep => ({
  op,
  urn: DEPLOYMENT_URN,
  oldState: state(before),
  newState: state(after),
});

describe("rollout plan", () => {
  it("counts surge and unavailable as the Deployment controller rounds them", () => {
    assert.equal(podsOf("25%", 6, "up", 0), 2);
    assert.equal(podsOf("25%", 6, "down", 0), 1);
    assert.equal(podsOf(2, 6, "up", 0), 2);
    assert.equal(podsOf(undefined, 6, "up", 7), 7);
    const e = estimateRollout(spec({ replicas: 6, maxSurge: "25%", maxUnavailable: "25%" }));
    assert.deepEqual([e.batches, e.podsPerBatch, e.minReady], [2, 3, 5]);
    // Per batch: 1 s to start + minReadySeconds 3, plus up to one 2 s readiness period.
    assert.deepEqual(e.seconds, [8, 12]);
  });

  it("shows the old and new digest, version and rollout, with the duration estimated from the probes", () => {
    const plan = stackPlan("dev", {
      steps: [update(spec(), spec({ image: digest("b"), version: "2.0.0" }))],
      changeSummary: { same: 8, update: 1 },
    });
    assert.ok(plan.includes(`| image | \`${digest("a")}\` | **\`${digest("b")}\`** |`), plan);
    assert.match(plan, /\| version \| `1\.0\.0` \| \*\*`2\.0\.0`\*\* \|/);
    assert.match(plan, /Rollout: 3 batches of 1 new pod, never fewer than 3 ready; estimated 12–18 s/);
    assert.match(plan, /Resource changes: 8 same, 1 update/);
    assert.doesNotMatch(plan, /CAUTION/);
  });

  it("plans an autoscaled service: the count is the autoscaler's, the estimate assumes its minimum", () => {
    const scaled: DeploymentSpec = { ...spec(), replicas: undefined };
    const hpa = {
      op: "same",
      urn: "urn:pulumi:dev::tagship::tagship:index:Workload$kubernetes:autoscaling/v2:HorizontalPodAutoscaler::hello-hpa",
      newState: {
        type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        inputs: { spec: { minReplicas: 2, maxReplicas: 8, metrics: [{ resource: { name: "cpu", target: { averageUtilization: 70 } } }] } },
      },
    };
    const plan = stackPlan("dev", { steps: [update(scaled, { ...scaled, template: spec({ version: "2.0.0" }).template }), hpa] });
    assert.match(plan, /\| replicas \| – \| \*\*`autoscaled 2–8`\*\* \|/);
    assert.match(plan, /Autoscaler: 2 to 8 pods at cpu 70 % of the requests; the release keeps the count it chose/);
    assert.match(plan, /Rollout: 2 batches of 1 new pod, never fewer than 2 ready/);
  });

  it("says when nothing rolls: a change outside the pod template", () => {
    const plan = stackPlan("dev", { steps: [update(spec(), { ...spec(), progressDeadlineSeconds: 300 })] });
    assert.match(plan, /No rollout: the pod template is unchanged/);
  });

  it("flags a replaced Deployment loudly, and a retained one (a switch of delivery mode) quietly", () => {
    const replaced = stackPlan("dev", {
      steps: [{ ...update(spec(), spec({ version: "2.0.0" }), "replace"), replaceReasons: ["spec.selector"] }],
    });
    assert.match(replaced, /\[!CAUTION\]\n> \*\*The Deployment `hello-deployment` is REPLACED\*\* \(spec\.selector\)/);
    const retained = stackPlan("dev", {
      steps: [{ ...update(spec(), spec(), "replace"), oldState: { ...state(spec()), retainOnDelete: true } }],
    });
    assert.doesNotMatch(retained, /CAUTION/);
    assert.match(
      retained,
      /replaced: `kubernetes:apps\/v1:Deployment` `hello-deployment` \(retainOnDelete: the live object is left running/,
    );
  });

  it("flags a deleted Deployment and a deleted disruption budget", () => {
    const plan = stackPlan("dev", {
      steps: [
        { op: "delete", urn: DEPLOYMENT_URN, oldState: state(spec()) },
        {
          op: "delete",
          urn: "urn:pulumi:dev::tagship::kubernetes:policy/v1:PodDisruptionBudget::hello-pdb",
          oldState: { type: "kubernetes:policy/v1:PodDisruptionBudget" },
        },
      ],
    });
    assert.match(plan, /\*\*The Deployment `hello-deployment` is deleted: every pod of the service stops\.\*\*/);
    assert.match(plan, /PodDisruptionBudget: none after this change/);
    assert.match(plan, /\*\*deleted: `kubernetes:policy\/v1:PodDisruptionBudget` `hello-pdb`\*\*/);
  });

  it("reads what the preview leaves out (an unchanged disruption budget) from the stack's current state", () => {
    const plan = stackPlan("dev", { steps: [update(spec(), spec({ version: "2.0.0" }))] }, [
      {
        urn: "urn:pulumi:dev::tagship::kubernetes:policy/v1:PodDisruptionBudget::hello-pdb",
        type: "kubernetes:policy/v1:PodDisruptionBudget",
        inputs: { spec: { maxUnavailable: 1 } },
      },
    ]);
    assert.match(plan, /PodDisruptionBudget: maxUnavailable 1/);
  });

  it("plans each service of a stack of several: the one that changes rolls, the others are named unchanged", () => {
    const urn = (name: string) => DEPLOYMENT_URN.replace("hello-deployment", `${name}-deployment`);
    const plan = stackPlan(
      "dev",
      {
        steps: [{ ...update(spec(), spec({ version: "2.0.0", image: digest("b") })), urn: urn("api") }],
        changeSummary: { same: 20, update: 1 },
      },
      [
        { urn: urn("api"), ...state(spec()) },
        { urn: urn("web"), ...state(spec({ image: digest("c") })) },
        {
          urn: "urn:pulumi:dev::tagship::kubernetes:policy/v1:PodDisruptionBudget::web-pdb",
          type: "kubernetes:policy/v1:PodDisruptionBudget",
          inputs: { spec: { maxUnavailable: 2 } },
        },
      ],
    );
    const [api, web] = plan.split("#### Service `web`");
    assert.match(api ?? "", /#### Service `api`[\s\S]*\| version \| `1\.0\.0` \| \*\*`2\.0\.0`\*\* \|[\s\S]*Rollout: 3 batches/);
    assert.match(api ?? "", /PodDisruptionBudget: none after this change/);
    assert.ok(web?.includes(`The Deployment is unchanged (\`${digest("c")}\`): nothing rolls out.`), plan);
    assert.match(web ?? "", /PodDisruptionBudget: maxUnavailable 2/);
  });

  it("lists each service's commits since its live release: up to 30, the rest counted; says when git cannot tell", () => {
    const preview = { steps: [update(spec(), spec({ image: digest("b"), version: "1.1.0" }))] };
    const changes = Array.from({ length: 32 }, (_, i) => ({
      commit: `${String(i).padStart(2, "0")}${"f".repeat(38)}`,
      committed: 0,
      author: "Ada",
      subject: `change ${i}`,
    }));
    const plan = stackPlan("dev", preview, [], { hello: { tag: "1.0.0", from: "abcdef0123", changes } });
    assert.match(plan, /Changes since the live release \(1\.0\.0, `abcdef0`\): 32 commits\n\n- `00fffff` change 0 \(Ada\)\n/);
    assert.match(plan, /- `29fffff` change 29 \(Ada\)\n- … and 2 older/);
    assert.doesNotMatch(plan, /change 30/);
    assert.match(
      stackPlan("dev", preview, [], { hello: { tag: "1.0.0", from: "abcdef0123", changes: undefined } }),
      /Changes since the live release \(1\.0\.0, `abcdef0`\): unknown, that commit is not in this checkout's history\./,
    );
    assert.match(stackPlan("dev", preview, [], { hello: { tag: "1.0.0", from: "abcdef0123", changes: [] } }), /: none\./);
    assert.doesNotMatch(stackPlan("dev", preview), /Changes since/, "no ledger, no changelog");
  });

  it("stays under GitHub's 65,536-character comment limit however large the previews", () => {
    const many: PreviewJson = {
      steps: Array.from({ length: 20_000 }, (_, i) => ({
        op: "update",
        urn: `urn:pulumi:dev::tagship::kubernetes:core/v1:ConfigMap::config-${"x".repeat(100)}-${i}`,
        newState: { type: "kubernetes:core/v1:ConfigMap" },
      })),
    };
    const one = stackPlan("dev", many);
    assert.match(one, /… and 19960 more/);
    const plan = rolloutPlan(["dev", "staging", "prod"].map((stack) => ({ stack, preview: many })));
    assert.ok(plan.length <= MAX_COMMENT_CHARS, `${plan.length} characters`);
    assert.equal((plan.match(/### Rollout plan/g) ?? []).length, 3);
    // A cut plan still closes its details block.
    const cut = rolloutPlan(Array.from({ length: 40 }, (_, i) => ({ stack: `s${i}`, preview: many })));
    assert.ok(cut.length <= MAX_COMMENT_CHARS, `${cut.length} characters`);
    assert.equal((cut.match(/<details>/g) ?? []).length, (cut.match(/<\/details>/g) ?? []).length);
  });
});
