/**
 * Where a release's seconds went: its phases, one after the other from the command's start to the end of the
 * release, so that they always add up to the wall time. deliver.ts opens the clock, the engine's events (the
 * Automation API's onEvent) and the gitops wait (gitops.ts) move it from phase to phase, and the table is
 * printed and recorded with the release (record.ts).
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { PHASE_PREFIX } from "../../gitops/protocol";

export interface Phase {
  readonly name: string;
  /** When it started, in seconds since the clock's origin. */
  readonly at: number;
  readonly seconds: number;
}

/** Contiguous phases: marking a new one ends the current one at the same instant. */
export class PhaseClock {
  private readonly done: Phase[] = [];
  private open: { name: string; start: number };

  /** `origin`: epoch milliseconds the first phase, `first`, started at. */
  constructor(
    readonly origin: number,
    first: string,
  ) {
    this.open = { name: first, start: origin };
  }

  get current(): string {
    return this.open.name;
  }

  /** Ends the current phase at `at` and starts `name`; marking the current phase again continues it. */
  mark(name: string, at = Date.now()): void {
    if (name === this.open.name) return;
    this.close(at);
    this.open = { name, start: at };
  }

  /** Ends the last phase at `at` and returns all of them. */
  finish(at = Date.now()): Phase[] {
    this.close(at);
    return [...this.done];
  }

  private close(at: number): void {
    const seconds = Math.max(0, at - this.open.start) / 1000;
    this.done.push({ name: this.open.name, at: (this.open.start - this.origin) / 1000, seconds });
  }
}

/** The resources whose operations are phases of their own; everything else the engine does is "engine". */
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const TRACKED: Readonly<Record<string, string>> = {
  "docker-build:index:Image": "build and push the image",
  [DEPLOYMENT]: "apply the Deployment and roll out",
  "kubernetes:argoproj.io/v1alpha1:Application": "apply the Argo CD Application",
};

/** Operations that change nothing take no phase of their own. */
const QUIET_OPS = new Set(["same", "read", "refresh", "discard", "discard-replaced"]);

/** The phase a step is, if it is one: in gitops mode the provider named "render" (release.ts) writes files. */
function phaseOf(step: { type: string; op: string; provider: string }): string | undefined {
  if (QUIET_OPS.has(step.op)) return undefined;
  if (step.provider.includes("::render::")) return "render the manifests";
  return TRACKED[step.type];
}

/**
 * Moves the clock along the engine's events during `pulumi up`: its start (until the engine's prelude), the
 * program and the plan (until the first tracked operation), each tracked operation, and the engine's own work
 * in between and after. A Deployment applied to the cluster is followed by the program's own wait for its
 * rollout (rollout/await.ts), which ends in the stack's outputs: its phase lasts until those. In gitops mode the
 * program says when each phase of its release starts (gitops/release.ts), and the last lasts until the outputs too.
 */
export function engineEvents(clock: PhaseClock): (event: EngineEvent) => void {
  const running = new Set<string>();
  let rollingOut = false;
  const between = "engine: other resources, outputs";
  return (event) => {
    const now = Date.now();
    if (event.preludeEvent) clock.mark("run the program and plan", now);
    const said = event.diagnosticEvent?.message.trim();
    if (said?.startsWith(PHASE_PREFIX)) {
      rollingOut = true;
      clock.mark(said.slice(PHASE_PREFIX.length), now);
    }
    const pre = event.resourcePreEvent?.metadata;
    const phase = pre && phaseOf(pre);
    if (pre && phase) {
      running.add(pre.urn);
      rollingOut ||= phase === TRACKED[DEPLOYMENT];
      clock.mark(phase, now);
    }
    const ended = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
    if (ended && running.delete(ended.urn) && running.size === 0 && !rollingOut) clock.mark(between, now);
    if (rollingOut && (event.resOpFailedEvent || (ended?.type === "pulumi:pulumi:Stack" && event.resOutputsEvent))) {
      rollingOut = false;
      clock.mark(between, now);
    }
    if (event.summaryEvent) clock.mark("engine: finish the update", now);
  };
}

/**
 * The phases split at each moment the new version gained ready pods (a batch of the rolling update), whichever
 * phase that fell in (the Deployment's in direct mode; in gitops mode Argo CD's sync, when it waits for health,
 * or the rollout after it): `ready` are those moments, in seconds since the clock's origin, with the new version's
 * ready pods after each. The parts still add up to the phase.
 */
export function splitByBatches(phases: readonly Phase[], ready: readonly { t: number; count: number }[]): Phase[] {
  return phases.flatMap((p) => {
    const inside = ready.filter((r) => r.t > p.at && r.t <= p.at + p.seconds);
    const last = inside.at(-1);
    if (!last) return [p];
    const parts: Phase[] = [];
    let from = p.at;
    for (const r of inside) {
      parts.push({ name: `${p.name}: until ${r.count} new ready`, at: from, seconds: r.t - from });
      from = r.t;
    }
    parts.push({ name: `${p.name}: after ${last.count} new ready`, at: from, seconds: p.at + p.seconds - from });
    return parts;
  });
}

/** The table printed at the end of a release. */
export function phaseTable(phases: readonly Phase[], title: string): string {
  const wall = phases.reduce((s, p) => s + p.seconds, 0);
  const width = Math.max(...phases.map((p) => p.name.length), 5);
  const lines = phases.map((p) => `  ${p.name.padEnd(width)} ${p.seconds.toFixed(1).padStart(6)} s`);
  return [`${title}, ${wall.toFixed(1)} s in all:`, ...lines].join("\n");
}
