#!/usr/bin/env bash
# Provides the Pulumi engine for this project at the versions pinned in toolchain/versions.sh (kept
# equal to package.json by tests/unit/toolchain.test.ts): the `pulumi` CLI, its Node.js language host, and
# the kubernetes and docker-build provider plugins.
#
# A `pulumi` already on PATH at the pinned version is used as it is, and plugins already installed at the
# pinned versions are left alone. Anything missing is built from Go modules (the module proxy is the one
# source of Go code these machines reach) in the wrapper modules under toolchain/, cached by
# version under $TAGSHIP_CACHE/toolchain, and plugins are installed from those files with
# `pulumi plugin install --file`, so nothing is ever downloaded from Pulumi's servers.
#
# Idempotent. Progress goes to stderr; stdout gets one line, the directory to put first on PATH.
# `--check` builds and installs nothing: it fails at once, naming the step that provides what is missing.
set -euo pipefail
CHECK_ONLY=false
[[ "${1:-}" == "--check" ]] && CHECK_ONLY=true
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/toolchain/lib.sh"
source "$root/toolchain/versions.sh"
TOOLCHAIN="$TAGSHIP_CACHE/toolchain"
STEPS=4
exec 3>&1 1>&2 # keep stdout for the result

need_go() {
  $CHECK_ONLY && die "$1 is missing: run \`bash toolchain/toolchain.sh\` (step $current of $STEPS provides it)"
  command -v go >/dev/null 2>&1 ||
    die "building $1 needs Go >= 1.26.6 (none on PATH). Install Go, or install $1 yourself at the pinned version"
}

# 1. The CLI and the language host, which must sit next to it.
current=1; step 1 $STEPS "pulumi CLI v$PULUMI_VERSION"
cli_dir=""
if command -v pulumi >/dev/null 2>&1 && [[ "$(pulumi version 2>/dev/null)" == "v$PULUMI_VERSION" ]]; then
  cli_dir="$(dirname "$(command -v pulumi)")"
  echo "    using $cli_dir/pulumi (already on PATH)"
else
  cli_dir="$TOOLCHAIN/pulumi/$PULUMI_VERSION"
  mkdir -p "$cli_dir"
  if [[ -x "$cli_dir/pulumi" ]]; then
    echo "    cached: $cli_dir/pulumi"
  else
    need_go "pulumi v$PULUMI_VERSION"
    echo "    building pulumi v$PULUMI_VERSION from github.com/pulumi/pulumi/pkg/v3 (cold: about 5 minutes)"
    go_build "$root/toolchain/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$cli_dir/pulumi" \
      "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
  fi
fi

current=2; step 2 $STEPS "pulumi-language-nodejs"
if [[ -x "$cli_dir/pulumi-language-nodejs" ]]; then
  echo "    present: $cli_dir/pulumi-language-nodejs"
elif [[ "$cli_dir" != "$TOOLCHAIN/pulumi/$PULUMI_VERSION" ]] && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  echo "    using $(command -v pulumi-language-nodejs) (on PATH)"
else
  need_go "pulumi-language-nodejs"
  [[ -w "$cli_dir" ]] || die "$cli_dir has no pulumi-language-nodejs and is not writable; install Pulumi's Node.js language host next to pulumi"
  echo "    building pulumi-language-nodejs v$PULUMI_LANGUAGE_NODEJS_VERSION from github.com/pulumi/pulumi/sdk/v3 (cold: about 2 minutes)"
  go_build "$root/toolchain/language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
    "$cli_dir/pulumi-language-nodejs" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_LANGUAGE_NODEJS_VERSION"
fi
export PATH="$cli_dir:$PATH"

# The resource plugins in the plugin cache, one "name version" line each.
plugin_list() {
  pulumi plugin ls --json 2>/dev/null | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () =>
    console.log((JSON.parse(s || "[]") ?? []).filter((p) => p.kind === "resource").map((p) => `${p.name} ${p.version}`).join("\n")))'
}
plugins="$(plugin_list)"

# ensure_plugin <step> <name> <version> <build function>: installs the plugin from the cached binary, building
# that first if needed, unless the plugin cache already has that version.
ensure_plugin() {
  local name=$2 version=$3 build=$4
  current=$1
  step "$1" $STEPS "pulumi-resource-$name v$version"
  if grep -qxF "$name $version" <<<"$plugins"; then
    echo "    installed"
    return
  fi
  local bin="$TOOLCHAIN/plugins/pulumi-resource-$name-$version"
  if $CHECK_ONLY || [[ ! -x "$bin" ]]; then
    need_go "plugin $name v$version"
    mkdir -p "$(dirname "$bin")"
    "$build" "$bin"
  fi
  pulumi plugin install resource "$name" "v$version" --file "$bin"
}

# The kubernetes provider's main package embeds two files made by `go generate`, which are not in the
# module: the build copies that package out of the module cache and generates them, as upstream does.
build_kubernetes() {
  echo "    building pulumi-resource-kubernetes v$KUBERNETES_PROVIDER_VERSION (cold: about 10 minutes)"
  local build="$TOOLCHAIN/src/kubernetes-$KUBERNETES_PROVIDER_VERSION"
  rm -rf "$build" && mkdir -p "$build"
  cp "$root/toolchain/kubernetes/go.mod" "$root/toolchain/kubernetes/go.sum" "$build/"
  (
    cd "$build"
    export GOFLAGS=-mod=readonly
    go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
    main="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes"
    cp "$main/main.go" "$main/generate.go" "$main/schema.json" "$main/terraform-mapping.json" .
    chmod u+w ./*
    VERSION="$KUBERNETES_PROVIDER_VERSION" go run generate.go
  )
  go_build "$build" . "$1" "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_PROVIDER_VERSION"
}

build_docker_build() {
  echo "    building pulumi-resource-docker-build v$DOCKER_BUILD_PROVIDER_VERSION (cold: about 4 minutes)"
  go_build "$root/toolchain/docker-build" github.com/pulumi/pulumi-docker-build/provider/cmd/pulumi-resource-docker-build \
    "$1" "-X github.com/pulumi/pulumi-docker-build/provider.Version=$DOCKER_BUILD_PROVIDER_VERSION"
}

ensure_plugin 3 kubernetes "$KUBERNETES_PROVIDER_VERSION" build_kubernetes
ensure_plugin 4 docker-build "$DOCKER_BUILD_PROVIDER_VERSION" build_docker_build

echo "    $(pulumi version); plugins: $(plugin_list | paste -sd, - | sed 's/,/, /g')"
echo "$cli_dir" >&3
