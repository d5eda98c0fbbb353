// Refuses (exit 2, nothing changed) a stack whose secrets are or would be encrypted with the lab's published
// passphrase when it is not the lab's dev stack: scripts/up.sh runs it before `pulumi stack select --create`, which
// would otherwise create the stack under that passphrase. The program makes the same check on every preview and up.
// Usage: node --import tsx scripts/secrets-guard.ts <stack>
import * as fs from "node:fs";
import { newStackPassphraseProblem } from "../settings/secrets-provider";

const stack = (process.argv[2] ?? "").split("/").at(-1) ?? "";
const file = `Pulumi.${stack}.yaml`;
const problem = newStackPassphraseProblem(stack, fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined, process.env);
if (problem) {
  console.error(`error: ${problem}`);
  process.exit(2);
}
