# The lab's Go-built servers, each built once into the cache (outside the repo) from a committed wrapper
# module under lab/<name>. Sourced by lab/lab.sh, not run.

BUILDKIT_VERSION=v0.31.0
KUBERNETES_VERSION=v1.34.12
ETCD_VERSION=v3.6.16
BUILDKIT_BIN="$TAGSHIP_CACHE/lab/buildkit-$BUILDKIT_VERSION"
KUBERNETES_BIN="$TAGSHIP_CACHE/lab/kubernetes-$KUBERNETES_VERSION"
ETCD_BIN="$TAGSHIP_CACHE/lab/etcd-$ETCD_VERSION"
KUBERNETES_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

need_go() { command -v go >/dev/null || die "building $1 needs Go >= 1.26.6 on PATH"; }

buildkit_binaries() {
  [[ -x "$BUILDKIT_BIN/buildkitd" && -x "$BUILDKIT_BIN/buildctl" ]] && return
  need_go buildkitd
  echo "    building buildkitd and buildctl $BUILDKIT_VERSION from github.com/moby/buildkit (cold: about 5 minutes)"
  mkdir -p "$BUILDKIT_BIN"
  local cmd
  for cmd in buildkitd buildctl; do
    CGO_ENABLED=0 go_build "$root/lab/buildkit" "github.com/moby/buildkit/cmd/$cmd" "$BUILDKIT_BIN/$cmd" \
      "-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit" \
      -tags "osusergo netgo static_build seccomp"
  done
}

# Built as Kubernetes' own release does (static, these tags, the version stamped into both version
# packages so that `kubectl version` and the API server report v1.34.x rather than v0.0.0-master).
kubernetes_binaries() {
  local missing=() cmd
  for cmd in "${KUBERNETES_COMMANDS[@]}"; do [[ -x "$KUBERNETES_BIN/$cmd" ]] || missing+=("$cmd"); done
  ((${#missing[@]} == 0)) && return
  need_go Kubernetes
  echo "    building ${missing[*]} $KUBERNETES_VERSION from k8s.io/kubernetes (once: 9 minutes measured on 2 cores with the module cache warm, longer without)"
  local minor=${KUBERNETES_VERSION#v1.} ldflags="-s -w" pkg
  minor=${minor%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  mkdir -p "$KUBERNETES_BIN"
  for cmd in "${missing[@]}"; do
    CGO_ENABLED=0 go_build "$root/lab/kubernetes" "k8s.io/kubernetes/cmd/$cmd" "$KUBERNETES_BIN/$cmd" "$ldflags" \
      -tags selinux,notest,grpcnotrace
  done
}

# etcd's binary is the package main at the root of go.etcd.io/etcd/server/v3.
etcd_binaries() {
  [[ -x "$ETCD_BIN/etcd" && -x "$ETCD_BIN/etcdctl" ]] && return
  need_go etcd
  echo "    building etcd and etcdctl $ETCD_VERSION from go.etcd.io/etcd (cold: about 2 minutes)"
  mkdir -p "$ETCD_BIN"
  CGO_ENABLED=0 go_build "$root/lab/etcd" go.etcd.io/etcd/server/v3 "$ETCD_BIN/etcd" "-s -w"
  CGO_ENABLED=0 go_build "$root/lab/etcd" go.etcd.io/etcd/etcdctl/v3 "$ETCD_BIN/etcdctl" "-s -w"
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
