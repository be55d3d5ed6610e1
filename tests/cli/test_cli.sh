#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Command-line tests: exit codes, error messages of the broken-session
# corpus, atomic output under interrupts and a full disk, memory bounds,
# and measurements of rendered files through `mixdown analyze`.
#   tests/cli/test_cli.sh BUILD_DIR [--sanitized]
# --sanitized (the ASan/UBSan build) runs everything but does not hold the
# renders to memory limits: the sanitizers' shadow memory counts too.
set -u
build=$(cd "${1:?usage: test_cli.sh BUILD_DIR [--sanitized]}" && pwd)
sanitized=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/../sessions/bad"
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-cli-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$tool" sine tone.wav 1 440 1 48000
"$tool" sine tone44.wav 2 1000 2 44100
echo "not audio" > notaudio.wav

cat > good.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: tone, file: tone.wav, gain_db: -3, pan: -0.2, sends: [{to: fx, level_db: -12}]}
  - {name: other, file: tone44.wav, output: grp}
buses:
  - {name: grp, gain_db: -2}
  - {name: fx, inserts: [{type: stereo, width: 1.5}]}
output: {file: mix.wav, bits: 24}
YAML

# ---------------------------------------------------------------- usage
run "$mixdown"
[ "$rc" -eq 2 ] && [[ "$err" == *usage* ]] && ok "no arguments: usage, exit 2" || fail "no arguments" "rc=$rc"
run "$mixdown" frobnicate
[ "$rc" -eq 2 ] && [[ "$err" == *"unknown command"* ]] && ok "unknown command: exit 2" || fail "unknown command" "rc=$rc"
for cmd in render check analyze describe demo; do
  run "$mixdown" "$cmd" --help
  [ "$rc" -eq 0 ] && [[ "$out" == *usage* ]] && ok "$cmd --help" || fail "$cmd --help" "rc=$rc"
done
run "$mixdown" --help
[ "$rc" -eq 0 ] && [[ "$out" == *render* ]] && ok "--help lists the commands" || fail "--help"
run "$mixdown" render good.yaml --bits 20
[ "$rc" -eq 2 ] && [[ "$err" == *"--bits must be 16, 24, 32 or float"* ]] && ok "bad --bits: exit 2 with the valid values" || fail "bad --bits" "rc=$rc" "$err"
run "$mixdown" render good.yaml --frobnicate
[ "$rc" -eq 2 ] && ok "unknown render option: exit 2" || fail "unknown render option" "rc=$rc"
cp good.yaml second.yaml
for args in "render good.yaml second.yaml" "check good.yaml second.yaml" "analyze good.yaml second.yaml" \
            "analyze good.yaml --plot p.png second.yaml"; do
  # shellcheck disable=SC2086
  run "$mixdown" $args
  [ "$rc" -eq 2 ] && [[ "$err" == *"one session at a time"* ]] && [ ! -e mix.wav ] && [ ! -e p.png ] &&
    ok "$args: one session at a time, exit 2" || fail "$args" "rc=$rc" "$err"
done
if has_feature report; then
  run "$mixdown" analyze tone.wav --plot tone.png
  [ "$rc" -eq 0 ] && ok "analyze FILE --plot PNG: the value of --plot is not a second file" || fail "analyze --plot" "rc=$rc" "$err"
else
  skip "analyze FILE --plot PNG: this build draws no plots (meson -Dreport=disabled)"
fi
rm -f tone.png second.yaml

