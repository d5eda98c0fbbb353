/**
 * What the ledger says of one image digest: the commit it was built from (a promotion or rollback carries it into
 * the target's ledger, so the target's changelog is right), and whether it is quarantined: a release of it was
 * aborted on that stack and none of it went live there since. Ship, promote and rollback refuse a quarantined
 * digest unless --force.
 */
import type { LedgerEntry } from "./entry";

/** The commit `digest` was built from, from the newest entry of it that names one; undefined when none does. */
export function builtFrom(ledger: readonly LedgerEntry[], digest: string): string | undefined {
  if (digest === "") return undefined;
  return ledger.find((e) => e.digest === digest && e.to !== "" && e.outcome !== "unfinished")?.to;
}

/** The aborted release that quarantines `digest` on a stack (newest first ledger), or undefined. */
export function quarantineOf(ledger: readonly LedgerEntry[], digest: string): LedgerEntry | undefined {
  if (digest === "") return undefined;
  const newest = ledger.find((e) => e.digest === digest && (e.outcome === "live" || e.outcome === "aborted"));
  return newest?.outcome === "aborted" ? newest : undefined;
}

/** The refusal of a quarantined digest: it names the digest, the stack, when and why its release was aborted, and the way past it. */
function refusal(digest: string, stack: string, bad: LedgerEntry): string {
  const service = bad.service === "" ? "" : ` of ${bad.service}`;
  return (
    `${digest} (${bad.tag || "no version"}${service}) is quarantined: its release on stack ${stack} was aborted at ` +
    `${new Date(bad.end).toISOString()} (${bad.reason || "no reason recorded"}); release another version, ` +
    `or pass --force to release it anyway`
  );
}

/**
 * Refuses to release a quarantined digest, with the error `refusal` words. `ledgers`: the stacks whose ledgers count
 * (a promotion: both).
 */
export function refuseQuarantined(digest: string, ledgers: readonly (readonly [stack: string, ledger: readonly LedgerEntry[]])[]): void {
  for (const [stack, ledger] of ledgers) {
    const bad = quarantineOf(ledger, digest);
    if (bad) throw new Error(refusal(digest, stack, bad));
  }
}

/**
 * Every digest quarantined on a stack, with its refusal: what the command hands the program, which refuses a build
 * that comes out as one of them (only the update knows a build's digest).
 */
export function quarantineRefusals(stack: string, ledger: readonly LedgerEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const digest of new Set(ledger.filter((e) => e.outcome === "aborted").map((e) => e.digest))) {
    const bad = quarantineOf(ledger, digest);
    if (bad) out[digest] = refusal(digest, stack, bad);
  }
  return out;
}
