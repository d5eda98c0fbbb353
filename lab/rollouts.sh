# The lab's progressive delivery controller: Argo Rollouts, built from its module (wrapper lab/argo-rollouts: its
# replaces repeated) and run as a lab process with the lab's admin kubeconfig, as its own local development does.
# It steps a Rollout's canary and runs its analyses, querying the lab's Prometheus. Sourced by lab/lab.sh, not run.

ROLLOUTS_VERSION=v1.10.1
ROLLOUTS_BIN="$TAGSHIP_CACHE/lab/argo-rollouts-$ROLLOUTS_VERSION"
# Its metrics and health servers bind every address, with no flag to change it: an iptables rule keeps them to
# loopback (as for Argo CD's controller).
ROLLOUTS_METRICS_PORT=18090
ROLLOUTS_HEALTHZ_PORT=18091
ROLLOUTS_CRDS=(rollout-crd analysis-template-crd cluster-analysis-template-crd analysis-run-crd experiment-crd)

# Stamped as its release is: version without the v (the code adds it), the tag, a clean tree.
build_rollouts() {
  local pkg=github.com/argoproj/argo-rollouts/utils/version
  mkdir -p "$ROLLOUTS_BIN"
  go_build "$root/lab/argo-rollouts" github.com/argoproj/argo-rollouts/cmd/rollouts-controller "$ROLLOUTS_BIN/rollouts-controller" \
    "-X $pkg.version=${ROLLOUTS_VERSION#v} -X $pkg.gitTag=$ROLLOUTS_VERSION -X $pkg.gitCommit=module -X $pkg.gitTreeState=clean"
}

rollouts_module_dir() {
  (cd "$root/lab/argo-rollouts" && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' github.com/argoproj/argo-rollouts)
}

rollouts_up() {
  local mod crd files=()
  mod="$(rollouts_module_dir)"
  for crd in "${ROLLOUTS_CRDS[@]}"; do files+=(-f "$mod/manifests/crds/$crd.yaml"); done
  kubectl apply --server-side --force-conflicts "${files[@]}" >/dev/null
  if ! running argo-rollouts; then
    loopback_only "$ROLLOUTS_METRICS_PORT"
    loopback_only "$ROLLOUTS_HEALTHZ_PORT"
    # One controller, so no leader election (whose lease would need an argo-rollouts namespace); an analysis's
    # Prometheus address defaults to the lab's.
    ARGO_ROLLOUTS_PROMETHEUS_ADDRESS="http://$PROMETHEUS_ADDR" start argo-rollouts "$ROLLOUTS_BIN/rollouts-controller" \
      --kubeconfig "$LAB/kubeconfig" --leader-elect=false --metricsPort "$ROLLOUTS_METRICS_PORT" \
      --healthzPort "$ROLLOUTS_HEALTHZ_PORT" --logformat text --loglevel info
  fi
  wait_for "the Argo Rollouts controller" 60 curl -fs "http://127.0.0.1:$ROLLOUTS_METRICS_PORT/metrics"
  still_running argo-rollouts "127.0.0.1:$ROLLOUTS_METRICS_PORT"
  echo "    Argo Rollouts $ROLLOUTS_VERSION: controller (metrics 127.0.0.1:$ROLLOUTS_METRICS_PORT), analyses against http://$PROMETHEUS_ADDR"
}

rollouts_down() {
  stop argo-rollouts
  loopback_only_end "$ROLLOUTS_METRICS_PORT"
  loopback_only_end "$ROLLOUTS_HEALTHZ_PORT"
}

rollouts_status() {
  if running argo-rollouts; then echo "argo-rollouts: running (pid $(cat "$LAB/argo-rollouts.pid"))"; else echo "argo-rollouts: stopped"; return 1; fi
}
