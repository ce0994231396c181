#!/usr/bin/env bash
# Prepares a fresh clone on a Debian/Node 20 machine: pnpm, Chromium for browser tests, and the
# workspace's dependencies from the lockfile. Idempotent: re-running it is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install --global --silent "pnpm@$PNPM_VERSION"
fi

# Browser tests drive Debian's Chromium with playwright-core (a downloaded browser cannot work here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: /usr/bin/chromium is missing; browser tests need it (apt-get install chromium)" >&2
  fi
fi

# better-sqlite3 compiles from source; node-gyp must find Node's headers (pnpm ignores .npmrc for this).
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
pnpm install --frozen-lockfile

# turbo sends anonymous usage telemetry by default; this project's tooling stays off the network.
pnpm exec turbo telemetry disable >/dev/null
