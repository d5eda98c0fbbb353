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

/**
 * Refuses to release a quarantined digest: the error names the digest, the stack, when and why its release was
 * aborted, and the way past it. `ledgers`: the stacks whose ledgers count (a promotion: both).
 */
export function refuseQuarantined(digest: string, ledgers: readonly (readonly [stack: string, ledger: readonly LedgerEntry[]])[]): void {
  for (const [stack, ledger] of ledgers) {
    const bad = quarantineOf(ledger, digest);
    if (!bad) continue;
    const service = bad.service === "" ? "" : ` of ${bad.service}`;
    throw new Error(
      `${digest} (${bad.tag || "no version"}${service}) is quarantined: its release on stack ${stack} was aborted at ` +
        `${new Date(bad.end).toISOString()} (${bad.reason || "no reason recorded"}); release another version, ` +
        `or pass --force to release it anyway`,
    );
  }
}
