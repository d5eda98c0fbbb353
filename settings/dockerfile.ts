/**
 * The two facts about a Dockerfile that stack config must agree with, read before anything is built: the
 * names of its stages (what `buildTarget` may name) and the build arguments declared before its first FROM
 * without a default (they choose base images, so a build that sets none of them fails, or pulls something no
 * one chose). Not a full parser: continuation lines are joined, comments and parser directives skipped.
 */
export interface DockerfileFacts {
  /** Stage names (`FROM image AS name`), lower-cased as BuildKit matches them, in order. */
  readonly stages: readonly string[];
  /** Names of ARG instructions before the first FROM that have no default. */
  readonly globalArgsWithoutDefault: readonly string[];
}

/** The Dockerfile's instructions, one per entry, continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue; // a comment inside a continued instruction
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    out.push(`${pending}${line}`.trim());
    pending = "";
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}

export function dockerfileFacts(text: string): DockerfileFacts {
  const stages: string[] = [];
  const globalArgsWithoutDefault: string[] = [];
  let seenFrom = false;
  for (const instruction of instructions(text)) {
    const [keyword = "", ...rest] = instruction.split(/\s+/);
    const word = keyword.toUpperCase();
    if (word === "FROM") {
      seenFrom = true;
      const words = rest.filter((w) => !w.startsWith("--"));
      if (words.length >= 3 && words[1]?.toUpperCase() === "AS") stages.push((words[2] as string).toLowerCase());
    } else if (word === "ARG" && !seenFrom) {
      // `ARG A B=1` declares several; one with `=` has a default.
      for (const declared of rest) if (!declared.includes("=")) globalArgsWithoutDefault.push(declared);
    }
  }
  return { stages, globalArgsWithoutDefault };
}
