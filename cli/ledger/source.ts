/**
 * What the ledger reads of the project's git repository: the commit a release is built from, who runs it, and the
 * commits between two releases (their changelog). Outside a repository, or where git is missing, each says so by
 * returning nothing: a release never fails for want of a record.
 */
import { execFileSync } from "node:child_process";
import * as os from "node:os";

function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 }).trim();
  } catch {
    return undefined;
  }
}

/** The commit checked out, and whether the working tree differs from it (a build includes those changes). */
export function headCommit(cwd: string): { commit: string; dirty: boolean } {
  const commit = git(cwd, ["rev-parse", "--verify", "--quiet", "HEAD"]) ?? "";
  const status = commit === "" ? "" : (git(cwd, ["status", "--porcelain", "--untracked-files=no"]) ?? "");
  return { commit, dirty: status !== "" };
}

/**
 * Who runs a release: git's author identity as a commit would name it (GIT_AUTHOR_EMAIL, which CI runners set,
 * or user.email), else the author's name, else the system user.
 */
export function whoRuns(cwd: string): string {
  const env = process.env;
  const id = env.GIT_AUTHOR_EMAIL || git(cwd, ["config", "user.email"]) || env.GIT_AUTHOR_NAME || git(cwd, ["config", "user.name"]);
  return (id || os.userInfo().username).slice(0, 64);
}

/** One commit of a changelog. */
export interface Change {
  readonly commit: string;
  /** Epoch milliseconds, the committer's date: when the change was made part of the history. */
  readonly committed: number;
  readonly author: string;
  readonly subject: string;
}

/**
 * The commits of `git log from..to`, newest first; `to` alone when `from` is "" (a service's first release: its
 * whole history would be no one release's changes); undefined when the
 * repository cannot tell (a commit it does not have: a shallow clone, another repository).
 */
export function changesBetween(cwd: string, from: string, to: string): Change[] | undefined {
  if (to === "") return undefined;
  const out = git(cwd, ["log", "--format=%H%x1f%ct%x1f%an%x1f%s", ...(from === "" ? ["-1", to] : [`${from}..${to}`]), "--"]);
  if (out === undefined) return undefined;
  return out
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [commit = "", ct = "0", author = "", subject = ""] = line.split("\x1f");
      return { commit, committed: Number(ct) * 1000, author, subject };
    });
}
