#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mixdown assist duck, measured on rendered audio.  The material is made
# here: a three-minute two-voice podcast (espeak-ng phrases, en+m3 and
# en+f3, placed as clips at known times with pauses of many lengths, some
# shorter than the hold) over a music bed of our own (duck_measure bed:
# chords, bass and a pulse at -20 LUFS).  After the assistant, on the
# rendered stems (duck_measure figures): speech above the bed in 400 ms
# windows over speech (median >= 10 LU, 10th percentile >= 6 LU), >= 99 %
# of onsets already ducked to within 1 dB of the depth, no release in a
# pause shorter than the hold, the bed within 0.1 dB of its level away from
# speech; the same after a master chain (a compressor for the speech's
# peaks, a limiter) and a loudness target (a heavier master compressor is
# measured and reported: it raises the ducked bed again).  Beside it, ffmpeg's sidechaincompress on the same bed
# and key (its documented example, and tuned to duck as deep): both sets of
# figures printed, ours better on onsets and pumping.  Then the command:
# the written session validates and renders, differs from its input only in
# the reported writes, --dry-run writes nothing, a re-run replaces rather
# than stacks, bad options exit 2 with nothing written.  And the detector
# alone: a held chord and noise on a key are not speech.
#   tests/assist/test_duck.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_duck.sh BUILD_DIR [--sanitized]}" && pwd)
sanitized=false
[ "${2:-}" = --sanitized ] && sanitized=true
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
measure="$build/tests/assist/duck_measure"

# shellcheck source=../cli/harness.sh
. "$here/../cli/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-duck-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

if ! command -v espeak-ng >/dev/null; then
  echo "skip duck: espeak-ng is not installed (scripts/install-deps.sh)"
  echo "duck: 0 passed, 0 failed"
  exit 77
fi

# A value from duck_measure's "name value" lines.
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
# At least / at most.
atleast() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a >= b) }'; }
atmost() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a <= b) }'; }

# ------------------------------------------------------------ the material
phrases=(
  "Welcome back to the show. Today we are talking about mixing engines."
  "Thanks for having me. It is a pleasure to be here."
  "So tell us, how did this project start?"
  "It started with a simple question. Why is mixing a podcast so hard?"
  "And what did you find?"
  "Most tools hide what they do. You cannot change their decisions later."
  "That sounds frustrating for an editor."
  "It is. So we wrote every decision into the session, as plain values."
  "Can you give an example?"
  "Sure. When someone speaks, the music goes down, and you can see the curve."
  "And if I do not like the curve?"
  "Then you move a point, or you run the assistant again."
  "How fast is it on a long episode?"
  "An hour of audio takes a few seconds on a laptop."
  "What about music that sounds a little like a voice?"
  "The detector listens for syllables, not just for sound."
  "Interesting. What comes next for the project?"
  "Better reports, and more assistants for the people who mix."
  "Where can people find it?"
  "Everything is in the repository, with the tests that measure it."
  "Before we go, one last question. Coffee or tea?"
  "Tea, always tea. Coffee makes the edits shaky."
  "Ha. Thank you for joining us today."
  "Thank you. This was fun."
  "Wait, before you leave, our listeners sent in a few questions."
  "Oh, happy to answer them."
  "The first one asks whether the music ever disappears completely."
  "No. It only goes as far down as the speech needs, and no further."
  "The second asks about breaths between sentences."
  "Short pauses and breaths keep the music down, so nothing pumps."
  "And the third one: can I undo everything?"
  "Yes. Delete the insert, or run it again with other settings."
  "Great. That really is all the time we have."
  "Goodbye everyone, and thanks for listening."
  "See you next week."
  "Bye."
)
# The pause after each phrase, seconds: short ones (under the hold of 1 s,
# counting the phrase's own trailing silence) and long ones where the bed
# comes back up.
gaps=(0.3 4.0 0.5 2.6 0.2 6.0 0.4 3.0 0.3 0.5 5.0 0.2 2.8 0.4 7.0 0.3 3.5 0.5 0.2 4.5 0.4 2.7 0.3 5.0
      0.4 3.2 0.2 0.5 6.5 0.3 2.9 0.4 0.2 4.0 0.5 3.0)

