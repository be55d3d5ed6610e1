#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Trust: nothing mixdown writes replaces a file the session reads, the
# session, a non-audio file or another output of the same render; every
# number printed is the number of the file written.  Each case is one a
# new user hit (issue 15).  Victims are byte-compared; levels are
# measured on the written files.
#   tests/cli/test_trust.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_trust.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-trust-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# A JSON number from `mixdown analyze --json` output in $1.
json() { sed -nE "s/^ *\"$2\": (-?[0-9.]+|-?inf|null),?$/\1/p" <<< "$1" | head -n 1; }
sums() { md5sum "$@" 2>/dev/null; }

mkdir stems
"$tool" sine stems/vocal.wav 4 440 1 48000
"$tool" sine stems/guitar.wav 4 330 2 48000
cat > song.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: vocal, file: stems/vocal.wav, gain_db: -3}
  - {name: guitar, file: stems/guitar.wav}
output: {file: mix.wav, bits: 16}
YAML
victims="stems/vocal.wav stems/guitar.wav song.yaml"
before=$(sums $victims)

# ------------------------------------------------ 1. sources are never replaced
for dir in stems stems/ ./stems ../"$(basename "$work")"/stems "$work/stems"; do
  run "$mixdown" render song.yaml --normalize streaming --stems "$dir"
  if [ "$rc" -eq 2 ] && [[ "$err" == *"source of track"* ]] && [ "$(sums $victims)" = "$before" ] && [ ! -e mix.wav ]; then
    ok "--stems $dir over the sources: exit 2 before rendering, sources and mix untouched"
  else
    fail "--stems $dir over the sources" "rc=$rc" "$err"
  fi
done
ln -s stems linked
ln stems/guitar.wav hard.wav
ln -s stems/vocal.wav soft.wav
for out in linked/vocal.wav hard.wav soft.wav ./stems/../stems/guitar.wav; do
  run "$mixdown" render song.yaml -o "$out"
  [ "$rc" -eq 2 ] && [[ "$err" == *"source of track"* ]] && [ "$(sums $victims)" = "$before" ] &&
    ok "-o $out (a source by another name): refused, exit 2" || fail "-o $out" "rc=$rc" "$err"
done
cat > ir.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: vocal, file: stems/vocal.wav, inserts: [{type: reverb, impulse: stems/guitar.wav}]}
output: {file: mix.wav}
YAML
run "$mixdown" render ir.yaml -o stems/guitar.wav
[ "$rc" -eq 2 ] && [[ "$err" == *"insert 1 of \`vocal\`"* ]] && [ "$(sums $victims)" = "$before" ] &&
  ok "an impulse response is protected like a source" || fail "impulse response as output" "rc=$rc" "$err"

# ----------------------------------- 2. -o passes the same checks as output.file
run "$mixdown" render song.yaml -o song.yaml
[ "$rc" -eq 2 ] && [ "$(sums $victims)" = "$before" ] && [[ "$err" == *".wav, .rf64, .flac"* ]] &&
  ok "-o song.yaml: refused with the list of formats, session untouched" || fail "-o song.yaml" "rc=$rc" "$err"
for out in x.aiff x noext. x.mp4; do
  run "$mixdown" render song.yaml -o "$out"
  [ "$rc" -eq 2 ] && [ ! -e "$out" ] && [[ "$err" == *"mixdown writes .wav"* ]] &&
    ok "-o $out: refused (exit 2), nothing written" || fail "-o $out" "rc=$rc" "$err"
done
echo "my notes" > notes.wav
run "$mixdown" render song.yaml -o notes.wav
[ "$rc" -eq 2 ] && [ "$(cat notes.wav)" = "my notes" ] && [[ "$err" == *"not an audio file"* ]] &&
  ok "-o over a text file named .wav: refused, file untouched" || fail "-o notes.wav" "rc=$rc" "$err"
run "$mixdown" render song.yaml -o x.flac --bits float
[ "$rc" -eq 2 ] && [[ "$err" == *"FLAC holds 16"* ]] && ok "-o x.flac --bits float: refused" ||
  fail "flac float" "rc=$rc" "$err"

