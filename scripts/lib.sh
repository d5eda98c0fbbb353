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

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
