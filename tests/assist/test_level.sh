#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mixdown assist level`, measured on rendered audio.  Material made here:
# two espeak-ng voices (en+m3, en+f3), eight phrases each, alternating as
# clips at known times on tracks `host` and `guest`; the guest 18 dB below
# the host, each voice drifting by up to ±6 dB from phrase to phrase (clip
# gain_db), and a steady -60 dBFS pink-ish noise clip under each voice.
# After the assistant (rendered stems and mix): speech-only loudness range
# ≤ 3 LU, speakers within 1 LU, noise in pauses raised ≤ 1 dB over the
# phrase before; ffmpeg's dynaudnorm and speechnorm on the same mix file,
# side by side.  Also: the session validates, renders, differs from its
# input only in the values the report lists; --dry-run writes nothing; a
# re-run replaces; bad options exit 2 and write nothing.
#
# The needed gains span 18 + 2 × 6 = 30 dB, more than the default ±12 dB
# limit holds (24 dB): the measured run centres the target between the
# voices (--target -29) and allows ±15 dB; a run with the defaults then
# checks that the limit holds and what it leaves.
#   tests/assist/test_level.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_level.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
measure="$build/tests/assist/level_measure"

# shellcheck source=../cli/harness.sh
. "$here/../cli/harness.sh"
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-level-XXXXXX")
[ -n "${MIXDOWN_TEST_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

finish() {
  echo "level: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit
}
if ! command -v espeak-ng > /dev/null; then
  skip "espeak-ng is not installed (scripts/install-deps.sh)"
  finish
fi
# A key's value in a level_measure output ($1), or empty.
val() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }
# JSON field by jq-less Python-less means: the tool the project has is jansson in C;
# the report's numbers are read with grep from --json's compact output.
jnum() { printf '%s' "$1" | grep -o "\"$2\":[^,}]*" | head -1 | cut -d: -f2; }

# ---------------------------------------------------------------- material
host_text=(
  "The weather today is mild, with a light wind from the west."
  "Most of the rain should stay over the hills until the evening."
  "Tomorrow morning starts cold, but the sun will warm things quickly."
  "Farmers will welcome the dry spell after such a wet month."
  "The coast may see some fog before noon on Thursday."
  "By the weekend, temperatures climb a few degrees above normal."
  "That is all from the weather desk for this hour."
  "Now, back to the studio for the rest of the news."
)
guest_text=(
  "Thank you, that sounds like a lovely afternoon for a walk."
  "I was hoping the rain would hold off for the market."
  "We have stalls of apples, pears and fresh bread this week."
  "People come from three villages away to buy the cheese."
  "The band starts playing at six, near the old bridge."
  "Children can try the pottery wheel for free all day."
  "If it rains, we move everything into the village hall."
  "So please come along, and bring your friends with you."
)
# Clip gains: the host at its own level, the guest 18 dB below; each with
# a drift of up to ±6 dB across its phrases.
host_drift=(0 3 6 2 -2 -6 -3 4)
guest_drift=(-6 -1 4 6 2 -3 -5 1)

rate=48000
pause_s=0.9
: > phrases.txt
clips_host=""
clips_guest=""
t=0.5
for i in 0 1 2 3 4 5 6 7; do
  for who in host guest; do
    if [ "$who" = host ]; then voice=en+m3; text=${host_text[$i]}; g=${host_drift[$i]}
    else voice=en+f3; text=${guest_text[$i]}; g=$((guest_drift[i] - 18)); fi
    f="$who$i.wav"
    espeak-ng -v "$voice" -w "$f" "$text" || { fail "espeak-ng $voice"; finish; }
    read -r s e < <("$measure" span "$f")
    len=$(awk -v e="$e" 'BEGIN { printf "%.4f", e + 0.05 }')
    clip="      - {file: $f, start: $t, gain_db: $g}"
    if [ "$who" = host ]; then clips_host+="$clip"$'\n'; else clips_guest+="$clip"$'\n'; fi
    awk -v w="$who" -v t="$t" -v s="$s" -v e="$e" 'BEGIN { printf "%s %.4f %.4f\n", w, t + s, t + e }' >> phrases.txt
    t=$(awk -v t="$t" -v l="$len" -v p="$pause_s" 'BEGIN { printf "%.4f", t + l + p }')
  done
