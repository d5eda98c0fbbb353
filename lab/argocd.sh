# The lab's Argo CD (gitops mode): Redis from Debian, a git remote, and Argo CD's application controller and
# repo server, run from its multi-call binary as lab processes against the lab cluster.
# Sourced by lab/lab.sh, not run.

ARGOCD_VERSION=v3.5.7
ARGOCD_BIN="$TAGSHIP_CACHE/lab/argocd-$ARGOCD_VERSION"
ARGOCD_NAMESPACE=argocd
REDIS_ADDR=127.0.0.1:16379
REPO_SERVER_ADDR=127.0.0.1:18081
# The application controller's metrics server binds 0.0.0.0 (not configurable); an iptables rule keeps the
# port to loopback.
CONTROLLER_METRICS_PORT=18082
GIT_REMOTE="$LAB/git/tagship.git"

build_argocd() {
  mkdir -p "$ARGOCD_BIN"
  go_build "$root/lab/argocd" github.com/argoproj/argo-cd/v3/cmd "$ARGOCD_BIN/argocd" \
    "-X github.com/argoproj/argo-cd/v3/common.version=${ARGOCD_VERSION#v} -X github.com/argoproj/argo-cd/v3/common.gitTreeState=clean"
}

argocd_module_dir() {
  (cd "$root/lab/argocd" && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' github.com/argoproj/argo-cd/v3)
}

redis_up() {
  if running redis; then echo "    redis running"; return; fi
  mkdir -p "$LAB/redis"
  start redis redis-server --bind 127.0.0.1 --port "${REDIS_ADDR#*:}" --save "" --appendonly no --dir "$LAB/redis"
  wait_for "redis at $REDIS_ADDR" 20 redis-cli -p "${REDIS_ADDR#*:}" ping
  still_running redis "$REDIS_ADDR"
  echo "    redis on $REDIS_ADDR"
}

# A bare repository that Argo CD reads over file:// and releases push to (cli/release/gitops.ts).
git_remote_up() {
  [[ -d "$GIT_REMOTE" ]] || git init -q --bare --initial-branch=main "$GIT_REMOTE"
  echo "    git remote file://$GIT_REMOTE"
}

argocd_up() {
  lab_binaries argocd
  local mod
  mod="$(argocd_module_dir)"
  kubectl apply --server-side --force-conflicts -f "$mod/manifests/crds/application-crd.yaml" \
    -f "$mod/manifests/crds/appproject-crd.yaml" >/dev/null
  kubectl create namespace "$ARGOCD_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  # Resource tracking by annotation, set rather than left to the version's default (label tracking in 2.x would
  # overwrite the app.kubernetes.io/instance label of every object tagship applies).
  kubectl -n "$ARGOCD_NAMESPACE" create configmap argocd-cm --from-literal=application.resourceTrackingMethod=annotation \
    --dry-run=client -o yaml |
    kubectl label --local -f - app.kubernetes.io/part-of=argocd -o yaml | kubectl apply -f - >/dev/null
  redis_up
  if ! running argocd-repo-server; then
    mkdir -p "$LAB/argocd/tmp"
    # No GnuPG (commit signature verification is off), and its config paths under the lab instead of /app.
    # The repo server still runs the module's hack/git-verify-wrapper.sh on every manifest generation (its
    # image ships it on PATH); it is made executable in the lab.
    mkdir -p "$LAB/argocd/ssh" "$LAB/argocd/tls" "$LAB/argocd/bin"
    install -m 0755 "$mod/hack/git-verify-wrapper.sh" "$LAB/argocd/bin/git-verify-wrapper.sh"
    PATH="$LAB/argocd/bin:$PATH" TMPDIR="$LAB/argocd/tmp" ARGOCD_GPG_ENABLED=false ARGOCD_SSH_DATA_PATH="$LAB/argocd/ssh" \
      ARGOCD_TLS_DATA_PATH="$LAB/argocd/tls" ARGOCD_BINARY_NAME=argocd-repo-server start argocd-repo-server "$ARGOCD_BIN/argocd" \
      --address 127.0.0.1 --port "${REPO_SERVER_ADDR#*:}" --metrics-address 127.0.0.1 --metrics-port 18084 \
      --disable-tls --client-ca-path "" --redis "$REDIS_ADDR" --logformat text
  fi
  if ! running argocd-application-controller; then
    loopback_only "$CONTROLLER_METRICS_PORT"
    # ARGOCD_FAKE_IN_CLUSTER: the in-cluster destination (https://kubernetes.default.svc) is reached through
    # KUBECONFIG, as in Argo CD's own local development, since the controller runs outside the cluster.
    ARGOCD_FAKE_IN_CLUSTER=true KUBECONFIG="$LAB/kubeconfig" ARGOCD_GPG_ENABLED=false \
      ARGOCD_BINARY_NAME=argocd-application-controller start argocd-application-controller "$ARGOCD_BIN/argocd" \
      --kubeconfig "$LAB/kubeconfig" --namespace "$ARGOCD_NAMESPACE" --repo-server "$REPO_SERVER_ADDR" \
      --repo-server-plaintext --redis "$REDIS_ADDR" --metrics-port "$CONTROLLER_METRICS_PORT" --logformat text \
      --self-heal-timeout-seconds 2
  fi
  wait_for "the Argo CD repo server" 60 curl -fs http://127.0.0.1:18084/metrics
  wait_for "the Argo CD application controller" 60 curl -fs "http://127.0.0.1:$CONTROLLER_METRICS_PORT/healthz"
  echo "    Argo CD $ARGOCD_VERSION: application controller, repo server $REPO_SERVER_ADDR"
}

argocd_down() {
  stop argocd-application-controller
  stop argocd-repo-server
  stop redis
  loopback_only_end "$CONTROLLER_METRICS_PORT"
}
