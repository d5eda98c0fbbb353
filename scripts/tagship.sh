#!/usr/bin/env bash
# Runs one of the project's commands (scripts/cli/<command>.ts) with Node.js 22, the pinned Pulumi engine and
# the project's Pulumi environment (scripts/env.sh). The npm scripts call it: `npm run plan -- dev`.
# Usage: bash scripts/tagship.sh <command> [arguments...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib.sh"
command="${1:-}"
[[ -f "$root/scripts/cli/$command.ts" && "$command" != *.* ]] ||
  die "unknown command \"$command\": one of $(cd "$root/scripts/cli" && grep -l '^ \* Usage:' ./*.ts | sed 's#^\./##; s#\.ts$##' | paste -sd, -)"
shift
export PATH="$(bash "$root/scripts/ensure-node.sh"):$(bash "$root/scripts/toolchain.sh"):$PATH"
source "$root/scripts/env.sh"
exec node --import tsx "$root/scripts/cli/$command.ts" "$@"
