// Image references as the distribution grammar reads them, and where a promotion's target pulls from.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { pullRepository, registryLogins } from "../../cli/release/copy-image";
import { registryHost, repositoryOf, repositoryPath } from "../../components/image/reference";

const D = `sha256:${"ab".repeat(32)}`;

describe("image references", () => {
  it("reads host, repository and path, with or without a host, tag or digest", () => {
    const cases: [string, string, string, string][] = [
      [`127.0.0.1:5000/tagship/hello@${D}`, "127.0.0.1:5000", "127.0.0.1:5000/tagship/hello", "tagship/hello"],
      ["registry.example.com/team/api:1.2.0", "registry.example.com", "registry.example.com/team/api", "team/api"],
      ["localhost/web:1", "localhost", "localhost/web", "web"],
      [`library/nginx@${D}`, "docker.io", "library/nginx", "library/nginx"],
      ["nginx:1.27", "docker.io", "nginx", "nginx"],
      ["127.0.0.1:5002/x", "127.0.0.1:5002", "127.0.0.1:5002/x", "x"],
    ];
    for (const [ref, host, repository, path] of cases) {
      assert.deepEqual([registryHost(ref), repositoryOf(ref), repositoryPath(ref)], [host, repository, path], ref);
    }
  });
});

describe("a promotion's target", () => {
  const config = (values: Record<string, string>): ConfigMap =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [`tagship:${k}`, { value: v, secret: k === "registryPassword" }]));
  const source = "127.0.0.1:5000/tagship/hello";

  it("pulls from its own registry (the service's, else the stack's), at its imageName or the source's path", () => {
    assert.equal(pullRepository(config({}), "hello", source), undefined);
    assert.equal(pullRepository(config({ registry: "127.0.0.1:5002" }), "hello", source), "127.0.0.1:5002/tagship/hello");
    assert.equal(
      pullRepository(config({ registry: "r.example.com", imageName: "prod/hello" }), "hello", source),
      "r.example.com/prod/hello",
    );
    const services = JSON.stringify({ api: { registry: "api.example.com" }, hello: {} });
    assert.equal(pullRepository(config({ registry: "r.example.com", services }), "api", source), "api.example.com/tagship/hello");
    assert.equal(pullRepository(config({ registry: "r.example.com", services }), "hello", source), "r.example.com/tagship/hello");
  });

  it("logs in to its registry only with a user name and a password", () => {
    assert.deepEqual(registryLogins(config({ registry: "127.0.0.1:5002", registryUsername: "u" })), {});
    assert.deepEqual(registryLogins(config({ registry: "127.0.0.1:5002", registryUsername: "u", registryPassword: "p" })), {
      "127.0.0.1:5002": { username: "u", password: "p" },
    });
  });
});
