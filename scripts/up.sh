#!/usr/bin/env bash
# The main job: a real `pulumi up` of a stack (default: dev), with everything it needs installed first.
# The dev stack targets the local lab on this machine (lab/lab.sh); other stacks name their registry,
# builder and cluster in their own config.
set -euo pipefail
cd "$(dirname "$0")/.."
source toolchain/lib.sh
STACK="${1:-dev}"
STEPS=6
# Argo CD (with its Redis and git remote) only for a stack in gitops mode: a direct one never uses it, and on a
# fresh machine building it is minutes. A later switch to gitops brings it up at the next `make up`. The mode is
# read from the stack's file (the engine may not be built yet); LAB_OPTIONS= (set, empty) brings up everything.
grep -Eqs "^\s*tagship:deliveryMode:\s*[\"']?gitops" "Pulumi.${STACK##*/}.yaml" || export LAB_OPTIONS="${LAB_OPTIONS---no-gitops}"
source toolchain/setup.sh

step 5 $STEPS "stack $STACK (state: $PULUMI_BACKEND_URL)"
# Only the lab's dev stack may keep its secrets under the published passphrase: checked before the stack is created.
node --import tsx scripts/secrets-guard.ts "$STACK"
pulumi stack select --create "$STACK" --non-interactive

# pulumi up, then in gitops mode the push and the wait for Argo CD: the release ends when it is live.
step 6 $STEPS "release: pulumi up --stack $STACK, then for gitops the push and Argo CD (tagship ship)"
node --import tsx cli/main.ts ship --stack "$STACK"
