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
STEPS=3

# The common case, answered from the file system alone (every command's launcher asks, so it must be quick):
# the cached CLI and language host, and both plugins fully installed in the plugin cache.
plugin_dir() { echo "${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-$1-v$2"; }
cached_cli="$TOOLCHAIN/pulumi/$PULUMI_VERSION"
if [[ -x "$cached_cli/pulumi" && -x "$cached_cli/pulumi-language-nodejs" ]] &&
  [[ -x "$(plugin_dir kubernetes "$KUBERNETES_PROVIDER_VERSION")/pulumi-resource-kubernetes" ]] &&
  [[ -x "$(plugin_dir docker-build "$DOCKER_BUILD_PROVIDER_VERSION")/pulumi-resource-docker-build" ]] &&
  [[ ! -e "$(plugin_dir kubernetes "$KUBERNETES_PROVIDER_VERSION").partial" ]] &&
  [[ ! -e "$(plugin_dir docker-build "$DOCKER_BUILD_PROVIDER_VERSION").partial" ]]; then
  echo "$cached_cli"
  exit 0
fi
exec 3>&1 1>&2 # keep stdout for the result

need_go() {
  $CHECK_ONLY && die "$1 is missing: run \`bash toolchain/toolchain.sh\` (step $2 of $STEPS provides it)"
  command -v go >/dev/null 2>&1 ||
    die "building $1 needs Go >= 1.26.6 (none on PATH). Install Go, or install $1 yourself at the pinned version"
}

# 1. What is there: the CLI and the language host (which must sit next to it), and the plugins.
step 1 $STEPS "the Pulumi engine: pulumi v$PULUMI_VERSION, its Node.js language host, the kubernetes and docker-build plugins"
builds=()
cli_dir=""
if command -v pulumi >/dev/null 2>&1 && [[ "$(pulumi version 2>/dev/null)" == "v$PULUMI_VERSION" ]]; then
  cli_dir="$(dirname "$(command -v pulumi)")"
  echo "    pulumi: $cli_dir/pulumi (already on PATH)"
else
  cli_dir="$TOOLCHAIN/pulumi/$PULUMI_VERSION"
  mkdir -p "$cli_dir"
  if [[ -x "$cli_dir/pulumi" ]]; then
    echo "    pulumi: cached, $cli_dir/pulumi"
  else
    need_go "pulumi v$PULUMI_VERSION" 2
    builds+=(pulumi=build_cli)
  fi
fi
if [[ -x "$cli_dir/pulumi-language-nodejs" ]]; then
  echo "    pulumi-language-nodejs: $cli_dir/pulumi-language-nodejs"
elif [[ "$cli_dir" != "$TOOLCHAIN/pulumi/$PULUMI_VERSION" ]] && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  echo "    pulumi-language-nodejs: $(command -v pulumi-language-nodejs) (on PATH)"
else
  [[ -w "$cli_dir" ]] || die "$cli_dir has no pulumi-language-nodejs and is not writable; install Pulumi's Node.js language host next to pulumi"
  need_go "pulumi-language-nodejs" 2
  builds+=(pulumi-language-nodejs=build_language_host)
fi

# The resource plugins in the plugin cache, one "name version" line each (none before the CLI exists).
plugin_list() {
  [[ -x "$cli_dir/pulumi" ]] || return 0
  { "$cli_dir/pulumi" plugin ls --json 2>/dev/null || true; } | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    let all = []; try { all = JSON.parse(s || "[]") ?? []; } catch {} // an unreadable list: nothing installed
    console.log(all.filter((p) => p.kind === "resource").map((p) => `${p.name} ${p.version}`).join("\n")) })'
}
plugins="$(plugin_list)"
installs=()
# want_plugin <name> <version> <build function>: queues the build (if its binary is not cached) and the install
# (if the plugin cache lacks that version).
want_plugin() {
  local name=$1 version=$2 bin="$TOOLCHAIN/plugins/pulumi-resource-$1-$2"
  if grep -qxF "$name $version" <<<"$plugins"; then
    echo "    plugin $name v$version: installed"
    return
  fi
  $CHECK_ONLY && [[ -x "$bin" ]] && die "plugin $name v$version is missing: run \`bash toolchain/toolchain.sh\` (step 3 of $STEPS provides it)"
  if [[ ! -x "$bin" ]]; then
    need_go "plugin $name v$version" 2
    builds+=("pulumi-resource-$name=$3")
  fi
  installs+=("$name $version $bin")
}

build_cli() {
  go_build "$root/toolchain/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$cli_dir/pulumi" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
}

build_language_host() {
  go_build "$root/toolchain/language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
    "$cli_dir/pulumi-language-nodejs" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_LANGUAGE_NODEJS_VERSION"
}

# The kubernetes provider's main package embeds two files made by `go generate`, which are not in the
# module: the build copies that package out of the module cache and generates them, as upstream does.
build_kubernetes() {
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
  go_build "$build" . "$TOOLCHAIN/plugins/pulumi-resource-kubernetes-$KUBERNETES_PROVIDER_VERSION" \
    "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_PROVIDER_VERSION"
}

build_docker_build() {
  go_build "$root/toolchain/docker-build" github.com/pulumi/pulumi-docker-build/provider/cmd/pulumi-resource-docker-build \
    "$TOOLCHAIN/plugins/pulumi-resource-docker-build-$DOCKER_BUILD_PROVIDER_VERSION" \
    "-X github.com/pulumi/pulumi-docker-build/provider.Version=$DOCKER_BUILD_PROVIDER_VERSION"
}

want_plugin kubernetes "$KUBERNETES_PROVIDER_VERSION" build_kubernetes
want_plugin docker-build "$DOCKER_BUILD_PROVIDER_VERSION" build_docker_build

# 2. Build what is missing from Go modules, side by side (cold, on 2 cores: the kubernetes provider is the
# longest, bench/cold-start.sh measures each).
step 2 $STEPS "build what is missing from Go modules"
if ((${#builds[@]} == 0)); then
  echo "    nothing to build"
else
  mkdir -p "$TOOLCHAIN/plugins"
  side_by_side 2 "${builds[@]}"
fi
export PATH="$cli_dir:$PATH"

# 3. Install the plugins from the built files, so that nothing is fetched from Pulumi's servers.
step 3 $STEPS "install the plugins"
for entry in "${installs[@]}"; do
  read -r name version bin <<<"$entry"
  pulumi plugin install resource "$name" "v$version" --file "$bin"
done
((${#installs[@]} == 0)) && echo "    all installed"

echo "    $(pulumi version); plugins: $(plugin_list | paste -sd, - | sed 's/,/, /g')"
echo "$cli_dir" >&3