clip_length() { # seconds of a WAV, from its header (espeak-ng: 22050 Hz mono 16-bit)
  "$measure" length "$1"
}

make_podcast() { # DIR: voices, bed, session s.yaml, clips.txt (start end per clip)
  local dir=$1 t=2.0 i voice track len
  mkdir -p "$dir"
  : > "$dir/host.clips"
  : > "$dir/guest.clips"
  : > "$dir/clips.txt"
  for i in "${!phrases[@]}"; do
    if [ $((i % 2)) -eq 0 ]; then voice=en+m3 track=host; else voice=en+f3 track=guest; fi
    espeak-ng -v "$voice" -s 165 -w "$dir/p$i.wav" "${phrases[$i]}" || return 1
    len=$(clip_length "$dir/p$i.wav")
    echo "      - {file: p$i.wav, start: $t}" >> "$dir/$track.clips"
    echo "$t $(awk -v a="$t" -v b="$len" 'BEGIN { printf "%.4f", a + b }')" >> "$dir/clips.txt"
    t=$(awk -v a="$t" -v b="$len" -v g="${gaps[$i]}" 'BEGIN { printf "%.3f", a + b + g }')
  done
  "$measure" bed "$dir/music.wav" "$(awk -v a="$t" 'BEGIN { print a + 3 }')" -20 || return 1
  {
    echo "mixdown: 1"
    echo "sample_rate: 48000"
    echo "# a two-voice podcast over a music bed"
    echo "tracks:"
    echo "  - name: music"
    echo "    file: music.wav"
    echo "    gain_db: -2   # the user's fader: the duck must leave it alone"
    echo "  - name: host"
    echo "    clips:"
    cat "$dir/host.clips"
    echo "  - name: guest"
    echo "    clips:"
    cat "$dir/guest.clips"
    echo "output: {file: mix.wav, bits: float}"
  } > "$dir/s.yaml"
}

# The figures of one bed against its dry self: FILE of name value lines.
# figures OUT BED DRY DEPTH KEY…  (the margins: lookahead + ramp-down before
# an onset, hold + ramp-up after speech, each with 0.15 s to spare)
figures() {
  local out=$1 bed=$2 dry=$3 depth=$4
  shift 4
  "$measure" figures "$bed" "$dry" clips.txt "$depth" 1000 0.55 2.1 "$@" > "$out" || return 1
}

# Asserts the issue's figures on FILE (a label for the messages).
check_figures() {
  local label=$1 f=$2 median p10 onsets ducked short releases away
  median=$(val median_lu "$f") p10=$(val p10_lu "$f")
  onsets=$(val onsets "$f") ducked=$(val onsets_ducked "$f")
  short=$(val short_pauses "$f") releases=$(val short_pause_releases "$f")
  away=$(val away_max_dev_db "$f")
  atleast "$median" 10 && atleast "$p10" 6 &&
    ok "$label: speech above the bed in 400 ms windows: median $median LU (>= 10), 10th percentile $p10 LU (>= 6)" ||
    fail "$label: speech above the bed" "median $median, p10 $p10"
  awk -v d="$ducked" -v n="$onsets" 'BEGIN { exit !(n > 0 && d >= 0.99 * n) }' &&
    ok "$label: $ducked of $onsets onsets already ducked to within 1 dB of the depth" ||
    fail "$label: onsets ducked" "$ducked of $onsets" "$(grep '^#' "$f")"
  [ -n "$short" ] && [ "$short" -ge 10 ] && [ "$releases" = 0 ] &&
    ok "$label: no release in any of $short pauses shorter than the hold" ||
    fail "$label: releases in short pauses" "$releases of $short"
  atmost "$away" 0.1 && ok "$label: the bed away from speech within $away dB of its level (<= 0.1)" ||
    fail "$label: the bed away from speech" "max deviation $away dB"
}

