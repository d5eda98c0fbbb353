#!/usr/bin/env bash
# Benchmark of a release on the lab: tag to rollout complete with `pulumi up` versus `kubectl set image`
# plus `kubectl rollout status`, on the same lab and the same Deployment, alternating runs in one sitting.
# Beside the ratio: the floor the rollout config allows (batches times the time a new pod takes to count as
# available). Needs the lab up (make lab-up). Results go to the README by hand; nothing here is a test.
# Run it in the foreground: as a background job of an interactive shell the Pulumi CLI waited 4.9 s more per
# run (README, Lab benchmark).
# Usage: bench-rollout.sh [rounds, default 5]
#   TAGSHIP_BENCH_QUIET=<s>       seconds to wait after the previous rollout's pods are gone (default 5)
#   TAGSHIP_BENCH_KEEP_LOGS=<dir> keep each pulumi run's output there, lines stamped with seconds since start
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/lib.sh
ROUNDS="${1:-5}"
LAB="${TAGSHIP_LAB_DIR:-$root/.lab}"
export PATH="$(bash scripts/ensure-node.sh):$(bash scripts/toolchain.sh 2>/dev/null):$PATH"
source scripts/env.sh
[[ -f "$LAB/kubeconfig" ]] || die "the lab is not up: run make lab-up"
export KUBECONFIG="$LAB/kubeconfig"
kubectl() { "$LAB/bin/kubectl" "$@"; } # the lab's own, whatever else is on PATH

work="$(mktemp -d)"
mkdir -p "$work/state" "$work/project"
cp -r Pulumi.yaml package.json tsconfig.json index.ts config.ts release.ts settings components app "$work/project/"
ln -s "$root/node_modules" "$work/project/node_modules"
export PULUMI_BACKEND_URL="file://$work/state" PULUMI_CONFIG_PASSPHRASE=bench
cd "$work/project"
cleanup() { pulumi destroy --yes --non-interactive >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
[[ -n "${TAGSHIP_BENCH_KEEP_LOGS:-}" ]] && trap "cp $work/pulumi-*.log $TAGSHIP_BENCH_KEEP_LOGS/ 2>/dev/null; cleanup" EXIT

STACK=bench-rollout
NS="hello-$STACK"
pulumi stack init "$STACK" --non-interactive >/dev/null
pulumi config set-all \
  --plaintext tagship:imageTag=0.0.0 --plaintext tagship:registry=127.0.0.1:5000 --plaintext tagship:builder=tagship-lab \
  --plaintext tagship:baseImage=127.0.0.1:5000/tagship/node-base:22 --plaintext "tagship:kubeconfig=$LAB/kubeconfig" >/dev/null

seconds() { local s=$(date +%s%N); "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; die "$* failed"; }; awk -v ns=$(($(date +%s%N) - s)) 'BEGIN { printf "%.2f\n", ns / 1e9 }'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== first deploy of $STACK (not measured)"
pulumi up --yes --non-interactive >/dev/null
image="$(pulumi stack output imageRef)"
repo="${image%@*}"

# Each measured run starts from a quiet lab: the previous rollout's old pods have finished terminating (their
# preStop pause and drain would otherwise compete for the CPU with the next run's start).
settle() {
  local want
  want=$(kubectl -n "$NS" get deployment hello -o jsonpath='{.spec.replicas}')
  for _ in $(seq 120); do
    [[ "$(kubectl -n "$NS" get pods --no-headers 2>/dev/null | wc -l)" -eq "$want" ]] && break
    sleep 0.5
  done
  sleep "${TAGSHIP_BENCH_QUIET:-5}" # and the node has cleaned up after them
}

pulumi_runs=() kubectl_runs=() waits=()
for i in $(seq "$ROUNDS"); do
  # Each run changes the pod template once: pulumi through a new tag (APP_VERSION and the version label),
  # kubectl through a new image reference to the same digest, as the manual loop does.
  pulumi config set imageTag "1.0.$i" >/dev/null
  settle
  start=$(date +%s.%N)
  pulumi_runs+=("$(seconds bash -c "set -o pipefail; pulumi up --yes --non-interactive --skip-preview 2>&1 | perl -MTime::HiRes=time -ne 'printf \"%.3f %s\", time, \$_'")")
  awk -v t0="$start" '{ $1 = sprintf("%6.2f", $1 - t0); print }' "$work/last.log" >"$work/pulumi-$i.log"
  waits+=("$(sed -n 's/.*rollout complete in \([0-9.]*\) s.*/\1/p' "$work/pulumi-$i.log" | head -1)")
  settle
  kubectl_runs+=("$(seconds bash -c "$LAB/bin/kubectl -n $NS set image deployment/hello hello=$repo:1.0.$i && $LAB/bin/kubectl -n $NS rollout status deployment/hello --timeout=300s")")
  echo "round $i: pulumi up ${pulumi_runs[-1]} s (rollout wait ${waits[-1]} s), kubectl set image + rollout status ${kubectl_runs[-1]} s"
done

p=$(printf '%s\n' "${pulumi_runs[@]}" | median)
k=$(printf '%s\n' "${kubectl_runs[@]}" | median)
replicas=$(kubectl -n "$NS" get deployment hello -o jsonpath='{.spec.replicas}')
surge=$(kubectl -n "$NS" get deployment hello -o jsonpath='{.spec.strategy.rollingUpdate.maxSurge}')
unavailable=$(kubectl -n "$NS" get deployment hello -o jsonpath='{.spec.strategy.rollingUpdate.maxUnavailable}')
min_ready=$(kubectl -n "$NS" get deployment hello -o jsonpath='{.spec.minReadySeconds}')
period=$(kubectl -n "$NS" get deployment hello -o jsonpath='{.spec.template.spec.containers[0].readinessProbe.periodSeconds}')
warmup=1 # the app's STARTUP_DELAY_MS default: /readyz answers 503 for its first second
batches=$(((replicas + surge + unavailable - 1) / (surge + unavailable)))
floor_low=$((batches * (warmup + min_ready)))
floor_high=$((batches * (warmup + min_ready + period)))
ratio=$(awk -v p="$p" -v k="$k" 'BEGIN { printf "%.2f", p / k }')
printf '\n| measure (median of %s, alternating) | seconds |\n| --- | --- |\n' "$ROUNDS"
printf '| `pulumi up` with a new tag, to rollout complete | %s |\n' "$p"
printf '| `kubectl set image` + `kubectl rollout status` | %s |\n' "$k"
printf '| ratio pulumi / kubectl (target <= 1.3) | %s |\n' "$ratio"
printf '| rollout floor: %s batches x (%s s warm-up + %s s minReadySeconds [+ %s s readiness period]) | %s to %s |\n' \
  "$batches" "$warmup" "$min_ready" "$period" "$floor_low" "$floor_high"