# ------------------------------------------- 3. two outputs never share a path
run "$mixdown" render song.yaml -o vocal.wav --stems .
[ "$rc" -eq 2 ] && [ ! -e vocal.wav ] && [ ! -e guitar.wav ] && [[ "$err" == *"would both be written"* ]] &&
  ok "-o vocal.wav --stems . with a track vocal: refused, nothing written" || fail "mix = stem" "rc=$rc" "$err"

# ------------------------------------------------------- 4. missing folders
cat > deep.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: vocal, file: stems/vocal.wav}
output: {file: out/2026/mix.wav}
YAML
run "$mixdown" check deep.yaml
[ "$rc" -eq 0 ] && [[ "$err" == *"deep.yaml:4:16: warning"*"does not exist yet; render will create it"* ]] &&
  ok "check: a missing output folder is reported at output.file's line" || fail "check deep" "rc=$rc" "$err"
run "$mixdown" render deep.yaml -q --stems st/a/b
[ "$rc" -eq 0 ] && [ -s out/2026/mix.wav ] && [ -s st/a/b/vocal.wav ] &&
  ok "render creates the output's and the stems' folders, all levels" || fail "render deep" "rc=$rc" "$err"
echo file > blocker
run "$mixdown" render deep.yaml -o blocker/mix.wav
[ "$rc" -eq 2 ] && [[ "$err" == *"is a file"* ]] && ok "a folder through a file: refused" || fail "blocker" "rc=$rc" "$err"

# ------------------------------------------------------ 6. numbers of the file
cat > loud.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: vocal, file: stems/vocal.wav, gain_db: 6}
  - {name: guitar, file: stems/guitar.wav, gain_db: 6}
master:
  loudness: {target_lufs: -5, true_peak_db: -3}
output: {file: loud.wav, bits: 16}
YAML
run "$mixdown" render loud.yaml
summary=$out
run "$mixdown" analyze loud.wav --json
file_lufs=$(json "$out" integrated_lufs)
file_tp=$(json "$out" true_peak_dbtp)
run "$mixdown" analyze loud.yaml --json
session_lufs=$(json "$out" integrated_lufs)
session_tp=$(json "$out" true_peak_dbtp)
if near "$session_lufs" "$file_lufs" 0.1 && near "$session_tp" "$file_tp" 0.2 && [[ "$out" == *'"finished": true'* ]]; then
  ok "analyze SESSION applies master.loudness: $session_lufs LUFS / $session_tp dBTP, the file $file_lufs / $file_tp"
else
  fail "analyze SESSION vs file" "session $session_lufs $session_tp" "file $file_lufs $file_tp"
fi
reduction=$(sed -nE 's/.*limiter at -3.0 dBTP: (-?[0-9.]+) dB of reduction.*/\1/p' <<< "$summary")
printed=$(sed -nE 's/^  loudness +(-?[0-9.]+) LUFS integrated/\1/p' <<< "$summary")
if below "$reduction" -0.5 && near "$printed" "$file_lufs" 0.01 && grep -Eq '^  loud.wav +file ' <<< "$summary"; then
  ok "render's summary: the file's loudness ($printed), the finishing limiter's reduction ($reduction dB), a file row"
else
  fail "render summary after finishing" "reduction=$reduction printed=$printed file=$file_lufs" "$summary"
fi

# ------------------------------------------------------------- 7. --true-peak
run "$mixdown" render loud.yaml -o tp.wav --true-peak -3 -q
cp loud.yaml nolimit.yaml && sed -i '/loudness/d;/master:/d' nolimit.yaml
run "$mixdown" render nolimit.yaml -o tp.wav --true-peak -3 -q
run "$mixdown" analyze tp.wav --json
tp=$(json "$out" true_peak_dbtp)
below "$tp" -2.99 && ok "--true-peak -3 without --normalize limits the mix: $tp dBTP" || fail "--true-peak alone" "tp=$tp"

# auto_makeup that adds a lot, and clips, is named with how much it added.
cat > makeup.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: vocal, file: stems/vocal.wav, inserts: [{type: compressor, threshold_db: -40, ratio: 8, auto_makeup: true}]}
output: {file: makeup.wav, bits: 16}
YAML
run "$mixdown" render makeup.yaml
added=$(sed -nE 's/.*vocal, insert 1 \(compressor\): auto_makeup adds \+([0-9.]+) dB and the strip clips.*/\1/p' <<< "$out")
near "$added" 35 0.1 && ok "auto_makeup: a warning says it added +$added dB (threshold -40, ratio 8: 40 × 7/8) and the strip clips" ||
  fail "auto_makeup warning" "added=$added" "$out"

