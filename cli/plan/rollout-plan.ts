/**
 * A rollout plan from a real `pulumi preview --json`: what a pull request will do to a stack's running
 * service, in a few lines of markdown. Old and new image digest, replicas, surge and unavailable, the number
 * of batches and an estimate of the duration from the probe settings, the disruption budget, and every
 * replacement or deletion (a replaced Deployment loudly: Kubernetes deletes every pod before the new ones
 * start), and the commits the change brings to each service since its live release (its changelog). Pure:
 * cli/commands/plan.ts reads the files, the ledger and git, and prints.
 */
import type { Change } from "../ledger/source";

/** The part of `pulumi preview --json` that the plan reads. */
export interface PreviewJson {
  readonly steps?: readonly PreviewStep[];
  readonly changeSummary?: Readonly<Record<string, number>>;
}

export interface PreviewStep {
  /** same, create, update, delete, replace, create-replacement, delete-replaced, discard, ... */
  readonly op: string;
  readonly urn: string;
  readonly oldState?: StepState;
  readonly newState?: StepState;
  readonly replaceReasons?: readonly string[];
  readonly detailedDiff?: Readonly<Record<string, { readonly kind: string }>>;
}

interface StepState {
  readonly type: string;
  readonly retainOnDelete?: boolean;
  readonly inputs?: unknown;
}

type IntOrPercent = number | string;

/** The fields of a Deployment's inputs that the plan reads. */
export interface DeploymentSpec {
  readonly replicas?: number;
  readonly minReadySeconds?: number;
  readonly progressDeadlineSeconds?: number;
  readonly strategy?: { readonly rollingUpdate?: { readonly maxSurge?: IntOrPercent; readonly maxUnavailable?: IntOrPercent } };
  readonly template?: {
    readonly metadata?: { readonly labels?: Readonly<Record<string, string>> };
    readonly spec?: {
      readonly containers?: readonly {
        readonly image?: string;
        readonly readinessProbe?: {
          readonly periodSeconds?: number;
          readonly successThreshold?: number;
          readonly initialDelaySeconds?: number;
        };
      }[];
    };
  };
}
interface HpaSpec {
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  readonly metrics?: readonly {
    readonly resource?: { readonly name?: string; readonly target?: { readonly averageUtilization?: number } };
  }[];
}
interface PdbSpec {
  readonly maxUnavailable?: IntOrPercent;
  readonly minAvailable?: IntOrPercent;
}
const specOf = <T>(state: StepState | undefined) => (state?.inputs as { spec?: T } | undefined)?.spec;

/** A resource of the stack as it is now (`pulumi stack export`): the preview lists only what changes. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs?: unknown;
}

/** GitHub refuses a comment above 65,536 characters; the whole plan stays well under it. */
export const MAX_COMMENT_CHARS = 60_000;
/** Commits listed per service; the rest are counted. */
const MAX_LISTED_COMMITS = 30;
/** Changed resources listed per stack; the rest are counted. */
const MAX_LISTED_CHANGES = 40;

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
/** Steps that are the second half of a replacement, already described by its `replace` step. */
const REPLACEMENT_HALVES = new Set(["create-replacement", "delete-replaced", "discard-replaced"]);

const nameOf = (urn: string) => urn.split("::").at(-1) ?? urn;
const typeOf = (s: PreviewStep) => s.newState?.type ?? s.oldState?.type ?? "";

/** A maxSurge or maxUnavailable as a pod count, rounded as the Deployment controller rounds it. */
export function podsOf(value: IntOrPercent | undefined, replicas: number, round: "up" | "down", fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) return Number(value);
  const exact = (replicas * Number(percent[1])) / 100;
  return round === "up" ? Math.ceil(exact) : Math.floor(exact);
}

export interface RolloutEstimate {
  readonly batches: number;
  readonly podsPerBatch: number;
  readonly minReady: number;
  readonly seconds: readonly [number, number];
}

/**
 * Batches and duration of a RollingUpdate: each batch starts `maxSurge + maxUnavailable` new pods, and a batch
 * ends when they are ready (a second to start, the readiness probe's delay, then up to one probe period per
 * required success) and have stayed ready `minReadySeconds`.
 */
