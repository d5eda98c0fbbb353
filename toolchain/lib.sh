# Shared by the scripts: progress lines ("step N of M", elapsed time) and the cache directory.
# Sourced, not run.

TAGSHIP_CACHE="${TAGSHIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tagship}"
TAGSHIP_STARTED_AT="${TAGSHIP_STARTED_AT:-$(date +%s)}"
export TAGSHIP_CACHE TAGSHIP_STARTED_AT

# step N M "what": prints a progress line with the time since the command started.
step() {
  local elapsed=$(( $(date +%s) - TAGSHIP_STARTED_AT ))
  printf '==> [step %s of %s, %dm%02ds] %s\n' "$1" "$2" $((elapsed / 60)) $((elapsed % 60)) "$3"
}

# go_build <module dir> <package> <output> <ldflags> [go build flags...]: a read-only build of a wrapper
# module (its go.sum is committed) to a temporary name first, so that an interrupted build never leaves a
# half-written binary where the caches look for it. With TAGSHIP_GO_PROFILE set to a directory, the go command
# also writes there the timing of every compile and link it ran (bench/cold-start.sh reads them).
go_build() {
  local dir=$1 pkg=$2 out=$3 ldflags=$4 started=$SECONDS profile=()
  shift 4
  [[ -n "${TAGSHIP_GO_PROFILE:-}" ]] && mkdir -p "$TAGSHIP_GO_PROFILE" &&
    profile=("-debug-actiongraph=$TAGSHIP_GO_PROFILE/$(basename "$out").json")
  (cd "$dir" && GOFLAGS=-mod=readonly go build -trimpath "${profile[@]}" "$@" -ldflags "$ldflags" -o "$out.partial" "$pkg")
  mv "$out.partial" "$out"
  echo "    built $(basename "$out") in $((SECONDS - started))s"
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
