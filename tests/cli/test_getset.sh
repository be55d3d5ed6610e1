#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mixdown get` and `mixdown set`, the command line itself: usage and
# exit codes (0 written, 2 refused / usage / session error with nothing
# written, 1 I/O), the `ADDRESS VALUE UNIT` lines and --json of get, what
# set prints, all-or-nothing edits, --dry-run (the diff, nothing written),
# -o (a copy; the session as it was), the file's mode kept.  A session
# changed on disk between read and write is test_editor.c's (no race here).
# The corpus of hand-formatted sessions and their diffs is test_edit.sh's.
#   tests/cli/test_getset.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_getset.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-getset-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$tool" sine a.wav 1 440 1 48000
cp a.wav a-orig.wav

cat > s.yaml <<'YAML'
mixdown: 1
# two tracks
tracks:
  - name: a
    file: a.wav
    gain_db: -3    # the fader
  - {name: b, file: a.wav, pan: 0.5}
YAML
cp s.yaml orig.yaml
same_as_orig() { cmp -s s.yaml orig.yaml; }

# ---------------------------------------------------------------- usage
run "$mixdown" set --help
[ "$rc" -eq 0 ] && [[ "$out" == *"usage: mixdown set SESSION ADDRESS VALUE"* ]] && [[ "$out" == *--dry-run* ]] &&
  ok "set --help" || fail "set --help" "rc=$rc"
run "$mixdown" get --help
[ "$rc" -eq 0 ] && [[ "$out" == *"usage: mixdown get SESSION"* ]] && ok "get --help" || fail "get --help" "rc=$rc"
run "$mixdown" --help
[[ "$out" == *"get SESSION"* && "$out" == *"set SESSION"* ]] && ok "mixdown --help lists get and set" ||
  fail "mixdown --help lists get and set"
for args in "set" "set s.yaml" "set s.yaml /track/a/gain_db" "set s.yaml gain_db -4" "set s.yaml --frobnicate" \
  "set s.yaml /track/a/gain_db -4 -o" "set s.yaml --append {type: eq}" "get" "get s.yaml track/a/gain_db" \
  "get s.yaml --frobnicate"; do
  # shellcheck disable=SC2086
  run "$mixdown" $args
  [ "$rc" -eq 2 ] && [[ "$err" == *"mixdown "* ]] && same_as_orig && ok "usage error: mixdown $args: exit 2" ||
    fail "usage error: mixdown $args" "rc=$rc" "$err"
done

# ---------------------------------------------------------------- get
run "$mixdown" get s.yaml /track/a/gain_db /track/b/pan /track/a/pan /track/a/mute
[ "$rc" -eq 0 ] && [ "$out" = $'/track/a/gain_db -3 dB\n/track/b/pan 0.5\n/track/a/pan 0\n/track/a/mute false' ] &&
  ok "get: ADDRESS VALUE UNIT lines, defaults for values not written" || fail "get lines" "rc=$rc" "$out" "$err"
run "$mixdown" get s.yaml /track/a/gain_db /track/b/file --json
expected='[
  {"address": "/track/a/gain_db", "value": -3, "unit": "dB"},
  {"address": "/track/b/file", "value": "a.wav", "unit": ""}
]'
[ "$rc" -eq 0 ] && [ "$out" = "$expected" ] && python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out" &&
  ok "get --json: one array, valid JSON" || fail "get --json" "rc=$rc" "$out" "$err"
run "$mixdown" get s.yaml /track/c/gain_db
[ "$rc" -eq 2 ] && [[ "$err" == *"/track/c/gain_db"* ]] && [ -z "$out" ] && ok "get of an unknown track: exit 2" ||
  fail "get, unknown track" "rc=$rc" "$err"
run "$mixdown" get s.yaml
[ "$rc" -eq 0 ] && [[ "$out" == *$'\n/track/a/gain_db -3 dB\n'* ]] && [[ "$out" == *$'\n/track/b/pan 0.5\n'* ]] &&
  ok "get with no address: every value" || fail "get, every address" "rc=$rc" "$err"
run "$mixdown" get missing.yaml /tempo
[ "$rc" -eq 2 ] && [[ "$err" == *missing.yaml* ]] && ok "get of a missing session: exit 2" || fail "get, missing" "rc=$rc"

# ---------------------------------------------------------------- set
run "$mixdown" set s.yaml /track/a/gain_db -4 --dry-run
expected='--- a/s.yaml
+++ b/s.yaml
@@ -3,5 +3,5 @@
 tracks:
   - name: a
     file: a.wav