export function estimateRollout(spec: DeploymentSpec): RolloutEstimate {
  const replicas = Number(spec.replicas ?? 1);
  const rolling = spec.strategy?.rollingUpdate ?? {};
  const surge = podsOf(rolling.maxSurge, replicas, "up", Math.ceil(replicas / 4));
  const unavailable = podsOf(rolling.maxUnavailable, replicas, "down", Math.floor(replicas / 4));
  const podsPerBatch = Math.max(1, surge + unavailable);
  const batches = Math.ceil(replicas / podsPerBatch);
  const readiness = spec.template?.spec?.containers?.[0]?.readinessProbe ?? {};
  const period = Number(readiness.periodSeconds ?? 10);
  const successes = Number(readiness.successThreshold ?? 1);
  const fastest = 1 + Number(readiness.initialDelaySeconds ?? 0) + Number(spec.minReadySeconds ?? 0);
  return {
    batches,
    podsPerBatch,
    minReady: Math.max(0, replicas - unavailable),
    seconds: [batches * fastest, batches * (fastest + period * successes)],
  };
}

/** How Pulumi marks a value that is known only once `pulumi up` runs (a digest of an image not yet built). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const code = (v: string | number | undefined) =>
  v === undefined || v === "" ? "–" : String(v).includes(UNKNOWN) ? "computed by `pulumi up` (a new build)" : `\`${v}\``;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What a service's live release was built from, and the commits from there to the proposed version. */
export interface ServiceChangelog {
  /** The live release's version and commit. */
  readonly tag: string;
  readonly from: string;
  /** `git log from..HEAD`; undefined when git cannot list them (the commit is not in this clone's history). */
  readonly changes: readonly Change[] | undefined;
}

/** The changelog lines of a service: the commits since its live release, newest first. */
function changelogPlan(log: ServiceChangelog | undefined): string[] {
  if (!log) return [];
  const since = `since the live release (${log.tag || "no version"}, \`${log.from.slice(0, 7)}\`)`;
  if (log.changes === undefined) return ["", `Changes ${since}: unknown, that commit is not in this checkout's history.`];
  if (log.changes.length === 0) return ["", `Changes ${since}: none.`];
  const listed = log.changes.slice(0, MAX_LISTED_COMMITS).map((c) => `- \`${c.commit.slice(0, 7)}\` ${c.subject} (${c.author})`);
  const more = log.changes.length > MAX_LISTED_COMMITS ? [`- … and ${log.changes.length - MAX_LISTED_COMMITS} older`] : [];
  return ["", `Changes ${since}: ${log.changes.length} commit${log.changes.length === 1 ? "" : "s"}`, "", ...listed, ...more];
}

