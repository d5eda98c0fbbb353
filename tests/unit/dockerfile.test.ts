import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { dockerfileFacts } from "../../settings/dockerfile";
import { ROOT } from "./stack-config";

describe("Dockerfile facts", () => {
  it("reads app/Dockerfile: no stage names, BASE_IMAGE declared without a default", () => {
    assert.deepEqual(dockerfileFacts(fs.readFileSync(path.join(ROOT, "app", "Dockerfile"), "utf8")), {
      stages: [],
      globalArgsWithoutDefault: ["BASE_IMAGE"],
    });
  });

  it("finds stages past flags, joined lines and comments, lower-cased; only ARGs before the first FROM count", () => {
    const text = [
      "# check=skip=all",
      "ARG A B=2 \\",
      "    C",
      "FROM \\",
      "  --platform=$BUILDPLATFORM base:1 aS Deps",
      "ARG LATE",
      "# a comment",
      "from deps as Final",
      "FROM scratch",
    ].join("\n");
    assert.deepEqual(dockerfileFacts(text), { stages: ["deps", "final"], globalArgsWithoutDefault: ["A", "C"] });
  });

  it("finds nothing in an empty file", () => {
    assert.deepEqual(dockerfileFacts(""), { stages: [], globalArgsWithoutDefault: [] });
  });
});
