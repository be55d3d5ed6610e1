#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The layering check (scripts/check-layering.py) on the tree as it is, and
# on copies of it with one wrong include planted: each must fail, naming
# the file, the line and the rule it breaks.
#   tests/layering/test_layering.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
check="$root/scripts/check-layering.py"
passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '    %s\n' "${@:2}"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-layering-XXXXXX")
trap 'rm -rf "$work"' EXIT

out=$(python3 "$check" "$root" 2>&1)
rc=$?
[ "$rc" -eq 0 ] && ok "the tree keeps its layering" || fail "the tree crosses its layering" "$out"

# A fresh copy of what the check reads.
copy() {
  rm -rf "$work/tree"
  mkdir -p "$work/tree"
  cp -r "$root/src" "$root/include" "$root/tools" "$root/docs" "$work/tree/"
}

# plant FILE INCLUDE: appends `#include "INCLUDE"` to the copy's FILE; sets $line.
plant() {
  line=$(($(wc -l < "$work/tree/$1") + 1))
  printf '#include "%s"\n' "$2" >> "$work/tree/$1"
}

# expect WHAT FILE INCLUDE RULE: planted, the check fails with FILE:LINE and RULE.
expect() {
  local what=$1 file=$2 include=$3 rule=$4
  copy
  plant "$file" "$include"
  out=$(python3 "$check" "$work/tree" 2>&1)
  rc=$?
  if [ "$rc" -eq 1 ] && [[ "$out" == *"$file:$line: includes $include"*"$rule"* ]]; then
    ok "$what: fails at $file:$line, naming the rule"
  else
    fail "$what" "rc=$rc" "$out"
  fi
}

expect "a processor including the writer" src/dsp/eq.c io/writer.h \
  "(src/io): src/dsp may include only its own area and include, src/util, src/platform"
expect "the model including io/" src/session/model.h io/source.h \
  "(src/io): src/session/model.h may include only its own area and include, src/util, src/dsp"
expect "the validator including an io/ header other than the probe" src/session/clips.c io/source.h \
  "src/session may include only"
expect "the engine including the validator" src/engine/graph.c session/validator.h \
  "(src/session): src/engine may include only"
expect "the public header including the library's insides" include/mixdown.h util/realtime.h \
  "(src/util): include may include only its own area and nothing"
expect "the command including the engine by a relative path" tools/mixdown/main.c ../../src/engine/engine.h \
  "(src/engine): tools may include only"

copy
sed -i 's/<!-- layering:begin -->//' "$work/tree/docs/architecture.md"
out=$(python3 "$check" "$work/tree" 2>&1)
rc=$?
[ "$rc" -eq 2 ] && [[ "$out" == *"no <!-- layering:begin -->"* ]] && ok "no table: an error (exit 2), not a pass" ||
  fail "no table" "rc=$rc" "$out"

echo "layering: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
