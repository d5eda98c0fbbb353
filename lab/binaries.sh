# The lab's Go-built servers, each built once into the cache (outside the repo) from a committed wrapper
# module under lab/<name> (Traefik from a copy of its own module's source: lab/ingress.sh). Sourced by lab/lab.sh,
# not run.

BUILDKIT_VERSION=v0.31.0
KUBERNETES_VERSION=v1.34.12
ETCD_VERSION=v3.6.16
BUILDKIT_BIN="$TAGSHIP_CACHE/lab/buildkit-$BUILDKIT_VERSION"
KUBERNETES_BIN="$TAGSHIP_CACHE/lab/kubernetes-$KUBERNETES_VERSION"
ETCD_BIN="$TAGSHIP_CACHE/lab/etcd-$ETCD_VERSION"
KUBERNETES_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

need_go() { command -v go >/dev/null || die "building $1 needs Go >= 1.26.6 on PATH"; }

# lab_jobs [argocd]: the servers the lab lacks, as side_by_side jobs (toolchain/lib.sh), one per line; Argo CD
# only when asked: a direct-mode stack never needs it.
lab_jobs() {
  local cmd
  [[ -x "$BUILDKIT_BIN/buildkitd" && -x "$BUILDKIT_BIN/buildctl" ]] || echo buildkit=build_buildkit
  for cmd in "${KUBERNETES_COMMANDS[@]}"; do
    [[ -x "$KUBERNETES_BIN/$cmd" ]] || { echo kubernetes=build_kubernetes; break; }
  done
  [[ -x "$ETCD_BIN/etcd" && -x "$ETCD_BIN/etcdctl" ]] || echo etcd=build_etcd
  [[ -x "$TRAEFIK_BIN/traefik" ]] || echo traefik=build_traefik
  [[ -x "$METRICS_SERVER_BIN/metrics-server" ]] || echo metrics-server=build_metrics_server
  [[ -x "$S3_BIN/versitygw" ]] || echo s3=build_s3
  [[ -x "$ROLLOUTS_BIN/rollouts-controller" ]] || echo argo-rollouts=build_rollouts
  [[ "${1:-}" != argocd || -x "$ARGOCD_BIN/argocd" ]] || echo argocd=build_argocd
}

# lab_binaries [argocd] [name=function...]: builds what the lab lacks side by side, with any other jobs given.
lab_binaries() {
  local want=""
  [[ "${1:-}" == argocd ]] && want=argocd && shift
  local jobs=("$@") job
  while read -r job; do [[ -n "$job" ]] && jobs+=("$job"); done < <(lab_jobs $want)
  if ((${#jobs[@]} == 0)); then
    echo "    all built: $BUILDKIT_BIN, $KUBERNETES_BIN, $ETCD_BIN, $TRAEFIK_BIN, $METRICS_SERVER_BIN, $S3_BIN, $ROLLOUTS_BIN${want:+, $ARGOCD_BIN}"
    return
  fi
  [[ "${jobs[*]}" != *build_* ]] || need_go "the lab's servers"
  side_by_side 2 "${jobs[@]}"
}

build_buildkit() {
  go_build "$root/lab/buildkit" "github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl" "$BUILDKIT_BIN" \
    "-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit" \
    -tags "osusergo netgo static_build seccomp"
}

# Built as Kubernetes' own release does (static, these tags, the version stamped into both version
# packages so that `kubectl version` and the API server report v1.34.x rather than v0.0.0-master), all six in
# one go command.
build_kubernetes() {
  local minor=${KUBERNETES_VERSION#v1.} ldflags="" pkg pkgs=()
  minor=${minor%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  for pkg in "${KUBERNETES_COMMANDS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$pkg"); done
  go_build "$root/lab/kubernetes" "${pkgs[*]}" "$KUBERNETES_BIN" "$ldflags" -tags selinux,notest,grpcnotrace
}

# etcd's binary is the package main at the root of go.etcd.io/etcd/server/v3.
build_etcd() {
  mkdir -p "$ETCD_BIN"
  go_build "$root/lab/etcd" go.etcd.io/etcd/server/v3 "$ETCD_BIN/etcd" ""
  go_build "$root/lab/etcd" go.etcd.io/etcd/etcdctl/v3 "$ETCD_BIN/etcdctl" ""
}

# The sandbox ("pause") container every pod starts with: Kubernetes' own pause.c from the module cache,
# compiled static, so that its image can be FROM scratch.
pause_binary() {
  local out="$TAGSHIP_CACHE/lab/pause-$KUBERNETES_VERSION/pause"
  if [[ ! -x "$out" ]]; then
    local src
    src="$(cd "$root/lab/kubernetes" && GOFLAGS=-mod=readonly go mod download -json k8s.io/kubernetes | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
    command -v gcc >/dev/null || die "building the pause binary needs gcc (apt-get install gcc)"
    mkdir -p "$(dirname "$out")"
    gcc -Os -Wall -Werror -static -DVERSION=v3.10.1 -o "$out.partial" "$src/build/pause/linux/pause.c"
    mv "$out.partial" "$out"
  fi
  echo "$out"
}