summary() { # label FILE: one line of figures for the side-by-side table
  printf '  %-34s median %6s LU  p10 %6s LU  depth %6s dB  onsets ducked %3s/%-3s  short-pause releases %3s/%-3s  gain sd under speech %5s dB\n' \
    "$1" "$(val median_lu "$2")" "$(val p10_lu "$2")" "$(val depth_db "$2")" "$(val onsets_ducked "$2")" \
    "$(val onsets "$2")" "$(val short_pause_releases "$2")" "$(val short_pauses "$2")" "$(val gain_sd_db "$2")"
}

# ------------------------------------------------------------ the detector
"$measure" keymusic keymusic.wav
"$measure" speech keymusic.wav 1000 > km.txt
km=$(val speech_s km.txt)
atmost "$km" 0.5 && ok "detector: 10 s of a held chord, 10 s of noise and 8 s of a synth lead (fading in) on a key read as $km s of speech (<= 0.5)" ||
  fail "detector: music and noise read as speech" "$(cat km.txt)"

# ------------------------------------------------------------ the podcast
make_podcast . || { fail "the podcast could not be made"; echo "duck: $passed passed, $failed failed"; exit 1; }
cp s.yaml orig.yaml
n_clips=$(wc -l < clips.txt)
length=$(tail -1 clips.txt | awk '{ print $2 }')
echo "# podcast: $n_clips phrases over ${length} s of a music bed"
unchanged() { cmp -s s.yaml orig.yaml; }

"$mixdown" render orig.yaml --stems dry -q -o dry.wav || fail "the podcast does not render"

# music on the key: no speech, nothing written
printf 'mixdown: 1\ntracks:\n  - {name: music, file: music.wav}\n  - {name: synth, file: keymusic.wav}\n' > k.yaml
cp k.yaml k-orig.yaml
run "$mixdown" assist duck k.yaml --bed music --key synth
[ "$rc" = 0 ] && cmp -s k.yaml k-orig.yaml && printf '%s\n' "$out" "$err" | grep -q "no speech found" &&
  ok "a chord, noise and a synth lead as the key: no speech found, nothing written" ||
  fail "music as the key" "rc=$rc" "$err" "$(diff k-orig.yaml k.yaml | head -5)"

# --dry-run: the diff, nothing written
run "$mixdown" assist duck s.yaml --bed music --key host,guest --dry-run
[ "$rc" = 0 ] && unchanged && printf '%s\n' "$out" | grep -q '^+ *- type: gain' &&
  ok "--dry-run: the diff on stdout, nothing written" || fail "--dry-run" "rc=$rc" "$err"

# the run, with the report as JSON
run "$mixdown" assist duck s.yaml --bed music --key host,guest --json
printf '%s\n' "$out" > report.json
[ "$rc" = 0 ] && ! unchanged && ok "duck writes the session" || fail "duck" "rc=$rc" "$err"
depth=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["depth_db"])' report.json)
# the onset figures below count onsets within 1 dB of this depth: a depth of
# nothing would make every onset "ducked"
atleast "$depth" 6 && ok "the automatic depth is a real one: $depth dB" || fail "automatic depth $depth dB"
python3 - report.json <<'PY' > report.txt
import json, sys
r = json.load(open(sys.argv[1]))
print("spans", len(r["spans"]))
print("points", r["points"])
print("median_before", r["before"]["median_lu"])
print("median_after", r["after"]["median_lu"])
print("p10_after", r["after"]["p10_lu"])
print("depth_from", r["depth_from"])
PY
echo "# report: depth $depth dB ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["depth_why"])' report.json))"
echo "# report: $(tr '\n' ' ' < report.txt)"
[ "$(val depth_from report.txt)" = clearance ] && atleast "$(val median_after report.txt)" 12 &&
  ok "the depth from the clearance: $depth dB, speech estimated $(val median_after report.txt) LU above the bed (>= 12)" ||
  fail "the depth from the clearance" "$(cat report.txt)"
