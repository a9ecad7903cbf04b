#!/usr/bin/env bash
# Builds the web UI (web/) into OUT_DIR for the binary to embed: installs the locked npm packages
# when the lock file is newer than node_modules, checks the types (a string missing in one
# language fails here), and runs Vite. Called by CMake; `make` needs nodejs and npm (deps.sh).
# Usage: scripts/web-build.sh OUT_DIR
set -euo pipefail
out=$(realpath -m "$1")
cd "$(dirname "$0")/../web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if ! check=$(node_modules/.bin/svelte-check --tsconfig ./tsconfig.json --fail-on-warnings 2>&1); then
  echo "$check" >&2
  exit 1
fi
AMITY_WEB_OUT="$out" node_modules/.bin/vite build --logLevel warn
