/**
 * Pulumi mocks that record every resource the program registers, so tests can assert exact inputs by
 * type and name, and the provider each resource is bound to.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { Workload, type WorkloadArgs } from "../../components/workload";

export interface Recorded {
  readonly type: string;
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- resource inputs are untyped at this boundary
  readonly inputs: Record<string, any>;
  /** The provider reference, `urn::id`, when one was given. */
  readonly provider?: string;
}

export const recorded: Recorded[] = [];

/** A fake digest that differs per tag, as a real build's would. */
export function fakeDigest(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

let mocked: string | undefined;

/**
 * Installs the recording mocks for a stack and forgets what was recorded. The mock monitor is replaced only
 * when the stack changes: replacing it under a component still registering would lose that component.
 */
export async function useMocks(stack = "dev", project = "tagship", preview = false): Promise<void> {
  await settle();
  recorded.length = 0;
  if (mocked === `${project}/${stack}/${preview}`) return;
  mocked = `${project}/${stack}/${preview}`;
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "docker-build:index:Image") {
          // In a preview that skips the build, docker-build reports an empty digest.
          state.digest = preview ? "" : fakeDigest(JSON.stringify(args.inputs.tags));
        }
        return { id: `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return args.inputs as Record<string, unknown>;
      },
    },
    project,
    stack,
    preview,
  );
}

/** The value of an Output, once resolved. */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    pulumi.output(output).apply((v) => resolve(v as T));
    // An apply that throws (validation of a delayed value) rejects through the output's promise.
    (pulumi.output(output) as unknown as { promise(): Promise<unknown> }).promise().catch(reject);
  });
}

/** Waits until the recorded resources stop changing: every pending registration has reached the mocks. */
export async function settle(): Promise<void> {
  let last = -1;
  while (last !== recorded.length) {
    last = recorded.length;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function find(type: string, name?: string): Recorded {
  const hits = recorded.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (hits.length !== 1) {
    throw new Error(
      `expected one ${type}${name ? ` named ${name}` : ""}, found ${hits.length}: ${recorded.map((r) => `${r.type}/${r.name}`).join(", ")}`,
    );
  }
  return hits[0] as Recorded;
}

export function findAll(type: string): Recorded[] {
  return recorded.filter((r) => r.type === type);
}

/**
 * Collects the errors of registrations that fail after the program has run, as a delayed Output that fails
 * validation does. The Pulumi runtime reports them as unhandled rejections, which is what ends a real
 * `pulumi up`; here they are gathered so that a test can assert on them.
 */
export function collectLateFailures(): { readonly errors: readonly string[] } {
  const errors: string[] = [];
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason) => errors.push(reason instanceof Error ? reason.message : String(reason)));
  return { errors };
}

/** A Workload made under the mocks, once its children have registered. */
export async function deployWorkload(args: WorkloadArgs, name: string): Promise<Workload> {
  const w = new Workload(name, args);
  await valueOf(w.deploymentName);
  await settle();
  return w;
}
