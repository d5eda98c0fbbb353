/**
 * A node:test reporter that ends a run with each test file's duration, slowest first (package.json runs it
 * beside the spec reporter). A file's duration is the sum of its top-level tests and suites, which run one after
 * another within the file even when files run side by side.
 */
interface TestEvent {
  type: string;
  data: { nesting?: number; file?: string; details?: { duration_ms?: number } };
}

export default async function* fileDurations(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const files = new Map<string, number>();
  for await (const { type, data } of source) {
    if ((type === "test:pass" || type === "test:fail") && data.nesting === 0 && data.file) {
      files.set(data.file, (files.get(data.file) ?? 0) + (data.details?.duration_ms ?? 0) / 1000);
    }
  }
  const rows = [...files].sort((a, b) => b[1] - a[1]);
  const root = process.cwd() + "/";
  yield `\nduration by test file, slowest first:\n`;
  for (const [file, seconds] of rows) yield `  ${seconds.toFixed(1).padStart(7)} s  ${file.replace(root, "")}\n`;
}