# ------------------------------------------------------- broken sessions
n_corpus=0
for session in "$corpus"/*.yaml "$corpus"/*.json; do
  name=$(basename "$session")
  cp "$session" "$work/$name"
  expect=$(cat "$session.expect")
  where=${expect%%: *}
  text=${expect#*: }
  run "$mixdown" check "$name"
  first=$(printf '%s\n' "$err" | head -n 1)
  if [ "$rc" -eq 2 ] && [[ "$first" == "$name:$where: error: "* ]] && [[ "$first" == *"$text"* ]]; then
    rm -f out.wav
    run "$mixdown" render "$name" -o out.wav
    if [ "$rc" -eq 2 ] && [ ! -e out.wav ] && [ -z "$(ls -A | grep partial)" ]; then
      ok "bad session $name"
    else
      fail "bad session $name: render" "rc=$rc, out.wav $( [ -e out.wav ] && echo written || echo absent)"
    fi
  else
    fail "bad session $name" "rc=$rc" "got:      $first" "expected: $name:$where: error: …$text…"
  fi
  n_corpus=$((n_corpus + 1))
done
[ "$n_corpus" -ge 30 ] && ok "the broken-session corpus has $n_corpus files" || fail "corpus too small: $n_corpus"

# ---------------------------------------------------------- good renders
run "$mixdown" check good.yaml
[ "$rc" -eq 0 ] && [[ "$out" == *ok* ]] && ok "check a valid session: exit 0" || fail "check valid" "rc=$rc" "$err"

run "$mixdown" render good.yaml
if [ "$rc" -eq 0 ] && [ -s mix.wav ] && [[ "$out" == *length* && "$out" == *peak* && "$out" == *loudness* && "$out" == *"real time"* ]]; then
  ok "render writes output.file and prints a summary"
else
  fail "render good.yaml" "rc=$rc" "$out" "$err"
fi
run "$mixdown" render good.yaml -o again.wav -q
[ "$rc" -eq 0 ] && [ -z "$out" ] && cmp -s mix.wav again.wav && ok "renders are byte-identical; -o and --quiet work" || fail "byte-identical render" "rc=$rc"
run "$mixdown" render good.yaml -o stats.wav -q --stats
share=$(awk '$4 ~ /%$/ { sub("%", "", $4); total += $4 } END { printf "%.0f", total }' <<< "$out")
if [ "$rc" -eq 0 ] && [[ "$out" == *"stereo "*" 1 "* && "$out" == *sources* && "$out" == *mixing* ]] && [ "$share" -ge 99 ] && [ "$share" -le 101 ]; then
  ok "render --stats shows the time per processor type, shares summing to 100 %"
else
  fail "render --stats" "rc=$rc" "share=$share" "$out"
fi

run "$mixdown" render good.yaml -o mix44.flac --bits 16 --rate 44100 -q
run "$mixdown" analyze mix44.flac --json
[ "$rc" -eq 0 ] && [[ "$out" == *'"sample_rate": 44100'* ]] && ok "--rate converts the output rate (FLAC)" || fail "--rate 44100" "rc=$rc" "$out"

tone_sum=$(md5sum < tone.wav)
run "$mixdown" render good.yaml -o tone.wav
if [ "$rc" -eq 2 ] && [[ "$err" == *"the source of track \`tone\`"* ]] && [ "$(md5sum < tone.wav)" = "$tone_sum" ]; then
  ok "refuses to write over a source (exit 2, source untouched)"
else
  fail "output = input" "rc=$rc" "$err"
fi

# Loudness targets from the command line: a number or a preset.
run "$mixdown" render good.yaml -o loud.wav --normalize streaming
lufs=$("$mixdown" analyze loud.wav --json | sed -n 's/.*"integrated_lufs": \(-\{0,1\}[0-9.]*\).*/\1/p')
tp=$("$mixdown" analyze loud.wav --json | sed -n 's/.*"true_peak_dbtp": \(-\{0,1\}[0-9.]*\).*/\1/p')
if [ "$rc" -eq 0 ] && [[ "$out" == *"finishing  to -14.0 LUFS"* ]] && awk -v l="$lufs" -v t="$tp" 'BEGIN { exit !(l > -14.3 && l < -13.7 && t <= -1.0) }'; then
  ok "--normalize streaming: $lufs LUFS, $tp dBTP"
else
  fail "--normalize streaming" "rc=$rc lufs=$lufs tp=$tp" "$err"
fi
run "$mixdown" render good.yaml -o loud.wav --normalize loud
[ "$rc" -eq 2 ] && [[ "$err" == *"preset (streaming"* ]] && ok "--normalize with a bad target: exit 2 with the presets" || fail "--normalize bad" "rc=$rc"

run "$mixdown" render good.yaml -o stemmed.wav --stems stems -q
if [ "$rc" -eq 0 ] && [ -s stems/tone.wav ] && [ -s stems/other.wav ] && [ -s stems/grp.wav ] && [ -s stems/fx.wav ]; then
  ok "--stems writes every track and bus"
