// The lab's published passphrase stays on the lab: which stacks it refuses, how a stack's provider is read, and the
// check of a salt against it. The real engine refuses such a stack in tests/integration/secrets-provider.test.ts.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { parse } from "yaml";
import { productionSecretsNotPublished, underPublishedPassphrase } from "../../policy/secrets";
import {
  newStacksUsePassphrase,
  passphraseInEffect,
  PUBLISHED_PASSPHRASE,
  publishedPassphraseOpens,
  publishedPassphraseProblem,
  stackSecretsProvider,
} from "../../settings/secrets-provider";
import { ROOT } from "./stack-config";

/** The dev stack's salt, made by `pulumi stack init` under the published passphrase. */
const DEV_SALT = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { encryptionsalt: string }).encryptionsalt;
/** A salt `pulumi stack init` (v3.260.0) made under another passphrase, "not-the-lab". */
const OTHER_SALT = "v1:xeEdqsruBjE=:v1:Xv/lI4e/Yfi6RULu:CPQ7YikiFX5+rGOOWaMhffmxojAQlA==";

const use = (stack: string, over: Partial<Parameters<typeof publishedPassphraseProblem>[0]> = {}) =>
  publishedPassphraseProblem({ stack, provider: "passphrase", noneMeansPassphrase: false, passphrase: PUBLISHED_PASSPHRASE, ...over });

describe("the published passphrase", () => {
  it("is the one toolchain/env.sh sets", () => {
    const envSh = fs.readFileSync(path.join(ROOT, "toolchain", "env.sh"), "utf8");
    assert.match(envSh, new RegExp(`export PULUMI_CONFIG_PASSPHRASE="${PUBLISHED_PASSPHRASE}"`));
  });

  it("is refused for every stack but dev, naming the stack, where it came from and the ways out", () => {
    assert.equal(use("dev"), undefined);
    const problem = use("prod") ?? "";
    assert.match(problem, /^stack prod: its secrets would be encrypted with the lab's published passphrase/);
    assert.match(problem, /PULUMI_CONFIG_PASSPHRASE="tagship-lab"/);
    assert.match(problem, /toolchain\/env\.sh/);
    assert.match(problem, /PULUMI_CONFIG_PASSPHRASE_FILE/);
    assert.match(problem, /change-secrets-provider/);
    assert.ok(use("staging"));
  });

  it("is not a concern under another passphrase or another provider", () => {
    assert.equal(use("prod", { passphrase: "a team's own" }), undefined);
    assert.equal(use("prod", { passphrase: undefined }), undefined);
    assert.equal(use("prod", { provider: "other" }), undefined);
  });

  it("for a stack being created, counts when the backend gives new stacks the passphrase provider", () => {
    assert.ok(use("prod", { provider: "none", noneMeansPassphrase: true }));
    assert.equal(use("prod", { provider: "none", noneMeansPassphrase: false }), undefined);
    assert.equal(newStacksUsePassphrase({ PULUMI_BACKEND_URL: "file:///srv/state" }), true);
    assert.equal(newStacksUsePassphrase({ PULUMI_BACKEND_URL: "s3://team-state?region=eu-west-1" }), true);
    assert.equal(newStacksUsePassphrase({ PULUMI_BACKEND_URL: "https://api.pulumi.com" }), false);
    assert.equal(newStacksUsePassphrase({}), false);
  });
});

describe("a stack's secrets provider and passphrase", () => {
  it("reads the provider from the stack's settings file", () => {
    assert.equal(stackSecretsProvider(`encryptionsalt: ${DEV_SALT}\n`), "passphrase");
    assert.equal(stackSecretsProvider("secretsprovider: passphrase\n"), "passphrase");
    assert.equal(stackSecretsProvider("secretsprovider: awskms://alias/team\nencryptedkey: abc\n"), "other");
    assert.equal(stackSecretsProvider("config:\n  tagship:imageTag: 1.0.0\n"), "none");
    assert.equal(stackSecretsProvider(undefined), "none");
  });

  it("takes the passphrase from PULUMI_CONFIG_PASSPHRASE, else from the file PULUMI_CONFIG_PASSPHRASE_FILE names", () => {
    const files: Record<string, string> = { "/run/pass": "from a file\n" };
    const read = (f: string) => files[f];
    assert.equal(passphraseInEffect({ PULUMI_CONFIG_PASSPHRASE: "x", PULUMI_CONFIG_PASSPHRASE_FILE: "/run/pass" }, read), "x");
    assert.equal(passphraseInEffect({ PULUMI_CONFIG_PASSPHRASE_FILE: "/run/pass" }, read), "from a file");
    assert.equal(passphraseInEffect({ PULUMI_CONFIG_PASSPHRASE_FILE: "/run/none" }, read), undefined);
    assert.equal(passphraseInEffect({}, read), undefined);
  });

  it("tells a salt of the published passphrase from any other, from the salt alone", () => {
    assert.equal(publishedPassphraseOpens(DEV_SALT), true);
    assert.equal(publishedPassphraseOpens(OTHER_SALT), false);
    // The sealed message's first character changed: its authentication fails.
    const parts = DEV_SALT.split(":");
    const sealed = parts[4] ?? "";
    parts[4] = `${sealed.startsWith("A") ? "B" : "A"}${sealed.slice(1)}`;
    assert.equal(publishedPassphraseOpens(parts.join(":")), false);
    assert.equal(publishedPassphraseOpens("not a salt"), false);
  });
});

describe("policy: production secrets not under the published passphrase", () => {
  function project(stacks: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-secrets-"));
    for (const [name, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
    return dir;
  }

  it("knows a stack file by its salt", () => {
    const dir = project({ a: `encryptionsalt: ${DEV_SALT}\n`, b: `encryptionsalt: ${OTHER_SALT}\n`, c: "config: {}\n" });
    try {
      assert.equal(underPublishedPassphrase("a", dir), true);
      assert.equal(underPublishedPassphrase("b", dir), false);
      assert.equal(underPublishedPassphrase("c", dir), false);
      assert.equal(underPublishedPassphrase("missing", dir), false);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("passes the project's own stacks (dev is not production)", () => {
    const found: string[] = [];
    const args = { resources: [{ urn: "urn:pulumi:dev::tagship::pulumi:pulumi:Stack::tagship-dev" } as PolicyResource] };
    void productionSecretsNotPublished.validateStack(args as StackValidationArgs, (m: string) => found.push(m));
    assert.deepEqual(found, []);
  });
});
