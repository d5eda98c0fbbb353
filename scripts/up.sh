#!/usr/bin/env bash
# The main job: a real `pulumi up` of a stack (default: dev).
# Today this needs a Pulumi CLI on PATH and a cluster, registry and buildx builder that the stack's config
# points at; the next issues add the engine toolchain and the local lab so that it needs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
STACK="${1:-dev}"
STEPS=3

step 1 $STEPS "Node.js 22 and npm packages"
export PATH="$(bash scripts/ensure-node.sh):$PATH"
npm ci --no-audit --no-fund --loglevel=error

step 2 $STEPS "Pulumi CLI"
command -v pulumi >/dev/null 2>&1 ||
  die "no pulumi on PATH. Install the Pulumi CLI (https://www.pulumi.com/docs/install/), or wait for the toolchain step that builds it here"
pulumi version

step 3 $STEPS "pulumi up --stack $STACK"
pulumi stack select --create "$STACK"
pulumi up --stack "$STACK" --yes
