/**
 * The stacks a change affects, for a workflow's matrix: a change to a stack's own Pulumi.<stack>.yaml affects
 * that stack; a change to anything the program is made of affects every stack; documentation, tests,
 * benchmarks and workflows affect none. Pure: the affected command reads git and prints.
 */

/** Files that change no stack's deployment. */
const INERT = [/^README\.md$/, /^tests\//, /^\.github\//, /^\.ci\//, /\.md$/, /^bench\//];

export function affectedStacks(changed: readonly string[], stacks: readonly string[]): string[] {
  const affected = new Set<string>();
  for (const file of changed) {
    const own = /^Pulumi\.([^./]+)\.yaml$/.exec(file);
    if (own?.[1]) {
      if (stacks.includes(own[1])) affected.add(own[1]);
    } else if (!INERT.some((re) => re.test(file))) {
      return [...stacks];
    }
  }
  return stacks.filter((s) => affected.has(s));
}
