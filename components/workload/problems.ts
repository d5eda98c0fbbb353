import type { Naming } from "../naming";
import type { Check, Problem } from "../validation";

/** What the workload's validators record problems with, each named by `naming`. */
export interface ProblemCollector {
  readonly problems: Problem[];
  /** Records the rule's failure for a field, if it fails. */
  readonly check: <T>(field: string, value: T, c: Check<T>) => void;
  /** Records a problem that spans fields (named together), with advice for the first. */
  readonly fail: (fields: string[], value: unknown, allowed: string, advice: string) => void;
}

export function problemCollector(naming: Naming): ProblemCollector {
  const problems: Problem[] = [];
  return {
    problems,
    check: (field, value, c) => {
      const failure = c(value);
      if (failure) problems.push({ key: naming.key(field), value, allowed: failure.allowed, fix: naming.fix(field, failure.fix) });
    },
    fail: (fields, value, allowed, advice) => {
      problems.push({ key: fields.map(naming.key).join(" and "), value, allowed, fix: naming.fix(fields[0] ?? "", advice) });
    },
  };
}