/** The markdown plan of one stack's preview, with its current resources and its services' changelogs when known. */
export function stackPlan(
  stack: string,
  preview: PreviewJson,
  current: readonly StateResource[] = [],
  changelogs: Readonly<Record<string, ServiceChangelog>> = {},
): string {
  const steps = preview.steps ?? [];
  const lines = [`### Rollout plan: stack \`${stack}\``, ""];
  // One section per service: each Deployment the preview or the current state names.
  const deployments = [
    ...new Set([
      ...steps.filter((s) => typeOf(s) === DEPLOYMENT && !REPLACEMENT_HALVES.has(s.op)).map((s) => nameOf(s.urn)),
      ...current.filter((r) => r.type === DEPLOYMENT).map((r) => nameOf(r.urn)),
    ]),
  ];
  if (deployments.length === 0) lines.push("No Deployment in this stack: nothing rolls out.");
  for (const [i, name] of deployments.entries()) {
    // Resources of one service share the start of their names: <service>-deployment, <service>-pdb.
    const service = name.replace(/-deployment$/, "");
    if (deployments.length > 1) lines.push(...(i > 0 ? [""] : []), `#### Service \`${service}\``, "");
    const hpa = autoscalerOf(steps, current, `${service}-hpa`);
    lines.push(
      ...deploymentPlan(steps, current, name, hpa),
      ...autoscalerPlan(hpa),
      ...pdbPlan(steps, current, `${service}-pdb`),
      ...changelogPlan(changelogs[service]),
    );
  }

  // Replacements and deletions first, loudest for the Deployment.
  const changes = steps.filter((s) => s.op !== "same" && !REPLACEMENT_HALVES.has(s.op) && !typeOf(s).startsWith("pulumi:"));
  const warnings: string[] = [];
  for (const s of changes) {
    const retained = s.oldState?.retainOnDelete === true;
    if (s.op === "replace" && typeOf(s) === DEPLOYMENT && !retained) {
      warnings.push(
        `> [!CAUTION]\n> **The Deployment \`${nameOf(s.urn)}\` is REPLACED** (${(s.replaceReasons ?? []).join(", ") || "replacement"}): Kubernetes deletes it and every pod before the new one starts — an outage.`,
      );
    } else if (s.op === "replace" || s.op === "delete") {
      const what = `${s.op === "replace" ? "replaced" : "deleted"}: \`${typeOf(s)}\` \`${nameOf(s.urn)}\``;
      warnings.push(
        retained ? `- ${what} (retainOnDelete: the live object is left running, only dropped from the state)` : `- **${what}**`,
      );
    }
  }
  if (warnings.length > 0) lines.push("", ...warnings);

  const summary = Object.entries(preview.changeSummary ?? {})
    .map(([op, n]) => `${n} ${op}`)
    .join(", ");
  lines.push("", `<details><summary>Resource changes: ${summary || "none"}</summary>`, "");
  for (const s of changes.slice(0, MAX_LISTED_CHANGES)) lines.push(`- ${s.op} \`${typeOf(s)}\` \`${nameOf(s.urn)}\``);
  if (changes.length > MAX_LISTED_CHANGES) lines.push(`- … and ${changes.length - MAX_LISTED_CHANGES} more`);
  lines.push("", "</details>");
  return lines.join("\n");
}

/** What a change does to one Deployment: its image, version and rollout, and how long it should take. */
function deploymentPlan(steps: readonly PreviewStep[], current: readonly StateResource[], name: string, hpa?: HpaSpec): string[] {
  const deployment = steps.find((s) => typeOf(s) === DEPLOYMENT && !REPLACEMENT_HALVES.has(s.op) && nameOf(s.urn) === name);
  const before = specOf<DeploymentSpec>(deployment?.oldState);
  const planned = specOf<DeploymentSpec>(deployment?.newState);
  // Autoscaled, the Deployment has no replicas: the count is the autoscaler's, at least minReplicas, which the
  // estimate assumes.
  const after = planned && hpa && planned.replicas === undefined ? { ...planned, replicas: hpa.minReplicas ?? 1 } : planned;
  if (!deployment) {
    const live = current.find((r) => r.type === DEPLOYMENT && nameOf(r.urn) === name);
    const image = specOf<DeploymentSpec>(live)?.template?.spec?.containers?.[0]?.image;
    return [`The Deployment is unchanged (${code(image)}): nothing rolls out.`];
  }
  if (!after) return [`**The Deployment \`${name}\` is deleted: every pod of the service stops.**`];
  const container = (d?: DeploymentSpec) => d?.template?.spec?.containers?.[0];
  const version = (d?: DeploymentSpec) => d?.template?.metadata?.labels?.["app.kubernetes.io/version"];
  const rolling = (d?: DeploymentSpec) => d?.strategy?.rollingUpdate ?? {};
  const row = (what: string, a?: IntOrPercent, b?: IntOrPercent) =>
    `| ${what} | ${code(a)} | ${same(a, b) ? "unchanged" : `**${code(b)}**`} |`;
  const lines = [
    "| | now | after this change |",
    "| --- | --- | --- |",
    row("image", container(before)?.image, container(after)?.image),
    row("version", version(before), version(after)),
    row(
      "replicas",
      before?.replicas,
      hpa && planned?.replicas === undefined ? `autoscaled ${hpa.minReplicas ?? 1}–${hpa.maxReplicas ?? "?"}` : after.replicas,
    ),
    row("maxSurge", rolling(before).maxSurge, rolling(after).maxSurge),
    row("maxUnavailable", rolling(before).maxUnavailable, rolling(after).maxUnavailable),
    "",
  ];
  const e = estimateRollout(after);
  const basis = `readiness every ${container(after)?.readinessProbe?.periodSeconds ?? 10} s, minReadySeconds ${after.minReadySeconds ?? 0}`;
  if (deployment.op === "create") {
    lines.push(
      `First rollout: ${after.replicas ?? 1} pods start together; ready in about ${e.seconds[0] / e.batches}–${e.seconds[1] / e.batches} s (${basis}).`,
    );
  } else if (same(before?.template, after.template)) {
    lines.push("No rollout: the pod template is unchanged, so the running pods stay as they are.");
  } else {
    lines.push(
      `Rollout: ${e.batches} batch${e.batches === 1 ? "" : "es"} of ${e.podsPerBatch} new pod${e.podsPerBatch === 1 ? "" : "s"}, ` +
        `never fewer than ${e.minReady} ready; estimated ${e.seconds[0]}–${e.seconds[1]} s (${basis}); ` +
        `fails after ${after.progressDeadlineSeconds ?? 600} s without progress.`,
    );
  }
  return lines;
}