done
total=$(awk -v t="$t" 'BEGIN { printf "%.3f", t + 0.5 }')
"$measure" noise noise-host.wav "$total" "$rate" -60 1 && "$measure" noise noise-guest.wav "$total" "$rate" -60 2 ||
  { fail "noise"; finish; }
grep '^host ' phrases.txt > phrases-host.txt
grep '^guest ' phrases.txt > phrases-guest.txt

cat > s.yaml <<YAML
mixdown: 1
sample_rate: $rate
# a two-voice conversation
tracks:
  - name: host
    clips:
      - {file: noise-host.wav, start: 0}
$clips_host    gain_db: 0
  - name: guest
    clips:
      - {file: noise-guest.wav, start: 0}
$clips_guest    pan: 0
output: {file: mix.wav, bits: float}
YAML
cp s.yaml orig.yaml
same_as_orig() { cmp -s s.yaml orig.yaml; }

run "$mixdown" check s.yaml
[ "$rc" -eq 0 ] && ok "the test session validates (${total} s, 16 phrases)" || { fail "check" "$out" "$err"; finish; }
run "$mixdown" render s.yaml -o before.wav --stems before -q
[ "$rc" -eq 0 ] && ok "rendered before" || { fail "render before" "$err"; finish; }

# ---------------------------------------------------------------- bad options: exit 2, nothing written
for args in "--tracks hots" "--tracks host,gust" "--tracks host --target -5" "--tracks host --target -50" \
  "--tracks host --max-gain 30" "--tracks host --ramp 0" "--target -20" "--tracks host --tagret -20" \
  "--tracks master" "--tracks host,host"; do
  # shellcheck disable=SC2086
  run "$mixdown" assist level s.yaml $args
  [ "$rc" -eq 2 ] && same_as_orig && [ -n "$err" ] && ok "refused, exit 2, nothing written: $args" ||
    fail "bad option: $args" "rc=$rc" "$err"
  case "$args" in
  "--tracks hots") [[ "$err" == *"did you mean host"* ]] && ok "  the nearest name: host" || fail "nearest name" "$err" ;;
  "--tracks host,gust") [[ "$err" == *"did you mean guest"* ]] && ok "  the nearest name: guest" || fail "nearest" "$err" ;;
  "--tracks host --target -5") [[ "$err" == *"-40"*"-10"*LUFS* ]] && ok "  the range named" || fail "range" "$err" ;;
  esac
done

# ---------------------------------------------------------------- dry run
run "$mixdown" assist level s.yaml --tracks host,guest --target -29 --max-gain 15 --dry-run
printf '%s\n' "$out" > dry.diff
[ "$rc" -eq 0 ] && same_as_orig && [[ "$out" == *"+    inserts:"* ]] &&
  ok "--dry-run: the diff printed, nothing written" || fail "--dry-run" "rc=$rc" "$out" "$err"

# ---------------------------------------------------------------- the run measured
start_ns=$(date +%s%N)
run "$mixdown" assist level s.yaml --tracks host,guest --target -29 --max-gain 15 --json
elapsed=$(( ($(date +%s%N) - start_ns) / 1000000 ))
json=$out
if [ "$rc" -eq 0 ]; then ok "assist level ran (${elapsed} ms for ${total} s)"; else fail "assist level" "$err"; finish; fi
echo "$err" | sed 's/^/    /'
run "$mixdown" check s.yaml
[ "$rc" -eq 0 ] && ok "the written session validates" || fail "check after" "$out" "$err"

# Only the values the report lists changed: its writes, replayed on the
# input with `mixdown set`, give the written file to the byte.
cp orig.yaml replayed.yaml
n_writes=$(printf '%s' "$json" | grep -o '"edit":"[a-z]*"' | wc -l)
replay replayed.yaml "$json" && [ "$n_writes" -eq 2 ] && cmp -s replayed.yaml s.yaml &&
  [[ "$json" == *'"edit":"append","address":"/track/host/inserts"'* ]] &&
  [[ "$json" == *'"edit":"append","address":"/track/guest/inserts"'* ]] &&
  ok "the session differs from its input only by the 2 writes the report lists (replayed: the same bytes)" ||
  fail "the writes replayed differ from the file" "$(diff replayed.yaml s.yaml | head -5)"

if command -v patch > /dev/null; then
  patch -s -o patched.yaml orig.yaml < dry.diff && cmp -s patched.yaml s.yaml &&
    ok "  the --dry-run diff, applied, is the file the run wrote" || fail "dry-run diff differs from the run"
