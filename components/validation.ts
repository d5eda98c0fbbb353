import * as pulumi from "@pulumi/pulumi";

/**
 * One thing wrong with one input. Every message tagship prints for bad input is built from these four
 * parts, so that each names the key, shows the value, says what is allowed and how to fix it.
 */
export interface Problem {
  /** The config key or argument that is wrong, e.g. `tagship:replicas` or `WorkloadArgs.replicas`. */
  readonly key: string;
  /** The value as given (printed with JSON quoting so that empty strings and spaces show). */
  readonly value: unknown;
  /** What values are allowed. */
  readonly allowed: string;
  /** How to fix it: a command or a concrete change. */
  readonly fix: string;
}

/** Formats one problem as a single readable line. */
export function formatProblem(p: Problem): string {
  return `${p.key} = ${showValue(p.value)}: allowed ${p.allowed}. Fix: ${p.fix}`;
}

function showValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  return JSON.stringify(value);
}

/** Thrown once with every problem found, before any resource is registered. */
export class ValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `${subject}: ${problems.length} problem${problems.length === 1 ? "" : "s"} found, nothing was changed:\n` +
        problems.map((p, i) => `  ${i + 1}. ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ValidationError";
  }
}

/** Throws a ValidationError if there is any problem. */
export function throwIfAny(subject: string, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ValidationError(subject, problems);
}

/**
 * A check of one value: returns undefined when the value is fine, or what is allowed and how to fix it.
 * Checks are pure so that config parsing and component arguments share them.
 */
export type Check<T> = (value: T) => { allowed: string; fix: string } | undefined;

/** Checks a plain value and records its problem, if any. */
export function checkValue<T>(value: T, key: string, check: Check<T>, problems: Problem[]): void {
  const failure = check(value);
  if (failure) problems.push({ key, value, ...failure });
}

/** An input to validate: a plain value now, or an Output when it resolves. */
export interface InputCheck<T> {
  readonly input: pulumi.Input<T>;
  /** The name printed in the problem, e.g. `WorkloadArgs.image`. */
  readonly key: string;
  // Method syntax on purpose: checks of different value types then fit in one list.
  check(value: T): ReturnType<Check<T>>;
}

/**
 * Checks the inputs that are plain values, so that a component can report them with its other problems
 * before it registers anything. Outputs are left to `validatedOutput`.
 */
export function plainInputProblems(checks: readonly InputCheck<unknown>[]): Problem[] {
  const problems: Problem[] = [];
  for (const c of checks) {
    if (!pulumi.Output.isInstance(c.input) && !isPromiseLike(c.input)) checkValue(c.input, c.key, (v) => c.check(v), problems);
  }
  return problems;
}

/**
 * The input as an Output that is checked when it resolves. A delayed value that fails rejects with a
 * ResourceError tied to `resource`, so every resource consuming it fails to register rather than being
 * created with a bad value. Values unknown during preview are not checked (apply does not run on them).
 */
export function validatedOutput<T>(c: InputCheck<T>, resource: pulumi.Resource): pulumi.Output<T> {
  if (!pulumi.Output.isInstance(c.input) && !isPromiseLike(c.input)) return pulumi.output(c.input) as unknown as pulumi.Output<T>;
  return pulumi.output(c.input).apply((value) => {
    const failure = c.check(value as T);
    if (failure) throw new pulumi.ResourceError(formatProblem({ key: c.key, value, ...failure }), resource);
    return value;
  }) as unknown as pulumi.Output<T>;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === "function";
}
