#!/usr/bin/env bash
# Prints the path of crane (go-containerregistry's registry tool) at the version pinned in toolchain/versions.sh,
# building it once from its Go module (toolchain/crane, whose go.sum is committed) into the cache. A crane on PATH at
# that version is used as it is. `tagship promote` runs it to copy an image between registries by digest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/toolchain/lib.sh"
source "$root/toolchain/versions.sh"

if command -v crane >/dev/null 2>&1 && [[ "$(crane version 2>/dev/null)" == "v$CRANE_VERSION" ]]; then
  command -v crane
  exit 0
fi
bin="$TAGSHIP_CACHE/toolchain/crane/$CRANE_VERSION/crane"
if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null 2>&1 || die "building crane v$CRANE_VERSION needs Go >= 1.26 (none on PATH); install Go, or crane v$CRANE_VERSION yourself"
  step 1 1 "crane v$CRANE_VERSION from its Go module" >&2
  mkdir -p "$(dirname "$bin")"
  go_build "$root/toolchain/crane" github.com/google/go-containerregistry/cmd/crane "$bin" "" >&2
fi
echo "$bin"