else
  fail "--stems" "rc=$rc" "$err" "$(ls stems 2>&1)"
fi

run "$mixdown" analyze good.yaml --json
if [ "$rc" -eq 0 ] && [[ "$out" == *'"strips"'* && "$out" == *'"name": "tone"'* && "$out" == *'"pre_fader"'* && "$out" == *'"name": "master"'* ]]; then
  ok "analyze SESSION --json: the mix and every strip, pre and post fader"
else
  fail "analyze session" "rc=$rc" "$err"
fi
if has_feature report; then
  run "$mixdown" analyze good.yaml --plot report.png
  size=$(od -An -tu1 -j16 -N8 report.png 2>/dev/null | tr -s ' ')
  # PNG IHDR: width and height, big-endian 32-bit: 1600 = 0 0 6 64, 1240 = 0 0 4 216
  [ "$rc" -eq 0 ] && [ "$size" = " 0 0 6 64 0 0 4 216" ] && ok "analyze --plot writes a 1600×1240 PNG" || fail "analyze --plot" "rc=$rc size=$size" "$err"
else
  skip "analyze --plot writes a PNG: this build draws no plots (meson -Dreport=disabled)"
fi
run "$mixdown" render good.yaml -o table.wav
[ "$rc" -eq 0 ] && [[ "$out" == *"strip"*"tone"*"other"*"grp"*"fx"*"master"* ]] && ok "render prints a per-strip table" || fail "render table" "$out"

# LV2 plugins through the command line (swh-lv2, installed by install-deps.sh).
if ! has_feature lv2; then
  skip "LV2 command-line tests: this build has no LV2 plugins (meson -Dlv2=disabled)"
elif [ -e /usr/lib/lv2/single_para-swh.lv2/manifest.ttl ]; then
  run "$mixdown" plugins
  [ "$rc" -eq 0 ] && [[ "$out" == *"http://plugin.org.uk/swh-plugins/singlePara"*"Single band parametric"* ]] && ok "plugins lists the installed LV2 plugins" || fail "plugins" "rc=$rc"
  run "$mixdown" plugins http://plugin.org.uk/swh-plugins/singlePara
  [ "$rc" -eq 0 ] && [[ "$out" == *"gain"*"-70 … 30"* && "$out" == *"fc"* ]] && ok "plugins URI shows the parameters with ranges" || fail "plugins URI" "$out"
  run "$mixdown" plugins http://plugin.org.uk/swh-plugins/singlePar
  [ "$rc" -eq 2 ] && [[ "$err" == *"did you mean <http://plugin.org.uk/swh-plugins/singlePara>?"* ]] && ok "plugins with a mistyped URI: the nearest one" || fail "plugins bad URI" "rc=$rc" "$err"
else
  skip "LV2 command-line tests: swh-lv2 is not installed"
fi

# EBU Tech 3341: a 1 kHz stereo sine at -23 dBFS reads -23.0 LUFS.
"$tool" sine k1.wav 20 1000 2 48000
cat > ebu.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: sine, file: k1.wav, gain_db: -16.9794}   # -6.0206 dBFS → -23 dBFS
output: {file: ebu.wav, bits: float}
YAML
"$mixdown" render ebu.yaml -q
run "$mixdown" analyze ebu.wav --json
lufs=$(printf '%s\n' "$out" | sed -n 's/.*"integrated_lufs": \(-\{0,1\}[0-9.]*\).*/\1/p')
if [ -n "$lufs" ] && awk -v x="$lufs" 'BEGIN { exit !(x > -23.05 && x < -22.95) }'; then
  ok "analyze: 1 kHz stereo sine at -23 dBFS reads $lufs LUFS"
else
  fail "analyze EBU sine" "read '$lufs'" "$out"
fi
run "$mixdown" analyze ebu.wav
[ "$rc" -eq 0 ] && [[ "$out" == *integrated* && "$out" == *"true peak"* ]] && ok "analyze prints a table" || fail "analyze table"
run "$mixdown" analyze notaudio.wav
[ "$rc" -eq 1 ] && [[ "$err" == *"notaudio.wav"* ]] && ok "analyze of a non-audio file: exit 1" || fail "analyze bad file" "rc=$rc"

