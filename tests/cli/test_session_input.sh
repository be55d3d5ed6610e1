#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The session and option boundary (issue 16.8, 16.10): sessions read from a
# pipe or a device, /dev/zero, numbers that are not finite, rates an encoder
# refuses, a source cut short.  Each case is refused before anything is
# rendered: exit 2, a message with the valid range or FILE:LINE:COLUMN,
# nothing written.
#   tests/cli/test_session_input.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_session_input.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-input-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$tool" sine tone.wav 2 440 2 48000
cat > song.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: tone, file: tone.wav}
YAML
nothing_written() { [ -z "$(ls -A | grep -v -e '^tone.wav$' -e '^song.yaml$' -e '^stderr$' -e '^keep$')" ]; }

# ------------------------------------------------ where relative paths go
run "$mixdown" check /dev/stdin < song.yaml
[ "$rc" -eq 0 ] && ok "check /dev/stdin: tone.wav found in the current folder" || fail "check /dev/stdin" "rc=$rc" "$err"
out=$("$mixdown" check <(cat song.yaml) 2>&1); rc=$?
[ "$rc" -eq 0 ] && ok "check <(…): relative paths from the current folder" || fail "check <(…)" "rc=$rc" "$out"
mkdir keep
out=$(cd keep && "$mixdown" check /dev/stdin < ../song.yaml 2>&1); rc=$?
[ "$rc" -eq 2 ] && [[ "$out" == "/dev/stdin:3:24: error: cannot open source \`tone.wav\`: No such file"* ]] &&
  ok "/dev/stdin from another folder: the source is looked for there, at 3:24" || fail "/dev/stdin elsewhere" "rc=$rc" "$out"
rmdir keep

# ------------------------------------------------------- not a session
run timeout 10 "$mixdown" check /dev/zero
[ "$rc" -eq 2 ] && [[ "$err" == "/dev/zero:1:1: error: a NUL byte is not allowed"* ]] &&
  ok "check /dev/zero: a NUL byte at 1:1, exit 2" || fail "check /dev/zero" "rc=$rc" "${err:0:300}"

# ---------------------------------------------- numbers that are not finite
for value in nan inf -inf NaN; do
  run "$mixdown" render song.yaml -o out.wav --normalize "$value"
  [ "$rc" -eq 2 ] && [[ "$err" == *"--normalize takes -70 … -5 LUFS"* ]] && nothing_written &&
    ok "--normalize $value: exit 2 with the range, nothing written" || fail "--normalize $value" "rc=$rc" "$err"
done
run "$mixdown" render song.yaml -o out.wav --normalize -14 --true-peak nan
[ "$rc" -eq 2 ] && [[ "$err" == *"--true-peak must be -20 … 0 dBTP"* ]] && nothing_written &&
  ok "--true-peak nan: exit 2 with the range" || fail "--true-peak nan" "rc=$rc" "$err"
run "$mixdown" analyze tone.wav --target nan
[ "$rc" -eq 2 ] && [[ "$err" == *"--target must be -70 … 0 LUFS"* ]] && ok "analyze --target nan: exit 2" ||
  fail "analyze --target nan" "rc=$rc" "$err"

# ------------------------------------------- rates the encoder refuses
run "$mixdown" render song.yaml -o out.flac --rate 383999
[ "$rc" -eq 2 ] && [[ "$err" == *"cannot write \`out.flac\` at 383999 Hz: FLAC takes any rate up to 65535 Hz"*"(nearest: 384000 Hz)"* ]] &&
  nothing_written && ok "FLAC at --rate 383999: exit 2 before rendering, the valid rates" ||
  fail "FLAC at 383999 Hz" "rc=$rc" "$err"
run "$mixdown" render song.yaml -o out.flac --rate 383990 --quiet
[ "$rc" -eq 0 ] && [ -s out.flac ] && ok "FLAC at --rate 383990 (a multiple of 10 Hz) is written" ||
  fail "FLAC at 383990 Hz" "rc=$rc" "$err"
rm -f out.flac
run "$mixdown" render song.yaml -o out.ogg --rate 250000
[ "$rc" -eq 2 ] && [[ "$err" == *"Ogg Vorbis takes at most 200000 Hz"* ]] && nothing_written &&
  ok "Ogg Vorbis at 250 kHz: exit 2 with the limit" || fail "Ogg at 250 kHz" "rc=$rc" "$err"

# ------------------------------------------------- a source cut short
"$mixdown" render song.yaml -o whole.flac --quiet
head -c $(( $(stat -c %s whole.flac) / 2 )) whole.flac > cut.flac
rm whole.flac
cat > cut.yaml <<'YAML'
mixdown: 1
tracks:
  - name: tone
    file: cut.flac
YAML
run "$mixdown" check cut.yaml
[ "$rc" -eq 2 ] && [[ "$err" == "cut.yaml:4:11: error: source \`cut.flac\` is cut short or damaged: its header says 2.000 s"* ]] &&
  ok "a FLAC cut in half: check names it at its file: line (4:11)" || fail "cut FLAC, check" "rc=$rc" "$err"
run "$mixdown" render cut.yaml -o cut-mix.wav
[ "$rc" -eq 2 ] && [ ! -e cut-mix.wav ] && ok "a FLAC cut in half: render refuses it before rendering, exit 2" ||
  fail "cut FLAC, render" "rc=$rc" "$err"
rm -f cut.flac cut.yaml

echo "session-input: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