# ------------------------------------------------------------------ 8. stems
cat > hot.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: hot, file: stems/vocal.wav, gain_db: 12}
  - {name: calm, file: stems/guitar.wav, gain_db: -30}
output: {file: hot.wav, bits: 16}
YAML
run "$mixdown" render hot.yaml --normalize -20 --stems hotstems
peak=$("$tool" peak hotstems/hot.wav 2>/dev/null)
if [ "$rc" -eq 0 ] && below 2.9 "$peak" && [[ "$out" == *"stem hot peaks at +3.0 dBFS"* ]] && [[ "$out" != *"stem calm"* ]]; then
  ok "stems of a 16-bit mix are float: the hot stem keeps its +$peak dBFS and is named in a warning"
else
  fail "float stems" "rc=$rc peak=$peak" "$out"
fi
run "$mixdown" render hot.yaml --stems hotstems16 --stems-bits 16
[[ "$out" == *"stem hot clipped"* ]] && ok "--stems-bits 16: the clipping stem is named" || fail "--stems-bits 16" "$out"

# ------------------------------------------------------------------ 9. --stats
cat > long.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: vocal, clips: [{file: stems/vocal.wav, start: 0}, {file: stems/vocal.wav, start: 4},
      {file: stems/vocal.wav, start: 8}, {file: stems/vocal.wav, start: 12}], inserts: [{type: reverb, decay_s: 1}]}
  - {name: guitar, file: stems/guitar.wav, inserts: [{type: compressor, threshold_db: -20}]}
master: {loudness: podcast}
output: {file: long.wav, bits: 16}
YAML
run "$mixdown" render long.yaml --stats --threads 1 --stems longstems
work_s=$(sed -nE 's/^  total ([0-9.]+) s of work; the process used ([0-9.]+) s of CPU.*/\1/p' <<< "$out")
cpu_s=$(sed -nE 's/^  total ([0-9.]+) s of work; the process used ([0-9.]+) s of CPU.*/\2/p' <<< "$out")
ratio=$(awk -v a="$work_s" -v b="$cpu_s" 'BEGIN { print (b > 0 ? a / b : 0) }')
if grep -Eq '^ +finishing ' <<< "$out" && grep -Eq '^ +premaster ' <<< "$out" && grep -Eq '^ +stems ' <<< "$out" &&
   ! below "$ratio" 0.8; then
  # Rows are timed on the clock: on a busy machine they exceed the CPU
  # time; what must not happen is CPU time that no row accounts for.
  ok "--stats: finishing, premaster and stems have rows; they add up to $ratio of the process CPU"
else
  fail "--stats rows" "work=$work_s cpu=$cpu_s" "$out"
fi

# -------------------------------------------------------------- 10. progress
if command -v script > /dev/null; then
  screen=$(script -qc "'$mixdown' render long.yaml -o prog.wav" /dev/null | tr '\r' '\n')
  if grep -q "normalising prog.wav, pass 1" <<< "$screen" && grep -q "100%" <<< "$screen"; then
    ok "the progress bar names the normalising passes and ends at 100 %"
  else
    fail "progress bar" "$(grep % <<< "$screen" | tail -n 3)"
  fi
else
  skip "progress bar (no script(1))"
fi

# ------------------------------------------------ 11. temporary space
mkdir quiet && cp -r stems quiet/ && cp long.yaml quiet/
TMPDIR=/proc "$mixdown" render quiet/long.yaml -q 2> "$work/stderr"
rc=$?
err=$(cat "$work/stderr")
[ "$rc" -eq 1 ] && [[ "$err" == *"TMPDIR"* ]] && [ ! -e quiet/long.wav ] &&
  ok "normalising keeps its premaster in \$TMPDIR and says so when it cannot" || fail "TMPDIR" "rc=$rc" "$err"
"$mixdown" render quiet/long.yaml -q
extra=$(ls -A quiet | grep -v -e '^stems$' -e '^long.yaml$' -e '^long.wav$')
[ -z "$extra" ] && ok "nothing but the mix is left beside it" || fail "left beside the output" "$extra"

