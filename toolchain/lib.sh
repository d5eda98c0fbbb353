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

# go_build <module dir> <package(s)> <output> <ldflags> [go build flags...]: a read-only build of a wrapper
# module (its go.sum is committed) to a temporary name first, so that an interrupted build never leaves a
# half-written binary where the caches look for it. Static (no cgo: nothing here needs C, and a cgo build
# compiles C too) and stripped (-s -w: no symbol table or DWARF, which the linker spends much of its time on).
# With TAGSHIP_GO_PROFILE set to a directory, the go command also writes there the timing of every compile and
# link it ran (bench/cold-start.sh reads them).
go_build() {
  local dir=$1 pkgs=$2 out=$3 ldflags=$4 started=$SECONDS profile=() target
  shift 4
  [[ -n "${TAGSHIP_GO_PROFILE:-}" ]] && mkdir -p "$TAGSHIP_GO_PROFILE" &&
    profile=("-debug-actiongraph=$TAGSHIP_GO_PROFILE/$(basename "$out").json")
  # Several packages (a space-separated list) build in one go command into the directory <output>: packages they
  # share compile once, and each link overlaps with the others' compiles.
  read -ra pkgs <<<"$pkgs"
  target="$out.partial"
  rm -rf "$target"
  ((${#pkgs[@]} > 1)) && rm -rf "$target" && mkdir -p "$target" "$out" && target="$target/"
  # The subshell's children's CPU time (/proc/<pid>/stat fields 16 and 17) is the go command's, compiles and
  # links included: what the build costs whatever else shares the cores.
  local cpu
  cpu=$(
    cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath "${profile[@]}" "$@" -ldflags "-s -w $ldflags" -o "$target" "${pkgs[@]}" >&2 &&
      awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($16 + $17) / hz }' "/proc/$BASHPID/stat"
  ) # (a failed build is this assignment's status, which ends the caller under errexit)
  local what
  if ((${#pkgs[@]} > 1)); then
    mv "$out.partial"/* "$out/" && rmdir "$out.partial"
    what="$(cd "$out" && ls | paste -sd' ' -)"
  else
    mv "$out.partial" "$out"
    what="$(basename "$out")"
  fi
  echo "    built $what in $((SECONDS - started))s, ${cpu}s of CPU"
}

# side_by_side <max> <name>=<function>...: runs the functions in the background, at most <max> at once (a Go
# build keeps 2 cores busy only while it compiles; side by side, one's link, loading and downloads overlap with
# another's compiles). Each one's output goes to $TAGSHIP_CACHE/logs/<name>.log and its last line is printed when
# it ends. Waits for all of them, so none is left half-done; then fails naming each that failed, with its log.
side_by_side() {
  local max=$1 logs="$TAGSHIP_CACHE/logs" job name started=$SECONDS
  shift
  mkdir -p "$logs"
  # Background jobs of a script ignore Ctrl-C: stopping the script stops them too.
  trap '_side_by_side_stop; exit 130' INT TERM
  local names=()
  for job in "$@"; do
    while (($(jobs -rp | wc -l) >= max)); do wait -n 2>/dev/null || true; _side_by_side_report "$logs" "${names[@]}"; done
    name=${job%%=*}
    names+=("$name")
    rm -f "$logs/$name.status" "$logs/$name.reported"
    echo "    started $name ($((SECONDS - started))s)"
    # The job itself runs with errexit (a failed step ends it with its status); only the wrapper must not.
    ( set +e; (set -e; "${job#*=}") >"$logs/$name.log" 2>&1; echo $? >"$logs/$name.status" ) &
  done
  while (($(jobs -rp | wc -l) > 0)); do wait -n 2>/dev/null || true; _side_by_side_report "$logs" "${names[@]}"; done
  wait
  trap - INT TERM
  _side_by_side_report "$logs" "${names[@]}"
  local failed=()
  for name in "${names[@]}"; do [[ "$(cat "$logs/$name.status" 2>/dev/null)" == 0 ]] || failed+=("$name"); done
  for name in "${failed[@]}"; do printf '    %s failed; the end of %s:\n' "$name" "$logs/$name.log"; tail -n 20 "$logs/$name.log" | sed 's/^/      /'; done
  ((${#failed[@]} == 0)) || die "${failed[*]} failed (logs in $logs)"
}

_side_by_side_stop() { local pid; for pid in $(jobs -p); do kill_tree "$pid"; done; }

# kill_tree <pid>: TERM to a process and everything it started.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}

_side_by_side_report() { # prints, once, the last line of each job that has ended
  local logs=$1 name
  shift
  for name in "$@"; do
    [[ -f "$logs/$name.status" && ! -f "$logs/$name.reported" ]] || continue
    touch "$logs/$name.reported"
    echo "    $name: $(tail -n 1 "$logs/$name.log" | sed 's/^ *//') [exit $(cat "$logs/$name.status")]"
  done
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