run "$mixdown" describe
[ "$rc" -eq 0 ] && [[ "$out" == *"gain_db"*"-144 … 48 dB, default 0"* ]] && [[ "$out" == *stereo*width*mono_below* ]] && ok "describe lists processors with ranges and defaults" || fail "describe" "$out"
run "$mixdown" describe stereo
[ "$rc" -eq 0 ] && [[ "$out" == *"mono_below"* ]] && [[ "$out" != *"gain —"* ]] && ok "describe TYPE" || fail "describe stereo"
run "$mixdown" describe steroe
[ "$rc" -eq 2 ] && [[ "$err" == *available* ]] && ok "describe of an unknown type: exit 2" || fail "describe unknown" "rc=$rc"

# The complete example of docs/session-format.md is a valid session.
mkdir -p stems
for stem in vocal_take1 vocal_take2 guitar guide; do "$tool" sine "stems/$stem.wav" 1 330 1 44100; done
sed -n '/^```yaml$/,/^```$/p' "$here/../../docs/session-format.md" | sed '1d;$d' | sed '/^```/,$d' > doc-example.yaml
run "$mixdown" check doc-example.yaml
[ "$rc" -eq 0 ] && ok "the example in docs/session-format.md validates" || fail "docs example" "$err"
run "$mixdown" render doc-example.yaml -o doc-example.wav -q
[ "$rc" -eq 0 ] && [ -s doc-example.wav ] && ok "the example in docs/session-format.md renders" || fail "docs example render" "$err"

# The parameter tables in docs/processors.md are what the code declares.
cp "$here/../../docs/processors.md" processors.md
"$here/../../scripts/update-docs.sh" "$mixdown" processors.md
if cmp -s processors.md "$here/../../docs/processors.md"; then
  ok "docs/processors.md tables match the parameter tables"
else
  fail "docs/processors.md is stale: run scripts/update-docs.sh" "$(diff "$here/../../docs/processors.md" processors.md | head -5)"
fi

run "$mixdown" demo -o demo.wav -q
[ "$rc" -eq 0 ] && [ -s demo.wav ] && ok "demo renders" || fail "demo" "rc=$rc" "$err"

# ----------------------------------- long sessions: memory and interrupts
"$tool" sine long.wav 600 220 1 48000
make_long_session() { # FILE TRACKS SECONDS
  {
    echo "mixdown: 1"
    echo "length: $3"
    echo "tracks:"
    for i in $(seq 1 "$2"); do
      echo "  - {name: t$i, file: long.wav, gain_db: -30, pan: 0.$((i % 10)), inserts: [{type: gain, gain_db: -1}]}"
    done
    echo "output: {file: long-mix.wav, bits: 16}"
  } > "$1"
}
make_long_session long10.yaml 32 600
make_long_session long1.yaml 32 60

peak_kb() { # session → peak resident memory of a render, in KiB
  /usr/bin/time -f '%M' -o "$work/time" "$mixdown" render "$1" -o mem.wav -q >/dev/null 2>&1
  cat "$work/time"
}
kb1=$(peak_kb long1.yaml)
kb10=$(peak_kb long10.yaml)
if [ -n "$sanitized" ]; then
  ok "32 tracks × 10 min rendered (memory limits not checked under sanitizers)"
else
  if [ "$kb10" -lt 204800 ]; then ok "32 tracks × 10 min render in $((kb10 / 1024)) MiB (< 200 MB)"; else fail "memory $kb10 KiB"; fi
  if [ "$kb10" -lt $((kb1 * 11 / 10 + 2048)) ]; then
    ok "memory flat in length: 1 min $((kb1 / 1024)) MiB, 10 min $((kb10 / 1024)) MiB"
  else
    fail "memory grows with length: 1 min $kb1 KiB, 10 min $kb10 KiB"
  fi
fi