spans=$(val spans report.txt) points=$(val points report.txt)
[ "$spans" -ge 5 ] && [ "$spans" -le "$n_clips" ] && [ "$points" -le $((4 * spans)) ] &&
  ok "$spans speech spans for $n_clips phrases (short pauses joined), $points envelope points (the corners only)" ||
  fail "spans and points" "spans $spans, points $points, phrases $n_clips"

# it validates, and differs from the input only in the reported writes
run "$mixdown" check s.yaml
[ "$rc" = 0 ] && ok "the written session validates" || fail "mixdown check" "$out" "$err"
cp orig.yaml replay.yaml
python3 - report.json <<'PY' > replay.args
import json, sys
for w in json.load(open(sys.argv[1]))["writes"]:
    flag = {"append": "--append", "remove": "--remove"}.get(w["edit"])
    print(w["address"]); print(flag) if flag else None; print(w["value"])
PY
mapfile -t replay < replay.args
"$mixdown" set replay.yaml "${replay[@]}" -q && cmp -s replay.yaml s.yaml &&
  ok "the session differs from its input only in the reported writes ($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["writes"]))' report.json))" ||
  fail "the session differs beyond the report" "$(diff replay.yaml s.yaml | head -5)"
grep -q 'gain_db: -2   # the user' s.yaml && ok "the bed's fader and its comment are the user's still" ||
  fail "the bed's fader changed"

# rendered: the figures on the stems
"$mixdown" render s.yaml --stems wet -q -o wet.wav || fail "the ducked podcast does not render"
figures ours.txt wet/music.wav dry/music.wav "$depth" wet/host.wav wet/guest.wav
check_figures "stems" ours.txt

# after a master chain (compressor + limiter) and a loudness target: the
# bed and the voices out of two renders (the voices inverted in one).  A
# podcast's master compressor, set for the speech's peaks (threshold above
# the bed alone); and, reported only, a heavy one working on the bed alone
# too, which raises the ducked bed again (it undoes part of any duck).
master_chain() { # NAME THRESHOLD_DB: NAME.txt, the figures
  cp s.yaml "$1.yaml"
  # (written as text: `mixdown set` does not take /master/loudness yet)
  cat >> "$1.yaml" <<YAML
master:
  inserts:
    - {type: compressor, threshold_db: $2, ratio: 3, attack_ms: 10, release_ms: 200, detector: rms}
    - {type: limiter, ceiling_db: -1}
  loudness: podcast
YAML
  cp "$1.yaml" "$1-minus.yaml"
  "$mixdown" set "$1-minus.yaml" /track/host/invert true /track/guest/invert true -q &&
    "$mixdown" render "$1.yaml" -q -o "$1-plus.wav" && "$mixdown" render "$1-minus.yaml" -q -o "$1-minus.wav" &&
    "$measure" split "$1-plus.wav" "$1-minus.wav" "$1-bed.wav" "$1-voice.wav" &&
    figures "$1.txt" "$1-bed.wav" dry/music.wav "$depth" "$1-voice.wav"
}
if master_chain master -12; then
  echo "# master: the bed sits $(val away_offset_db master.txt) dB from its stem away from speech (the target's gain)"
  check_figures "master chain (compressor -12 dB 3:1, limiter) + podcast loudness" master.txt
else
  fail "the master chain does not render"
fi
master_chain heavy -26 || fail "the heavy master chain does not render"

