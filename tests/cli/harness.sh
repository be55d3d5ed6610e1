# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the command-line test scripts (sourced): pass/fail counting,
# running a command with its output captured, and number comparisons.

passed=0
failed=0
skipped=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
skip() { skipped=$((skipped + 1)); echo "skip $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '    %s\n' "${@:2}"; }

# Runs a command; sets $out, $err and $rc (needs $work).
run() {
  out=$("$@" 2>"$work/stderr")
  rc=$?
  err=$(cat "$work/stderr")
}

# Is $1 within $3 of $2?  (False when $1 is empty.)
near() { awk -v x="$1" -v want="$2" -v tol="$3" 'BEGIN { d = x - want; if (d < 0) d = -d; exit !(x != "" && d <= tol) }'; }
# Is $1 below $2?  (False when $1 is empty or not a number: a measurement
# that did not come out must not pass.)
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 == a && a < b) }'; }

# Does the build under test ($mixdown) have the optional part $1 (jack, osc,
# lv2, report: meson_options.txt)?  `mixdown version` lists them.
has_feature() { "$mixdown" version | grep -Eq "^with:( [a-z0-9]+)* $1( |\$)"; }
