// One JSON object per line: Kubernetes collects stdout/stderr as-is and log
// pipelines can parse it without a custom format.

export type Level = "info" | "warn" | "error";

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    msg,
    ...fields,
  });
  // Errors go to stderr so they stand out; stdout and stderr are pipes in a
  // container, and Node writes pipes synchronously on Linux, so a line logged
  // right before process.exit() is not lost.
  (level === "error" ? process.stderr : process.stdout).write(line + "\n");
}