-    gain_db: -3    # the fader
+    gain_db: -4    # the fader
   - {name: b, file: a.wav, pan: 0.5}'
[ "$rc" -eq 0 ] && [ "$out" = "$expected" ] && same_as_orig && ok "--dry-run: the diff, nothing written" ||
  fail "--dry-run" "rc=$rc" "$out" "$err"

run "$mixdown" set s.yaml /track/a/gain_db 30
[ "$rc" -eq 2 ] && [[ "$err" == "s.yaml:6:14: error: /track/a/gain_db: "* ]] && same_as_orig &&
  ok "out of range: exit 2 at the value's place, file unchanged" || fail "out of range" "rc=$rc" "$err"
run "$mixdown" set s.yaml /track/c/gain_db 1
[ "$rc" -eq 2 ] && [ "$(grep -c '/track/c/gain_db: ' <<< "$err")" -eq 1 ] && same_as_orig &&
  ok "set of an unknown track: said once, exit 2" || fail "set, unknown track" "rc=$rc" "$err"
run "$mixdown" set s.yaml /track/a/gain_db -4 /track/b/pan 7
[ "$rc" -eq 2 ] && [[ "$err" == *"/track/b/pan"* ]] && same_as_orig &&
  ok "all or nothing: a refused second edit writes nothing" || fail "all or nothing" "rc=$rc" "$err"

run "$mixdown" set s.yaml /track/a/gain_db -4 /track/b/pan -0.25
[ "$rc" -eq 0 ] && [ "$err" = "set: s.yaml: 2 values changed (/track/a/gain_db -3 → -4 dB, /track/b/pan 0.5 → -0.25)" ] &&
  [ "$(diff orig.yaml s.yaml | grep -c '^[<>]')" -eq 4 ] && ok "set: two values, two lines, said on stderr" ||
  fail "set two values" "rc=$rc" "$err" "$(diff orig.yaml s.yaml)"
run "$mixdown" get s.yaml /track/a/gain_db /track/b/pan
[ "$out" = $'/track/a/gain_db -4 dB\n/track/b/pan -0.25' ] && ok "get reads back what set wrote" ||
  fail "get after set" "$out"
run "$mixdown" set --quiet s.yaml /track/a/gain_db -40
[ "$rc" -eq 0 ] && [ -z "$err" ] && [ -z "$out" ] && ok "--quiet: nothing printed" || fail "--quiet" "rc=$rc" "$err"

run "$mixdown" set s.yaml /track/a/inserts --append '{type: gain, gain_db: 2}'
[ "$rc" -eq 0 ] && [[ "$err" == "set: s.yaml: 1 item appended"* ]] && ok "--append: an insert" ||
  fail "--append" "rc=$rc" "$err"
run "$mixdown" get s.yaml /track/a/insert/gain/gain_db
[ "$out" = "/track/a/insert/gain/gain_db 2 dB" ] && ok "the appended insert reads back" || fail "appended" "$out"
run "$mixdown" set s.yaml /track/a/inserts --remove gian
[ "$rc" -eq 2 ] && [[ "$err" == *"did you mean \`gain\`"* ]] && ok "--remove of an unknown type: exit 2, the nearest named" ||
  fail "--remove unknown" "rc=$rc" "$err"
run "$mixdown" set s.yaml /track/a/inserts --remove gain
[ "$rc" -eq 0 ] && ! grep -q "type: gain" s.yaml && ok "--remove by type" || fail "--remove" "rc=$rc" "$err"

# ---------------------------------------------------------------- values as YAML that reads back the same
cat > m.yaml <<'YAML'
mixdown: 1
tempo: 120
length: "2:1"
tracks:
  - name: a
    file: a.wav
    gain_db: -3
output: {file: mix.wav}
YAML
run "$mixdown" get m.yaml /length
[ "$rc" -eq 0 ] && [ "$out" = '/length "2:1"' ] && ok "get: a musical time quoted, without the seconds' unit" ||
  fail "get of a musical time" "rc=$rc" "$out" "$err"
run "$mixdown" set m.yaml /track/a/gain_db '{points: [[0, -1], ["1:3", 1]]}' /length 2
[ "$rc" -eq 0 ] &&
  [ "$err" = 'set: m.yaml: 2 values changed (/track/a/gain_db -3 → {points: [[0, -1], ["1:3", 1]]} dB, /length "2:1" → 2 s)' ] &&
  ok "set's summary: musical times quoted, each value with its own unit" || fail "set summary, musical" "rc=$rc" "$err"