"$mixdown" render good.yaml -o keep.wav -q
before=$(md5sum keep.wav)
for sig in INT TERM; do
  "$mixdown" render long10.yaml -o keep.wav -q 2>"$work/stderr" &
  pid=$!
  # Mid-render for sure: once the output (unnamed: O_TMPFILE) is open in
  # the folder (a render of this session takes well under a second now,
  # so a fixed sleep is not).
  for _ in $(seq 1 500); do
    ls -l /proc/"$pid"/fd 2>/dev/null | grep -q -e "$work/#" -e partial && break
    sleep 0.01
  done
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  err=$(cat "$work/stderr")
  want=$((128 + $(kill -l "$sig")))
  if [ "$rc" -eq "$want" ] && [ "$(md5sum keep.wav)" = "$before" ] && ! ls -A | grep -q partial && [[ "$err" == *interrupted* ]]; then
    ok "SIG$sig mid-render: exit $want (128 + signal, as shells expect), previous output intact, no partial file"
  else
    fail "SIG$sig mid-render" "rc=$rc" "$err" "$(ls -A | grep partial)"
  fi
done

# A file-size limit stands in for a full disk.
(ulimit -f 2048; "$mixdown" render long10.yaml -o keep.wav -q) 2>"$work/stderr"
rc=$?
err=$(cat "$work/stderr")
if [ "$rc" -eq 1 ] && [ "$(md5sum keep.wav)" = "$before" ] && ! ls -A | grep -q partial && [[ "$err" == *"file-size limit"* ]]; then
  ok "file-size limit (full disk): exit 1, previous output intact, no partial file"
else
  fail "file-size limit" "rc=$rc" "$err"
fi


# ---------------------------------------------------------------- threads and the render cache
cat > cache.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: tone.wav, pan: -0.3, inserts: [{type: eq, bands: [{type: bell, freq: 1000, gain_db: 3}]},
                                                  {type: compressor, threshold_db: -20}]}
  - {name: b, file: tone44.wav, gain_db: -6, inserts: [{type: compressor, threshold_db: -30, ratio: 6}]}
  - {name: c, file: tone.wav, inserts: [{type: compressor, threshold_db: -30, sidechain: b}]}
output: {file: cache-mix.wav, bits: float}
YAML
for session in good.yaml cache.yaml; do
  "$mixdown" render "$session" -o t1.wav -q --threads 1
  "$mixdown" render "$session" -o t3.wav -q --threads 3
  cmp -s t1.wav t3.wav && ok "$session: --threads 3 renders the bytes of --threads 1" || fail "$session: threads change the mix"
done
"$mixdown" render cache.yaml -o nocache.wav -q
cache_run() { # OUTPUT SESSION → $out (summary) and $rc
  run "$mixdown" render "${2:-cache.yaml}" -o "$1" --cache cachedir
}
cache_run cold.wav
if [ "$rc" -eq 0 ] && [[ "$out" == *"0 of 2 tracks reused"* ]] && [ "$(ls cachedir | grep -c '\.mdc$')" -eq 2 ] &&
   ! ls cachedir | grep -q partial && cmp -s cold.wav nocache.wav; then
  ok "cache, cold: 2 tracks written (the keyed one is not cached), mix unchanged"
else
  fail "cache, cold" "rc=$rc" "$out" "$(ls cachedir)"
fi
cache_run warm.wav
[[ "$out" == *"2 of 2 tracks reused"* ]] && cmp -s warm.wav nocache.wav &&
  ok "cache, warm: both tracks reused, bit-identical to a full render" || fail "cache, warm" "$out"
sed 's/threshold_db: -30, ratio: 6/threshold_db: -31, ratio: 6/' cache.yaml > changed.yaml
"$mixdown" render changed.yaml -o changed-full.wav -q
cache_run changed.wav changed.yaml
[[ "$out" == *"1 of 2 tracks reused"* ]] && cmp -s changed.wav changed-full.wav && ! cmp -s changed.wav nocache.wav &&
  ok "cache, one insert value changed: that track re-rendered, bit-identical" || fail "cache, one changed" "$out"
sed 's/pan: -0.3/pan: 0.4/' cache.yaml > panned.yaml
"$mixdown" render panned.yaml -o panned-full.wav -q
cache_run panned.wav panned.yaml
[[ "$out" == *"2 of 2 tracks reused"* ]] && cmp -s panned.wav panned-full.wav &&
  ok "cache, pan changed: the pre-fader signal is still reused, bit-identical" || fail "cache, pan changed" "$out"
