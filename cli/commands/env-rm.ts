/**
 * env-rm: removes an environment and everything it created: the engine's destroy (the namespace and
 * everything in it, and in gitops mode the Application and AppProject; the provider waits until the namespace
 * is gone; a namespace the stack found stays, and only the stack's objects are removed from it), the stack's
 * manifests on the branch Argo CD read (gitops), then the stack, its state and Pulumi.<stack>.yaml. Images stay in the registry: other environments may run them. Without --yes it only
 * lists what it would remove.
 */
import { command, oneStack, requireStacks } from "../command";
import { openStack, stackNames, stackOutputs, streamed } from "../engine/workspace";
import { removeLeftovers } from "../engine/leftovers";
import { clusterOf, repoPathOf, retireManifests } from "../release/gitops";

export default command({
  name: "env-rm",
  summary: "remove an environment and everything it created (lists it first; --yes removes)",
  usage: "<stack> [--yes]",
  options: { yes: { type: "boolean", default: false, description: "remove; without it, only list what would be removed" } },
  common: [],
  positionals: true,
  async run({ cwd, options, positionals }) {
    const name = oneStack(positionals, "tagship env-rm staging");
    requireStacks(await stackNames(cwd), [["<stack>", name]]);
    const stack = await openStack(cwd, name);
    const outputs = await stackOutputs(stack);
    const gitops = outputs.deliveryMode === "gitops" && outputs.gitops ? outputs.gitops : undefined;
    // A namespace the stack found stays, with everything else in it: only the stack's own objects go.
    const found = outputs.namespaceOwner === "existing";
    const removed = [
      ...(outputs.namespace && !found ? [`namespace ${outputs.namespace} and everything in it`] : []),
      ...(outputs.namespace && found ? [`the stack's objects in namespace ${outputs.namespace}`] : []),
      ...(gitops ? [`Application ${gitops.argocdNamespace}/${outputs.applicationName} and its AppProject`] : []),
      ...(gitops ? [`${repoPathOf(outputs, name)}/ on ${gitops.repoUrl} ${gitops.revision}`] : []),
      `stack ${name}: its state and Pulumi.${name}.yaml`,
    ];
    const kept = found ? [`namespace ${outputs.namespace ?? ""}, its labels and everything else in it: it was there before the stack`] : [];
    const keeps = kept.length > 0 ? `\nand would leave:\n${kept.map((k) => `  - ${k}`).join("\n")}` : "";
    if (!options.yes) {
      console.log(
        `env-rm ${name} would remove:\n${removed.map((r) => `  - ${r}`).join("\n")}${keeps}\nnothing removed: run again with --yes`,
      );
      return;
    }
    const started = Date.now();
    console.log(`removing environment ${name}: pulumi destroy`);
    const destroyed = await stack.destroy({ onError: streamed.onError });
    console.log(`destroyed: ${JSON.stringify(destroyed.summary.resourceChanges ?? {})}`);
    if (found && outputs.namespace) {
      const { objects } = await clusterOf(cwd, name, outputs);
      const left = await removeLeftovers(objects, outputs.namespace, name);
      console.log(`removed from namespace ${outputs.namespace}: ${left.join(", ") || "nothing left"}`);
    }
    if (gitops) await retireManifests({ stackName: name, cwd, log: (l) => console.log(l) }, outputs, `remove environment ${name}`);
    await stack.workspace.removeStack(name);
    console.log(`removed ${removed.join("; ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (kept.length > 0) console.log(`left ${kept.join("; ")}`);
  },
});
