/**
 * A release of one stack, ending only when it is live (release.ts): `pulumi up`, then in gitops mode the
 * push and the wait for Argo CD. scripts/up.sh runs it after the set-up, so `pulumi config set imageTag X`
 * and `make up` (or `npm run ship -- --stack <stack>`) are the whole release, and `pulumi config set
 * deliveryMode gitops|direct` followed by the same command is the whole switch.
 *
 * --rollback-on-failure: when the release does not go live, release the stack's last good digest again
 * (rollback.ts does the same by hand) and still exit non-zero, naming both.
 *
 * Usage: node --import tsx scripts/cli/ship.ts --stack <name> [--rollback-on-failure] [--cwd <dir>] [--timeout <s>] [-- <pulumi up flags>]
 */
import { fail, parseCommandLine, projectDir, requireStacks } from "./command";
import { liveDeployment, runs } from "./deployment";
import { goodReleases } from "./history";
import { stackOutputs } from "./pulumi";
import { releaseDigest, releaseStack } from "./release";

const USAGE = "npm run ship -- --stack <name> [--rollback-on-failure] [--cwd <dir>] [--timeout <s>] [-- <pulumi up flags>]";
const { values, positionals } = parseCommandLine(USAGE, {
  options: {
    stack: { type: "string" },
    cwd: { type: "string" },
    timeout: { type: "string", default: "600" },
    "rollback-on-failure": { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const stackName = values.stack ?? fail("--stack <name> is required: the stack to release");
const cwd = projectDir(values.cwd);
const timeoutSeconds = Number(values.timeout);
if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) fail(`--timeout ${values.timeout}: allowed a whole number of seconds > 0`);
requireStacks(cwd, [["--stack", stackName]]);
const options = { stackName, cwd, timeoutSeconds, upArgs: positionals };

async function rollBack(failure: Error): Promise<never> {
  const last = goodReleases(cwd, stackName)[0];
  if (!last) fail(`${failure.message}\nno good release of stack ${stackName} is recorded: nothing to roll back to`);
  const running = await liveDeployment(cwd, stackName, stackOutputs(cwd, stackName)).catch(() => undefined);
  if (running && runs(running, last)) {
    fail(
      `${failure.message}\nnot rolled back: the failing release is the last good one (${last.tag}, ${last.imageRef}), so its configuration failed; fix it and release again`,
    );
  }
  console.error(`release failed: ${failure.message.split("\n")[0]}\nrolling back to the last good release ${last.tag} (${last.imageRef})`);
  await releaseDigest(options, last.imageRef, last.tag);
  fail(`${failure.message}\nrolled back: stack ${stackName} runs ${last.tag} (${last.imageRef}) again`);
}

releaseStack(options).then(
  () => undefined,
  (e: unknown) => {
    const failure = e instanceof Error ? e : new Error(String(e));
    if (!values["rollback-on-failure"]) fail(failure.message);
    return rollBack(failure).catch((r: unknown) =>
      fail(`${failure.message}\nthe rollback failed too: ${r instanceof Error ? r.message : String(r)}`),
    );
  },
);
