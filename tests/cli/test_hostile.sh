#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile audio and hostile sessions: each case renders correctly (with a
# warning where one is due) or fails with a clear message — never a crash,
# never NaN in the output, memory bounded.  Ends with one render under
# valgrind memcheck.
#   tests/cli/test_hostile.sh BUILD_DIR [--sanitized]
# --sanitized (the ASan/UBSan build): no memory limits, no valgrind.
set -u
build=$(cd "${1:?usage: test_hostile.sh BUILD_DIR [--sanitized]}" && pwd)
sanitized=${2:-}
# Peak memory limit in KiB, or no limit under the sanitizers.
limit() { if [ -n "$sanitized" ]; then echo 999999999; else echo "$1"; fi; }
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-hostile-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# Peak of a file in dBFS, from `mixdown analyze --json`.
peak_of() { "$mixdown" analyze "$1" --json | sed -n 's/.*"peak_dbfs_max": \(-\{0,1\}[0-9.]*\).*/\1/p'; }
session() { # FILE then track lines on stdin
  { echo "mixdown: 1"; echo "tracks:"; cat; } > "$1"
}

# ------------------------------------------------------------ hostile audio
"$tool" hostile nan.wav
session nan.yaml <<'YAML'
  - name: spiky
    file: nan.wav
    inserts: [{type: eq, bands: [{type: bell, freq: 200, gain_db: 6}]}, {type: compressor}, {type: limiter}]
YAML
run "$mixdown" render nan.yaml -o nan-out.wav
json=$("$mixdown" analyze nan-out.wav --json)
if [ "$rc" -eq 0 ] && [[ "$out" == *"non-finite samples"*"track \`spiky\`"*"0.021 s"* ]] &&
   ! printf '%s\n' "$json" | grep -Eqi ': \[?-?(nan|inf)'; then
  ok "NaN, Inf and subnormal samples: rendered, warned with track and time, output finite"
else
  fail "NaN source" "rc=$rc" "$out" "$err"
fi

"$tool" sine one.wav 0.0000208 440 1 48000
session one.yaml <<< "  - {name: one, file: one.wav}"
run "$mixdown" render one.yaml -o one-out.wav -q
[ "$rc" -eq 0 ] && [[ "$("$mixdown" analyze one-out.wav --json)" == *'"frames": 1,'* ]] && ok "one-sample source: a one-frame mix" || fail "one-sample" "rc=$rc" "$err"

"$tool" sine empty.wav 0 440 1 48000
session empty.yaml <<< "  - {name: empty, file: empty.wav}"
run "$mixdown" render empty.yaml -o empty-out.wav -q
[ "$rc" -eq 0 ] && [[ "$err" == *"warning: source \`empty.wav\` holds no audio"* ]] && ok "zero-length source: warned, rendered" || fail "zero-length" "rc=$rc" "$err"

"$tool" sine whole.wav 1 440 2 48000
head -c 30 whole.wav > truncated.wav
session trunc.yaml <<< "  - {name: t, file: truncated.wav}"
run "$mixdown" render trunc.yaml -o trunc-out.wav
[ "$rc" -eq 2 ] && [[ "$err" == *"trunc.yaml:3:"*"cannot decode source \`truncated.wav\`"* ]] && [ ! -e trunc-out.wav ] && ok "truncated header: clear error, exit 2, nothing written" || fail "truncated header" "rc=$rc" "$err"

head -c 50000 whole.wav > cut.wav # header intact, data cut short
session cut.yaml <<< "  - {name: t, file: cut.wav}"
run "$mixdown" render cut.yaml -o cut-out.wav -q
[ "$rc" -eq 0 ] && ok "data cut short: rendered what is there" || fail "cut data" "rc=$rc" "$err"

"$tool" sine eight.wav 1 440 8 48000
session eight.yaml <<< "  - {name: t, file: eight.wav}"
run "$mixdown" render eight.yaml -o eight-out.wav
[ "$rc" -eq 2 ] && [[ "$err" == *"has 8 channels; mixdown takes mono or stereo"* ]] && ok "8-channel source: refused with a message" || fail "8 channels" "rc=$rc" "$err"

