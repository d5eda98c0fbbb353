#!/usr/bin/env bash
# The test command: installs what it needs (Node.js 22, npm packages, the Pulumi engine, the lab), then runs
# every check.
set -euo pipefail
cd "$(dirname "$0")/.."
source toolchain/lib.sh
STEPS=7
source toolchain/setup.sh

step 5 $STEPS "type-check (tsc --noEmit, strict), lint (ESLint), format (Prettier)"
npm run --silent typecheck
npm run --silent lint
npm run --silent format:check

step 6 $STEPS "unit tests (Pulumi mocks) and the app's test"
npm run --silent test:unit

step 7 $STEPS "integration tests (the real engine through the Automation API, on the lab)"
npm run --silent test:integration
