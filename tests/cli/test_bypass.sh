#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Insert bypass on the command line: `mixdown describe` shows the key every
# insert has, `check` refuses a bad one with the usual messages (place,
# nearest name), `get`/`set` address it as /track/T/insert/N/bypass (the
# one changed line), and `render` of a bypassed insert writes the bytes of
# the session without it.  The engine's side (latency kept, the live
# crossfade, tails, the take, OSC's parser) is tests/unit/test_bypass.c's.
#   tests/cli/test_bypass.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_bypass.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-bypass-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$tool" sine a.wav 1 440 1 48000 >/dev/null
"$tool" sine b.wav 1 1000 2 48000 >/dev/null

# ---------------------------------------------------------------- describe
run "$mixdown" describe insert
[ "$rc" -eq 0 ] && [[ "$out" == *"every insert"* ]] &&
  grep -Eq '^    bypass +true\|false, default false +Pass the input through unprocessed, delayed by the insert.s latency$' <<< "$out" &&
  ok "describe insert: bypass, its values, default and meaning" || fail "describe insert" "rc=$rc" "$out"
run "$mixdown" describe
[ "$rc" -eq 0 ] && grep -q '^every insert' <<< "$out" && grep -Eq '^    bypass +true\|false' <<< "$out" &&
  ok "describe lists the keys every insert has" || fail "describe: no bypass" "$out"
run "$mixdown" describe --markdown insert
[ "$rc" -eq 0 ] && grep -Fxq "| \`bypass\` | true\\|false | false | Pass the input through unprocessed, delayed by the insert's latency |" <<< "$out" &&
  ok "describe --markdown insert: the table row" || fail "describe --markdown insert" "$out"

# ---------------------------------------------------------------- check
cat > bad.yaml <<'YAML'
mixdown: 1
tracks:
  - name: a
    file: a.wav
    inserts:
      - {type: eq, bypass: maybe}
      - {type: gain, bypas: true}
      - {type: compressor, bypass: {points: [[0, 0], [1, 1]]}}
YAML
run "$mixdown" check bad.yaml
[ "$rc" -eq 2 ] &&
  grep -Fxq 'bad.yaml:6:28: error: `bypass` must be true or false (or 1 or 0), not `maybe`' <<< "$err" &&
  grep -Fxq 'bad.yaml:7:22: error: unknown key `bypas` in a `gain` insert (did you mean `bypass`?)' <<< "$err" &&
  grep -Eq '^bad.yaml:8:[0-9]+: error: `bypass` must be true or false' <<< "$err" &&
  ok "check: a bad bypass, a misspelt one, an envelope: exit 2, FILE:LINE:COLUMN" || fail "check bad bypass" "rc=$rc" "$err"

# ---------------------------------------------------------------- get / set
cat > s.yaml <<'YAML'
mixdown: 1
tracks:
  - name: a
    file: a.wav
    inserts:
      - {type: eq, bands: [{type: bell, freq: 440, gain_db: 12}]}
      - type: compressor    # latency: 240 frames
        threshold_db: -40
        lookahead_ms: 5
  - {name: b, file: b.wav, gain_db: -6}
YAML
cp s.yaml orig.yaml
run "$mixdown" get s.yaml /track/a/insert/2/bypass
[ "$rc" -eq 0 ] && [ "$out" = "/track/a/insert/2/bypass false" ] && ok "get: false by default" || fail "get bypass" "$out" "$err"
run "$mixdown" get s.yaml
[ "$rc" -eq 0 ] && grep -Fxq "/track/a/insert/1/bypass false" <<< "$out" && grep -Fxq "/track/a/insert/2/bypass false" <<< "$out" &&
  ok "get of the session lists each insert's bypass" || fail "get of the session" "$out" "$err"
run "$mixdown" set s.yaml /track/a/insert/compressor/bypass true
changed=$(diff orig.yaml s.yaml | grep -c '^[<>]')
[ "$rc" -eq 0 ] && [ "$changed" -eq 1 ] && grep -Fxq '        bypass: true' s.yaml &&
  ok "set by the type's name: one line added" || fail "set bypass" "rc=$rc changed=$changed" "$err" "$(cat s.yaml)"
run "$mixdown" get s.yaml /track/a/insert/2/bypass --json
[ "$rc" -eq 0 ] && [[ "$out" == *'"value": true'* ]] && ok "get --json: true" || fail "get --json" "$out"
run "$mixdown" set s.yaml /track/a/insert/1/bypass 0.5
[ "$rc" -eq 2 ] && [[ "$err" == *'`bypass` must be true or false'* ]] && ok "set 0.5: refused, exit 2" || fail "set 0.5" "rc=$rc" "$err"
run "$mixdown" set s.yaml /track/a/insert/1/bypass/points '[[0, 1]]'
[ "$rc" -eq 2 ] && [[ "$err" == *"not automatable"* ]] && ok "bypass has no envelope" || fail "points" "rc=$rc" "$err"

# ---------------------------------------------------------------- render
"$mixdown" set s.yaml /track/a/insert/1/bypass true >/dev/null 2>&1
cat > none.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: a, file: a.wav}
  - {name: b, file: b.wav, gain_db: -6}
YAML
cp orig.yaml in.yaml
run "$mixdown" render s.yaml -o bypassed.wav --bits float
r1=$rc
run "$mixdown" render none.yaml -o none.wav --bits float
r2=$rc
run "$mixdown" render in.yaml -o in.wav --bits float
if [ "$r1" -eq 0 ] && [ "$r2" -eq 0 ] && [ "$rc" -eq 0 ] && cmp -s bypassed.wav none.wav && ! cmp -s in.wav none.wav; then
  ok "render: both inserts bypassed writes the bytes of the session without them (latency kept, aligned)"
else
  fail "render bypassed" "rc=$r1 $r2 $rc" "$(cmp bypassed.wav none.wav 2>&1)"
fi

echo "$(basename "$0" .sh | sed 's/^test_//'): $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
