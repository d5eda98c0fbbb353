/** How the ledger's commands print: durations, times, digests and columns. */
import type { LedgerEntry } from "./entry";

/** A duration the way a person says it: "42 s", "3 min 5 s", "2 h 13 min", "3 d 4 h". */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** A moment in UTC to the second: "2026-12-01 06:30:12". */
export function utc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** A digest shortened for a table: "sha256:0123456789ab". */
export function shortDigest(digest: string): string {
  return digest === "" ? "-" : digest.slice(0, "sha256:".length + 12);
}

/** The commits of an entry as a range: "3f2a1b0..9c8d7e1", or its one commit for a first release. */
export function range(e: LedgerEntry): string {
  if (e.to === "") return "-";
  const to = `${e.to.slice(0, 7)}${e.dirty ? "+changes" : ""}`;
  return e.from === "" ? to : `${e.from.slice(0, 7)}..${to}`;
}

/** Rows as aligned columns, the header first. */
export function columns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