rates="8000 11025 22050 32000 44100 88200 96000 176400 192000 352800 384000"
{ i=0; for r in $rates; do "$tool" sine "r$r.wav" 1 1000 2 "$r"; echo "  - {name: r$r, clips: [{file: r$r.wav, start: $i}]}"; i=$((i + 1)); done; } > rates.tracks
for session_rate in 8000 48000 384000; do
  { echo "mixdown: 1"; echo "sample_rate: $session_rate"; echo "tracks:"; cat rates.tracks; } > "rates$session_rate.yaml"
  run "$mixdown" render "rates$session_rate.yaml" -o "rates$session_rate.wav" -q
  p=$(peak_of "rates$session_rate.wav")
  # An 8 kHz session cannot hold a 1 kHz tone's… it can: 1 kHz < 4 kHz.
  if [ "$rc" -eq 0 ] && near "$p" -6.02 0.3; then
    ok "sources at 8 … 384 kHz in a ${session_rate} Hz session: peak $p dBFS"
  else
    fail "rates in a $session_rate Hz session" "rc=$rc peak=$p" "$err"
  fi
done

"$tool" sine long.wav 10800 1000 1 8000 # three hours (mono: -9.03 dBFS per side at the centre)
session long.yaml <<< "  - {name: late, clips: [{file: long.wav, offset: 10790, length: 5}]}"
/usr/bin/time -f '%M' -o "$work/mem" "$mixdown" render long.yaml -o long-out.wav -q 2>"$work/stderr"
rc=$?
kb=$(cat "$work/mem")
p=$(peak_of long-out.wav)
if [ "$rc" -eq 0 ] && near "$p" -9.03 0.3 && [ "$kb" -lt "$(limit 102400)" ] && [[ "$("$mixdown" analyze long-out.wav --json)" == *'"frames": 240000,'* ]]; then
  ok "3-hour source, clip at its end: 5 s rendered, $((kb / 1024)) MiB"
else
  fail "3-hour source" "rc=$rc peak=$p mem=${kb}KiB" "$(cat "$work/stderr")"
fi
rm -f long.wav

# --------------------------------------------------------- hostile sessions
"$tool" sine s.wav 0.5 100 2 48000
{ echo "mixdown: 1"; echo "tracks:"; for i in $(seq 1 10000); do echo "  - {name: t$i, file: s.wav, gain_db: -80}"; done; } > many.yaml
/usr/bin/time -f '%M' -o "$work/mem" "$mixdown" render many.yaml -o many.wav --bits float -q 2>"$work/stderr"
rc=$?
kb=$(cat "$work/mem")
p=$(peak_of many.wav)
if [ "$rc" -eq 0 ] && near "$p" -6.02 0.05 && [ "$kb" -lt "$(limit 614400)" ]; then
  ok "10 000 tracks: rendered, sum exact (peak $p dBFS), $((kb / 1024)) MiB"
else
  fail "10 000 tracks" "rc=$rc peak=$p mem=${kb}KiB" "$(cat "$work/stderr")"
fi

{ echo "mixdown: 1"; echo "tracks:"; echo "  - {name: t, file: s.wav, output: b1}"; echo "buses:";
  for i in $(seq 1 4999); do echo "  - {name: b$i, output: b$((i + 1))}"; done; echo "  - {name: b5000}"; } > nested.yaml
run "$mixdown" render nested.yaml -o nested.wav --bits float -q
p=$(peak_of nested.wav)
[ "$rc" -eq 0 ] && near "$p" -6.02 0.01 && ok "5000 nested buses: rendered unchanged" || fail "nested buses" "rc=$rc peak=$p" "$err"

{ echo "mixdown: 1"; echo "tracks:"; echo "  - name: t"; echo "    file: s.wav";
  printf "    gain_db: {points: ["; seq 0 999999 | awk '{printf "%s[%.7f, %d]", (NR > 1 ? ", " : ""), $1 * 0.0000005, -($1 % 7)}'; echo "]}"; } > million.yaml
