import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { engineEvents, phaseTable, PhaseClock, splitByBatches, type Phase } from "../../cli/release/phases";

const total = (phases: readonly Phase[]) => phases.reduce((s, p) => s + p.seconds, 0);

/** An engine event of the kind onEvent receives, for the fields engineEvents reads. */
function step(
  kind: "resourcePreEvent" | "resOutputsEvent" | "resOpFailedEvent",
  type: string,
  op: string,
  name: string,
  provider = "default",
): EngineEvent {
  const metadata = {
    type,
    op,
    urn: `urn:pulumi:dev::tagship::${type}::${name}`,
    provider: `urn:pulumi:dev::tagship::pulumi:providers:x::${provider}::id`,
  };
  return {
    sequence: 0,
    timestamp: 0,
    [kind]: kind === "resOpFailedEvent" ? { metadata, status: 1, steps: 0 } : { metadata },
  };
}

describe("release phases", () => {
  it("are contiguous: each mark ends the last phase, so they add up to the wall time", () => {
    const clock = new PhaseClock(1_000, "start");
    clock.mark("engine", 2_500);
    clock.mark("engine", 3_000); // the same phase again continues it
    clock.mark("build", 4_000);
    const phases = clock.finish(9_250);
    assert.deepEqual(phases, [
      { name: "start", at: 0, seconds: 1.5 },
      { name: "engine", at: 1.5, seconds: 1.5 },
      { name: "build", at: 3, seconds: 5.25 },
    ]);
    assert.equal(total(phases), 8.25);
  });

  it("follow the engine: its start, the program, each tracked operation and the engine's work between", () => {
    const clock = new PhaseClock(Date.now(), "start");
    const on = engineEvents(clock);
    const seen: string[] = [];
    const feed = (e: EngineEvent) => {
      on(e);
      seen.push(clock.current);
    };
    feed({ sequence: 0, timestamp: 0, preludeEvent: { config: {} } });
    feed(step("resourcePreEvent", "kubernetes:core/v1:Namespace", "same", "ns"));
    feed(step("resourcePreEvent", "docker-build:index:Image", "update", "image"));
    feed(step("resOutputsEvent", "docker-build:index:Image", "update", "image"));
    feed(step("resourcePreEvent", "kubernetes:apps/v1:Deployment", "same", "app")); // unchanged: no phase
    feed(step("resourcePreEvent", "kubernetes:apps/v1:Deployment", "update", "web"));
    feed(step("resOutputsEvent", "kubernetes:apps/v1:Deployment", "update", "web")); // applied: the program's wait follows
    feed(step("resourcePreEvent", "kubernetes:core/v1:Service", "update", "svc"));
    feed(step("resOutputsEvent", "pulumi:pulumi:Stack", "same", "tagship-dev")); // the wait is over
    feed(step("resourcePreEvent", "kubernetes:apps/v1:Deployment", "update", "web2"));
    feed(step("resOpFailedEvent", "kubernetes:apps/v1:Deployment", "update", "web2"));
    feed(step("resourcePreEvent", "kubernetes:apps/v1:Deployment", "update", "rendered", "render"));
    feed(step("resOutputsEvent", "kubernetes:apps/v1:Deployment", "update", "rendered", "render"));
    feed({ sequence: 0, timestamp: 0, summaryEvent: {} } as unknown as EngineEvent);
    assert.deepEqual(seen, [
      "run the program and plan",
      "run the program and plan",
      "build and push the image",
      "engine: other resources, outputs",
      "engine: other resources, outputs",
      "apply the Deployment and roll out",
      "apply the Deployment and roll out",
      "apply the Deployment and roll out",
      "engine: other resources, outputs",
      "apply the Deployment and roll out",
      "engine: other resources, outputs",
      "render the manifests",
      "engine: other resources, outputs",
      "engine: finish the update",
    ]);
  });

  it("split at each batch of new pods ready, in whichever phase it fell, still adding up", () => {
    const phases: Phase[] = [
      { name: "Argo CD syncs", at: 0, seconds: 2 },
      { name: "apply the Deployment and roll out", at: 2, seconds: 10 },
      { name: "record the good release", at: 12, seconds: 1 },
    ];
    const split = splitByBatches(phases, [
      { t: 1, count: 1 }, // a sync that waits for the Deployment's health holds the first batch
      { t: 5, count: 2 },
      { t: 8.5, count: 3 },
    ]);
    assert.deepEqual(
      split.map((p) => [p.name, p.at, p.seconds]),
      [
        ["Argo CD syncs: until 1 new ready", 0, 1],
        ["Argo CD syncs: after 1 new ready", 1, 1],
        ["apply the Deployment and roll out: until 2 new ready", 2, 3],
        ["apply the Deployment and roll out: until 3 new ready", 5, 3.5],
        ["apply the Deployment and roll out: after 3 new ready", 8.5, 3.5],
        ["record the good release", 12, 1],
      ],
    );
    assert.equal(total(split), total(phases));
  });

  it("print as a table whose total is their sum", () => {
    const table = phaseTable(
      [
        { name: "start", at: 0, seconds: 1.25 },
        { name: "build and push the image", at: 1.25, seconds: 4 },
      ],
      "phases of the release of dev (live, version 1.0.0)",
    );
    assert.equal(
      table,
      [
        "phases of the release of dev (live, version 1.0.0), 5.3 s in all:",
        "  start                       1.3 s",
        "  build and push the image    4.0 s",
      ].join("\n"),
    );
  });
});
