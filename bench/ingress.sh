#!/usr/bin/env bash
# Benchmark of releases behind the lab's ingress controller (Traefik on 127.0.0.1:18000), alternating in one sitting
# (median of the rounds), on one Deployment of 3 replicas with an Ingress:
#   1. `tagship ship` of a new tag (same source) against `kubectl set image` + `kubectl rollout status` on the same
#      Deployment, each under the same load through the ingress: the release's cost over the floor
#   2. latency of requests through the ingress (4 workers, a fresh connection each, 10 ms apart): p50 and p99 at rest,
#      during the kubectl rollout, during the rollout of the release (its "apply the Deployment and roll out" phases,
#      from its release record), and during the whole `tagship ship` command, whose engine (CLI, program, plan)
#      shares the lab's cores with the serving pods before the rollout starts
#                                                                     target: p99 during a rollout <= 2x at rest
# Each measured run starts once the previous rollout's old pods are gone (common.sh's settle). Needs the lab up
# (make lab-up). Results go to docs/benchmarks.md by hand; nothing here is a test.
# Usage: bash bench/ingress.sh [rounds, default 5]
ROUNDS="${1:-5}"
source "$(dirname "$0")/common.sh"
HOST=bench-ingress.lab.test
INGRESS=http://127.0.0.1:18000
cleanup() {
  pulumi destroy --yes --non-interactive --stack bench-ingress >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

new_stack bench-ingress
pulumi config set --stack bench-ingress --path 'tagship:ingress.host' "$HOST" >/dev/null
pulumi config set --stack bench-ingress --path 'tagship:ingress.className' traefik >/dev/null

ship() { bash "$root/cli/tagship" ship --stack bench-ingress --cwd "$work/project"; }
# load <min requests> <stop file>: the load through the ingress, in the background; its JSON line lands in <stop>.json.
load() { node --import tsx "$root/bench/ingress-load.ts" "$INGRESS/version" "$HOST" "$2" "$1" >"$2.json" & }
field() { node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r[process.argv[2]])' "$1" "$2"; }
# rollout_window <ship output>: the epoch milliseconds "<from> <to>" of the release's rollout, from its release record.
rollout_window() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const roll = r.phases.filter((p) => p.name.startsWith("apply the Deployment and roll out"));
    if (roll.length === 0) throw new Error("the release record has no rollout phase");
    const t0 = Date.parse(r.startedAt), last = roll[roll.length - 1];
    console.log(Math.round(t0 + roll[0].at * 1000), Math.round(t0 + (last.at + last.seconds) * 1000));
  ' "$(sed -n 's/^release record: \(.*\.json\)$/\1/p' "$1" | tail -1)"
}

echo "== first release (not measured)"
seconds ship >/dev/null
repo="$(pulumi stack output imageRef --stack bench-ingress)"
repo="${repo%@*}"

shipped=() floor=() rest50=() rest99=() roll50=() roll99=() win50=() win99=() kc50=() kc99=() failures=0
for i in $(seq "$ROUNDS"); do
  settle hello-bench-ingress
  # At rest: 2,000 requests through the ingress.
  touch "$work/rest-$i"
  load 2000 "$work/rest-$i"
  wait
  rest50+=("$(field "$work/rest-$i.json" p50)") rest99+=("$(field "$work/rest-$i.json" p99)")
  # During the release: the load runs until the command returns.
  pulumi config set --stack bench-ingress imageTag "1.0.$i" >/dev/null
  load 500 "$work/roll-$i"
  shipped+=("$(seconds ship)")
  rollout_window "$work/last.log" >"$work/roll-$i.window"
  touch "$work/roll-$i"
  wait
  roll50+=("$(field "$work/roll-$i.json" p50)") roll99+=("$(field "$work/roll-$i.json" p99)")
  win50+=("$(field "$work/roll-$i.json" windowP50)") win99+=("$(field "$work/roll-$i.json" windowP99)")
  failures=$((failures + $(field "$work/rest-$i.json" failures) + $(field "$work/roll-$i.json" failures)))
  settle hello-bench-ingress
  load 500 "$work/floor-$i"
  floor+=("$(seconds bash -c "$LAB/bin/kubectl --kubeconfig $LAB/kubeconfig -n hello-bench-ingress set image deployment/hello hello=$repo:1.0.$i && $LAB/bin/kubectl --kubeconfig $LAB/kubeconfig -n hello-bench-ingress rollout status deployment/hello --timeout=300s")")
  touch "$work/floor-$i"
  wait
  failures=$((failures + $(field "$work/floor-$i.json" failures)))
  kc50+=("$(field "$work/floor-$i.json" p50)") kc99+=("$(field "$work/floor-$i.json" p99)")
  echo "round $i: ship ${shipped[-1]} s, kubectl ${floor[-1]} s; p50/p99 ms at rest ${rest50[-1]}/${rest99[-1]} ($(field "$work/rest-$i.json" requests) requests), kubectl rollout ${kc50[-1]}/${kc99[-1]} ($(field "$work/floor-$i.json" requests)), release's rollout ${win50[-1]}/${win99[-1]} ($(field "$work/roll-$i.json" windowRequests)), whole release ${roll50[-1]}/${roll99[-1]} ($(field "$work/roll-$i.json" requests), versions $(field "$work/roll-$i.json" versions | tr -d '\n'))"
done

s=$(m "${shipped[@]}") k=$(m "${floor[@]}") r50=$(m "${rest50[@]}") r99=$(m "${rest99[@]}") l50=$(m "${roll50[@]}") l99=$(m "${roll99[@]}")
w50=$(m "${win50[@]}") w99=$(m "${win99[@]}") c50=$(m "${kc50[@]}") c99=$(m "${kc99[@]}")
printf '\n| measure (median of %s, alternating) | value | ratio | target |\n| --- | --- | --- | --- |\n' "$ROUNDS"
printf '| `kubectl set image` + `kubectl rollout status` | %s s | | |\n' "$k"
printf '| `tagship ship`, new tag, behind the ingress, to rollout complete | %s s | %s of kubectl | |\n' "$s" "$(ratio "$s" "$k")"
printf '| latency through the ingress at rest: p50 / p99 | %s / %s ms | | |\n' "$r50" "$r99"
printf '| latency during the `kubectl` rollout: p50 / p99 | %s / %s ms | p99 %s of at rest | <= 2 |\n' "$c50" "$c99" "$(ratio "$c99" "$r99")"
printf '| latency during the rollout of `tagship ship`: p50 / p99 | %s / %s ms | p99 %s of at rest | <= 2 |\n' "$w50" "$w99" "$(ratio "$w99" "$r99")"
printf '| latency during the whole `tagship ship` command: p50 / p99 | %s / %s ms | p99 %s of at rest | |\n' "$l50" "$l99" "$(ratio "$l99" "$r99")"
printf '| failed requests, all rounds | %s | | 0 |\n' "$failures"
