#!/usr/bin/env bash
# The main job: a real `pulumi up` of a stack (default: dev), with everything it needs installed first.
# The dev stack targets the local lab on this machine (scripts/lab.sh); other stacks name their registry,
# builder and cluster in their own config.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
STACK="${1:-dev}"
STEPS=7
source scripts/setup.sh

step 5 $STEPS "stack $STACK (state: $PULUMI_BACKEND_URL)"
pulumi stack select --create "$STACK" --non-interactive

step 6 $STEPS "pulumi up --stack $STACK"
pulumi up --stack "$STACK" --yes --non-interactive

# gitops: the release is live only once the rendered manifests are pushed and Argo CD has rolled them out.
if [[ "$(pulumi stack output deliveryMode --stack "$STACK" 2>/dev/null)" == gitops ]]; then
  step 7 $STEPS "commit and push deploy/$STACK, wait for Argo CD (scripts/gitops-release.ts)"
  node --import tsx scripts/gitops-release.ts --stack "$STACK"
else
  step 7 $STEPS "direct mode: pulumi up waited for the rollout; nothing to push"
fi
