#!/usr/bin/env bash
# Benchmark of the lab itself: cold start (a new, empty lab directory; the built binaries and the base
# image's root filesystem come from the cache), warm start (lab down, then up with its data kept), and the
# resident memory of the lab's processes with the dev stack's 3 pods running. It takes the lab down and
# brings it back; results go to docs/benchmarks.md by hand; nothing here is a test.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source toolchain/lib.sh
seconds() { local s=$(date +%s%N); "$@" >/dev/null 2>&1 || die "$* failed"; awk -v ns=$(($(date +%s%N) - s)) 'BEGIN { printf "%.1f\n", ns / 1e9 }'; }

# Resident memory (MiB) of the lab's servers (their process groups, from .lab/*.pid) and of the pods.
lab_rss() {
  local lab=$1 pgids="" pid
  for pid in "$lab"/*.pid; do pgids+=" $(cat "$pid")"; done
  ps -eo pgid=,rss=,cmd= | awk -v groups="$pgids" -v lab="$lab" '
    BEGIN { n = split(groups, g, " "); for (i = 1; i <= n; i++) mine[g[i]] = 1 }
    mine[$1] || index($0, lab) { kb += $2 } END { printf "%.0f\n", kb / 1024 }'
}
pods_rss() {
  local kb=0 pid
  for pid in $(grep -l /kubepods /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3); do
    kb=$((kb + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo $((kb / 1024))
}

echo "== cold start: a new lab directory"
bash lab/lab.sh down >/dev/null
cold_dir="$(mktemp -d)"
cold=$(TAGSHIP_LAB_DIR="$cold_dir" seconds bash lab/lab.sh up)
TAGSHIP_LAB_DIR="$cold_dir" bash lab/lab.sh down >/dev/null
rm -rf "$cold_dir"
echo "cold: ${cold}s"

echo "== warm start: down, then up with the lab's data kept (3 runs)"
bash lab/lab.sh up >/dev/null
warm=$(for _ in 1 2 3; do bash lab/lab.sh down >/dev/null; seconds bash lab/lab.sh up; done | sort -n | sed -n 2p)
echo "warm (median): ${warm}s"

echo "== memory, with the dev stack deployed (make up)"
bash scripts/up.sh >/dev/null 2>&1 || die "make up failed"
sleep 10
servers=$(lab_rss "${TAGSHIP_LAB_DIR:-$root/.lab}")
pods=$(pods_rss)
printf '\n| measure | result |\n| --- | --- |\n| cold start (empty lab directory, binaries cached) | %s s |\n| warm start (median of 3) | %s s |\n' "$cold" "$warm"
printf '| resident memory: lab servers | %s MiB |\n| resident memory: the dev stack'"'"'s 3 pods | %s MiB |\n' "$servers" "$pods"
