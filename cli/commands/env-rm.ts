/**
 * Removes an environment and everything it created: `pulumi destroy` (the namespace and everything in it,
 * and in gitops mode the Application and AppProject; the provider waits until the namespace is gone), the
 * stack's manifests on the branch Argo CD read (gitops), then the stack, its state and Pulumi.<stack>.yaml.
 * Images stay in the registry: other environments may run them. Without --yes it only lists what it would
 * remove.
 *
 * Usage: node --import tsx scripts/cli/env-rm.ts <stack> [--yes] [--cwd <dir>]
 */
import { retireManifests } from "./gitops";
import { fail, parseCommandLine, projectDir, requireStacks, run } from "./command";
import { pulumi, stackOutputs } from "./pulumi";

const USAGE = "npm run env:rm -- <stack> [--yes] [--cwd <dir>]";
const { values, positionals } = parseCommandLine(USAGE, {
  options: { yes: { type: "boolean", default: false }, cwd: { type: "string" } },
  allowPositionals: true,
});
const cwd = projectDir(values.cwd);

async function main() {
  const stack = positionals[0];
  if (positionals.length !== 1 || !stack) fail(`expected one stack name, got ${positionals.length}: run \`npm run env:rm -- staging\``);
  requireStacks(cwd, [["<stack>", stack]]);
  const outputs = stackOutputs(cwd, stack);
  const gitops = outputs.deliveryMode === "gitops" && outputs.gitops ? outputs.gitops : undefined;
  const removed = [
    ...(outputs.namespace ? [`namespace ${outputs.namespace} and everything in it`] : []),
    ...(gitops ? [`Application ${gitops.argocdNamespace}/${outputs.applicationName} and its AppProject`] : []),
    ...(gitops ? [`${outputs.renderDirectory}/ on ${gitops.repoUrl} ${gitops.revision}`] : []),
    `stack ${stack}: its state and Pulumi.${stack}.yaml`,
  ];
  if (!values.yes) {
    console.log(`env:rm ${stack} would remove:\n${removed.map((r) => `  - ${r}`).join("\n")}\nnothing removed: run again with --yes`);
    return;
  }
  const started = Date.now();
  console.log(`removing environment ${stack}: pulumi destroy`);
  console.log(pulumi(cwd, stack, ["destroy", "--yes", "--skip-preview"]).trim().split("\n").slice(-4).join("\n"));
  if (gitops) {
    await retireManifests({ stackName: stack, cwd, log: (l) => console.log(l) }, outputs, `remove environment ${stack}`);
  }
  pulumi(cwd, stack, ["stack", "rm", "--yes"]);
  console.log(`removed ${removed.join("; ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

run(main);
