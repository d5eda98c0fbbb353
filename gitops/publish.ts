/**
 * A gitops release's commit, made on the tracked branch as the remote has it now, never from the user's HEAD:
 * the branch's tip is fetched, a commit is built on it whose only change is the stack's directory (replaced by
 * the rendered files, or removed), and that commit is pushed. The user's branch, index and working tree are not
 * touched, so a release run from a feature branch carries none of its unpushed commits; only git's plumbing
 * is used, in the user's repository, so its remotes' credentials and settings (a CI runner's token, say) apply.
 * A push that loses a race with another release to the same branch is built again on the new tip and retried.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface Publication {
  /** Where Argo CD reads: the repository URL (or path) and branch. */
  readonly repoUrl: string;
  readonly branch: string;
  /** The directory in the repository that the commit replaces, e.g. deploy/dev; nothing outside it changes. */
  readonly repoPath: string;
  /** What `repoPath` holds after the commit; undefined removes it from the branch. */
  readonly content?: RenderedContent;
  /** The commit message: a subject line, then a body. */
  readonly message: string;
}

/**
 * The stack's manifests as this update left them. The render provider writes a file only when its object changed,
 * so a fresh checkout (a CI runner's) holds only those: a file of `files` missing locally is kept as the branch has
 * it, and a file on the branch that is not in `files` (its object is gone) is removed.
 */
export interface RenderedContent {
  /** The local directory the workload is rendered to. */
  readonly directory: string;
  /** Every manifest of the stack's current objects, relative to `directory` (and to `repoPath`), with / separators. */
  readonly files: readonly string[];
}

export interface Published {
  /** The branch's tip after the push: the new commit, or the tip as it was when nothing changed. */
  readonly commit: string;
  readonly changed: boolean;
  /** Pushes tried: more than 1 when another push to the branch won a race. */
  readonly attempts: number;
}

/** Pushes tried before giving up on a branch others keep moving. */
export const PUBLISH_ATTEMPTS = 5;

/** Publishes `p` from the repository at `cwd` (any of its directories); `log` is told of each lost race. */
export async function publish(cwd: string, p: Publication, log: (line: string) => void = () => undefined): Promise<Published> {
  const git = gitIn(cwd);
  authorOrThrow(git);
  for (let attempt = 1; ; attempt++) {
    const tip = fetchTip(git, p);
    const tree = treeWith(git, tip, p);
    if (tip && tree === git("rev-parse", `${tip}^{tree}`)) return { commit: tip, changed: false, attempts: attempt };
    if (!tip && p.content === undefined) return { commit: "", changed: false, attempts: attempt };
    const commit = git("commit-tree", tree, ...(tip ? ["-p", tip] : []), "-m", p.message);
    const pushed = push(git, p, commit);
    if (pushed === "pushed") return { commit, changed: true, attempts: attempt };
    if (attempt >= PUBLISH_ATTEMPTS) {
      throw new Error(
        `pushing to ${p.repoUrl} ${p.branch} lost ${attempt} races in a row with other pushes to that branch; run the release again`,
      );
    }
    log(`  ${p.repoUrl} ${p.branch} moved while this release pushed (attempt ${attempt}); building the commit again on its new tip`);
    // Spread retries so that two releases racing again do not meet again.
    await new Promise((r) => setTimeout(r, 200 * attempt + Math.random() * 300 * attempt));
  }
}

/**
 * Whether `revision` of the branch carries the release `commit` made: it descends from it and holds the same
 * `repoPath`. Argo CD syncs the branch's tip, so a push by another stack's release right after this one's moves the
 * Application on to a commit that is still this release.
 */
export function carriesRelease(
  cwd: string,
  p: Pick<Publication, "repoUrl" | "branch" | "repoPath">,
  commit: string,
  revision: string,
): boolean {
  if (revision === commit) return true;
  const git = gitIn(cwd);
  const tip = fetchTip(git, { ...p, message: "" });
  try {
    git("merge-base", "--is-ancestor", revision, tip);
    git("merge-base", "--is-ancestor", commit, revision);
    return git("rev-parse", `${revision}:${p.repoPath}`) === git("rev-parse", `${commit}:${p.repoPath}`);
  } catch {
    return false; // not on the branch, not after the release, or without repoPath
  }
}

type Git = (...args: string[]) => string;

