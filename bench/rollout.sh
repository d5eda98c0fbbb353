#!/usr/bin/env bash
# Benchmark of a release on the lab: tag to rollout complete with `pulumi up` versus `kubectl set image`
# plus `kubectl rollout status`, on the same lab and the same Deployment, alternating runs in one sitting.
# Beside the ratio: the floor the rollout config allows (batches times the time a new pod takes to count as
# available). Needs the lab up (make lab-up). Results go to docs/benchmarks.md by hand; nothing here is a test.
# Run it in the foreground: as a background job of an interactive shell the Pulumi CLI waited 4.9 s more per
# run (docs/benchmarks.md).
# Usage: bash bench/rollout.sh [rounds, default 5]
#   TAGSHIP_BENCH_QUIET=<s>       seconds to wait after the previous rollout's pods are gone (default 5)
#   TAGSHIP_BENCH_KEEP_LOGS=<dir> keep each pulumi run's output there, lines stamped with seconds since start
ROUNDS="${1:-5}"
source "$(dirname "$0")/common.sh"
cleanup() { pulumi destroy --yes --non-interactive >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
[[ -n "${TAGSHIP_BENCH_KEEP_LOGS:-}" ]] && trap "cp $work/pulumi-*.log $TAGSHIP_BENCH_KEEP_LOGS/ 2>/dev/null; cleanup" EXIT

STACK=bench-rollout
NS="hello-$STACK"
new_stack "$STACK"

echo "== first deploy of $STACK (not measured)"
pulumi up --yes --non-interactive >/dev/null
image="$(pulumi stack output imageRef)"
repo="${image%@*}"

pulumi_runs=() kubectl_runs=() waits=()
for i in $(seq "$ROUNDS"); do
  # Each run changes the pod template once: pulumi through a new tag (APP_VERSION and the version label),
  # kubectl through a new image reference to the same digest, as the manual loop does.
  pulumi config set imageTag "1.0.$i" >/dev/null
  settle "$NS"
  start=$(date +%s.%N)
  pulumi_runs+=("$(seconds bash -c "set -o pipefail; pulumi up --yes --non-interactive --skip-preview 2>&1 | perl -MTime::HiRes=time -ne 'printf \"%.3f %s\", time, \$_'")")
  awk -v t0="$start" '{ $1 = sprintf("%6.2f", $1 - t0); print }' "$work/last.log" >"$work/pulumi-$i.log"
  waits+=("$(sed -n 's/.*rollout complete in \([0-9.]*\) s.*/\1/p' "$work/pulumi-$i.log" | head -1)")
  settle "$NS"
  kubectl_runs+=("$(seconds bash -c "$LAB/bin/kubectl --kubeconfig $LAB/kubeconfig -n $NS set image deployment/hello hello=$repo:1.0.$i && $LAB/bin/kubectl --kubeconfig $LAB/kubeconfig -n $NS rollout status deployment/hello --timeout=300s")")
  echo "round $i: pulumi up ${pulumi_runs[-1]} s (rollout wait ${waits[-1]} s), kubectl set image + rollout status ${kubectl_runs[-1]} s"
done

p=$(printf '%s\n' "${pulumi_runs[@]}" | median)
k=$(printf '%s\n' "${kubectl_runs[@]}" | median)
read -r replicas surge unavailable min_ready period <<<"$(kubectl -n "$NS" get deployment hello -o jsonpath='{.spec.replicas} {.spec.strategy.rollingUpdate.maxSurge} {.spec.strategy.rollingUpdate.maxUnavailable} {.spec.minReadySeconds} {.spec.template.spec.containers[0].readinessProbe.periodSeconds}')"
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
