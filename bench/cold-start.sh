#!/usr/bin/env bash
# Benchmark of a first `make up` on a fresh machine: a new clone of this repository's HEAD, with every cache
# it uses emptied (pointed at new directories): the tagship cache (Node.js, the engine, the lab's binaries,
# the base image's root filesystem), the Go build cache, the Go module cache (kept with --keep-modules), the
# npm cache, Pulumi's home (plugins) and the lab's data. Debian packages already installed stay installed.
# Prints the time of every step of `make up` and where the Go builds spent theirs (bench/build-profile.ts).
# The lab's ports are fixed: take any other lab down first. Results go to docs/benchmarks.md by hand.
# Usage: bash bench/cold-start.sh [--keep-modules] [--keep]   (--keep leaves the work directory for a look)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/toolchain/lib.sh"
keep_modules=false keep=false
for arg in "$@"; do
  case "$arg" in
    --keep-modules) keep_modules=true ;;
    --keep) keep=true ;;
    *) die "unknown argument $arg; usage: bash bench/cold-start.sh [--keep-modules] [--keep]" ;;
  esac
done
curl -fs -o /dev/null http://127.0.0.1:5000/v2/ && die "a lab is running (its registry answers on 127.0.0.1:5000): run bash lab/lab.sh down in its checkout first"

work="$(mktemp -d /tmp/tagship-cold.XXXXXX)"
cleanup() {
  (cd "$work/repo" 2>/dev/null && bash lab/lab.sh down >/dev/null 2>&1) || true
  $keep || rm -rf "$work"
}
trap cleanup EXIT
git clone -q "$root" "$work/repo"
export TAGSHIP_CACHE="$work/cache" GOCACHE="$work/go-build" PULUMI_HOME="$work/pulumi-home" \
  npm_config_cache="$work/npm" TAGSHIP_GO_PROFILE="$work/profile"
$keep_modules || export GOMODCACHE="$work/go-mod"
unset TAGSHIP_STARTED_AT PULUMI_BACKEND_URL BUILDX_CONFIG
# A pulumi already on PATH would be used as it is (toolchain/toolchain.sh): a fresh machine has none.
PATH="$(tr ':' '\n' <<<"$PATH" | while read -r d; do [[ -x "$d/pulumi" ]] || echo "$d"; done | paste -sd: -)"

echo "== make up from a new clone of $(git -C "$root" rev-parse --short HEAD), caches in $work"
started=$(date +%s)
(cd "$work/repo" && make up) 2>&1 | tee "$work/make-up.log"
total=$(($(date +%s) - started))

echo
echo "| step | seconds |"
echo "| --- | --- |"
# Each "==> [step N of M, XmYYs] what" line starts a step; it lasts until the next one (or the end).
sed -n 's/^==> \[step \([0-9]*\) of \([0-9]*\), \([0-9]*\)m\([0-9]*\)s\] \(.*\)$/\3 \4 \1\/\2 \5/p' "$work/make-up.log" |
  awk -v total="$total" '
    { at[NR] = $1 * 60 + $2; $1 = ""; $2 = ""; name[NR] = substr($0, 3) }
    END { for (i = 1; i <= NR; i++) { end = (i < NR) ? at[i + 1] : total; printf "| %s | %d |\n", name[i], end - at[i] } }'
echo "| **make up, in all** | **$total** |"
echo
# Each build's own time and CPU, as the side-by-side runner reported it when the build ended; their CPU over the
# machine's cores is the floor no scheduling of these builds can beat.
grep -oE '[a-z0-9.-]+: built .* in [0-9]+s, [0-9]+s of CPU' "$work/make-up.log" | tee "$work/builds.txt" || true
sed -E 's/.*, ([0-9]+)s of CPU/\1/' "$work/builds.txt" | awk -v cores="$(nproc)" \
  '{ cpu += $1 } END { printf "\nGo builds: %d s of CPU in all; on %d cores at least %d s (%.1f min) of wall time\n", cpu, cores, cpu / cores, cpu / cores / 60 }'

echo
export PATH="$(bash "$root/toolchain/node.sh"):$PATH"
(cd "$work/repo" && node --import tsx bench/build-profile.ts "$TAGSHIP_GO_PROFILE")
