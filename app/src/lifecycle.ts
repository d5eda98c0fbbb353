// Readiness state of the process. Liveness is not tracked here: if the
// process can answer /healthz at all, it is alive.
//
//   starting --markReady()--> ready --beginDrain()--> draining
//       \_______________beginDrain()_____________________/^
//
// Draining is final: a late warm-up timer must not make a draining pod ready.

export type Phase = "starting" | "ready" | "draining";

export interface Lifecycle {
  readonly phase: Phase;
  /** Warm-up finished: start receiving traffic. No-op once draining. */
  markReady(): void;
  /** Returns false if a drain is already under way (repeated signal). */
  beginDrain(): boolean;
}

export function createLifecycle(): Lifecycle {
  let phase: Phase = "starting";
  return {
    get phase() {
      return phase;
    },
    markReady() {
      if (phase === "starting") phase = "ready";
    },
    beginDrain() {
      if (phase === "draining") return false;
      phase = "draining";
      return true;
    },
  };
}