function gitIn(cwd: string, env: NodeJS.ProcessEnv = process.env): Git {
  return (...args) => execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/**
 * The commit's author and committer are the user's git identity (user.name and user.email, or git's own
 * GIT_AUTHOR_* and GIT_COMMITTER_* variables, which is how a CI runner sets one). Without one, git would make one
 * up from the login and host names, so the release stops first and says how to set one.
 */
function authorOrThrow(git: Git): void {
  const configured = (who: "AUTHOR" | "COMMITTER") => {
    if (process.env[`GIT_${who}_EMAIL`] || process.env.EMAIL) return true;
    try {
      return git("config", "user.email") !== "";
    } catch {
      return false; // unset: git config exits 1
    }
  };
  const missing = (["AUTHOR", "COMMITTER"] as const).filter((who) => !configured(who));
  if (missing.length > 0) {
    throw new Error(
      "a gitops release commits as you, and git has no identity here: set `git config user.name` and `git config user.email`, or, on a CI runner, GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL",
    );
  }
}

/**
 * The branch's tip as the remote has it now, fetched to a ref of this run's own (two releases from one
 * checkout do not share FETCH_HEAD), which is deleted again: the objects stay, as after any fetch. "" for a
 * repository with no branch at all (a new configuration repository): the release makes its first commit. A
 * repository with branches but not this one is refused: a misspelt branch would otherwise be created.
 */
function fetchTip(git: Git, p: Publication): string {
  const ref = `refs/tagship/publish-${process.pid}-${Date.now()}`;
  try {
    git("fetch", "-q", "--no-tags", "--no-write-fetch-head", p.repoUrl, `+refs/heads/${p.branch}:${ref}`);
    return git("rev-parse", ref);
  } catch (e) {
    if (isEmptyRepository(git, p.repoUrl)) return "";
    throw new Error(
      `fetching branch ${p.branch} of ${p.repoUrl} failed (${gitError(e)}): the branch Argo CD tracks must exist there and be readable from here`,
    );
  } finally {
    try {
      git("update-ref", "-d", ref);
    } catch {
      // never created: the fetch failed
    }
  }
}

function isEmptyRepository(git: Git, repoUrl: string): boolean {
  try {
    return git("ls-remote", repoUrl) === "";
  } catch {
    return false;
  }
}

/**
 * The tree of `tip` with `repoPath` holding exactly the content's files (or removed), built in an index of its own.
 * Paths in the index are the repository's: git runs at its top, whatever directory the release runs in.
 */
function treeWith(git: Git, tip: string, p: Publication): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tagship-publish-"));
  try {
    const top = git("rev-parse", "--show-toplevel");
    const env = { ...process.env, GIT_INDEX_FILE: path.join(scratch, "index") };
    const inIndex = (input: string | undefined, ...args: string[]) =>
      execFileSync("git", args, { cwd: top, env, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] }).trim();
    inIndex(undefined, "read-tree", ...(tip ? [tip] : ["--empty"]));
    const onBranch = new Map(
      inIndex(undefined, "ls-files", "--stage", "--", p.repoPath)
        .split("\n")
        .filter(Boolean)
        .map((line) => [line.slice(line.indexOf("\t") + 1), line.slice(0, line.indexOf("\t")).split(" ")] as const),
    );
    inIndex(undefined, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", p.repoPath);
    if (p.content !== undefined && p.content.files.length > 0) {
      const { directory, files } = p.content;
      const local = files.filter((f) => fs.existsSync(path.join(directory, f)));
      const blobs = local.length
        ? inIndex(local.map((f) => path.resolve(directory, f)).join("\n") + "\n", "hash-object", "-w", "--stdin-paths").split("\n")
        : [];
      const entries = files.map((f) => {
        const at = path.posix.join(p.repoPath, f);
        const i = local.indexOf(f);
        if (i >= 0) return `100644 ${blobs[i]}\t${at}`;
        const kept = onBranch.get(at);
        if (!kept) {
          throw new Error(
            `${at} is on neither ${p.repoUrl} ${p.branch} nor in ${directory}: its object did not change, so this update did not render it, and the branch lost it; render it again with \`pulumi up --target-replace <its URN>\` (\`pulumi stack --show-urns\` lists them)`,
          );
        }
        return `${kept[0]} ${kept[1]}\t${at}`;
      });
      inIndex(entries.join("\n") + "\n", "update-index", "--add", "--index-info");
    }
    return inIndex(undefined, "write-tree");
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** "pushed", or "behind" when the branch moved since the fetch; any other refusal is thrown as git gave it. */
function push(git: Git, p: Publication, commit: string): "pushed" | "behind" {
  try {
    git("push", "-q", "--porcelain", p.repoUrl, `${commit}:refs/heads/${p.branch}`);
    return "pushed";
  } catch (e) {
    const out = `${(e as { stdout?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}`;
    if (/non-fast-forward|fetch first|\[rejected\].*(stale|behind)|cannot lock ref|failed to update ref/.test(out)) return "behind";
    throw new Error(`pushing ${commit.slice(0, 12)} to ${p.repoUrl} ${p.branch} failed: ${gitError(e)}`);
  }
}

/** What git said last on stderr (its error), or the error's message. */
function gitError(e: unknown): string {
  const stderr = (e as { stderr?: string }).stderr?.trim();
  return (stderr || (e instanceof Error ? e.message : String(e))).split("\n").filter(Boolean).slice(-1)[0] ?? "";
}
