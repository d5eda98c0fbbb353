# Environment for running Pulumi on this project: source it (`source toolchain/env.sh`) to use plain `pulumi`
# commands. Everything here is a default that the caller's own settings override.

_tagship_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# State: a local file backend in a gitignored directory, unless PULUMI_BACKEND_URL points elsewhere
# (Pulumi Cloud: `pulumi login`; an object store: s3://, gs://, azblob://).
if [[ -z "${PULUMI_BACKEND_URL:-}" ]] && ! grep -qs '"current"' "${PULUMI_HOME:-$HOME/.pulumi}/credentials.json"; then
  mkdir -p "$_tagship_root/.pulumi-state"
  export PULUMI_BACKEND_URL="file://$_tagship_root/.pulumi-state"
fi

# Secrets: the passphrase provider. The lab's dev stack uses a published passphrase (Pulumi.dev.yaml carries
# its salt), because the lab holds nothing secret. Only dev may: every other stack sets its own
# PULUMI_CONFIG_PASSPHRASE(_FILE) or another secrets provider, and is refused under this one before anything is
# written (settings/secrets-provider.ts: scripts/up.sh, env-new and the program check it).
if [[ -z "${PULUMI_CONFIG_PASSPHRASE:-}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
  export PULUMI_CONFIG_PASSPHRASE="tagship-lab"
fi

# The lab's buildx builder (lab/lab.sh) lives in its own buildx store; ~/.docker is left alone.
if [[ -z "${BUILDX_CONFIG:-}" && -d "${TAGSHIP_LAB_DIR:-$_tagship_root/.lab}/buildx" ]]; then
  export BUILDX_CONFIG="${TAGSHIP_LAB_DIR:-$_tagship_root/.lab}/buildx"
fi

# The lab's kubectl (a link into the cache, made by lab/lab.sh), ahead of any other; KUBECONFIG is left
# to the caller, as the dev stack names its kubeconfig in its own config.
if [[ -d "${TAGSHIP_LAB_DIR:-$_tagship_root/.lab}/bin" ]]; then
  export PATH="${TAGSHIP_LAB_DIR:-$_tagship_root/.lab}/bin:$PATH"
fi

# The engine runs index.ts through ts-node; type-checking it there again on every preview and up costs about
# 3 s. `make test` type-checks the whole program strictly (tsc --noEmit) before anything merges.
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"

# Never download: a missing plugin is an error at once (toolchain/toolchain.sh provides them), and no
# update check calls out.
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true
unset _tagship_root
