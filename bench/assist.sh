#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The assistants' benchmark (make bench-assist, issue 21): each assistant
# analysing 60 minutes of audio on this machine's cores — wall time, CPU
# time and peak memory of `mixdown assist KIND SESSION --dry-run -q`.
#
# The session: a podcast hour.  Two voices (espeak-ng phrases, one every
# few seconds, alternating) over a music bed of four stems (bench-gen-stems:
# chords and pulses), one minute of each source placed 60 times, so the
# hour is rendered and analysed in full without an hour of files on disk.
# balance and match take the session's own render as their reference (a
# 16-bit FLAC of the hour).  The issue's bar: under 10 s on 2 cores.
#
#   bench/assist.sh [BUILD]     environment: BENCH_MINUTES (60), BENCH_REPEATS (1)
set -euo pipefail
build=${1:-build}
minutes=${BENCH_MINUTES:-60}
repeats=${BENCH_REPEATS:-1}
mixdown=$(cd "$(dirname "$build/mixdown")" && pwd)/mixdown
work="$build/bench-assist-work"

command -v espeak-ng > /dev/null || { echo "bench-assist: needs espeak-ng (scripts/install-deps.sh)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
"$build/bench-gen-stems" "$work" 4 60 > /dev/null

# Six phrases per voice in each minute (each at most 4 s), repeated.  A
# podcast's tracks are recorded at the session's rate: espeak-ng's 22.05 kHz
# is brought to 48 kHz once here (by mixdown), so the hour measures the
# assistants rather than 720 resampler starts.
say() {
  espeak-ng -v "$1" -s 165 -w "$work/raw-$2.wav" "$3"
  printf 'mixdown: 1\nsample_rate: 48000\ntracks: [{name: v, file: raw-%s.wav}]\n' "$2" > "$work/raw-$2.yaml"
  "$mixdown" render "$work/raw-$2.yaml" -o "$work/$2.wav" --bits 24 -q
}
phrases=("Welcome back to the show, today we talk about mixing." "That sounds about right to me."
         "The levels were all over the place last week." "Let us hear what the listeners think."
         "I never expected that answer." "Here is the next question from our mailbag.")
for k in "${!phrases[@]}"; do
  say en+m3 "a$k" "${phrases[$k]}"
  say en+f3 "b$k" "${phrases[$(((k + 3) % ${#phrases[@]}))]}"
done

{
  echo "mixdown: 1"
  echo "sample_rate: 48000"
  echo "tracks:"
  for v in a b; do
    echo "  - name: voice_$v"
    echo "    clips:"
    offset_s=0
    [ $v = b ] && offset_s=5 # the second voice answers 5 s after the first
    for ((m = 0; m < minutes; ++m)); do
      for ((k = 0; k < ${#phrases[@]}; ++k)); do
        start=$((m * 60 + k * 10 + offset_s))
        echo "      - {file: $v$k.wav, start: $start}"
      done
    done
  done
  for ((t = 0; t < 4; ++t)); do
    printf '  - name: music%d\n    gain_db: -14\n    output: bed\n    clips:\n' "$t"
    for ((m = 0; m < minutes; ++m)); do
      printf '      - {file: track%03d.wav, start: %d}\n' "$t" $((m * 60))
    done
  done
  echo "buses:"
  echo "  - {name: bed}"
  echo "output: {file: hour.flac, bits: 16}"
} > "$work/hour.yaml"

"$mixdown" render "$work/hour.yaml" -o "$work/ref.flac" -q

now() { date +%s.%N; }
declare -A args=(
  [duck]="--bed bed --key voice_a,voice_b"
  [level]="--tracks voice_a,voice_b"
  [balance]="--ref $work/ref.flac"
  [unmask]=""
  [match]="--ref $work/ref.flac"
)
echo "mixdown assist on $minutes minutes of audio (2 voices, 4 music stems, 1 bus), $(nproc) cores"
printf '  %-8s %8s %8s %10s  %s\n' assistant "wall s" "cpu s" "peak MB" "result"
for kind in duck level balance unmask match; do
  if ! "$mixdown" assist "$kind" --help > /dev/null 2>&1; then
    printf '  %-8s %8s %8s %10s  %s\n' "$kind" - - - "not in this build"
    continue
  fi
  best=""
  for ((r = 0; r < repeats; ++r)); do
    # shellcheck disable=SC2086
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" \
      "$mixdown" assist "$kind" "$work/hour.yaml" ${args[$kind]} --dry-run -q > "$work/$kind.diff" 2> "$work/$kind.err" \
      && result=ok || result="failed: $(head -c 120 "$work/$kind.err")"
    read -r wall user sys peak_kb < <(tail -1 "$work/time.txt")
    if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best="$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $((peak_kb / 1024))"
    fi
  done
  read -r wall cpu peak_mb <<< "$best"
  printf '  %-8s %8.2f %8.2f %10d  %s (%d lines of diff)\n' "$kind" "$wall" "$cpu" "$peak_mb" "$result" \
    "$(wc -l < "$work/$kind.diff")"
done
echo "  (the bar: under 10 s each for 60 minutes on 2 cores)"