# ffmpeg's sidechaincompress on the same bed and key: its documented
# example (defaults), and tuned to duck as deep as ours
if command -v ffmpeg >/dev/null; then
  "$measure" sum voices.wav dry/host.wav dry/guest.wav
  for tuning in "threshold=0.125:ratio=2:attack=20:release=250" "threshold=0.05:ratio=20:attack=20:release=1000"; do
    ffmpeg -hide_banner -loglevel error -y -i dry/music.wav -i voices.wav \
      -filter_complex "[0:a][1:a]sidechaincompress=$tuning" -c:a pcm_f32le "ff-${tuning%%:*}.wav" &&
      figures "ff-${tuning%%:*}.txt" "ff-${tuning%%:*}.wav" dry/music.wav auto dry/host.wav dry/guest.wav
  done
  echo "# side by side (the bed's gain read against the dry bed stem):"
  summary "mixdown assist duck" ours.txt
  summary "  + master chain + loudness" master.txt
  summary "  + heavy master compressor (-26 dB)" heavy.txt
  summary "sidechaincompress (docs example)" ff-threshold=0.125.txt
  summary "sidechaincompress (tuned: 0.05, 20:1)" ff-threshold=0.05.txt
  t=ff-threshold=0.05.txt
  [ "$(val onsets_ducked ours.txt)" -gt "$(val onsets_ducked $t)" ] &&
    awk -v a="$(val gain_sd_db ours.txt)" -v b="$(val gain_sd_db $t)" 'BEGIN { exit !(a < b) }' &&
    ok "better than sidechaincompress: onsets ducked $(val onsets_ducked ours.txt) vs $(val onsets_ducked $t) of $(val onsets ours.txt), gain sd under speech $(val gain_sd_db ours.txt) vs $(val gain_sd_db $t) dB" ||
    fail "not better than sidechaincompress" "$(cat ours.txt $t)"
else
  skip "ffmpeg is not installed: no side-by-side"
fi

# a re-run replaces the duck rather than stacking another
inserts() { "$mixdown" get "$1" /track/music/inserts --json 2>/dev/null | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]["value"]))'; }
count() { python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$1"; }
cp s.yaml first.yaml
run "$mixdown" assist duck s.yaml --bed music --key host,guest --json
again=$(inserts s.yaml)
[ "$rc" = 0 ] && [ "$(count "$again")" = 1 ] && [ "$again" = "$(inserts first.yaml)" ] &&
  printf '%s\n' "$out" | grep -q '"edit": *"remove"' &&
  ok "a re-run removes the earlier duck, hears the bed without it, and writes the same one again" ||
  fail "a re-run" "rc=$rc, inserts $(count "$again")" "$(diff first.yaml s.yaml | head -5)"
# an insert of the user's after it: the duck is not the last insert, so a
# re-run leaves both and adds its own
cp first.yaml s.yaml
"$mixdown" set s.yaml /track/music/inserts --append '{type: gain, gain_db: 0}' -q
run "$mixdown" assist duck s.yaml --bed music --key host,guest --depth 6 -q
[ "$rc" = 0 ] && [ "$(count "$(inserts s.yaml)")" = 3 ] &&
  ok "an earlier duck followed by an insert of the user's is kept (3 inserts)" ||
  fail "a duck followed by the user's insert" "rc=$rc, inserts $(inserts s.yaml | head -c 200)"
cp first.yaml s.yaml
cp s.yaml orig.yaml

# bad options: exit 2, the nearest name or the range, nothing written
run "$mixdown" assist duck s.yaml --bed musik --key host,guest
[ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q "music" && unchanged &&
  ok "an unknown bed: exit 2, the nearest name (music), nothing written" || fail "unknown bed" "rc=$rc" "$err"
run "$mixdown" assist duck s.yaml --bed music --key host,gest
[ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q "guest" && unchanged &&
  ok "an unknown key: exit 2, the nearest name (guest), nothing written" || fail "unknown key" "rc=$rc" "$err"
run "$mixdown" assist duck s.yaml --bed music --key host --depth 45
[ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q "from 0 to 40 dB" && unchanged &&
  ok "--depth 45: exit 2, the range (0 to 40 dB), nothing written" || fail "--depth 45" "rc=$rc" "$err"
run "$mixdown" assist duck s.yaml --key host
[ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q -- "--bed" && unchanged &&
  ok "no --bed: exit 2, named, nothing written" || fail "no --bed" "rc=$rc" "$err"
run "$mixdown" assist duck s.yaml --bed music --key music
[ "$rc" = 2 ] && unchanged && ok "the bed as its own key: exit 2, nothing written" || fail "bed as key" "rc=$rc" "$err"

echo "duck: $passed passed, $failed failed"
[ "$failed" = 0 ]
