/**
 * What a killed `pulumi up` leaves running: the CLI starts its language host in a process group of its own,
 * so a `kill -9` of the CLI leaves the host and the program it runs (@pulumi/pulumi's cmd/run) behind,
 * cut off from the engine. Seen on the lab: such a program spun at 85% CPU and grew to 3 GB. Linux only
 * (/proc); elsewhere none are found.
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
}

function processes(): Proc[] {
  if (!fs.existsSync("/proc/self/stat")) return [];
  return fs.readdirSync("/proc").flatMap((entry) => {
    if (!/^[0-9]+$/.test(entry)) return [];
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean);
      // The fields after the command's name, which may hold spaces and parentheses: state, then ppid.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return [{ pid: Number(entry), ppid, argv }];
    } catch {
      return []; // gone meanwhile
    }
  });
}

const after = (argv: readonly string[], flag: string) => argv[argv.indexOf(flag) + 1];

/**
 * The programs of a stack in a project directory that are running, and the language hosts that started them.
 * Call it only when no live run holds the stack's lock: then every one of them belongs to a run that died.
 */
export function stackPrograms(projectDir: string, stack: string): Proc[] {
  const all = processes();
  const programs = all.filter(
    (p) =>
      p.argv.some((a) => a.replace(/\\/g, "/").includes("@pulumi/pulumi/cmd/run/")) &&
      after(p.argv, "--stack") === stack &&
      path.resolve(after(p.argv, "--pwd") ?? "") === path.resolve(projectDir),
  );
  const hosts = all.filter((p) => programs.some((g) => g.ppid === p.pid) && path.basename(p.argv[0] ?? "").startsWith("pulumi-language-"));
  return [...programs, ...hosts];
}