/** A service's disruption budget after the change: from the preview, else from the stack's current state. */
/** The service's HorizontalPodAutoscaler after this change (or as it is, when unchanged); undefined without one. */
function autoscalerOf(steps: readonly PreviewStep[], current: readonly StateResource[], name: string): HpaSpec | undefined {
  return specAfter<HpaSpec>(steps, current, HPA, name).spec;
}

/**
 * A resource's spec after this change: from its step when the preview has one (none after a delete), else as the
 * stack's state has it (undefined when the state was not given or lacks it).
 */
function specAfter<T>(steps: readonly PreviewStep[], current: readonly StateResource[], type: string, name: string) {
  const step = steps.find((s) => typeOf(s) === type && !REPLACEMENT_HALVES.has(s.op) && nameOf(s.urn) === name);
  return { step, spec: step ? specOf<T>(step.newState) : specOf<T>(current.find((r) => r.type === type && nameOf(r.urn) === name)) };
}

function autoscalerPlan(hpa: HpaSpec | undefined): string[] {
  if (!hpa) return [];
  const targets = (hpa.metrics ?? [])
    .map((m) => `${m.resource?.name ?? "?"} ${m.resource?.target?.averageUtilization ?? "?"} %`)
    .join(", ");
  return [
    `Autoscaler: ${hpa.minReplicas ?? 1} to ${hpa.maxReplicas ?? "?"} pods at ${targets || "no target"} of the requests; the release keeps the count it chose (the estimate assumes ${hpa.minReplicas ?? 1}).`,
  ];
}

function pdbPlan(steps: readonly PreviewStep[], current: readonly StateResource[], name: string): string[] {
  const { step: pdbStep, spec: pdb } = specAfter<PdbSpec>(steps, current, PDB, name);
  return [
    pdbStep === undefined && current.length === 0
      ? "PodDisruptionBudget: unchanged (the stack's current state was not given)."
      : pdb
        ? `PodDisruptionBudget: ${pdb.maxUnavailable !== undefined ? `maxUnavailable ${pdb.maxUnavailable}` : `minAvailable ${pdb.minAvailable ?? "–"}`} (node drains take that many pods at a time).`
        : "PodDisruptionBudget: none after this change: a node drain may stop every pod at once.",
  ];
}

/** The plans of several stacks, cut to fit one pull-request comment however large the previews. */
export function rolloutPlan(
  stacks: readonly {
    stack: string;
    preview: PreviewJson;
    current?: readonly StateResource[];
    changelogs?: Readonly<Record<string, ServiceChangelog>>;
  }[],
): string {
  const budget = Math.floor(MAX_COMMENT_CHARS / Math.max(1, stacks.length)) - 100;
  const parts = stacks.map(({ stack, preview, current, changelogs }) => {
    const plan = stackPlan(stack, preview, current, changelogs);
    if (plan.length <= budget) return plan;
    // Cut at a line, and close the details block if the cut left it open, so that the markdown stays valid.
    const cut = plan.slice(0, plan.lastIndexOf("\n", budget));
    const open = cut.includes("<details>") && !cut.includes("</details>");
    return `${cut}\n- … (plan of \`${stack}\` cut at ${budget} characters)${open ? "\n\n</details>" : ""}`;
  });
  return parts.join("\n\n");
}
