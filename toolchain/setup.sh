# Everything `make test` and `make up` need, as steps 1 to 4 of the caller's $STEPS: Node.js 22, the npm
# packages, the Pulumi engine and plugins, and the lab; then the Pulumi environment. Sourced, not run.
# The engine (toolchain/toolchain.sh) and the lab's parts (lab/lab.sh prepare) build side by side, and npm ci
# runs meanwhile: on a fresh machine they are the long part, and each leaves cores idle the others can use.
# TAGSHIP_LAB=none skips the lab; LAB_OPTIONS are passed to lab/lab.sh prepare and up (e.g. --no-gitops).

step 1 $STEPS "Node.js 22"
node_bin="$(bash toolchain/node.sh)"
export PATH="$node_bin:$PATH"
echo "node $(node --version) at $node_bin"

want_lab=true
[[ "${TAGSHIP_LAB:-up}" == none ]] && want_lab=false
read -ra lab_options <<<"${LAB_OPTIONS:-}"
mkdir -p "$TAGSHIP_CACHE/logs"
engine_dir_file="$(mktemp)"

step 2 $STEPS "npm packages (npm ci; install scripts off, see .npmrc), while the engine and the lab's servers build"
# Each background part prefixes its progress, so the two stay readable side by side; waiting for a part's pid also
# waits for its prefixing, so its last lines come before anything said about it.
( bash toolchain/toolchain.sh 2>&1 >"$engine_dir_file" | sed -u 's/^/  engine | /' >&2 ) &
engine_pid=$!
lab_pid=""
if $want_lab; then
  ( bash lab/lab.sh prepare "${lab_options[@]}" 2>&1 | sed -u 's/^/  lab    | /' ) &
  lab_pid=$!
fi
# Ctrl-C (which background jobs of a script ignore) or a failure here stops them too.
trap 'kill_tree "$engine_pid"; [[ -z "$lab_pid" ]] || kill_tree "$lab_pid"; exit 130' INT TERM
npm_ok=true
npm ci --no-audit --no-fund --loglevel=error || npm_ok=false

step 3 $STEPS "the Pulumi engine and plugins (toolchain/toolchain.sh) and the lab's servers (lab/lab.sh prepare)"
# Both are waited for before any failure stops the set-up, so that no build is left running behind it.
engine_ok=true lab_ok=true
wait "$engine_pid" || engine_ok=false
[[ -z "$lab_pid" ]] || wait "$lab_pid" || lab_ok=false
trap - INT TERM
$npm_ok || die "npm ci failed (see above)"
$engine_ok || die "the Pulumi engine could not be provided (its lines above start with 'engine |')"
$lab_ok || die "the lab could not be prepared (its lines above start with 'lab    |')"
export PATH="$(cat "$engine_dir_file"):$PATH"
rm -f "$engine_dir_file"
echo "    pulumi: $(command -v pulumi)"

step 4 $STEPS "the lab: registry, BuildKit, base image, Kubernetes${lab_options[*]:+ (${lab_options[*]})} (lab/lab.sh up)"
if $want_lab; then
  bash lab/lab.sh up "${lab_options[@]}"
else
  # A stack whose registry, builder and cluster are elsewhere needs no lab (and no root).
  echo "    skipped: TAGSHIP_LAB=none"
fi

# After the lab is up, so that env.sh also points buildx at the lab's builder.
source toolchain/env.sh
