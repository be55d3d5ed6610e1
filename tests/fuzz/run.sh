#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the libFuzzer harnesses built in BUILD (meson -Dfuzzing=true).
#   tests/fuzz/run.sh BUILD smoke      a short, seeded run of each over the seed
#                                      corpus and the regressions (make test)
#   tests/fuzz/run.sh BUILD SECONDS    fuzz each for SECONDS (make fuzz); the
#                                      growing corpus stays in BUILD/fuzz-corpus,
#                                      crashes land in BUILD/fuzz-crashes
# Prints `fuzz: N passed, N failed`.
set -u
build=$(cd "${1:?usage: run.sh BUILD smoke|SECONDS}" && pwd)
mode=${2:-smoke}
here=$(cd "$(dirname "$0")" && pwd)
seeds="$build/fuzz-seeds"
passed=0
failed=0
# Third-party leaks that only exit frees (see the file) are not ours.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/../lsan.supp:print_suppressions=0}

# Seeds: the session corpus in git, every broken session, the demo; audio
# seeds are written by our own test tool in every format libsndfile writes.
mkdir -p "$seeds/session" "$seeds/source" "$seeds/osc" "$seeds/edit" "$seeds/serve_protocol" "$build/fuzz-crashes"
cp "$here"/corpus/session/* "$here"/../sessions/bad/*.yaml "$here"/../sessions/bad/*.json "$seeds/session/" 2>/dev/null
cp "$here"/../../demo/demo.yaml "$seeds/session/"
cp "$here"/corpus/osc/* "$seeds/osc/"
cp "$here"/corpus/serve_protocol/* "$seeds/serve_protocol/" # page messages of the console
# Edits: the first byte picks a session of tests/edit/corpus, the rest edit it.
cp "$here"/corpus/edit/* "$seeds/edit/"
"$build/mixdown-testtool" formats "$seeds/source" || { echo "cannot write audio seeds"; exit 1; }

run_one() { # NAME
  local name=$1 corpus log
  log=$(mktemp)
  if [ "$mode" = smoke ]; then
    corpus=$(mktemp -d)
    cp "$seeds/$name"/* "$here/regressions/$name"/* "$corpus/" 2>/dev/null
    args=(-runs=4000 -seed=1 -max_len=8192 -rss_limit_mb=2048 "$corpus")
  else
    corpus="$build/fuzz-corpus/$name"
    mkdir -p "$corpus"
    args=(-max_total_time="$mode" -max_len=65536 -rss_limit_mb=2048 "$corpus" "$seeds/$name" "$here/regressions/$name")
  fi
  if "$build/fuzz-$name" -artifact_prefix="$build/fuzz-crashes/$name-" "${args[@]}" >"$log" 2>&1; then
    echo "ok   fuzz-$name: $(grep -E '^Done|DONE' "$log" | tail -n 1)"
    passed=$((passed + 1))
  else
    echo "FAIL fuzz-$name (see $build/fuzz-crashes)"
    tail -n 30 "$log"
    failed=$((failed + 1))
  fi
  rm -f "$log"
  [ "$mode" = smoke ] && rm -rf "$corpus"
}

run_one session
run_one source
run_one osc
run_one edit
[ -x "$build/fuzz-serve_protocol" ] && run_one serve_protocol # a build with serve
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
