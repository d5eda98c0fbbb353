/**
 * The last good releases of each service of a stack, newest first: what went live through deliver.ts. They are
 * kept in the stack's tags, which every Pulumi backend stores, because a self-managed backend cannot export a
 * stack's earlier states. Each is `tagship:good.<service's hash>.<epoch ms>` = "<imageRef> <imageTag> <time>
 * <service>": keyed by its time, so a new release writes one tag (and removes the oldest past KEEP) instead of
 * shifting every entry, each write being a run of the CLI. The service is named in the value and only hashed in
 * the key, which Pulumi Cloud limits to 40 characters (a service name may have 40). Tags written before that
 * (`tagship:good.<service>.<epoch ms>`), before services existed (`tagship:good.<epoch ms>`, and `.0` to `.4`
 * before that, which belong to the stack's only service) are read as such.
 */
import { createHash } from "node:crypto";
import type { Stack } from "@pulumi/pulumi/automation";

export interface GoodRelease {
  readonly imageRef: string;
  readonly tag: string;
  readonly at: string;
}

const KEEP = 5;
const PREFIX = "tagship:good.";

/** A good release as it is stored: with its tag's name, and its service (absent: stored before services). */
export interface Entry extends GoodRelease {
  readonly key: string;
  readonly service?: string;
}

/** Which service's releases to read: its name, and whether it is its stack's only one (which owns the older entries). */
export interface ServiceScope {
  readonly name: string;
  readonly only: boolean;
}

/** The stored good releases of a service, newest first. */
export async function entries(stack: Stack, scope: ServiceScope): Promise<Entry[]> {
  return entriesIn(await stack.workspace.listTags(stack.name), scope);
}

/** The good releases of a service among a stack's tags already read, newest first. */
export function entriesIn(tags: Readonly<Record<string, string>>, scope: ServiceScope): Entry[] {
  const found: Entry[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(PREFIX)) continue;
    const m = /^(?:([a-z0-9][a-z0-9-]*)\.)?[0-9]+$/.exec(key.slice(PREFIX.length));
    const [imageRef, tag, at, named] = value.split(" ");
    // The value names the service (the key has its hash); in older tags, the key did, or nothing.
    const service = named ?? m?.[1];
    if (!m || (service === undefined ? !scope.only : service !== scope.name)) continue;
    if (imageRef && tag && at && !Number.isNaN(Date.parse(at))) found.push({ key, imageRef, tag, at, ...(service ? { service } : {}) });
  }
  return found.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export async function goodReleases(stack: Stack, scope: ServiceScope): Promise<GoodRelease[]> {
  return (await entries(stack, scope)).slice(0, KEEP).map(({ imageRef, tag, at }) => ({ imageRef, tag, at }));
}

/**
 * Records a release of a service that went live; one already newest is not recorded twice. `known`: the
 * service's stored releases, when the caller read them already (a release reads them while its update runs,
 * to record sooner once it is live).
 */
export async function recordGoodRelease(stack: Stack, scope: ServiceScope, release: GoodRelease, known?: Entry[]): Promise<void> {
  known ??= await entries(stack, scope);
  const same = (r: GoodRelease) => r.imageRef === release.imageRef && r.tag === release.tag;
  if (known[0] && same(known[0])) return;
  // A release is its digest and its version: builds of one source under two tags share a digest.
  await stack.workspace.setTag(
    stack.name,
    `${PREFIX}${serviceHash(scope.name)}.${Date.parse(release.at)}`,
    `${release.imageRef} ${release.tag} ${release.at} ${scope.name}`,
  );
  const others = known.filter((r) => !same(r));
  const stale = [...known.filter(same), ...others.slice(KEEP - 1)];
  for (const r of stale) await stack.workspace.removeTag(stack.name, r.key);
}

/** A service's name in a tag's key: 8 hex digits of its hash, so that the key fits Pulumi Cloud's 40 characters. */
function serviceHash(name: string): string {
  return createHash("sha256").update(name).digest("hex").slice(0, 8);
}
