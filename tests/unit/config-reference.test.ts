// One table of config keys, three places: settings/keys.ts (the program), Pulumi.yaml (the CLI) and
// docs/configuration.md (the user). This keeps them from drifting apart.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CONFIG_KEYS, type ConfigKey } from "../../settings/keys";
import { projectFile, ROOT } from "./stack-config";

const keys = CONFIG_KEYS as Record<string, ConfigKey>;

/** Rows of the config reference in docs/configuration.md: | `key` | type | default | description | (columns padded by Prettier). */
function docsRows(): Map<string, { type: string; default: string; description: string }> {
  const doc = fs.readFileSync(path.join(ROOT, "docs", "configuration.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Reference"));
  const rows = new Map<string, { type: string; default: string; description: string }>();
  for (const line of section.split("\n")) {
    const m = /^\|\s*`([A-Za-z]+)`\s*\|\s*(\w+)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|$/.exec(line);
    if (m) rows.set(m[1] as string, { type: m[2] as string, default: m[3] as string, description: m[4] as string });
  }
  return rows;
}

function docsDefault(k: ConfigKey): string {
  if (k.default === undefined) return "(required)";
  if (k.default === "") return '""';
  return `\`${String(k.default)}\``;
}

describe("config reference", () => {
  it("Pulumi.yaml declares exactly the keys the program reads, with the same type, default and description", () => {
    const project = projectFile();
    assert.equal(project.name, "tagship");
    assert.deepEqual(Object.keys(project.config).sort(), Object.keys(keys).sort());
    for (const [name, k] of Object.entries(keys)) {
      const declared = project.config[name];
      assert.ok(declared, name);
      if (k.secret) {
        assert.equal(declared.secret, true, `${name} is marked secret`);
      } else if (k.type === "object" || k.type === "list") {
        // Structured keys are declared without a type: Pulumi's has no object type, and its array type would
        // refuse the empty default that stands for "not set".
        assert.equal(declared.type, undefined, `${name} declares no type`);
      } else {
        assert.equal(declared.type, k.type, `${name} type`);
      }
      assert.equal(declared.default, k.default, `${name} default`);
      assert.equal(declared.description, k.description, `${name} description`);
    }
  });

  it("docs/configuration.md's reference lists every key with its type, default and description", () => {
    const rows = docsRows();
    assert.deepEqual([...rows.keys()].sort(), Object.keys(keys).sort());
    for (const [name, k] of Object.entries(keys)) {
      const row = rows.get(name);
      assert.ok(row, name);
      assert.equal(row.type, k.secret ? "secret" : k.type, `${name} type`);
      assert.equal(row.default, docsDefault(k), `${name} default`);
      assert.equal(row.description, k.description.replace(/\|/g, "\\|"), `${name} description`);
    }
  });

  it("every stack file sets only declared keys", () => {
    for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))) {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      for (const m of text.matchAll(/^\s+tagship:(\w+):/gm)) assert.ok(Object.hasOwn(keys, m[1] as string), `${file}: ${m[1]}`);
    }
  });
});
