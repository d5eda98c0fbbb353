#!/usr/bin/env bash
# The main job: a real `pulumi up` of a stack (default: dev), with everything it needs installed first.
# The dev stack targets the local lab on this machine. The lab has the registry, BuildKit and the base image
# so far; until it has its cluster (issue 4), the image builds and pushes and the rollout needs a cluster
# that the stack's kubeconfig/kubeContext config points at.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
STACK="${1:-dev}"
STEPS=5

step 1 $STEPS "Node.js 22 and npm packages"
export PATH="$(bash scripts/ensure-node.sh):$PATH"
npm ci --no-audit --no-fund --loglevel=error

step 2 $STEPS "Pulumi engine and plugins (scripts/toolchain.sh)"
export PATH="$(bash scripts/toolchain.sh):$PATH"
source scripts/env.sh

step 3 $STEPS "the lab (scripts/lab.sh up)"
bash scripts/lab.sh up
source scripts/env.sh # points buildx at the lab's builder

step 4 $STEPS "stack $STACK (state: $PULUMI_BACKEND_URL)"
pulumi stack select --create "$STACK" --non-interactive

step 5 $STEPS "pulumi up --stack $STACK"
pulumi up --stack "$STACK" --yes --non-interactive