fi

run "$mixdown" render s.yaml -o after.wav --stems after -q
[ "$rc" -eq 0 ] && ok "the written session renders" || { fail "render after" "$err"; finish; }

# ---------------------------------------------------------------- measured
m_before=$("$measure" measure before.wav phrases.txt)
m_after=$("$measure" measure after.wav phrases.txt before.wav)
h_after=$("$measure" measure after/host.wav phrases-host.txt before/host.wav)
g_after=$("$measure" measure after/guest.wav phrases-guest.txt before/guest.wav)

lra_b=$(val "$m_before" speech_lra_lu); lra_a=$(val "$m_after" speech_lra_lu)
gap_b=$(val "$m_before" speaker_gap_lu); gap_a=$(val "$m_after" speaker_gap_lu)
echo "    before: speech loudness range $lra_b LU, speakers $gap_b LU apart"
below "$lra_a" 3.0001 && ok "speech-only loudness range $lra_b -> $lra_a LU (<= 3)" ||
  fail "speech loudness range $lra_a LU > 3" "$m_after"
below "$gap_a" 1.0001 && ok "speakers within 1 LU: $gap_a LU apart" || fail "speakers $gap_a LU apart" "$m_after"
for who in host guest; do
  if [ "$who" = host ]; then m=$h_after; else m=$g_after; fi
  raise=$(val "$m" noise_raise_max_db); med=$(val "$m" noise_raise_median_db)
  spread=$(val "$m" phrase_spread_lu); lufs=$(val "$m" "speaker_${who}_lufs"); np=$(val "$m" pauses)
  [ "${np:-0}" -gt 0 ] && below "$raise" 1.0001 && ok "$who: noise in pauses raised at most $raise dB over the phrase before (median $med, $np pauses)" ||
    fail "$who: noise in pauses raised $raise dB" "$m"
  spread_b=$(val "$("$measure" measure "before/$who.wav" "phrases-$who.txt")" phrase_spread_lu)
  below "$spread" 3.0001 && ok "$who: phrases within $spread LU of each other (stem; $spread_b LU before)" ||
    fail "$who: phrase spread $spread" "$m"
  near "$lufs" -29 1.5 && ok "$who: speech at $lufs LUFS (target -29, ±1.5: integrated, gated)" ||
    fail "$who: speech at $lufs LUFS" "$m"
  rep_lra=$(printf '%s' "$json" | grep -o "\"track\":\"$who\"[^]]*" | grep -o '"lra_after_estimated_lu":[^,}]*' | cut -d: -f2)
  echo "    $who: reported (estimated) loudness range after $rep_lra LU; measured on the stem $(val "$m" speech_lra_lu) LU"
done

# ---------------------------------------------------------------- the peers, on the same mix file
echo "    side by side on the same mix (before.wav): speech loudness range, speaker gap, noise in pauses against the"
echo "    phrase before / against the larger-gain phrase around the pause.  The mix's pause noise is both tracks'"
echo "    floors: levelling raises the guest's floor with the guest's speech (its stem's pauses are not raised)"
printf '    %-40s %9s %9s %14s %13s\n' "on the mix" "LRA (LU)" "gap (LU)" "noise/prev dB" "noise/max dB"
row() { printf '    %-40s %9s %9s %14s %13s\n' "$1" "$(val "$2" speech_lra_lu)" "$(val "$2" speaker_gap_lu)" \
  "$(val "$2" noise_raise_max_db)" "$(val "$2" noise_raise_neighbour_max_db)"; }
row "before" "$m_before"
row "mixdown assist level" "$m_after"
if command -v ffmpeg > /dev/null; then
  for filter in dynaudnorm "dynaudnorm=f=150:g=15" speechnorm "speechnorm=e=12.5:r=0.0001:l=1"; do
    if ffmpeg -nostdin -v error -y -i before.wav -af "$filter" -c:a pcm_f32le peer.wav; then
      row "ffmpeg $filter" "$("$measure" measure peer.wav phrases.txt before.wav)"
    else
      skip "ffmpeg $filter"
    fi
  done
else
  skip "ffmpeg is not installed: no peer comparison"
fi

