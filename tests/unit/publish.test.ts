// A gitops release's commit, with real git on scratch repositories: made on the remote branch's tip from the
// rendered files alone, whatever the user's checkout holds; rebuilt on the new tip when another push wins a race.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { carriesRelease, publish, type Publication } from "../../gitops/publish";

const RENDERED = ["1-manifest/deployment.yaml", "1-manifest/service.yaml"];
const IDENTITY_VARS = ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"];

describe("publish", () => {
  let root = "";
  let remote = "";
  let checkout = "";
  let render = "";
  const saved: Record<string, string | undefined> = {};
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: "pipe" }).trim();
  const onRemote = (...args: string[]) => git(remote, ...args);
  const write = (dir: string, files: Record<string, string>) => {
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
  };
  const release = (over: Partial<Publication> = {}): Publication => ({
    repoUrl: remote,
    branch: "main",
    repoPath: "deploy/dev",
    content: { directory: render, files: RENDERED },
    message: "release dev 1.2.0\n\nweb 1.2.0 registry/web@sha256:ab",
    ...over,
  });

  beforeEach(() => {
    // A colleague's machine: no identity in the environment or the global config; the checkout's own is the user's.
    for (const v of IDENTITY_VARS) {
      saved[v] = process.env[v];
      delete process.env[v];
    }
    saved.GIT_CONFIG_GLOBAL = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = "/dev/null";
    root = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-publish-test-"));
    remote = path.join(root, "remote.git");
    checkout = path.join(root, "checkout");
    render = path.join(root, "render");
    git(root, "init", "-q", "--bare", "--initial-branch=main", remote);
    git(root, "init", "-q", "--initial-branch=main", checkout);
    git(checkout, "config", "user.name", "Ada Lovelace");
    git(checkout, "config", "user.email", "ada@example.com");
    write(checkout, { "README.md": "the service\n", "deploy/prod/web.yaml": "prod: 1.0.0\n", "deploy/dev/old.yaml": "gone soon\n" });
    git(checkout, "add", "-A");
    git(checkout, "commit", "-qm", "start");
    git(checkout, "push", "-q", remote, "HEAD:refs/heads/main");
    write(render, { "1-manifest/deployment.yaml": "image: web@sha256:ab\n", "1-manifest/service.yaml": "port: 80\n" });
  });
  afterEach(() => {
    for (const [v, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[v];
      else process.env[v] = value;
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("from a feature branch with an unpushed commit: the branch gains one commit, only the stack's directory, as the user", async () => {
    const before = onRemote("rev-parse", "main");
    git(checkout, "checkout", "-q", "-b", "feature");
    write(checkout, { "README.md": "an unreviewed change\n" });
    git(checkout, "commit", "-qam", "unreviewed");
    write(checkout, { "scratch.txt": "uncommitted\n" });
    const head = git(checkout, "rev-parse", "HEAD");
    const status = git(checkout, "status", "--porcelain");

    const done = await publish(checkout, release());

    assert.deepEqual([done.changed, done.attempts], [true, 1]);
    assert.equal(onRemote("rev-parse", "main"), done.commit);
    assert.equal(onRemote("rev-list", "--count", `${before}..main`), "1");
    assert.equal(onRemote("rev-parse", `${done.commit}^`), before);
    assert.deepEqual(onRemote("diff", "--name-status", before, "main").split("\n"), [
      "A\tdeploy/dev/1-manifest/deployment.yaml",
      "A\tdeploy/dev/1-manifest/service.yaml",
      "D\tdeploy/dev/old.yaml",
    ]);
    assert.equal(onRemote("show", "main:deploy/dev/1-manifest/deployment.yaml"), "image: web@sha256:ab");
    assert.equal(onRemote("show", "main:README.md"), "the service");
    assert.equal(
      onRemote("log", "-1", "--format=%an <%ae>|%cn <%ce>|%B", "main"),
      "Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>|release dev 1.2.0\n\nweb 1.2.0 registry/web@sha256:ab",
    );
    // The user's checkout is as it was: branch, commit, index and working tree; no ref of the release's is left.
    assert.deepEqual(
      [git(checkout, "branch", "--show-current"), git(checkout, "rev-parse", "HEAD"), git(checkout, "status", "--porcelain")],
      ["feature", head, status],
    );
    assert.equal(git(checkout, "for-each-ref", "refs/tagship"), "");
  });

  it("with nothing new, makes no commit; removing the directory commits its removal", async () => {
    const first = await publish(checkout, release());
    const again = await publish(checkout, release());
    assert.deepEqual([again.changed, again.commit], [false, first.commit]);

    const removed = await publish(checkout, release({ content: undefined, message: "remove deploy/dev" }));
    assert.equal(removed.changed, true);
    assert.equal(onRemote("ls-tree", "-r", "--name-only", "main"), "README.md\ndeploy/prod/web.yaml");
  });

  it("keeps a manifest this update did not render (its object unchanged), drops one whose object is gone", async () => {
    await publish(checkout, release());
    // A fresh checkout (a CI runner's): only the Deployment changed and was rendered; the Service is as it was.
    fs.rmSync(render, { recursive: true });
    write(render, { "1-manifest/deployment.yaml": "image: web@sha256:cd\n", "1-manifest/stale.yaml": "an old render\n" });
    const done = await publish(checkout, release({ content: { directory: render, files: RENDERED } }));
    assert.equal(done.changed, true);
    assert.equal(onRemote("ls-tree", "-r", "--name-only", "main", "deploy/dev"), RENDERED.map((f) => `deploy/dev/${f}`).join("\n"));
    assert.equal(onRemote("show", "main:deploy/dev/1-manifest/deployment.yaml"), "image: web@sha256:cd");
    assert.equal(onRemote("show", "main:deploy/dev/1-manifest/service.yaml"), "port: 80");

    // The Service removed from the stack: its file leaves the branch.
    const gone = await publish(checkout, release({ content: { directory: render, files: ["1-manifest/deployment.yaml"] } }));
    assert.equal(gone.changed, true);
    assert.equal(onRemote("ls-tree", "-r", "--name-only", "main", "deploy/dev"), "deploy/dev/1-manifest/deployment.yaml");

    // An object neither rendered now nor on the branch cannot be committed: said, with how to render it again.
    const before = onRemote("rev-parse", "main");
    await assert.rejects(
      publish(checkout, release()),
      /deploy\/dev\/1-manifest\/service\.yaml is on neither .* nor in .*: its object did not change, so this update did not render it.*pulumi up --target-replace/,
    );
    assert.equal(onRemote("rev-parse", "main"), before);
  });

  it("loses a race to another push, builds again on the new tip, and keeps the other push's change", async () => {
    // Another release lands between this one's fetch and its push: a pre-push hook pushes it, once.
    const other = path.join(root, "other");
    git(root, "clone", "-q", remote, other);
    write(other, { "deploy/prod/web.yaml": "prod: 1.1.0\n" });
    git(other, "-c", "user.name=Grace", "-c", "user.email=grace@example.com", "commit", "-qam", "release prod 1.1.0");
    const hook = path.join(checkout, ".git", "hooks", "pre-push");
    fs.writeFileSync(
      hook,
      `#!/bin/sh\n[ -e "${root}/raced" ] && exit 0\ntouch "${root}/raced"\ngit -C "${other}" push -q origin HEAD:main\n`,
      { mode: 0o755 },
    );
    const said: string[] = [];

    const done = await publish(checkout, release(), (line) => said.push(line));

    assert.equal(done.attempts, 2);
    assert.match(said.join("\n"), /moved while this release pushed \(attempt 1\)/);
    assert.equal(onRemote("log", "-2", "--format=%s", "main"), "release dev 1.2.0\nrelease prod 1.1.0");
    assert.equal(onRemote("show", "main:deploy/prod/web.yaml"), "prod: 1.1.0");
    assert.equal(onRemote("show", "main:deploy/dev/1-manifest/service.yaml"), "port: 80");
  });

  it("a later commit of the branch carries the release while the stack's directory is as the release left it", async () => {
    const mine = await publish(checkout, release());
    const theirs = await publish(checkout, release({ repoPath: "deploy/prod", message: "release prod 1.1.0" }));
    const where = { repoUrl: remote, branch: "main", repoPath: "deploy/dev" };
    assert.equal(carriesRelease(checkout, where, mine.commit, mine.commit), true);
    assert.equal(carriesRelease(checkout, where, mine.commit, theirs.commit), true);
    write(render, { "1-manifest/deployment.yaml": "image: web@sha256:ef\n" });
    const next = await publish(checkout, release({ message: "release dev 1.3.0" }));
    assert.equal(carriesRelease(checkout, where, mine.commit, next.commit), false, "a later release of the same stack");
    assert.equal(carriesRelease(checkout, where, theirs.commit, mine.commit), false, "an earlier commit");
    assert.equal(carriesRelease(checkout, where, mine.commit, "0".repeat(40)), false, "a commit the branch never had");
  });

  it("makes the first commit of a repository with no branch yet, and nothing to remove from one", async () => {
    const empty = path.join(root, "config.git");
    git(root, "init", "-q", "--bare", "--initial-branch=trunk", empty);
    assert.deepEqual(await publish(checkout, release({ repoUrl: empty, content: undefined })), { commit: "", changed: false, attempts: 1 });
    const done = await publish(checkout, release({ repoUrl: empty }));
    assert.equal(git(empty, "rev-list", "--count", "main"), "1");
    assert.equal(
      git(empty, "ls-tree", "-r", "--name-only", done.commit),
      "deploy/dev/1-manifest/deployment.yaml\ndeploy/dev/1-manifest/service.yaml",
    );
  });

  it("stops before any commit without a git identity, or without the branch, saying how to fix it", async () => {
    const before = onRemote("rev-parse", "main");
    git(checkout, "config", "--unset", "user.email");
    await assert.rejects(
      publish(checkout, release()),
      /git has no identity here: set `git config user.name` and `git config user.email`, or, on a CI runner, GIT_AUTHOR_NAME/,
    );
    process.env.GIT_AUTHOR_EMAIL = process.env.GIT_COMMITTER_EMAIL = "ci@example.com";
    process.env.GIT_AUTHOR_NAME = process.env.GIT_COMMITTER_NAME = "CI";
    await assert.rejects(
      publish(checkout, release({ branch: "mian" })),
      /fetching branch mian of .*remote\.git failed .*: the branch Argo CD tracks must exist there/,
    );
    assert.equal(onRemote("rev-parse", "main"), before);
    const done = await publish(checkout, release());
    assert.equal(onRemote("log", "-1", "--format=%an <%ae>", "main"), "CI <ci@example.com>");
    assert.equal(done.changed, true);
  });
});
