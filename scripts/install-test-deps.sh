#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What the browser tests (tests/browser/) need besides the build: node and
# npm (Debian's nodejs and npm when there is no node at all), Debian's
# chromium, and playwright-core at the version tests/browser/package-lock.json
# pins (`npm ci`, only when tests/browser/node_modules is missing or was
# installed from another lock).  Idempotent: a second run does nothing.
# Called by `make test` and `make deps`.  playwright-core is pinned at a
# version that runs on Debian bookworm's node 18 and drives Debian's
# chromium through its own executable: no browser is downloaded.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tests="$here/tests/browser"

debian_install() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-test-deps: not a Debian system; install by hand: $*" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "install-test-deps: need root (or sudo) to install: $*" >&2; return 1
    fi
  fi
  echo "install-test-deps: installing $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@"
}

missing=()
# A node from elsewhere (nodesource, nvm) is kept; only a machine with none
# gets Debian's.  npm likewise.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  debian_install "${missing[@]}"
fi

# node_modules is current when it was installed from this very lock: its
# checksum is kept beside it.
lock_sum=$(sha256sum "$tests/package-lock.json" | cut -d' ' -f1)
stamp="$tests/node_modules/.mixdown-lock-sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ] &&
   [ -f "$tests/node_modules/playwright-core/package.json" ]; then
  exit 0
fi
echo "install-test-deps: npm ci in tests/browser" >&2
(cd "$tests" && npm ci --no-audit --no-fund --loglevel=error)
echo "$lock_sum" > "$stamp"
