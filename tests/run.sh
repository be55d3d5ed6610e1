#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every test: the unit tests and the command-line tests with the build
# in $1, then (if given) the unit tests and the command-line tests
# again with the ASan + UBSan build in $2, and a smoke run of the fuzzers
# built in $3.  Ends with `N passed, N failed`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: tests/run.sh BUILD_DIR [ASAN_BUILD_DIR [FUZZ_BUILD_DIR]]}
asan=${2:-}
fuzz=${3:-}

passed=0
failed=0
skipped=0

# Adds the counts of a `NAME: N passed, N failed` line in a log.
add_counts() {
  local line
  line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" | tail -n 1)
  if [ -z "$line" ]; then
    echo "no result line from $2: counted as one failure"
    failed=$((failed + 1))
    return
  fi
  local p f
  p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/.*, ([0-9]+) failed.*/\1/')
  s=0
  [[ "$line" == *skipped* ]] && s=$(echo "$line" | sed -E 's/.*, ([0-9]+) skipped/\1/')
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
}

run_suite() { # NAME LOG COMMAND…
  local name=$1 log=$2
  shift 2
  echo "== $name"
  "$@" 2>&1 | tee "$log" | grep -v '^ok ' || true
  add_counts "$log" "$name"
}

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

run_suite "unit tests ($build)" "$logs/unit" "$build/test-unit"
run_suite "command-line tests ($build)" "$logs/cli" "$here/cli/test_cli.sh" "$build"
run_suite "hostile audio and sessions ($build)" "$logs/hostile" "$here/cli/test_hostile.sh" "$build"
run_suite "trust: files kept, numbers of the file ($build)" "$logs/trust" "$here/cli/test_trust.sh" "$build"
run_suite "output files: devices, FIFOs, kills, signals ($build)" "$logs/files" "$here/cli/test_files.sh" "$build"
run_suite "guards: cache, overflow, file limit ($build)" "$logs/guard" "$here/cli/test_guard.sh" "$build"
run_suite "live playback through JACK ($build)" "$logs/live" "$here/cli/test_live.sh" "$build"
run_suite "the take: a recorded take renders what was played ($build)" "$logs/take" "$here/cli/test_take.sh" "$build"
run_suite "routing graph ($build)" "$logs/graph" "$here/cli/test_graph.sh" "$build"
run_suite "LV2 plugins: crashes, ranges, atom buffers ($build)" "$logs/plugins" "$here/cli/test_plugins.sh" "$build"
run_suite "session and option input ($build)" "$logs/input" "$here/cli/test_session_input.sh" "$build"

if [ -n "$asan" ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$here/lsan.supp:print_suppressions=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite "unit tests under ASan+UBSan ($asan)" "$logs/unit-asan" "$asan/test-unit"
  run_suite "command-line tests under ASan+UBSan ($asan)" "$logs/cli-asan" "$here/cli/test_cli.sh" "$asan" --sanitized
  run_suite "hostile audio and sessions under ASan+UBSan ($asan)" "$logs/hostile-asan" "$here/cli/test_hostile.sh" "$asan" --sanitized
  run_suite "trust under ASan+UBSan ($asan)" "$logs/trust-asan" "$here/cli/test_trust.sh" "$asan" --sanitized
  run_suite "output files under ASan+UBSan ($asan)" "$logs/files-asan" "$here/cli/test_files.sh" "$asan" --sanitized
  run_suite "guards under ASan+UBSan ($asan)" "$logs/guard-asan" "$here/cli/test_guard.sh" "$asan" --sanitized
  run_suite "live playback under ASan+UBSan ($asan)" "$logs/live-asan" "$here/cli/test_live.sh" "$asan" --sanitized
  run_suite "the take under ASan+UBSan ($asan)" "$logs/take-asan" "$here/cli/test_take.sh" "$asan" --sanitized
  run_suite "routing graph under ASan+UBSan ($asan)" "$logs/graph-asan" "$here/cli/test_graph.sh" "$asan" --sanitized
  run_suite "LV2 plugins under ASan+UBSan ($asan)" "$logs/plugins-asan" "$here/cli/test_plugins.sh" "$asan" --sanitized
  run_suite "session and option input under ASan+UBSan ($asan)" "$logs/input-asan" "$here/cli/test_session_input.sh" "$asan" --sanitized
fi

if [ -n "$fuzz" ]; then
  run_suite "fuzzer smoke ($fuzz)" "$logs/fuzz" "$here/fuzz/run.sh" "$fuzz" smoke
fi

echo
[ "$skipped" -gt 0 ] && echo "$skipped skipped (each says why above)"
# The last line, alone, as CI reads it.
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
