#!/usr/bin/env bash
# Benchmark of a release of one service in a stack of 1, 3 and 5 services, and of all 5 at once, on the lab,
# through the release command users run (`tagship ship`), alternating the stacks in one sitting (median of the
# rounds). Every service is app/ (its own repository, 2 replicas); a release is a new imageTag of svc1 (or of
# every service). Targets: one service of 5 at most 1.2x one service of 1; all 5 at most 1.5x one of 1.
# Each measured run starts once the previous rollout's old pods are gone. Needs the lab up (make lab-up).
# Results go to docs/benchmarks.md by hand; nothing here is a test.
# Usage: bash bench/services.sh [rounds, default 3]
ROUNDS="${1:-3}"
source "$(dirname "$0")/common.sh"
SIZES=(1 3 5)
cleanup() {
  for n in "${SIZES[@]}"; do pulumi destroy --yes --non-interactive --stack "bench-s$n" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ship() { bash "$root/cli/tagship" ship --stack "$1" --cwd "$work/project"; }
for n in "${SIZES[@]}"; do
  new_stack "bench-s$n"
  for k in $(seq "$n"); do
    pulumi config set --stack "bench-s$n" --path "tagship:services.svc$k.context" app >/dev/null
    pulumi config set --stack "bench-s$n" --path "tagship:services.svc$k.replicas" 2 >/dev/null
  done
done
echo "== first release of each stack (not measured)"
for n in "${SIZES[@]}"; do seconds ship "bench-s$n" >/dev/null; done

declare -A one
all=()
for i in $(seq "$ROUNDS"); do
  line="round $i:"
  for n in "${SIZES[@]}"; do
    pulumi config set --stack "bench-s$n" --path tagship:services.svc1.imageTag "1.0.$i" >/dev/null
    settle "hello-bench-s$n"
    t="$(seconds ship "bench-s$n")"
    one[$n]+="$t "
    line+=" one of $n $t s,"
  done
  for k in $(seq 5); do pulumi config set --stack bench-s5 --path "tagship:services.svc$k.imageTag" "2.0.$i" >/dev/null; done
  settle hello-bench-s5
  all+=("$(seconds ship bench-s5)")
  echo "$line all 5 ${all[-1]} s"
done

# shellcheck disable=SC2086 # the runs are space-separated
o1=$(m ${one[1]}) o3=$(m ${one[3]}) o5=$(m ${one[5]}) a5=$(m "${all[@]}")
printf '\n| release (median of %s, alternating) | seconds | ratio to one service of 1 | target |\n| --- | --- | --- | --- |\n' "$ROUNDS"
printf '| one service, stack of 1 | %s | | |\n' "$o1"
printf '| one service, stack of 3 | %s | %s | |\n' "$o3" "$(ratio "$o3" "$o1")"
printf '| one service, stack of 5 | %s | %s | <= 1.2 |\n' "$o5" "$(ratio "$o5" "$o1")"
printf '| all 5 services, stack of 5 | %s | %s | <= 1.5 |\n' "$a5" "$(ratio "$a5" "$o1")"
