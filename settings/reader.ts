import * as rules from "../components/rules";
import type { Check, Problem } from "../components/validation";
import { configKey, qualified, type ConfigKeyName, type KeyOfType } from "./keys";
import { fixWithSetCommand, setCommand } from "./config-naming";

/**
 * Reads a stack's plain config values as the key table declares them, and collects every problem found on
 * the way instead of stopping at the first, so that one run lists them all. A value that fails to read is
 * reported once, here; the stand-in returned for it (NaN, false, undefined) keeps later checks quiet.
 */
export interface ConfigReader {
  /** Every problem recorded so far, in the order found. */
  readonly problems: readonly Problem[];
  /** Records a problem with a key: its value, what is allowed and how to fix it. */
  report(key: string, value: unknown, allowed: string, fix: string): void;
  /** Records problems that are already named, such as the Workload's rules report through configNaming. */
  reportAll(problems: readonly Problem[]): void;
  /** Checks a key's value with a shared rule; false, with the problem recorded, when the rule fails. */
  check<T>(key: ConfigKeyName, value: T, rule: Check<T>): boolean;
  /** The value as set, else the key's default as text; "" for a required key that is not set. */
  text(key: ConfigKeyName): string;
  /**
   * Where a value comes from: the stack's own key, a service's own field (a service's reader), or neither (the
   * default). What one service sets outranks what it inherits.
   */
  origin(key: ConfigKeyName): "stack" | "service" | "unset";
  /** The text, or undefined when it is empty: for keys whose empty value means "derive it" (`?? derived`). */
  optional(key: ConfigKeyName): string | undefined;
  /** The trimmed text; undefined, with the problem recorded, when it is empty. `why` says what needs the key. */
  required(key: ConfigKeyName, why: string): string | undefined;
  /** The value as an integer; NaN, with the problem recorded, when it is not one. */
  integer(key: KeyOfType<"integer">): number;
  /** The value as a boolean; false, with the problem recorded, when it is neither true nor false. */
  boolean(key: KeyOfType<"boolean">): boolean;
  /** The value as an integer or a percentage (maxSurge, maxUnavailable); undefined, with the problem recorded, when it is neither. */
  intOrPercent(key: KeyOfType<"string">): rules.IntOrPercent | undefined;
}

/** A reader of the plain values of ConfigSource.values. */
export function configReader(values: ReadonlyMap<string, string>): ConfigReader {
  const problems: Problem[] = [];
  const report = (key: string, value: unknown, allowed: string, fix: string): void => {
    problems.push({ key: qualified(key), value, allowed, fix });
  };
  const check = <T>(key: ConfigKeyName, value: T, rule: Check<T>): boolean => {
    const failure = rule(value);
    if (failure) report(key, value, failure.allowed, fixWithSetCommand(key, failure.fix));
    return !failure;
  };
  const text = (key: ConfigKeyName): string => {
    const fallback = configKey(key).default;
    return values.get(key) ?? (fallback === undefined ? "" : String(fallback));
  };
  return {
    problems,
    report,
    reportAll: (found) => {
      problems.push(...found);
    },
    check,
    text,
    origin: (key) => ((values.get(key) ?? "") === "" ? "unset" : "stack"),
    optional: (key) => {
      const v = text(key);
      return v === "" ? undefined : v;
    },
    required: (key, why) => {
      const v = text(key).trim();
      if (v) return v;
      report(key, values.get(key), `a non-empty value (${why})`, `run \`${setCommand(key)}\``);
      return undefined;
    },
    integer: (key) => {
      const v = text(key);
      if (/^-?[0-9]+$/.test(v.trim())) return Number(v.trim());
      report(key, v, "an integer", `run \`${setCommand(key)}\``);
      return Number.NaN;
    },
    boolean: (key) => {
      const v = text(key);
      if (v === "true" || v === "false") return v === "true";
      report(key, v, "true or false", `run \`pulumi config set ${qualified(key)} false\` (or true)`);
      return false;
    },
    intOrPercent: (key) => {
      const v = text(key);
      const parsed = rules.parseIntOrPercent(v.trim());
      if (parsed === undefined) check(key, v, rules.intOrPercent);
      return parsed;
    },
  };
}

/** Whether an integer the reader returned parsed: NaN stands for one that did not, and is already reported. */
export function isParsed(n: number): boolean {
  return !Number.isNaN(n);
}
