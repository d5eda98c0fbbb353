#!/usr/bin/env bash
# The test command: installs what it needs (Node.js 22, npm packages), then runs every check.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
STEPS=5

step 1 $STEPS "Node.js 22"
node_bin="$(bash scripts/ensure-node.sh)"
export PATH="$node_bin:$PATH"
echo "node $(node --version) at $node_bin"

step 2 $STEPS "npm packages (npm ci; install scripts off, see .npmrc)"
npm ci --no-audit --no-fund --loglevel=error

step 3 $STEPS "type-check (tsc --noEmit, strict) of the program, tests and app/"
npm run --silent typecheck

step 4 $STEPS "lint (ESLint) and format (Prettier)"
npm run --silent lint
npm run --silent format:check

step 5 $STEPS "tests (node --test)"
npm run --silent test:unit