run "$mixdown" set m.yaml /length '"3:1"'
[ "$rc" -eq 0 ] && [ "$err" = 'set: m.yaml: 1 value changed (/length 2 s → "3:1")' ] &&
  ok "set's summary: seconds to a musical time" || fail "set summary, seconds to bars" "rc=$rc" "$err"
run "$mixdown" get m.yaml /track/a/gain_db --json
[[ "$out" == *'"value": {"points": [[0, -1], ["1:3", 1]]}, "unit": "dB"'* ]] &&
  ok "get --json of an envelope with a musical time" || fail "get --json, musical" "$out"

# ---------------------------------------------------------------- an output over a file the session reads
cp m.yaml m-orig.yaml
run "$mixdown" set m.yaml /output/file a.wav
[ "$rc" -eq 2 ] && [[ "$err" == "m.yaml:8:16: error: /output/file: refusing to write the mix to \`a.wav\`"* ]] &&
  [[ "$err" == *"the source of track \`a\`"* ]] && cmp -s m.yaml m-orig.yaml &&
  ok "set /output/file to a source: refused at once (exit 2, the path guard's message), file unchanged" ||
  fail "output over a source" "rc=$rc" "$err"
cat > o.yaml <<'YAML'
mixdown: 1
tracks: [{name: a, file: a.wav}]
outputs:
  - {file: x.wav}
  - {file: y.flac}
YAML
cp o.yaml o-orig.yaml
run "$mixdown" set o.yaml /outputs/2/file ./a.wav
[ "$rc" -eq 2 ] && [[ "$err" == "o.yaml:5:12: error: /outputs/2/file: refusing to write output 2 of 2 to"* ]] &&
  cmp -s o.yaml o-orig.yaml && ok "set /outputs/N/file to a source: refused" || fail "outputs over a source" "rc=$rc" "$err"
run "$mixdown" set o.yaml /outputs/1/file y.flac
[ "$rc" -eq 2 ] && [[ "$err" == *"output 1 of 2 and output 2 of 2 would both be written to"* ]] && cmp -s o.yaml o-orig.yaml &&
  ok "set /outputs/N/file to another output's file: refused" || fail "two outputs, one file" "rc=$rc" "$err"

# ---------------------------------------------------------------- a track's own file:
cp a.wav b.wav
run "$mixdown" set m.yaml /track/a/file b.wav
[ "$rc" -eq 0 ] && [ "$(diff m-orig.yaml m.yaml | grep -c "^[<>]")" -eq 2 ] && grep -q '^    file: b.wav$' m.yaml &&
  ok "set /track/NAME/file of a \`file:\` track: in place" || fail "track file" "rc=$rc" "$err" "$(diff m-orig.yaml m.yaml)"

# ---------------------------------------------------------------- -o
cp s.yaml before.yaml
mkdir -p copies
run "$mixdown" set s.yaml /track/b/gain_db -1 -o copies/s2.yaml
[ "$rc" -eq 0 ] && cmp -s s.yaml before.yaml && grep -q "file: ../a.wav" copies/s2.yaml &&
  [[ "$err" == "set: copies/s2.yaml: 1 value changed"* ]] &&
  ok "-o: a copy in another folder (paths rewritten), the session as it was" || fail "-o" "rc=$rc" "$err"
run "$mixdown" check copies/s2.yaml
[ "$rc" -eq 0 ] && ok "the copy is a valid session" || fail "the copy checks" "$err"
run "$mixdown" set s.yaml /track/b/gain_db -1 -o a.wav
[ "$rc" -eq 2 ] && cmp -s s.yaml before.yaml && cmp -s a.wav a-orig.wav &&
  ok "-o over a source: refused, exit 2" || fail "-o over a source" "rc=$rc" "$err"

run "$mixdown" set s.yaml /track/b/gain_db -1 -o /dev/full
[ "$rc" -eq 1 ] && [[ "$err" == *"nothing written"* ]] && cmp -s s.yaml before.yaml &&
  ok "a write that fails (-o /dev/full): exit 1" || fail "-o /dev/full" "rc=$rc" "$err"

# ---------------------------------------------------------------- mode, a folder that refuses files
chmod 0640 s.yaml
run "$mixdown" set s.yaml /track/b/gain_db -2
[ "$rc" -eq 0 ] && [ "$(stat -c %a s.yaml)" = 640 ] && ok "set keeps the file's mode" || fail "mode" "$(stat -c %a s.yaml)"
mkdir -p ro && cp s.yaml ro/s.yaml && chmod 0555 ro
if [ "$(id -u)" -ne 0 ]; then
  run "$mixdown" set ro/s.yaml /track/b/gain_db -3
  [ "$rc" -eq 1 ] && cmp -s s.yaml ro/s.yaml && ok "a folder that refuses files: exit 1, nothing written" ||
    fail "read-only folder" "rc=$rc" "$err"
