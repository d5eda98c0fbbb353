#!/usr/bin/env bash
# The local lab: the parts the dev stack deploys to, all on this machine, all state under .lab/ (gitignored;
# TAGSHIP_LAB_DIR moves it), every server on loopback or the lab's own bridge.
#   prepare [--no-gitops]   install the Debian packages and build what the lab runs (its servers, the base
#           image's root filesystem), starting nothing: set-up runs it beside the engine's build
#   up [--no-gitops]        start what is not running (idempotent); --no-gitops leaves out Argo CD, Redis and
#           the git remote, which only gitops stacks use (scripts/up.sh passes it for a direct-mode stack)
#   down    stop everything and leave no process and no mount behind (the lab's data stays for the next up)
#   status  one line per part; exit status 0 only when all of it is up
#   stop|start|restart <part>   one part (registry, kube-apiserver, argocd-application-controller), for fault tests
#   buildctl <args>         the lab's buildctl against its BuildKit, e.g. `buildctl du` (the builder's cache)
# Parts: a registry on 127.0.0.1:5000 (Debian's docker-registry) and one that requires a password on
# 127.0.0.1:5002 (htpasswd; the password is made at its first start, in .lab/private-registry/password), BuildKit on 127.0.0.1:1234 and the buildx
# builder "tagship-lab" that @pulumi/docker-build uses, app/'s base image, a single-node Kubernetes
# (lab/cluster.sh), the ingress controller Traefik on 127.0.0.1:18000 with the Gateway API (lab/ingress.sh),
# metrics-server (lab/metrics.sh), Prometheus scraping annotated pods on 127.0.0.1:9090 (lab/prometheus.sh), Argo Rollouts' controller
# (lab/rollouts.sh), an S3 object store for a team's state backend (lab/s3.sh), and Argo CD with Redis
# and a git remote (lab/argocd.sh). Servers are built from
# Go modules (lab/binaries.sh) or come from Debian.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/toolchain/lib.sh"
LAB="${TAGSHIP_LAB_DIR:-$root/.lab}"
source "$root/lab/process.sh"
source "$root/lab/binaries.sh"
source "$root/lab/images.sh"
source "$root/lab/cluster.sh"
source "$root/lab/argocd.sh"
source "$root/lab/ingress.sh"
source "$root/lab/metrics.sh"
source "$root/lab/prometheus.sh"
source "$root/lab/rollouts.sh"
source "$root/lab/s3.sh"

# Debian package -> a command it provides.
PACKAGES=(docker-registry:docker-registry runc:runc debootstrap:debootstrap containerd:containerd
  containernetworking-plugins:/usr/lib/cni/bridge iptables:iptables conntrack:conntrack redis-server:redis-server
  git:git apache2-utils:htpasswd prometheus:prometheus)

packages() {
  local missing=() entry
  for entry in "${PACKAGES[@]}"; do command -v "${entry#*:}" >/dev/null || missing+=("${entry%%:*}"); done
  ((${#missing[@]} == 0)) && { echo "    Debian packages present"; return; }
  [[ $EUID -eq 0 ]] || die "the lab needs Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  echo "    installing ${missing[*]} from Debian"
  # The lab starts its servers itself, on loopback; a package's own service (Prometheus on every address, Redis)
  # must not start: a policy-rc.d that refuses every start, only while installing, and only if none is there.
  local policy=/usr/sbin/policy-rc.d guard=false
  [[ -e $policy ]] || { printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && guard=true; }
  local rc=0
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  ! $guard || rm -f "$policy"
  return $rc
}

# with_gitops "$@": whether Argo CD is wanted (not with --no-gitops); refuses any other argument.
with_gitops() {
  case "${1:-}" in
    "") return 0 ;;
    --no-gitops) return 1 ;;
    *) die "unknown option $1; usage: lab/lab.sh up|prepare [--no-gitops]" ;;
  esac
}

lab_prepare() { # its steps are 1 to 3 of $n (lab_up's count when it runs them)
  local n=${n:-3} argocd=""
  with_gitops "$@" && argocd=argocd
  [[ $EUID -eq 0 ]] || die "the lab runs a kubelet and containerd, which need root; run it as root or point the stack at another cluster (docs/lab.md: using your own cluster)"
  mkdir -p "$LAB"
  step 1 $n "Debian packages"; packages
  step 2 $n "the base image's root filesystem (debootstrap) and the lab's servers from Go modules, side by side"
  local rootfs=()
  [[ -f "$BASE_ROOTFS" ]] || in_registry tagship/node-base 22 || rootfs=(base-image-rootfs=base_rootfs)
  lab_binaries $argocd "${rootfs[@]}"
  step 3 $n "prepared"
}

