#!/usr/bin/env bash
# The main job: a real `pulumi up` of a stack (default: dev), with everything it needs installed first.
# The dev stack targets the local lab on this machine. The lab has the registry, BuildKit and the base image
# so far; until it has its cluster (issue 4), the image builds and pushes and the rollout needs a cluster
# that the stack's kubeconfig/kubeContext config points at.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
STACK="${1:-dev}"
STEPS=6
source scripts/setup.sh

step 5 $STEPS "stack $STACK (state: $PULUMI_BACKEND_URL)"
pulumi stack select --create "$STACK" --non-interactive

step 6 $STEPS "pulumi up --stack $STACK"
pulumi up --stack "$STACK" --yes --non-interactive