else
  skip "a read-only folder (root writes anyway)"
fi
chmod 0755 ro

# ---------------------------------------------------------------- links and read-only files
# A symbolic link stays a link and the file it names is edited; a file with
# other names (hard links) or a read-only mode is refused, nothing written.
mkdir -p linked && cp s.yaml linked/s.yaml && cp s.yaml linked-before.yaml && ln -sf linked/s.yaml link.yaml
cp a.wav linked/ 2>/dev/null || true
run "$mixdown" set link.yaml /track/b/gain_db -7
[ "$rc" -eq 0 ] && [ -L link.yaml ] && grep -q "gain_db: -7" linked/s.yaml &&
  ok "a symlinked session: its target edited, the link kept" || fail "symlink" "rc=$rc" "$err"
cp s.yaml hard-before.yaml && ln s.yaml hard.yaml
run "$mixdown" set hard.yaml /track/b/gain_db -8
[ "$rc" -eq 2 ] && [[ "$err" == *"has 2 names (hard links)"*"nothing written"* ]] && cmp -s s.yaml hard-before.yaml &&
  [ "$(stat -c %h s.yaml)" = 2 ] && ok "a hard-linked session: refused, exit 2, both names as they were" ||
  fail "hard link" "rc=$rc" "$err"
rm -f hard.yaml
chmod 0444 s.yaml
run "$mixdown" set s.yaml /track/b/gain_db -8
[ "$rc" -eq 2 ] && [[ "$err" == *"is read-only: nothing written"* ]] && cmp -s s.yaml hard-before.yaml &&
  ok "a read-only session (mode 444): refused, exit 2, unchanged" || fail "read-only file" "rc=$rc" "$err"
chmod 0644 s.yaml

# ---------------------------------------------------------------- a loudness preset
# `loudness: podcast` (−16 LUFS, −1 dBTP): a target set beside it overrides
# the preset's, written as {preset: podcast, target_lufs: …}; the preset's
# ceiling stays.  /master/loudness alone is no value: the error names both.
"$tool" sine p.wav 3 997 1 48000
printf 'mixdown: 1\ntracks: [{name: v, file: p.wav}]\nmaster:\n  loudness: podcast\noutput: {file: p-out.wav}\n' > p.yaml
run "$mixdown" set p.yaml /master/loudness/target_lufs -20
[ "$rc" -eq 0 ] && grep -q '^  loudness: {preset: podcast, target_lufs: -20}$' p.yaml &&
  ok "set beside a loudness preset: {preset: podcast, target_lufs: -20}" || fail "preset target" "rc=$rc" "$err" "$(cat p.yaml)"
run "$mixdown" get p.yaml /master/loudness/target_lufs /master/loudness/true_peak_db
[ "$rc" -eq 0 ] && [ "$out" = $'/master/loudness/target_lufs -20 LUFS\n/master/loudness/true_peak_db -1 dBTP' ] &&
  ok "get: the target set, the preset's ceiling kept" || fail "preset get" "rc=$rc" "$out" "$err"
run "$mixdown" render p.yaml -q
lufs=$("$mixdown" analyze p-out.wav 2>/dev/null | awk '/integrated/ { print $2 }')
near "$lufs" -20 0.2 && ok "the render meets the target set beside the preset: $lufs LUFS" ||
  fail "preset render" "rc=$rc" "integrated '$lufs' LUFS, want -20" "$err"
cp p.yaml p-before.yaml
run "$mixdown" get p.yaml /master/loudness
[ "$rc" -eq 2 ] && [[ "$err" == *"/master/loudness/target_lufs or /master/loudness/true_peak_db"* ]] &&
  [[ "$err" != *"did you mean"* ]] && ok "/master/loudness alone: exit 2, the two addresses named" ||
  fail "/master/loudness alone" "rc=$rc" "$err"
run "$mixdown" set p.yaml /master/loudness 'streaming'
[ "$rc" -eq 2 ] && cmp -s p.yaml p-before.yaml && ok "set /master/loudness: exit 2, nothing written" ||
  fail "set /master/loudness" "rc=$rc" "$err"

echo "$(basename "$0" .sh | sed 's/^test_//'): $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
