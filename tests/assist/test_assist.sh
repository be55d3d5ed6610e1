#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mixdown assist`, the frame every assistant shares: usage and exit codes,
# the assistants listed, each one's option table (--help, --markdown, and
# the same table in docs/assistants.md), unknown assistants and options
# refused with the nearest name and nothing written, one session at a time.
# What each assistant measures is its own script's (test_duck.sh …).
#   tests/assist/test_assist.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_assist.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
docs="$here/../../docs/assistants.md"
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=../cli/harness.sh
. "$here/../cli/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-assist-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$tool" sine a.wav 1 440 1 48000
cat > s.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: music, file: a.wav}   # the bed
  - {name: voice, file: a.wav}
output: {file: mix.wav}
YAML
cp s.yaml orig.yaml
untouched() { cmp -s s.yaml orig.yaml && [ "$(ls | sort | tr '\n' ' ')" = "a.wav orig.yaml s.yaml stderr " ]; }

# ---------------------------------------------------------------- usage
run "$mixdown" assist
kinds=$(printf '%s\n' "$err" | awk '/^Assistants/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ "$rc" = 2 ] && [ -n "$kinds" ] && ok "no arguments: exit 2, the usage and the assistants ($(echo $kinds))" ||
  fail "assist with no arguments" "rc=$rc" "$err"
for k in duck level balance unmask match; do
  printf '%s\n' "$kinds" | grep -qx "$k" && ok "assistant $k is listed" || fail "assistant $k is not listed" "$kinds"
done
run "$mixdown" assist --help
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -q "^usage: mixdown assist KIND SESSION" && ok "--help: exit 0, the usage" ||
  fail "--help" "rc=$rc"
run "$mixdown" assist dcuk s.yaml
[ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q "no assistant dcuk; did you mean duck?" && untouched &&
  ok "an unknown assistant: exit 2, the nearest name, nothing written" || fail "unknown assistant" "rc=$rc" "$err"

# ---------------------------------------------------------------- each assistant
for k in $kinds; do
  run "$mixdown" assist "$k" --help
  help_lines=$(printf '%s\n' "$out" | grep -c '^  --')
  run "$mixdown" assist "$k" --markdown
  md_rows=$(printf '%s\n' "$out" | grep -c '^| `--')
  [ "$rc" = 0 ] && [ "$help_lines" -ge 1 ] && [ "$help_lines" = "$md_rows" ] &&
    ok "$k: --help and --markdown list the same $help_lines options" ||
    fail "$k: option tables" "help $help_lines, markdown $md_rows"
  # docs/assistants.md holds the table exactly as the assistant declares it
  if [ -f "$docs" ] && python3 - "$docs" "$out" <<'PY'
import sys
doc, table = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2].strip()
sys.exit(0 if table in doc else 1)
PY
  then ok "$k: docs/assistants.md has its option table as --markdown prints it"
  else fail "$k: docs/assistants.md's option table differs from mixdown assist $k --markdown"; fi
  run "$mixdown" assist "$k" s.yaml --nosuchoption 3
  [ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q "assist $k: no option --nosuchoption" &&
    printf '%s\n' "$err" | grep -q "nothing written" && untouched &&
    ok "$k: an unknown option: exit 2, named, nothing written" || fail "$k: unknown option" "rc=$rc" "$err"
  # the first number option, far out of its range: the range is named
  opt=$("$mixdown" assist "$k" --markdown | awk -F'|' '/^\| `--/ && $3 ~ / … / { gsub(/[ `]/, "", $2); print $2; exit }')
  if [ -n "$opt" ]; then
    run "$mixdown" assist "$k" s.yaml "$opt" 1e9
    [ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q -- "$opt 1e9: not a number from" && untouched &&
      ok "$k: $opt out of range: exit 2, the range named, nothing written" || fail "$k: $opt 1e9" "rc=$rc" "$err"
  fi
  run "$mixdown" assist "$k" s.yaml orig.yaml
  [ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q "one session at a time" && untouched &&
    ok "$k: two sessions: exit 2" || fail "$k: two sessions" "rc=$rc" "$err"
  run "$mixdown" assist "$k" missing.yaml
  [ "$rc" = 2 ] && untouched && ok "$k: a missing session: exit 2, nothing written" || fail "$k: missing session" "rc=$rc" "$err"
done

echo "$(basename "$0" .sh | sed 's/^test_//'): $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