# ---------------------------------------------------------------- a re-run replaces
cp s.yaml first.yaml
run "$mixdown" assist level s.yaml --tracks host,guest --target -29 --max-gain 15 --json
n_gain=$(grep -c 'type: gain' s.yaml)
[ "$rc" -eq 0 ] && [ "$n_gain" -eq 2 ] && [[ "$out" == *'"edit":"remove","address":"/track/host/inserts","value":"1"'* ]] &&
  [[ "$out" == *'"replaced":true'* ]] && ok "a re-run replaces its inserts (2 gain inserts, not 4)" ||
  fail "re-run" "rc=$rc n_gain=$n_gain" "$err"
cp first.yaml replayed2.yaml
replay replayed2.yaml "$out" && cmp -s replayed2.yaml s.yaml && ok "  its writes (remove, append) replayed give the file" ||
  fail "re-run replay" "$(diff replayed2.yaml s.yaml | head -5)"
same=1
for who in host guest; do
  [ "$("$mixdown" get first.yaml /track/$who/inserts --json)" = "$("$mixdown" get s.yaml /track/$who/inserts --json)" ] || same=0
done
[ "$same" -eq 1 ] && ok "  a re-run on the same material writes the same values" ||
  fail "a re-run changed the values" "$(diff first.yaml s.yaml | head -5)"
# A user's own constant gain insert is kept: the new insert goes after it.
cp orig.yaml user.yaml
"$mixdown" set user.yaml /track/host/inserts --append '{type: gain, gain_db: -2}' -q
run "$mixdown" assist level user.yaml --tracks host --target -29 --max-gain 15 -q
[ "$rc" -eq 0 ] && grep -q 'type: gain, gain_db: -2' user.yaml && [ "$(grep -c 'type: gain' user.yaml)" -eq 2 ] &&
  ok "a user's constant gain insert is kept, the level insert appended after it" || fail "user insert" "$err"

# ---------------------------------------------------------------- bleed is no phrase
# Two of the host's phrases on the guest's track, about 24 dB under the
# guest's speech (another voice heard in the guest's microphone, over a
# quieter floor here, -80 dBFS, so the detector hears it): no phrases of the
# guest's, so not raised to the target; the gain around them holds.
"$measure" noise noise-quiet.wav "$total" "$rate" -80 3
{
  sed -n '1,/^  - name: guest/p' orig.yaml | sed '$d' | sed -n '1,/^tracks:/p'
  echo "  - name: guest"
  echo "    clips:"
  echo "      - {file: noise-quiet.wav, start: 0}"
  printf '%s' "$clips_guest"
  b1=$(awk 'NR == 3 { print $2 }' phrases.txt); b2=$(awk 'NR == 11 { print $2 }' phrases.txt)
  echo "      - {file: host1.wav, start: $b1, gain_db: -40}"
  echo "      - {file: host5.wav, start: $b2, gain_db: -40}"
} > bleed.yaml
run "$mixdown" assist level bleed.yaml --tracks guest --target -29 --max-gain 15 --json
skipped_n=$(jnum "$out" quiet_spans_skipped); phrases_n=$(jnum "$out" phrases)
[ "$rc" -eq 0 ] && [ "$phrases_n" = 8 ] && [ "$skipped_n" = 2 ] &&
  ok "bleed 24 dB under the voice: 2 stretches skipped, 8 phrases" ||
  fail "bleed" "rc=$rc phrases=$phrases_n skipped=$skipped_n" "$err"

# ---------------------------------------------------------------- the defaults: ±12 dB holds
cp orig.yaml d.yaml
run "$mixdown" assist level d.yaml --tracks host,guest --json
dmin=$(printf '%s' "$out" | grep -o '"gain_min_db":[^,}]*' | cut -d: -f2 | sort -g | head -1)
dmax=$(printf '%s' "$out" | grep -o '"gain_max_db":[^,}]*' | cut -d: -f2 | sort -g | tail -1)
[ "$rc" -eq 0 ] && awk -v a="$dmin" -v b="$dmax" 'BEGIN { exit !(a >= -12 && b <= 12) }' &&
  ok "defaults (-20 LUFS, ±12 dB): gains from $dmin to $dmax dB, within ±12" || fail "defaults" "$dmin $dmax" "$err"
if "$mixdown" render d.yaml -o d.wav -q; then
  m_d=$("$measure" measure d.wav phrases.txt before.wav)
  echo "    defaults: the guest needs 9 … 21 dB more at -20 LUFS; with ±12: speech loudness range" \
    "$(val "$m_d" speech_lra_lu) LU, speakers $(val "$m_d" speaker_gap_lu) LU apart"
fi

finish