# -------------------------------------------------------------- 13. messages
run "$mixdown" render song.yaml deep.yaml
[ "$rc" -eq 2 ] && [[ "$err" == *"one session at a time"* ]] && ok "render a.yaml b.yaml: one session at a time" ||
  fail "two sessions" "rc=$rc" "$err"

# ------------------------------------------------- 15. outputs, range, solo
cat > deliver.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: vocal, file: stems/vocal.wav}
  - {name: guitar, file: stems/guitar.wav, gain_db: -6}
outputs:
  - {file: d/streaming.wav, bits: 24, loudness: streaming}
  - {file: d/podcast.flac, bits: 16, rate: 44100, loudness: {target_lufs: -16, true_peak_db: -1.5}}
  - {file: d/broadcast.wav, loudness: ebu-r128}
YAML
run "$mixdown" render deliver.yaml --stats
good=0
for pair in streaming.wav:-14 podcast.flac:-16 broadcast.wav:-23; do
  f=${pair%%:*}
  want=${pair#*:}
  a=$("$mixdown" analyze "d/$f" --json)
  near "$(json "$a" integrated_lufs)" "$want" 0.1 && good=$((good + 1))
done
rate=$(json "$("$mixdown" analyze d/podcast.flac --json)" sample_rate)
if [ "$rc" -eq 0 ] && [ "$good" -eq 3 ] && [ "$rate" = 44100 ] && [[ "$out" == *"the mix was rendered once; 3 files"* ]]; then
  ok "outputs: three deliverables from one mix pass, each on its own target (-14, -16 at 44.1 kHz, -23)"
else
  fail "outputs list" "rc=$rc good=$good rate=$rate" "$out"
fi

# MP3, Ogg Vorbis and Opus through libsndfile: decoded back, within 0.5 LU of the WAV.
"$mixdown" render long.yaml -o lossless.wav -q --bits float
ref=$(json "$("$mixdown" analyze lossless.wav --json)" integrated_lufs)
for ext in mp3 ogg opus; do
  run "$mixdown" render long.yaml -o "lossy.$ext" --quality 0.6
  a=$("$mixdown" analyze "lossy.$ext" --json)
  got=$(json "$a" integrated_lufs)
  magic=$(head -c 4 "lossy.$ext" | od -An -c | tr -d ' ')
  if [ "$rc" -eq 0 ] && near "$got" "$ref" 0.5 && [[ "$magic" != RIFF* ]]; then
    ok "-o lossy.$ext: a real $ext (starts '$magic'), decodes at $got LUFS against the WAV's $ref"
  else
    fail "-o lossy.$ext" "rc=$rc got=$got ref=$ref magic=$magic" "$err"
  fi
done

cat > tempo.yaml <<'YAML'
mixdown: 1
tempo: 120
tracks:
  - {name: vocal, file: stems/vocal.wav}
  - {name: guitar, file: stems/guitar.wav}
output: {file: part.wav, bits: float}
YAML
run "$mixdown" render tempo.yaml --from 1.5 --to "2:2" -q
frames=$(json "$("$mixdown" analyze part.wav --json)" frames)
[ "$rc" -eq 0 ] && [ "$frames" = 48000 ] && ok "--from 1.5 --to 2:2 (2.5 s at 120 BPM): 1.0 s = $frames frames" ||
  fail "--from/--to" "rc=$rc frames=$frames" "$err"
run "$mixdown" render tempo.yaml --solo guitar -o solo.wav -q
solo=$(json "$("$mixdown" analyze solo.wav --json)" integrated_lufs)
run "$mixdown" render tempo.yaml --mute vocal -o muted.wav -q
muted=$(json "$("$mixdown" analyze muted.wav --json)" integrated_lufs)
near "$solo" "$muted" 0.001 && ok "--solo guitar and --mute vocal give the same mix ($solo LUFS)" ||
  fail "--solo/--mute" "solo=$solo muted=$muted"
run "$mixdown" render tempo.yaml --solo guitr
[ "$rc" -eq 2 ] && [[ "$err" == *"did you mean \`guitar\`"* ]] && ok "--solo with a typo: exit 2, nearest name" ||
  fail "--solo typo" "rc=$rc" "$err"

echo "trust: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
