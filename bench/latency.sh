#!/usr/bin/env bash
# Benchmark of release latency on the lab, always through the release command users run (`tagship ship`, the
# launcher included), against its references, alternating in one sitting (median of the rounds):
#   1. a direct release (new tag, same source) against `kubectl set image` + `kubectl rollout status` on the
#      same Deployment (3 replicas)                                          target: ratio <= 1.15
#   2. a gitops release against the direct one                               target: ratio <= 1.15, under 20 s
#   3. a release that changes nothing against `pulumi preview` of the stack  target: ratio <= 1.2
#   4. how long after the command starts a release whose image did not change begins its rollout (the start of
#      its Deployment phase in the release record, cli/release/record.ts)   target: <= 3 s
# Each measured run starts once the previous rollout's old pods are gone (common.sh's settle). Needs the lab
# up with Argo CD (make lab-up). Results go to docs/benchmarks.md by hand; nothing here is a test.
# Usage: bash bench/latency.sh [rounds, default 5]
ROUNDS="${1:-5}"
source "$(dirname "$0")/common.sh"
cleanup() {
  for s in bench-direct bench-gitops; do pulumi destroy --yes --non-interactive --stack "$s" >/dev/null 2>&1 || true; done
  kubectl delete namespace hello-bench-gitops --ignore-not-found --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# The gitops stack commits to its checkout and pushes to a remote of its own.
printf 'node_modules\nrollouts\n' >"$work/project/.gitignore"
git init -q --bare --initial-branch=main "$work/remote.git"
git -C "$work/project" init -q --initial-branch=main
git -C "$work/project" add -A
git -C "$work/project" -c user.name=bench -c user.email=bench@localhost commit -qm "the program"

new_stack bench-direct
new_stack bench-gitops
pulumi config set-all --stack bench-gitops --plaintext tagship:deliveryMode=gitops --plaintext "tagship:repoUrl=file://$work/remote.git" >/dev/null

ship() { bash "$root/cli/tagship" ship --stack "$1" --cwd "$work/project"; }
# The start of the rollout in the last release's record: when its Deployment phase began.
rollout_start() {
  local record
  record="$(sed -n 's/^release record: //p' "$work/last.log" | tail -1)"
  node -e 'const r = require(process.argv[1]); const p = r.phases.find((p) => /roll out/.test(p.name));
    console.log(p ? p.at.toFixed(2) : "none")' "$record"
}

echo "== first release of both stacks (not measured)"
seconds ship bench-direct >/dev/null
seconds ship bench-gitops >/dev/null
repo="$(pulumi stack output imageRef --stack bench-direct)"
repo="${repo%@*}"

direct=() kubectl_runs=() gitops=() starts=() noop=() preview=()
for i in $(seq "$ROUNDS"); do
  pulumi config set --stack bench-direct imageTag "1.0.$i" >/dev/null
  settle hello-bench-direct
  direct+=("$(seconds ship bench-direct)")
  sed -n '/^phases of the release/,/^release record/p' "$work/last.log" >"$work/direct-phases.txt"
  starts+=("$(rollout_start)")
  settle hello-bench-direct
  kubectl_runs+=("$(seconds bash -c "$LAB/bin/kubectl --kubeconfig $LAB/kubeconfig -n hello-bench-direct set image deployment/hello hello=$repo:1.0.$i && $LAB/bin/kubectl --kubeconfig $LAB/kubeconfig -n hello-bench-direct rollout status deployment/hello --timeout=300s")")
  pulumi config set --stack bench-gitops imageTag "1.0.$i" >/dev/null
  settle hello-bench-gitops
  gitops+=("$(seconds ship bench-gitops)")
  sed -n '/^phases of the release/,/^release record/p' "$work/last.log" >"$work/gitops-phases.txt"
  noop+=("$(seconds ship bench-direct)")
  preview+=("$(seconds pulumi preview --stack bench-direct --non-interactive)")
  echo "round $i: direct ${direct[-1]} s (rollout from ${starts[-1]} s), kubectl ${kubectl_runs[-1]} s, gitops ${gitops[-1]} s, no-op ${noop[-1]} s, preview ${preview[-1]} s"
done

d=$(m "${direct[@]}") k=$(m "${kubectl_runs[@]}") g=$(m "${gitops[@]}") s=$(m "${starts[@]}") n=$(m "${noop[@]}") p=$(m "${preview[@]}")
printf '\n| measure (median of %s, alternating) | seconds | ratio | target |\n| --- | --- | --- | --- |\n' "$ROUNDS"
printf '| `kubectl set image` + `kubectl rollout status` | %s | | |\n' "$k"
printf '| direct `tagship ship`, new tag, to rollout complete | %s | %s of kubectl | <= 1.15 |\n' "$d" "$(ratio "$d" "$k")"
printf '| gitops `tagship ship`, new tag, to live | %s | %s of direct | <= 1.15, under 20 s |\n' "$g" "$(ratio "$g" "$d")"
printf '| `pulumi preview` | %s | | |\n' "$p"
printf '| `tagship ship` that changes nothing | %s | %s of preview | <= 1.2 |\n' "$n" "$(ratio "$n" "$p")"
printf '| rollout start of a release whose image did not change, after the command started | %s | | <= 3 s |\n' "$s"
printf '\nThe last round'"'"'s phases, direct then gitops:\n'
cat "$work/direct-phases.txt" "$work/gitops-phases.txt"