touch -d '2020-01-01' tone.wav
cache_run touched.wav
[[ "$out" == *"1 of 2 tracks reused"* ]] && cmp -s touched.wav nocache.wav &&
  ok "cache, a source's modification time changed: its track re-rendered" || fail "cache, source touched" "$out"

# ---------------------------------------------------------------- partial sums in the render cache
# Eight tracks into the master, summed in a fixed pairwise tree whose
# nodes (7 sums) the cache keeps: a one-track change reads 2 sums and one
# track, renders the changed one, and skips the other 5 entirely.
{
  echo "mixdown: 1"
  echo "sample_rate: 48000"
  echo "tracks:"
  for k in 0 1 2 3 4 5 6 7; do
    echo "  - {name: s$k, file: tone.wav, gain_db: -$((k + 6)), pan: 0.$k,"
    echo "     inserts: [{type: eq, bands: [{type: bell, freq: $((300 + 100 * k)), gain_db: 4}]}, {type: compressor, threshold_db: -$((20 + k))}]}"
  done
  echo "master: {inserts: [{type: limiter, ceiling_db: -1}]}"
  echo "output: {file: sums-mix.wav, bits: float}"
} > sums.yaml
sums_in() { ls sumcache | grep -c '\.mds$'; }
tracks_in() { ls sumcache | grep -c '\.mdc$'; }
# The per-strip levels of a summary (not the file rows, which name the file).
strip_table() { sed -n '/^  strip /,$p' <<< "$1" | grep -Ev '^  [^ ]+ +file '; }
"$mixdown" render sums.yaml -o sums-full.wav -q
run "$mixdown" render sums.yaml -o sums-full2.wav
full_table=$(strip_table "$out")
"$mixdown" render sums.yaml -o sums-stems.wav -q --stems sumstems
cmp -s sums-stems.wav sums-full.wav && cmp -s sums-full2.wav sums-full.wav &&
  ok "bus sums: the mix is the same to the bit with stems and with the strip summary" ||
  fail "bus sums: stems or the summary change the mix"
run "$mixdown" render sums.yaml -o sums-cold.wav --cache sumcache
if [ "$rc" -eq 0 ] && [ "$(tracks_in)" -eq 8 ] && [ "$(sums_in)" -eq 7 ] && cmp -s sums-cold.wav sums-full.wav &&
   [ "$(strip_table "$out")" = "$full_table" ]; then
  ok "cache sums, cold: 8 tracks and 7 partial sums written, mix and strip levels unchanged"
else
  fail "cache sums, cold" "rc=$rc" "$out" "$(ls sumcache)"
fi
run "$mixdown" render sums.yaml -o sums-warm.wav --cache sumcache
[[ "$out" == *"8 of 8 tracks reused (8 of them through 1 cached sum)"* ]] && cmp -s sums-warm.wav sums-full.wav &&
  [ "$(strip_table "$out")" = "$full_table" ] &&
  ok "cache sums, nothing changed: one sum read, no track read, same bytes and strip levels" ||
  fail "cache sums, warm" "$out"
sed 's/threshold_db: -23/threshold_db: -33/' sums.yaml > sums-changed.yaml # track s3
"$mixdown" render sums-changed.yaml -o sums-changed-full.wav -q
run "$mixdown" render sums-changed.yaml -o sums-changed-full2.wav
changed_table=$(strip_table "$out")
run "$mixdown" render sums-changed.yaml -o sums-changed.wav --cache sumcache
[[ "$out" == *"7 of 8 tracks reused (6 of them through 2 cached sums)"* ]] &&
  cmp -s sums-changed.wav sums-changed-full.wav && ! cmp -s sums-changed.wav sums-full.wav &&
  [ "$(strip_table "$out")" = "$changed_table" ] && [ "$(sums_in)" -eq 7 ] && [ "$(tracks_in)" -eq 9 ] &&
  ok "cache sums, one track changed: 2 sums and 1 track read, same bytes and levels, no sum written" ||
  fail "cache sums, one changed" "$out" "$(ls sumcache)"
