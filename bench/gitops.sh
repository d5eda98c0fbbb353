#!/usr/bin/env bash
# Benchmark of a gitops release against a direct one on the same lab and config: tag to live (Application
# Synced at the pushed commit, Healthy, rollout complete) with `tagship ship` (`pulumi up`, commit, push, wait), versus
# tag to rollout complete with `tagship ship` of a direct-mode stack (the engine's update and its rollout wait); alternating runs in one sitting, each starting once
# the previous rollout's old pods are gone. Needs the lab up (make lab-up); run it in the foreground.
# Results go to docs/benchmarks.md by hand; nothing here is a test.
# Usage: bash bench/gitops.sh [rounds, default 5]
ROUNDS="${1:-5}"
source "$(dirname "$0")/common.sh"
cleanup() {
  for s in bench-direct bench-gitops; do pulumi destroy --yes --non-interactive --stack "$s" >/dev/null 2>&1 || true; done
  kubectl delete namespace hello-bench-gitops --ignore-not-found --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
printf 'node_modules\n' >"$work/project/.gitignore"
git init -q --bare --initial-branch=main "$work/remote.git"
git -C "$work/project" init -q --initial-branch=main
git -C "$work/project" add -A
git -C "$work/project" -c user.name=bench -c user.email=bench@localhost commit -qm "the program"

new_stack bench-direct
new_stack bench-gitops
pulumi config set-all --stack bench-gitops --plaintext tagship:deliveryMode=gitops --plaintext "tagship:repoUrl=file://$work/remote.git" >/dev/null

# Both through the release command, so that each pays the same overhead (reading the stack's outputs).
release_direct() { node --import tsx "$root/cli/main.ts" ship --stack bench-direct --cwd "$work/project"; }
release_gitops() { node --import tsx "$root/cli/main.ts" ship --stack bench-gitops --cwd "$work/project"; }

echo "== first release of both stacks (not measured)"
release_direct >"$work/first.log" 2>&1 || { cat "$work/first.log"; die "the first direct release failed"; }
release_gitops >"$work/first.log" 2>&1 || { cat "$work/first.log"; die "the first gitops release failed"; }

direct_runs=() gitops_runs=()
for i in $(seq "$ROUNDS"); do
  pulumi config set --stack bench-direct imageTag "1.0.$i" >/dev/null
  settle hello-bench-direct
  direct_runs+=("$(seconds release_direct)")
  pulumi config set --stack bench-gitops imageTag "1.0.$i" >/dev/null
  settle hello-bench-gitops
  gitops_runs+=("$(seconds release_gitops)")
  echo "round $i: direct ${direct_runs[-1]} s, gitops ${gitops_runs[-1]} s"
done
d=$(printf '%s\n' "${direct_runs[@]}" | median)
g=$(printf '%s\n' "${gitops_runs[@]}" | median)
printf '\n| measure (median of %s, alternating) | seconds |\n| --- | --- |\n' "$ROUNDS"
printf '| direct: `pulumi up` with a new tag, to rollout complete | %s |\n' "$d"
printf '| gitops: `pulumi up` + commit, push, Argo CD sync, to Healthy and rollout complete | %s |\n' "$g"
printf '| ratio gitops / direct (target <= 1.5) | %s |\n' "$(awk -v g="$g" -v d="$d" 'BEGIN { printf "%.2f", g / d }')"
