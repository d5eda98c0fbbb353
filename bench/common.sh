# Shared by the lab benchmarks (bench/latency.sh): the engine on PATH, the lab's kubectl,
# a throwaway copy of the program with its own file backend in $work (the current directory afterwards), and
# timing helpers. Sourced, not run; the caller sets its own EXIT trap to remove $work.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source toolchain/lib.sh
LAB="${TAGSHIP_LAB_DIR:-$root/.lab}"
export PATH="$(bash toolchain/node.sh):$(bash toolchain/toolchain.sh 2>/dev/null):$PATH"
source toolchain/env.sh
[[ -f "$LAB/kubeconfig" ]] || die "the lab is not up: run make lab-up"
# The lab's own kubectl and kubeconfig, whatever else is on PATH or in KUBECONFIG.
kubectl() { "$LAB/bin/kubectl" --kubeconfig "$LAB/kubeconfig" "$@"; }

work="$(mktemp -d)"
mkdir -p "$work/state" "$work/project"
# The program as the integration tests copy it (PROGRAM_FILES): a benchmark runs what a release runs.
program_files="$(node --import tsx --eval 'console.log(require("./tests/integration/engine").PROGRAM_FILES.join("\n"))')"
mapfile -t program_files <<<"$program_files"
cp -r "${program_files[@]}" "$work/project/"
ln -s "$root/node_modules" "$work/project/node_modules"
export PULUMI_BACKEND_URL="file://$work/state" PULUMI_CONFIG_PASSPHRASE=bench
cd "$work/project"

# new_stack <name>: a stack on the lab's registry, builder, base image and cluster.
new_stack() {
  pulumi stack init "$1" --non-interactive >/dev/null
  pulumi config set-all --stack "$1" --plaintext tagship:imageTag=0.0.0 --plaintext tagship:registry=127.0.0.1:5000 \
    --plaintext tagship:builder=tagship-lab --plaintext tagship:baseImage=127.0.0.1:5000/tagship/node-base:22 \
    --plaintext "tagship:kubeconfig=$LAB/kubeconfig" >/dev/null
}

# seconds <command...>: its wall time; its output goes to $work/last.log, and is shown if it fails.
seconds() {
  local s
  s=$(date +%s%N)
  "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; die "$* failed"; }
  awk -v ns=$(($(date +%s%N) - s)) 'BEGIN { printf "%.2f\n", ns / 1e9 }'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# m <values...>: their median; ratio <a> <b>: a / b to two decimals.
m() { printf '%s\n' "$@" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# settle <namespace>: each measured run starts from a quiet lab: the previous rollout's old pods (of every
# Deployment in the namespace) have finished terminating (their preStop pause and drain would otherwise
# compete for the CPU with the next run's start), and the node has had TAGSHIP_BENCH_QUIET seconds (default 5)
# to clean up after them.
settle() {
  local want
  want=$(kubectl -n "$1" get deployments -o jsonpath='{range .items[*]}{.spec.replicas}{"\n"}{end}' | awk '{s += $1} END {print s + 0}')
  for _ in $(seq 120); do
    [[ "$(kubectl -n "$1" get pods --no-headers 2>/dev/null | wc -l)" -eq "$want" ]] && break
    sleep 0.5
  done
  sleep "${TAGSHIP_BENCH_QUIET:-5}"
}
