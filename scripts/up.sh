#!/usr/bin/env bash
# The main job: a real `pulumi up` of a stack (default: dev), with everything it needs installed first.
# The dev stack targets the local lab (registry, BuildKit and cluster on this machine), which issue 4 adds;
# until then it needs a registry, a buildx builder and a cluster that its config points at.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
STACK="${1:-dev}"
STEPS=4

step 1 $STEPS "Node.js 22 and npm packages"
export PATH="$(bash scripts/ensure-node.sh):$PATH"
npm ci --no-audit --no-fund --loglevel=error

step 2 $STEPS "Pulumi engine and plugins (scripts/toolchain.sh)"
export PATH="$(bash scripts/toolchain.sh):$PATH"
source scripts/env.sh

step 3 $STEPS "stack $STACK (state: $PULUMI_BACKEND_URL)"
pulumi stack select --create "$STACK" --non-interactive

step 4 $STEPS "pulumi up --stack $STACK"
pulumi up --stack "$STACK" --yes --non-interactive
