// The bound on a gitops release's wait that `tagship --timeout` hands the program through the environment.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { releaseTimeoutSeconds } from "../../config";
import { RELEASE_TIMEOUT_VARIABLE } from "../../gitops/protocol";

describe("releaseTimeoutSeconds", () => {
  it("is absent for a plain `pulumi up`, and the command's whole seconds otherwise", () => {
    assert.equal(releaseTimeoutSeconds({}), undefined);
    assert.equal(releaseTimeoutSeconds({ [RELEASE_TIMEOUT_VARIABLE]: "" }), undefined);
    assert.equal(releaseTimeoutSeconds({ [RELEASE_TIMEOUT_VARIABLE]: "240" }), 240);
  });
  it("refuses anything else, naming the variable, the value and what is allowed", () => {
    for (const bad of ["0", "-1", "2.5", "soon", "86401"]) {
      assert.throws(
        () => releaseTimeoutSeconds({ [RELEASE_TIMEOUT_VARIABLE]: bad }),
        new RegExp(`${RELEASE_TIMEOUT_VARIABLE} = "${bad.replace(".", "\\.")}": allowed a whole number of seconds from 1 to 86400`),
      );
    }
  });
});
