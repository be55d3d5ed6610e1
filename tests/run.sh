#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every test through `meson test` (tests/meson.build) in the build in
# $1, then (each if given) in the ASan + UBSan build in $2, the fuzzers'
# smoke run in the fuzzing build in $3, and the build without the optional
# parts in $4 (build-headless: what it has).  Shows what each test said
# besides its `ok` lines, and ends with `N passed, N failed` alone on the
# last line (CI reads it): the sum of every test's `NAME: N passed,
# N failed[, N skipped]` line; a test that prints none counts as one, by
# its result, and a test that failed with no failure counted counts one.
#   tests/run.sh BUILD_DIR [ASAN_BUILD_DIR [FUZZ_BUILD_DIR [HEADLESS_BUILD_DIR]]]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: tests/run.sh BUILD_DIR [ASAN_BUILD_DIR [FUZZ_BUILD_DIR [HEADLESS_BUILD_DIR]]]}
asan=${2:-}
fuzz=${3:-}
headless=${4:-}

passed=0
failed=0
skipped=0

# Adds up the tests of the last `meson test` in build $1 (its testlog.json),
# printing each test's lines other than `ok`.
add_counts() {
  local counts
  counts=$(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, re, sys
line_re = re.compile(r"^[a-z-]+: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$")
total = [0, 0, 0]
try:
    entries = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
except OSError as e:
    print(f"no test log ({e}): counted as one failure", file=sys.stderr)
    entries, total = [], [0, 1, 0]
for t in entries:
    out = (t.get("stdout") or "") + (t.get("stderr") or "")
    print(f"== {t['name']} ({t['result']}, {t['duration']:.0f} s)", file=sys.stderr)
    for l in out.splitlines():
        if not l.startswith("ok "):
            print(l, file=sys.stderr)
    counts = [m.groups() for m in map(line_re.match, out.splitlines()) if m]
    if counts:
        p, f, s = (int(x or 0) for x in counts[-1])
        if t["result"] not in ("OK", "EXPECTEDFAIL") and f == 0:
            print(f"{t['name']}: {t['result']} with no failure counted: counted as one", file=sys.stderr)
            f = 1
    else:
        p, f, s = {"OK": (1, 0, 0), "SKIP": (0, 0, 1)}.get(t["result"], (0, 1, 0))
        print(f"{t['name']}: no result line, {t['result']}: counted as one", file=sys.stderr)
    total = [total[0] + p, total[1] + f, total[2] + s]
print(*total)
PY
  ) || counts="0 1 0"
  read -r p f s <<< "$counts"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
}

# run_meson TITLE BUILD [meson test options…]: one at a time, as the live
# tests and the memory bounds want.
run_meson() {
  local title=$1 dir=$2
  shift 2
  echo "==== $title ($dir)"
  rm -f "$dir/meson-logs/testlog.json" # a build that fails leaves none: one failure, not the last run's counts
  meson test -C "$dir" --num-processes 1 "$@" || true
  add_counts "$dir" 2>&1
}

run_meson "every test" "$build"
[ -n "$asan" ] && run_meson "every test under ASan+UBSan" "$asan"
[ -n "$fuzz" ] && run_meson "fuzzer smoke" "$fuzz" --suite fuzz
[ -n "$headless" ] && run_meson "the build without jack, osc, lv2, report" "$headless"

echo
[ "$skipped" -gt 0 ] && echo "$skipped skipped (each says why above)"
# The last line, alone, as CI reads it.
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
