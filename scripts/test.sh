#!/usr/bin/env bash
# The test command: installs what it needs (Node.js 22, npm packages, the Pulumi engine, the lab), then runs
# every check.
set -euo pipefail
cd "$(dirname "$0")/.."
source toolchain/lib.sh
STEPS=8
source toolchain/setup.sh

step 5 $STEPS "type-check (tsc --noEmit, strict), lint (ESLint), format (Prettier)"
npm run --silent typecheck
npm run --silent lint
npm run --silent format:check

step 6 $STEPS "unit tests (Pulumi mocks) and the app's test"
npm run --silent test:unit

# The lab tests share one lab: each has its own stacks and namespaces, so they run side by side; those that
# stop or restart the lab's parts, or measure failure rates and durations under load (tests/integration/whole-lab),
# run after them, alone.
failed=()
step 7 $STEPS "integration tests on the shared lab, side by side (tests/integration)"
npm run --silent test:integration || failed+=(tests/integration)
step 8 $STEPS "integration tests that take the whole lab, one at a time (tests/integration/whole-lab)"
npm run --silent test:whole-lab || failed+=(tests/integration/whole-lab)
((${#failed[@]} == 0)) || die "failing tests in: ${failed[*]} (see above)"
