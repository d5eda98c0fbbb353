/**
 * recover: after a release whose `pulumi up` was killed (kill -9, a crashed CI runner, a closed laptop), the
 * cluster goes on with the rollout, but the stack keeps the dead run's lock and may hold pending operations.
 * This runs the documented way back, in order: it ends what the dead run left running (its language host and
 * program, orphans.ts), cancels (drops the lock), refreshes (reads the live objects back into the state),
 * then releases again (deliver.ts), so it ends only when live.
 *
 * A cancel deletes every lock of the stack, a live run's too; so this first refuses while a process that holds a
 * lock on this machine is still alive, and, without --force, while another machine holds one (whether its run still
 * goes on cannot be seen from here) or when the backend's locks cannot be read (an object store, Pulumi Cloud).
 */
import { PROJECT } from "../../settings/keys";
import { command, requireStacks } from "../command";
import { backendShown, cancelRefusal, stackLocks } from "../engine/locks";
import { stackPrograms } from "../engine/orphans";
import { openStack, stackNames, streamed, workspace } from "../engine/workspace";
import { releaseStack } from "../release/deliver";
import { servicesOf, versions } from "../release/services";

export default command({
  name: "recover",
  summary: "after a killed pulumi up: end its left-over processes, cancel the stale lock, refresh, release again",
  usage: "[--force]",
  options: { force: { type: "boolean", default: false, description: "also cancel a lock held by another machine" } },
  common: ["stack", "timeout"],
  positionals: false,
  async run({ cwd, stack: name, timeoutSeconds, options }) {
    requireStacks(await stackNames(cwd), [["--stack", name]]);
    const backend = (await (await workspace(cwd)).whoAmI()).url ?? "";
    const locks = stackLocks(backend, PROJECT, name);
    const refusal = cancelRefusal(name, backend, locks, options.force);
    if (refusal) throw new Error(refusal);
    console.log(
      locks === undefined
        ? `recover ${name}: --force: cancelling whatever holds the lock on ${backendShown(backend)}`
        : `recover ${name}: ${locks.length} stale lock(s) (${locks.map((l) => `pid ${l.pid}@${l.hostname}`).join(", ") || "none"})`,
    );
    endLeftOvers(cwd, name);
    const stack = await openStack(cwd, name);
    await stack.cancel();
    console.log("1/3 pulumi cancel: the stack's lock is released");
    const refreshed = await stack.refresh({ clearPendingCreates: true, onError: streamed.onError });
    console.log(`2/3 pulumi refresh: ${JSON.stringify(refreshed.summary.resourceChanges ?? {})}`);
    console.log("3/3 the release again");
    const after = await releaseStack({ stack, cwd, timeoutSeconds, kind: "recover" });
    const running = servicesOf(after).map((svc) => `${svc.imageTag ?? "?"} (${svc.imageRef ?? "?"})`);
    console.log(`recovered: ${name} runs ${servicesOf(after).length === 1 ? running[0] : versions(after)}`);
  },
});

/** No live run holds the lock, so a program of this stack still running was left by the one that died. */
function endLeftOvers(cwd: string, stack: string): void {
  const leftOver = stackPrograms(cwd, stack);
  for (const p of leftOver) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // ended meanwhile
    }
  }
  if (leftOver.length > 0)
    console.log(`ended ${leftOver.length} processes left by the run that died (pid ${leftOver.map((p) => p.pid).join(", ")})`);
}
