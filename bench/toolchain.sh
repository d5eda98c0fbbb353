#!/usr/bin/env bash
# Benchmark of the engine set-up: the cold toolchain build, the warm re-check, and `pulumi preview`.
#   cold:      empty tagship cache and empty Go build cache (the Go module cache is kept unless --cold-modules,
#              which also empties it and so measures the downloads from the module proxy too)
#   warm:      toolchain/toolchain.sh again, median of 5 runs
#   preview:   `pulumi preview` of the dev stack's config, median of 5 runs, with no cluster or registry: the
#              stack deploys an existing digest in gitops renderOnly mode.
# Results go to docs/benchmarks.md by hand; nothing here is a test.
# Usage: bash bench/toolchain.sh [--cold-modules | --skip-cold]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$(bash toolchain/node.sh):$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local s=$(date +%s%N); "$@" >/dev/null 2>&1; awk -v ns=$(($(date +%s%N) - s)) 'BEGIN { printf "%.2f\n", ns / 1e9 }'; }

cold="not measured"
if [[ "${1:-}" != "--skip-cold" ]]; then
  echo "== cold toolchain build (empty caches: tagship, Go build${1:+, Go modules})"
  export TAGSHIP_CACHE="$work/cache" PULUMI_HOME="$work/pulumi-home" GOCACHE="$work/gocache"
  [[ "${1:-}" == "--cold-modules" ]] && export GOMODCACHE="$work/gomodcache"
  cold=$(seconds bash toolchain/toolchain.sh)
  echo "cold: ${cold}s"
fi

echo "== warm re-check (5 runs)"
warm=$(for _ in 1 2 3 4 5; do seconds bash toolchain/toolchain.sh; done | median)
echo "warm (median): ${warm}s"

echo "== pulumi preview (5 runs)"
export PATH="$(bash toolchain/toolchain.sh 2>/dev/null):$PATH"
source toolchain/env.sh
export PULUMI_BACKEND_URL="file://$work/state"
mkdir -p "$work/state" "$work/project"
cp -r Pulumi.yaml Pulumi.dev.yaml package.json tsconfig.json index.ts config.ts release.ts settings components "$work/project/"
ln -s "$root/node_modules" "$work/project/node_modules"
cd "$work/project"
pulumi stack init dev --non-interactive >/dev/null
pulumi config set imageRef "127.0.0.1:5000/tagship/hello@sha256:$(printf 'a%.0s' {1..64})" >/dev/null
pulumi config set deliveryMode gitops >/dev/null
pulumi config set repoUrl file:///srv/git/tagship.git >/dev/null
pulumi config set renderOnly true >/dev/null
pulumi config rm kubeconfig >/dev/null
preview=$(for _ in 1 2 3 4 5; do seconds pulumi preview --non-interactive; done | median)
echo "preview (median): ${preview}s"
printf '\n| measure | seconds |\n| --- | --- |\n| cold toolchain build | %s |\n| warm re-check (median of 5) | %s |\n| pulumi preview, dev config (median of 5) | %s |\n' "$cold" "$warm" "$preview"
