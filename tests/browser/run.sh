#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The browser tests of `mixdown serve` (docs/serve.md): Debian's chromium,
# headless, driven by playwright-core (tests/browser/package-lock.json,
# installed by scripts/install-test-deps.sh), on sessions made here by our
# own code (tests/browser/sessions.mjs: sines and noise; the demo's stems
# from the build).  Each test starts its own `mixdown serve SESSION --port 0`
# and browser; everything runs in one process group that the trap ends.
#   tests/browser/run.sh BUILD_DIR [TEST…]     (TEST: test_NAME.mjs or NAME)
# Prints `ok N - …` / `not ok N - …` with what was measured, and ends with
# `browser: N passed, N failed, N skipped`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: tests/browser/run.sh BUILD_DIR [TEST…]}
shift
build=$(cd "$build" && pwd)
mixdown="$build/mixdown"

skip_all() {
  echo "skip 1 - browser tests: $1"
  echo "browser: 0 passed, 0 failed, 1 skipped"
  exit 0
}
"$mixdown" version 2>/dev/null | grep -Eq '^with:( [a-z0-9]+)* serve( |$)' ||
  skip_all "this build has no serve (-Dserve=enabled)"
command -v node >/dev/null 2>&1 || skip_all "no node (scripts/install-test-deps.sh installs it)"
[ -x "${MIXDOWN_CHROMIUM:-/usr/bin/chromium}" ] || skip_all "no chromium (scripts/install-test-deps.sh installs it)"
[ -f "$here/node_modules/playwright-core/package.json" ] ||
  skip_all "no playwright-core in tests/browser/node_modules (scripts/install-test-deps.sh)"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-browser.XXXXXX")
group=""
cleanup() {
  # node leads its own process group: the servers and browsers it started
  # are in it, and whatever of them is left when node has gone.
  if [ -n "$group" ] && kill -0 -- "-$group" 2>/dev/null; then
    kill -TERM -- "-$group" 2>/dev/null
    sleep 0.5
    kill -KILL -- "-$group" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The sessions every test plays (sessions.mjs writes them into $work).
MIXDOWN_BUILD="$build" node "$here/sessions.mjs" "$work" || {
  echo "not ok 1 - the test sessions could not be made"
  echo "browser: 0 passed, 1 failed, 0 skipped"
  exit 1
}

# setsid: node (a background job of a script, not a group leader) leads a
# new process group whose id is its pid.
setsid node "$here/run.mjs" "$mixdown" "$work" "$@" &
group=$!
wait "$group"
exit $?
