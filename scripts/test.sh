#!/usr/bin/env bash
# The test command: installs what it needs (Node.js 22, npm packages, the Pulumi engine), then runs every check.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
STEPS=7

step 1 $STEPS "Node.js 22"
node_bin="$(bash scripts/ensure-node.sh)"
export PATH="$node_bin:$PATH"
echo "node $(node --version) at $node_bin"

step 2 $STEPS "npm packages (npm ci; install scripts off, see .npmrc)"
npm ci --no-audit --no-fund --loglevel=error

step 3 $STEPS "Pulumi engine and plugins (scripts/toolchain.sh)"
export PATH="$(bash scripts/toolchain.sh):$PATH"
source scripts/env.sh

step 4 $STEPS "the lab: registry, BuildKit, builder, base image (scripts/lab.sh up)"
bash scripts/lab.sh up
source scripts/env.sh # now also points buildx at the lab's builder

step 5 $STEPS "type-check (tsc --noEmit, strict), lint (ESLint), format (Prettier)"
npm run --silent typecheck
npm run --silent lint
npm run --silent format:check

step 6 $STEPS "unit tests (Pulumi mocks) and the app's test"
npm run --silent test:unit

step 7 $STEPS "integration tests (the real engine through the Automation API, on the lab)"
npm run --silent test:integration
