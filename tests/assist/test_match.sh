#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mixdown assist match`, measured on rendered audio.  Material made here
# (match_measure stems): a broadband little song of five stems (kick, a
# sawtooth bass, bright chords, highpassed hat noise and pink pad noise,
# the last two independent on each side so the mix has width), 20 s.
#   ref.yaml    the stems mixed: rendered as the reference, ref.wav
#   refw.yaml   the same with a stereo insert of width 1.5 on the master: refw.wav
#   orig.yaml   the session to match: the same stems, the master 4 dB down
#               and tilted by its own eq (a −2 dB bell at 120 Hz, q 1, and a
#               +3 dB high shelf at 6 kHz), which stays first in its chain
# Measured with match_measure compare (its own FFT, not the assistant's):
# third-octave spectra of both channels' power 50 Hz … 16 kHz, side-to-mid
# energy, integrated loudness.
#   - eq=100 %: every third within ±0.5 dB of the reference, loudness within
#     ±0.3 LU (the loudness target applied by render);
#   - eq=50 % (width=0 %: with the highs still half as bright as before, the
#     mix's side, mostly highs here, is still too strong, and a width matched
#     at 100 % narrows it, which this both-channels measure hears as a
#     further tilt): the residual is half the tilt (shapes: each curve less
#     its mean over the thirds, since the level is the loudness target's) within
#     ±0.25 dB: the fit's own error at 100 % (a few hundredths) plus how far
#     a bell's or shelf's dB response at half its gain is from half its
#     response (under 0.1 dB at 3 dB) plus the measurement's rounding;
#   - width: against refw.wav the written width is 1.5 ± 0.05 and the side-
#     to-mid energy of the result within ±0.2 dB of the reference's (the
#     width is computed on K-weighted thirds, this measure is unweighted:
#     the stereo insert scales the side at every frequency, so they agree);
#     two references (ref, refw, weights 1 and 1) average the side-to-mid
#     energies: width √((1 + 1.5²) / 2) = 1.275 ± 0.03;
#   - the written session validates, renders, differs from its input only
#     by the writes the report lists (replayed with mixdown set: the same
#     bytes); --dry-run writes nothing; a re-run replaces the eq and stereo
#     it wrote (2 removes, the same values again); bad input exits 2 and
#     writes nothing.
#   tests/assist/test_match.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_match.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
measure="$build/tests/assist/match_measure"

