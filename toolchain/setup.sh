# Everything `make test` and `make up` need, as steps 1 to 4 of the caller's $STEPS: Node.js 22, the npm
# packages, the Pulumi engine and plugins, and the lab; then the Pulumi environment. Sourced, not run.

step 1 $STEPS "Node.js 22"
node_bin="$(bash toolchain/node.sh)"
export PATH="$node_bin:$PATH"
echo "node $(node --version) at $node_bin"

step 2 $STEPS "npm packages (npm ci; install scripts off, see .npmrc)"
npm ci --no-audit --no-fund --loglevel=error

step 3 $STEPS "Pulumi engine and plugins (toolchain/toolchain.sh)"
export PATH="$(bash toolchain/toolchain.sh):$PATH"

step 4 $STEPS "the lab: registry, BuildKit, base image, Kubernetes (lab/lab.sh up)"
if [[ "${TAGSHIP_LAB:-up}" == none ]]; then
  # A stack whose registry, builder and cluster are elsewhere needs no lab (and no root).
  echo "    skipped: TAGSHIP_LAB=none"
else
  bash lab/lab.sh up
fi

# After the lab is up, so that env.sh also points buildx at the lab's builder.
source toolchain/env.sh
