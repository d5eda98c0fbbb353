/**
 * The last good releases of a stack, newest first: what went live through deliver.ts. They are kept in the
 * stack's tags (`tagship:good.0` is the newest), which every Pulumi backend stores, because a self-managed
 * backend cannot export a stack's earlier states. Each value is "<imageRef> <imageTag> <time>".
 */
import type { Stack } from "@pulumi/pulumi/automation";

export interface GoodRelease {
  readonly imageRef: string;
  readonly tag: string;
  readonly at: string;
}

const KEEP = 5;
const tagName = (i: number) => `tagship:good.${i}`;

export async function goodReleases(stack: Stack): Promise<GoodRelease[]> {
  const tags = await stack.workspace.listTags(stack.name);
  const found: GoodRelease[] = [];
  for (let i = 0; i < KEEP; i++) {
    const [imageRef, tag, at] = (tags[tagName(i)] ?? "").split(" ");
    if (imageRef && tag && at) found.push({ imageRef, tag, at });
  }
  return found;
}

/** Records a release that went live; one already newest is not recorded twice. */
export async function recordGoodRelease(stack: Stack, release: GoodRelease): Promise<void> {
  const known = await goodReleases(stack);
  if (known[0]?.imageRef === release.imageRef && known[0].tag === release.tag) return;
  // A release is its digest and its version: builds of one source under two tags share a digest.
  const kept = [release, ...known.filter((r) => r.imageRef !== release.imageRef || r.tag !== release.tag)].slice(0, KEEP);
  for (const [i, r] of kept.entries()) await stack.workspace.setTag(stack.name, tagName(i), `${r.imageRef} ${r.tag} ${r.at}`);
}