lab_up() {
  local gitops=true n=20
  with_gitops "$@" || { gitops=false; n=18; }
  lab_prepare "$@"
  step 4 $n "registries"; registry_up; private_registry_up
  step 5 $n "BuildKit"; buildkit_up
  step 6 $n "buildx builder tagship-lab"; builder_up
  step 7 $n "base image $BASE_IMAGE"; base_image_up
  cluster_up $n 8
  step 14 $n "ingress controller Traefik $TRAEFIK_VERSION"; ingress_up
  step 15 $n "metrics-server $METRICS_SERVER_VERSION"; metrics_server_up
  step 16 $n "Prometheus (Debian's), scraping annotated pods"; prometheus_up
  step 17 $n "Argo Rollouts $ROLLOUTS_VERSION (canary releases and their analyses)"; rollouts_up
  step 18 $n "S3 object store versitygw $S3_VERSION (a team's state backend)"; s3_up
  if $gitops; then
    step 19 $n "git remote"; git_remote_up
    step 20 $n "Argo CD $ARGOCD_VERSION"; argocd_up
  fi
}

lab_down() {
  step 1 3 "stop Argo CD, Argo Rollouts, the ingress controller, metrics-server, Prometheus, Kubernetes and its containers"
  argocd_down
  stop traefik
  stop metrics-server
  rollouts_down
  stop prometheus
  stop prometheus-targets
  stop s3
  cluster_down
  step 2 3 "stop BuildKit and the registries"
  stop buildkit
  stop registry
  stop private-registry
  step 3 3 "unmount anything left under $LAB, remove the bridge"
  if [[ -d "$LAB" ]]; then
    # BuildKit's snapshots, the pods' root filesystems, volumes and network namespaces are all mounted under
    # the lab directory; a killed server can leave them behind.
    awk -v lab="$LAB" 'index($2, lab) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  fi
  network_down
  echo "    stopped"
}

lab_status() {
  local ok=0 part
  for part in registry private-registry buildkit; do
    if running "$part"; then echo "$part: running (pid $(cat "$LAB/$part.pid"))"; else echo "$part: stopped"; ok=1; fi
  done
  if [[ -f "$LAB/buildx/instances/tagship-lab" ]]; then echo "builder tagship-lab: configured"; else echo "builder tagship-lab: missing"; ok=1; fi
  if in_registry tagship/node-base 22; then echo "base image: $BASE_IMAGE"; else echo "base image: missing"; ok=1; fi
  cluster_status || ok=1
  ingress_status || ok=1
  metrics_status || ok=1
  prometheus_status || ok=1
  rollouts_status || ok=1
  s3_status || ok=1
  if [[ ! -d "$LAB/redis" ]]; then
    echo "Argo CD: not part of this lab (brought up with --no-gitops)"
  else
    for part in redis argocd-repo-server argocd-application-controller; do
      if running "$part"; then echo "$part: running (pid $(cat "$LAB/$part.pid"))"; else echo "$part: stopped"; ok=1; fi
    done
  fi
  return $ok
}

# One part stopped, or stopped and started again: what the fault tests do to a running lab.
PARTS="registry kube-apiserver argocd-application-controller"
known_part() { [[ " $PARTS " == *" ${1:-} "* ]] || die "usage: lab/lab.sh stop|start|restart <part>, with a part among: $PARTS"; }
lab_stop_part() {
  known_part "$1"
  stop "$1"
  echo "    $1 stopped"
}
lab_start_part() { # starts it unless it runs
  known_part "$1"
  case "$1" in
    registry) registry_up ;;
    kube-apiserver) control_plane_up ;;
    argocd-application-controller) argocd_up ;;
  esac
}

case "${1:-}" in
  up) lab_up "${@:2}" ;;
  prepare) lab_prepare "${@:2}" ;;
  down) lab_down ;;
  status) lab_status ;;
  stop) lab_stop_part "${2:-}" ;;
  start) lab_start_part "${2:-}" ;;
  restart) lab_stop_part "${2:-}" && lab_start_part "$2" ;;
  buildctl) buildctl "${@:2}" ;;
  *) die "usage: lab/lab.sh up|prepare [--no-gitops], down, status, stop|start|restart <part> ($PARTS), or buildctl <args>" ;;
esac