/usr/bin/time -f '%M' -o "$work/mem" "$mixdown" render million.yaml -o million.wav -q 2>"$work/stderr"
rc=$?
kb=$(cat "$work/mem")
[ "$rc" -eq 0 ] && [ "$kb" -lt "$(limit 1048576)" ] && ok "an envelope of a million points: rendered in $((kb / 1024)) MiB" || fail "million points" "rc=$rc mem=${kb}KiB" "$(cat "$work/stderr")"

session neg.yaml <<< "  - {name: t, clips: [{file: s.wav, start: -5}]}"
run "$mixdown" check neg.yaml
[ "$rc" -eq 2 ] && [[ "$err" == *"out of range: valid range is 0 … 86400 s"* ]] && ok "negative time: clear error" || fail "negative time" "rc=$rc" "$err"

{ echo "mixdown: 1"; echo "tempo: 120"; echo "tracks:"; echo '  - {name: t, clips: [{file: s.wav, start: "999999:1"}]}'; } > bars.yaml
run "$mixdown" check bars.yaml
[ "$rc" -eq 2 ] && [[ "$err" == *"past the 24-hour limit"* ]] && ok "a bar a day away: clear error" || fail "far bar" "rc=$rc" "$err"

# --------------------------------------------------------------- no data loss
session ok.yaml <<< "  - {name: t, file: s.wav}"
run "$mixdown" render ok.yaml -o /proc/mixdown-cannot-write.wav -q
[ "$rc" -eq 1 ] && [[ "$err" == *"cannot write"* ]] && ok "unwritable folder: exit 1, says so" || fail "unwritable folder" "rc=$rc" "$err"
mkdir -p ro && "$mixdown" render ok.yaml -o ro/keep.wav -q && before=$(md5sum < ro/keep.wav)
run "$mixdown" render ok.yaml -o ro/keep.wav/inside.wav -q
[ "$rc" -eq 2 ] && [[ "$err" == *"is a file"* ]] && [ "$(md5sum < ro/keep.wav)" = "$before" ] && [ -z "$(ls -A ro | grep partial)" ] &&
  ok "output below a file: refused before rendering (exit 2, says which is a file), previous mix intact" ||
  fail "output below a file" "rc=$rc" "$err"

# ----------------------------------------------------------------- memcheck
if [ -n "$sanitized" ]; then
  : # valgrind cannot run a sanitized binary; the release run does it
elif command -v valgrind >/dev/null; then
  "$tool" sine v1.wav 2 220 1 44100
  "$tool" sine v2.wav 2 330 2 48000
  cat > vg.yaml <<'YAML'
mixdown: 1
tracks:
  - name: a
    file: v1.wav
    sends: [{to: fx, level_db: -6}]
    inserts:
      - {type: eq, bands: [{type: highpass, freq: 80, slope: 24}, {type: bell, freq: {points: [[0, 500], [2, 4000]]}, gain_db: 4, q: 2}]}
      - {type: compressor, sidechain: b, lookahead_ms: 2}
      - {type: deesser}
  - {name: b, file: v2.wav, inserts: [{type: gate, threshold_db: -30}]}
buses:
  - {name: fx, inserts: [{type: stereo, width: 1.5, mono_below: 150}]}
master:
  inserts: [{type: limiter, true_peak: true}]
YAML
  valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
    "$mixdown" render vg.yaml -o vg.flac --bits 16 --rate 44100 -q > "$work/vg.log" 2>&1
  rc=$?
  # --errors-for-leak-kinds turns any definite, indirect or possible leak
  # into an error: exit 0 with no errors means no invalid access, no leak.
  if [ "$rc" -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$work/vg.log"; then
    ok "a full channel-strip render under valgrind memcheck: no errors, no leaks"
  else
    fail "valgrind memcheck" "rc=$rc" "$(grep -E 'ERROR SUMMARY|definitely|indirectly|Invalid' "$work/vg.log" | head -5)"
  fi
else
  fail "valgrind is not installed (scripts/install-deps.sh installs it)"
fi

echo "hostile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
