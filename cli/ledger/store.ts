/**
 * The release ledger of a stack, kept in the stack's tags: every Pulumi backend stores them beside the stack's
 * state (a file or object-store backend in the stack's file, Pulumi Cloud in its service), so the ledger goes
 * wherever the state goes and every checkout of the project reads the same one.
 *
 * A release writes a marker when it starts (`tagship:run.<release>`) and, when it ends, one entry per service it
 * shipped (`tagship:rel.<release>.<n>`), then removes the marker; a marker left behind is a release whose command
 * was stopped, read as "unfinished". A tag's value holds 256 characters (Pulumi refuses more), so a longer entry
 * continues in `<key>-1`, `<key>-2`. The oldest releases past KEEP are removed as new ones are written.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { decodeEntry, encodeEntry, type LedgerEntry, type ReleaseKind } from "./entry";

/** Releases kept per stack: well over a year of daily releases, and a tag list the CLI reads in one run. */
export const KEEP = 500;
/** Pulumi's limit on a tag's value (ValidateStackTags). */
const MAX_VALUE = 256;
const ENTRY = /^tagship:rel\.([0-9a-z]+)\.([0-9]+)(?:-([0-9]+))?$/;
const MARKER = /^tagship:run\.([0-9a-z]+)$/;

/** A release under way, as its marker says. */
export interface Started {
  readonly release: string;
  readonly kind: ReleaseKind;
  readonly who: string;
  readonly start: number;
}

/** A new release's id: its start in base 36 (sorts by time), and two random characters for two at once. */
export function releaseId(start: number): string {
  const random = Math.floor(Math.random() * 36 * 36)
    .toString(36)
    .padStart(2, "0");
  return `${start.toString(36)}${random}`;
}

/** JSON with every character outside ASCII escaped, so that characters are bytes, as Pulumi counts them. */
function ascii(json: string): string {
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A value as the tags that hold it: the key, then `<key>-1`, ... for what does not fit. */
function chunks(key: string, value: string): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i * MAX_VALUE < value.length || i === 0; i++) {
    out.push([i === 0 ? key : `${key}-${i}`, value.slice(i * MAX_VALUE, (i + 1) * MAX_VALUE)]);
  }
  return out;
}

/** Marks a release as started: what the ledger shows as "unfinished" if its command never ends it. */
export async function startRelease(stack: Stack, s: Started): Promise<void> {
  await stack.workspace.setTag(stack.name, `tagship:run.${s.release}`, ascii(JSON.stringify([1, s.kind, s.who, s.start])));
}

/**
 * Ends a release: its entries written, its marker removed, and, when the ledger may hold more than KEEP releases
 * (`known`: how many it held when this one started, or undefined to look), the oldest past KEEP removed.
 */
export async function finishRelease(stack: Stack, release: string, entries: readonly LedgerEntry[], known?: number): Promise<void> {
  for (const [n, e] of entries.entries()) {
    for (const [key, value] of chunks(`tagship:rel.${release}.${n}`, ascii(encodeEntry(e)))) {
      await stack.workspace.setTag(stack.name, key, value);
    }
  }
  // Gone already when its write failed at the start: nothing to remove then.
  await stack.workspace.removeTag(stack.name, `tagship:run.${release}`).catch(() => undefined);
  if (known !== undefined && known < KEEP) return;
  const tags = await stack.workspace.listTags(stack.name);
  for (const key of staleKeys(tags)) await stack.workspace.removeTag(stack.name, key);
}

/** How many releases a ledger holds. */
export function releaseCount(ledger: readonly LedgerEntry[]): number {
  return new Set(ledger.map((e) => e.release)).size;
}

/** The keys of the releases past the newest KEEP (ids sort by start). */
function staleKeys(tags: Readonly<Record<string, string>>): string[] {
  const byRelease = new Map<string, string[]>();
  for (const key of Object.keys(tags)) {
    const id = ENTRY.exec(key)?.[1] ?? MARKER.exec(key)?.[1];
    if (id !== undefined) byRelease.set(id, [...(byRelease.get(id) ?? []), key]);
  }
  const ids = [...byRelease.keys()].sort(byIdNewestFirst);
  return ids.slice(KEEP).flatMap((id) => byRelease.get(id) ?? []);
}

function byIdNewestFirst(a: string, b: string): number {
  return a.length !== b.length ? b.length - a.length : a < b ? 1 : a > b ? -1 : 0;
}

/**
 * The ledger, newest first: every entry, and every release still marked as started, as one "unfinished" entry.
 * An entry whose tags are damaged (a write cut short) is left out.
 */
export async function readLedger(stack: Stack): Promise<LedgerEntry[]> {
  return ledgerFromTags(await stack.workspace.listTags(stack.name));
}

export function ledgerFromTags(tags: Readonly<Record<string, string>>): LedgerEntry[] {
  const parts = new Map<string, { release: string; chunks: string[] }>();
  const found: LedgerEntry[] = [];
  for (const [key, value] of Object.entries(tags)) {
    const m = ENTRY.exec(key);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      const base = `${m[1]}.${m[2]}`;
      const p = parts.get(base) ?? { release: m[1], chunks: [] };
      p.chunks[Number(m[3] ?? 0)] = value;
      parts.set(base, p);
      continue;
    }
    const started = unfinished(MARKER.exec(key)?.[1], value);
    if (started) found.push(started);
  }
  for (const { release, chunks: c } of parts.values()) {
    // A chunk missing in the middle: the write was cut short.
    const whole = Array.from(c, (x) => x !== undefined).every(Boolean);
    const entry = whole ? decodeEntry(release, c.join("")) : undefined;
    if (entry) found.push(entry);
  }
  return found.sort((a, b) => b.start - a.start || byIdNewestFirst(a.release, b.release) || a.service.localeCompare(b.service));
}

/** A marker as the entry of an unfinished release; undefined when it is not one. */
function unfinished(release: string | undefined, value: string): LedgerEntry | undefined {
  if (release === undefined) return undefined;
  try {
    const [format, kind, who, start] = JSON.parse(value) as unknown[];
    if (format !== 1 || typeof kind !== "string" || typeof who !== "string" || !Number.isSafeInteger(start)) return undefined;
    const s = start as number;
    return {
      release,
      kind: kind as ReleaseKind,
      outcome: "unfinished",
      service: "",
      tag: "",
      digest: "",
      from: "",
      to: "",
      dirty: false,
      who,
      start: s,
      end: s,
      reason: "its command stopped before the release ended",
    };
  } catch {
    return undefined;
  }
}