for threads in 1 2 3; do
  "$mixdown" render sums-changed.yaml -o "sums-t$threads.wav" -q --threads "$threads" --cache sumcache
done
cmp -s sums-t1.wav sums-changed-full.wav && cmp -s sums-t2.wav sums-t1.wav && cmp -s sums-t3.wav sums-t1.wav &&
  ok "cache sums: --threads 1, 2 and 3 give the bytes of a full render" || fail "cache sums, threads"
sed 's/pan: 0.5,/pan: -0.5,/' sums.yaml > sums-panned.yaml # track s5: its signal is reused, its sums are not
"$mixdown" render sums-panned.yaml -o sums-panned-full.wav -q
"$mixdown" render sums-panned.yaml -o sums-panned.wav --cache sumcache > sums-panned.txt
grep -q "8 of 8 tracks reused (6 of them through 2 cached sums)" sums-panned.txt &&
  cmp -s sums-panned.wav sums-panned-full.wav &&
  ok "cache sums, one pan changed: its track reused, the sums above it recomputed, same bytes" ||
  fail "cache sums, pan changed" "$(cat sums-panned.txt)"
for f in sumcache/*.mds; do : > "$f"; done # every sum unreadable: the tracks are read instead
run "$mixdown" render sums-changed.yaml -o sums-broken.wav --cache sumcache
[ "$rc" -eq 0 ] && [[ "$out" == *"8 of 8 tracks reused"* ]] && [[ "$out" != *"cached sum"* ]] &&
  cmp -s sums-broken.wav sums-changed-full.wav &&
  ok "cache sums, damaged sum files: ignored, the tracks are read, same bytes" || fail "cache sums, damaged" "rc=$rc" "$out"

run "$mixdown" render sums-changed.yaml -o sums-stats.wav -q --stats --cache sumcache
share=$(awk '$4 ~ /%$/ { sub("%", "", $4); total += $4 } END { printf "%.0f", total }' <<< "$out")
[ "$rc" -eq 0 ] && grep -Eq '^ +cache +[0-9.]+ ' <<< "$out" && [ "$share" -ge 99 ] && [ "$share" -le 101 ] &&
  ok "render --stats --cache: reading and writing the cache has a row of its own, shares sum to 100 %" ||
  fail "render --stats --cache" "rc=$rc" "share=$share" "$out"

# Two tracks the same before pan (one key, one file): written by both at
# once under names of their own, read by both after.
cat > dup.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: left, file: tone.wav, pan: -0.5, inserts: [{type: compressor, threshold_db: -30}]}
  - {name: right, file: tone.wav, pan: 0.5, inserts: [{type: compressor, threshold_db: -30}]}
output: {file: dup-mix.wav, bits: float}
YAML
"$mixdown" render dup.yaml -o dup-full.wav -q
"$mixdown" render dup.yaml -o dup-cold.wav -q --cache dupcache
rm -f dupcache/*.mds # the tracks themselves, not their sum
run "$mixdown" render dup.yaml -o dup-warm.wav --cache dupcache
[ "$(ls dupcache | grep -c '\.mdc$')" -eq 1 ] && ! ls dupcache | grep -q partial && cmp -s dup-cold.wav dup-full.wav &&
  [[ "$out" == *"2 of 2 tracks reused"* ]] && cmp -s dup-warm.wav dup-full.wav &&
  ok "cache: two tracks with one key share one complete file, same bytes" || fail "cache, one key twice" "$out" "$(ls dupcache)"

# A fader ride on s3 takes it out of the tree (its fader moves); the other
# seven still sum in one, cached as before, and s3 is added after them.
sed 's/gain_db: -9,/gain_db: {points: [[0, -9], [0.5, -20], [1, -9]]},/' sums.yaml > sums-ride.yaml
sed 's/threshold_db: -26/threshold_db: -36/' sums-ride.yaml > sums-ride-changed.yaml # track s6
"$mixdown" render sums-ride-changed.yaml -o ride-full.wav -q
"$mixdown" render sums-ride.yaml -o ride-cold.wav --cache ridecache > /dev/null
run "$mixdown" render sums-ride-changed.yaml -o ride.wav --cache ridecache
# The tree of 7: [s0 s1 s2 s4] [[s5 s6] s7]: s6 changed reads that first sum, s5 and s7.
[[ "$out" == *"7 of 8 tracks reused (4 of them through 1 cached sum)"* ]] && cmp -s ride.wav ride-full.wav &&
  [ "$(ls ridecache | grep -c '\.mds$')" -eq 6 ] &&
  ok "cache sums: a fader ride in the middle leaves the other tracks' tree whole (6 sums), same bytes" ||
  fail "cache sums, a ride in the middle" "$out" "$(ls ridecache)"

# A quiet render measures no strip levels: a later render with its summary
# reads (and measures) the tracks under the sums once, and keeps the levels.
"$mixdown" render sums.yaml -o lim-cold.wav -q --cache limcache
run "$mixdown" render sums-changed.yaml -o lim-levels.wav --cache limcache
[[ "$out" == *"7 of 8 tracks reused (0 of them through 2 cached sums)"* ]] &&
  [ "$(strip_table "$out")" = "$changed_table" ] && cmp -s lim-levels.wav sums-changed-full.wav &&
  ok "cache levels: tracks cached by a quiet render are read for the summary's levels" ||
  fail "cache levels, first" "$out"
run "$mixdown" render sums-changed.yaml -o lim-levels.wav --cache limcache
[[ "$out" == *"8 of 8 tracks reused (6 of them through 2 cached sums)"* ]] &&
  [ "$(strip_table "$out")" = "$changed_table" ] && cmp -s lim-levels.wav sums-changed-full.wav &&
  ok "cache levels: …and not again: the levels are kept in their files" || fail "cache levels, kept" "$out"

# The size limit: the least recently used files go, never one this render used.
touch -d '2 hours ago' limcache/*
touch -d '2 days ago' limcache/0123456789abcdef.mdc.123-5a0.partial # left by a killed render
touch limcache/fedcba9876543210.mds.456-7b0.partial                  # another render's, still going
run "$mixdown" render sums-changed.yaml -o lim.wav --cache limcache --cache-limit 1K
# Used: the sums [0, 2) and [4, 8), and every track (s2 and s3 are read,
# the others give their strip levels); the other 5 sums, s3 as it was and
# the stale temporary file are removed.  (The levels measured by the
# render before are in files beside their tracks', KEY.mdl: kept too.)
if [ "$rc" -eq 0 ] && [[ "$out" == *"7 older cache files removed"* ]] && [ "$(ls limcache | grep -vc '\.mdl$')" -eq 11 ] &&
   [ -e limcache/fedcba9876543210.mds.456-7b0.partial ] && cmp -s lim.wav sums-changed-full.wav; then
  ok "cache limit: the 6 files this render did not use and a day-old temporary file removed, same bytes"
else
  fail "cache limit" "rc=$rc" "$out" "$(ls -l limcache)"
fi
run "$mixdown" render sums-changed.yaml -o lim2.wav --cache limcache --cache-limit 1K
[[ "$out" == *"8 of 8 tracks reused (6 of them through 2 cached sums)"* ]] && [[ "$out" != *removed* ]] &&
  cmp -s lim2.wav sums-changed-full.wav &&
  ok "cache limit: what was kept is what the next render of the session needs" || fail "cache limit, again" "$out"
touch -d '2 hours ago' limcache/*.md?
"$mixdown" render sums-changed.yaml -o lim3.wav -q --cache limcache --cache-limit 1K
[ "$(ls limcache | grep -c '\.md[cs]$')" -eq 4 ] && cmp -s lim3.wav sums-changed-full.wav &&
  ok "cache limit: a quiet render wants no strip levels: only the 2 sums and 2 tracks it read are kept" ||
  fail "cache limit, quiet" "$(ls limcache)"
for size in lots -1 1X 5e30; do
  run "$mixdown" render sums.yaml -o never.wav --cache limcache --cache-limit "$size"
  [ "$rc" -eq 2 ] && [[ "$err" == *"--cache-limit must be a size"* ]] && [ ! -e never.wav ] ||
    fail "--cache-limit $size" "rc=$rc" "$err"
done
ok "--cache-limit: sizes that are not one are refused (exit 2)"

echo "cli: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