# shellcheck source=../cli/harness.sh
. "$here/../cli/harness.sh"
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-match-XXXXXX")
[ -n "${MIXDOWN_TEST_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

finish() {
  echo "match: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit
}

# A number from the --json report: the first "KEY":NUMBER.
jnum() { printf '%s' "$1" | grep -o "\"$2\":[-0-9][-0-9.e]*" | head -1 | cut -d: -f2; }
# The width written, from the report's "width" object.
jwidth() { jnum "$(printf '%s' "$1" | grep -o '"width":{[^}]*}')" width; }

# ---------------------------------------------------------------- material
"$measure" stems . 20 || { fail "match_measure stems"; finish; }
python3 -c "import wave; w = wave.open('silent.wav', 'wb'); w.setnchannels(2); w.setsampwidth(2)
w.setframerate(48000); w.writeframes(bytes(4 * 48000)); w.close()"
tracks='tracks:
  - {name: kick, file: kick.wav, gain_db: -6}
  - {name: bass, file: bass.wav, gain_db: -6, pan: -0.1}
  - {name: keys, file: keys.wav, gain_db: -8, pan: 0.3}
  - {name: hats, file: hats.wav, gain_db: -10}
  - {name: pad, file: pad.wav, gain_db: -6}'
printf 'mixdown: 1\nsample_rate: 48000\noutput: {file: ref.wav, bits: 32}\n%s\n' "$tracks" > ref.yaml
printf 'mixdown: 1\nsample_rate: 48000\noutput: {file: refw.wav, bits: 32}\n%s\nmaster:\n  inserts: [{type: stereo, width: 1.5}]\n' \
  "$tracks" > refw.yaml
cat > orig.yaml <<YAML
mixdown: 1
sample_rate: 48000
output: {file: out.wav, bits: 32}
$tracks
master:
  gain_db: -4
  inserts:
    - {type: eq, bands: [{type: bell, freq: 120, gain_db: -2, q: 1}, {type: highshelf, freq: 6000, gain_db: 3, q: 0.7071}]}
YAML
for s in ref refw; do
  "$mixdown" render $s.yaml -q || { fail "render $s.yaml"; finish; }
done
"$mixdown" render orig.yaml -o before.wav -q || { fail "render orig.yaml"; finish; }

# Largest |B − A| over the thirds, and the same of the shapes (each less its mean).
# The largest |difference| over the third octaves; nothing (so every check
# on it fails) when the measure printed none.
worst_abs() { printf '%s\n' "$1" | awk '$1 == "third" { n++; d = $5 < 0 ? -$5 : $5; if (d > m) m = d } END { if (n >= 26) printf "%.3f", m }'; }
thirds() { printf '%s\n' "$1" | awk '$1 == "third" { printf "%s%s", sep, $5; sep = " " }'; }
before=$("$measure" compare ref.wav before.wav)
echo "    before (orig − ref, dB per third 50 Hz … 16 kHz): $(thirds "$before")"
echo "    before: side/mid $(printf '%s\n' "$before" | awk '$1 == "sidemid" { print $2 " (ref), " $3 }') dB;" \
  "loudness $(printf '%s\n' "$before" | awk '$1 == "loudness" { print $2 " (ref), " $3 }') LUFS"

# ---------------------------------------------------------------- eq=100 %
cp orig.yaml s.yaml
start=$(date +%s.%N)
run "$mixdown" assist match s.yaml --ref ref.wav --json
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
json=$out
[ "$rc" -eq 0 ] && ok "match --ref ref.wav: exit 0 ($secs s for 20 s of audio)" || { fail "match 100 %" "$err"; finish; }
echo "    bands: $(printf '%s' "$json" | grep -o '"bands":\[[^]]*\]' | head -1)"
run "$mixdown" check s.yaml
[ "$rc" -eq 0 ] && ok "the written session validates (mixdown check)" || fail "check after" "$err"

cp orig.yaml replayed.yaml
n_writes=$(printf '%s' "$json" | grep -o '"edit":"[a-z]*"' | wc -l)
replay replayed.yaml "$json" && [ "$n_writes" -eq 3 ] && cmp -s replayed.yaml s.yaml &&
  [[ "$json" == *'"edit":"append","address":"/master/inserts","value":"{type: eq, bands: ['* ]] &&
  [[ "$json" == *'"edit":"append","address":"/master/inserts","value":"{type: stereo, width: '* ]] &&
  [[ "$json" == *'"edit":"set","address":"/master/loudness/target_lufs"'* ]] &&
  ok "the session differs from its input only by the 3 writes the report lists (replayed: the same bytes)" ||
  fail "the writes replayed differ from the file" "$(diff replayed.yaml s.yaml | head -5)"
first=$("$mixdown" get s.yaml /master/insert/1/bands)
[[ "$first" == *"freq: 120, gain_db: -2"* ]] && ok "the user's own eq stays first in the master's chain" ||
  fail "the user's eq moved" "$first"

run "$mixdown" render s.yaml -o m100.wav -q
[ "$rc" -eq 0 ] && ok "the written session renders" || { fail "render after" "$err"; finish; }
m100=$("$measure" compare ref.wav m100.wav)
echo "    eq=100 % (result − ref): $(thirds "$m100")"
w100=$(worst_abs "$m100")
below "$w100" 0.5 && ok "eq=100 %: every third octave 50 Hz … 16 kHz within ±0.5 dB of the reference (worst $w100 dB)" ||
  fail "eq=100 %: a third octave $w100 dB off" "$(thirds "$m100")"
read -r l_ref l_out < <(printf '%s\n' "$m100" | awk '$1 == "loudness" { print $2, $3 }')
near "$l_out" "$l_ref" 0.3 && ok "loudness $l_out LUFS, the reference $l_ref (±0.3 LU)" ||
  fail "loudness $l_out vs $l_ref"
read -r sm_ref sm_out < <(printf '%s\n' "$m100" | awk '$1 == "sidemid" { print $2, $3 }')
near "$sm_out" "$sm_ref" 0.2 && ok "side/mid $sm_out dB, the reference $sm_ref (width $(jwidth "$json"))" ||
  fail "side/mid $sm_out vs $sm_ref"

# ---------------------------------------------------------------- a re-run replaces
cp s.yaml again.yaml
run "$mixdown" assist match again.yaml --ref ref.wav --json
n_eq=$("$mixdown" get again.yaml /master/inserts | grep -o 'type: eq' | wc -l)
n_st=$("$mixdown" get again.yaml /master/inserts | grep -o 'type: stereo' | wc -l)
n_rm=$(printf '%s' "$out" | grep -o '"edit":"remove","address":"/master/inserts"' | wc -l)
eq1=$(printf '%s' "$json" | grep -o '"value":"{type: eq[^"]*"')
eq2=$(printf '%s' "$out" | grep -o '"value":"{type: eq[^"]*"')
[ "$rc" -eq 0 ] && [ "$n_eq" -eq 2 ] && [ "$n_st" -eq 1 ] && [ "$n_rm" -eq 2 ] && [ "$eq1" = "$eq2" ] &&
  ok "a re-run removes its eq and stereo and writes them again (the same bands), nothing stacked" ||
  fail "re-run" "eq $n_eq stereo $n_st removes $n_rm" "$eq1" "$eq2"

# ---------------------------------------------------------------- eq=50 %
cp orig.yaml h.yaml
run "$mixdown" assist match h.yaml --ref ref.wav --amount eq=50%,width=0%,loudness=100% --json
[ "$rc" -eq 0 ] && "$mixdown" render h.yaml -o m50.wav -q || fail "match 50 %" "$err"
m50=$("$measure" compare ref.wav m50.wav)
echo "    eq=50 % (result − ref): $(thirds "$m50")"
half=$(paste <(printf '%s\n' "$before" | awk '$1 == "third" { print $5 }') <(printf '%s\n' "$m50" | awk '$1 == "third" { print $5 }') |
  awk '{ t[NR] = $1; r[NR] = $2; mt += $1; mr += $2 } END { mt /= NR; mr /= NR
         for (i = 1; i <= NR; ++i) { d = (r[i] - mr) - 0.5 * (t[i] - mt); if (d < 0) d = -d; if (d > m) m = d
                                     e = t[i] - mt; if (e < 0) e = -e; if (e > tilt) tilt = e }
         printf "%.3f %.3f", m, tilt }')
read -r half_err tilt_span <<< "$half"
below "$half_err" 0.25 &&
  ok "eq=50 %: the residual is half the tilt within $half_err dB (±0.25; the tilt's shape reaches $tilt_span dB)" ||
  fail "eq=50 %: residual $half_err dB from half the tilt"
read -r l_ref l_out < <(printf '%s\n' "$m50" | awk '$1 == "loudness" { print $2, $3 }')
near "$l_out" "$l_ref" 0.3 && ok "eq=50 %: loudness $l_out LUFS, the reference $l_ref (±0.3 LU)" ||
  fail "eq=50 %: loudness $l_out vs $l_ref"

# ---------------------------------------------------------------- width
cp orig.yaml w.yaml
run "$mixdown" assist match w.yaml --ref refw.wav --json
width=$(jwidth "$out")
[ "$rc" -eq 0 ] && near "$width" 1.5 0.05 && ok "width: the reference's 1.5 found: $width (±0.05)" ||
  fail "width $width (want 1.5)" "$err"
"$mixdown" render w.yaml -o mw.wav -q
mw=$("$measure" compare refw.wav mw.wav)
read -r sm_ref sm_out < <(printf '%s\n' "$mw" | awk '$1 == "sidemid" { print $2, $3 }')
near "$sm_out" "$sm_ref" 0.2 && ok "width: side/mid $sm_out dB, the reference $sm_ref (±0.2 dB)" ||
  fail "width: side/mid $sm_out vs $sm_ref"
ww=$(worst_abs "$mw")
below "$ww" 0.5 && ok "width: every third octave still within ±0.5 dB (worst $ww dB)" || fail "width: spectrum $ww dB off"

cp orig.yaml two.yaml
run "$mixdown" assist match two.yaml --ref ref.wav,refw.wav --weights 1,1 --json
width2=$(jwidth "$out")
[ "$rc" -eq 0 ] && near "$width2" 1.275 0.03 &&
  ok "two references (weights 1, 1) average their side-to-mid energy: width $width2 (1.275 ± 0.03)" ||
  fail "two references: width $width2" "$err"
cp orig.yaml three.yaml
run "$mixdown" assist match three.yaml --ref ref.wav,refw.wav --weights 3,1 --amount width=50%
width3=$("$mixdown" get three.yaml /master/insert/3/width 2>/dev/null | awk '{ print $NF }')
# weights 3:1 → √((3 + 2.25) / 4) = 1.146, half-way from 1: 1.073
near "$width3" 1.073 0.03 && ok "weights 3, 1 at width=50 %: width $width3 (1.073 ± 0.03)" || fail "weights 3,1: width $width3" "$err"

# ---------------------------------------------------------------- writes nothing
untouched() { cmp -s d.yaml orig.yaml && [ "$(ls | wc -l)" = "$n_files" ]; }
cp orig.yaml d.yaml
n_files=$(ls | wc -l)
run "$mixdown" assist match d.yaml --ref ref.wav --dry-run
[ "$rc" -eq 0 ] && [[ "$out" == *"type: stereo"* ]] && untouched && ok "--dry-run prints the diff and writes nothing" ||
  fail "--dry-run" "rc=$rc" "$err"
cp ref.wav ref-before.wav
n_files=$(ls | wc -l)
run "$mixdown" assist match d.yaml --ref refw.wav,ref.wav -o ./ref.wav
[ "$rc" -eq 2 ] && cmp -s ref.wav ref-before.wav && untouched && [[ "$err" == *"read by --ref"* ]] &&
  ok "-o over a --ref (one of two): refused before the analysis, exit 2, the reference kept" ||
  fail "-o over --ref" "rc=$rc" "$err"

bad() { # $1: what, then the options
  local what=$1
  shift
  run "$mixdown" assist match d.yaml "$@"
  [ "$rc" -eq 2 ] && untouched && ok "$what: exit 2, nothing written ($(printf '%s' "$err" | head -1 | cut -c1-110))" ||
    fail "$what: rc=$rc" "$err"
}
bad "no --ref"
bad "a missing reference" --ref nosuch.wav
bad "a reference that is not audio" --ref orig.yaml
bad "--eq-amount out of range" --ref ref.wav --eq-amount 150
bad "--amount out of range" --ref ref.wav --amount eq=150%
bad "--amount with an unknown dimension" --ref ref.wav --amount widht=50%
bad "--amount without a percentage" --ref ref.wav --amount eq
bad "--amount naming a dimension twice" --ref ref.wav --amount eq=50%,eq=60%
bad "--amount and --eq-amount both" --ref ref.wav --amount eq=50% --eq-amount 60
bad "--weights not matching --ref" --ref ref.wav --weights 1,2
bad "a weight of 0" --ref ref.wav --weights 0
bad "a silent reference" --ref silent.wav
bad "a silent one of two references" --ref ref.wav,silent.wav
[[ "$(run "$mixdown" assist match d.yaml --ref ref.wav --amount widht=50%; printf '%s' "$err")" == *"did you mean width?"* ]] &&
  ok "--amount widht: the nearest dimension named" || fail "--amount widht: no suggestion"

finish
