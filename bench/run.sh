#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The mix benchmark (make bench): the channel-strip graph of issue 6 —
# per track −3 dB, constant-power pan, highpass 80 Hz 12 dB/oct, low shelf
# 200 Hz +2 dB, bell 2.5 kHz −3 dB Q 1, high shelf 8 kHz +2 dB, compressor
# −18 dB 3:1 10/100 ms peak; sum; master compressor −10 dB 2:1; limiter
# −1 dB; 24-bit WAV — rendered by mixdown and, where installed, by
# ecasound, sox and ffmpeg, side by side in one run, repeated, medians
# quoted.  Deviations of each peer are printed with its row (and kept in
# bench/RESULTS.md).  mixdown's own rows: `render --quiet` on all cores and
# on one, the default `render` (which measures every strip and the written
# file for its summary) and `analyze SESSION`; what the summary and
# analyze cost over --quiet is printed under each graph.
#
#   bench/run.sh [BUILD]          environment: BENCH_TRACKS ("8 32 128"),
#                                 BENCH_SECONDS (60), BENCH_REPEATS (3),
#                                 BENCH_PEERS ("ecasound sox ffmpeg"),
#                                 BENCH_REVERB (1: also the reverb-send graph)
set -euo pipefail
build=${1:-build}
tracks_list=${BENCH_TRACKS:-"8 32 128"}
seconds=${BENCH_SECONDS:-60}
repeats=${BENCH_REPEATS:-3}
peers=${BENCH_PEERS:-"ecasound sox ffmpeg"}
with_reverb=${BENCH_REVERB:-1}
work="$build/bench-work"
mixdown="$build/mixdown"
timer=/usr/bin/time
[ -x "$timer" ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
mkdir -p "$work"

max_tracks=0
for n in $tracks_list; do [ "$n" -gt "$max_tracks" ] && max_tracks=$n; done
stamp="$work/stems-$max_tracks-$seconds.stamp"
if [ ! -f "$stamp" ]; then
  echo "bench: writing $max_tracks stems of $seconds s" >&2
  rm -f "$work"/stems-*.stamp
  "$build/bench-gen-stems" "$work" "$max_tracks" "$seconds"
  touch "$stamp"
fi

# shellcheck source=session.sh
. "$(dirname "$0")/session.sh"

# ecasound: one process; LADSPA swh plugins; shelves as wide swh bells
# (swh has no shelf), ecasound's own linear panner.
run_ecasound() { # N
  local n=$1 args=(-q -z:mixmode,sum -B:nonrt -f:f32_le,2,48000)
  rm -f "$work/peer.wav" # ecasound fails on an existing output file
  for ((k = 0; k < n; ++k)); do
    local pan_pct
    pan_pct=$(awk -v p="$(pan_of $k $n)" 'BEGIN { printf "%.1f", 50 + 50 * p }')
    args+=(-a:$k -i:"$work/$(printf track%03d.wav $k)" -ea:70.79 -epp:"$pan_pct"
           -el:butthigh_iir,80,0.707 -el:singlePara,2,200,2 -el:singlePara,-3,2500,1.39
           -el:singlePara,2,8000,2 -el:sc4,1,10,100,-18,3,0,0)
  done
  # All track chains into one loop device (ecasound sums them there).
  args+=(-a:"$(seq -s, 0 $((n - 1)))" -o:loop,1)
  args+=(-a:master -i:loop,1 -el:sc4,1,10,100,-10,2,0,0 -el:fastLookaheadLimiter,0,-1,0.05
         -f:s24_le,2,48000 -o:"$work/peer.wav")
  ecasound "${args[@]}" > /dev/null
}

# sox: one process per track (as many at once as there are cores), then one
# that mixes; compand stands in for the compressors and the limiter.
run_sox() { # N
  local n=$1
  for ((k = 0; k < n; ++k)); do
    local p l r
    p=$(pan_of $k $n)
    l=$(awk -v p="$p" 'BEGIN { printf "%.4f", cos((p + 1) * 3.14159265 / 4) }')
    r=$(awk -v p="$p" 'BEGIN { printf "%.4f", sin((p + 1) * 3.14159265 / 4) }')
    printf '%s\0' "sox -q $work/$(printf track%03d.wav $k) -e floating-point $work/sox$k.wav vol -3dB remix 1v$l 2v$r highpass -2 80 bass +2 200 equalizer 2500 1q -3 treble +2 8000 compand 0.01,0.1 6:-18,-18,0,-12"
  done | xargs -0 -P "$(nproc)" -I{} sh -c '{}'
  local inputs=()
  for ((k = 0; k < n; ++k)); do inputs+=("$work/sox$k.wav"); done
  sox -q -m -v 1 "${inputs[@]/#/}" -b 24 "$work/peer.wav" compand 0.01,0.1 6:-10,-10,0,-5 compand 0.001,0.05 -1,-1,0,-1
  rm -f "$work"/sox*.wav
}

# ffmpeg: one filter graph; -filter_complex_threads 1 (faster than its
# default threading on this graph); bass/treble shelving filters.
run_ffmpeg() { # N
  local n=$1 args=(-nostdin -v error -y -filter_complex_threads 1) graph="" mix=""
  for ((k = 0; k < n; ++k)); do
    local p l r
    p=$(pan_of $k $n)
    l=$(awk -v p="$p" 'BEGIN { printf "%.4f", 0.7079 * cos((p + 1) * 3.14159265 / 4) }')
    r=$(awk -v p="$p" 'BEGIN { printf "%.4f", 0.7079 * sin((p + 1) * 3.14159265 / 4) }')
    args+=(-i "$work/$(printf track%03d.wav $k)")
    graph+="[$k:a]pan=stereo|c0=$l*c0|c1=$r*c1,highpass=f=80:poles=2,bass=g=2:f=200,equalizer=f=2500:t=q:w=1:g=-3,treble=g=2:f=8000,acompressor=threshold=0.1259:ratio=3:attack=10:release=100:detection=peak[a$k];"
    mix+="[a$k]"
  done
  graph+="${mix}amix=inputs=$n:normalize=0,acompressor=threshold=0.3162:ratio=2:attack=10:release=100,alimiter=limit=0.8913:level=disabled[out]"
  ffmpeg "${args[@]}" -filter_complex "$graph" -map "[out]" -c:a pcm_s24le "$work/peer.wav"
}

run_mixdown() { # N REVERB THREADS [quiet|summary|analyze]
  case ${4:-quiet} in
    summary) (cd "$work" && "$OLDPWD/$mixdown" render "session-$1-$2.yaml" -o out.wav --threads "$3" > /dev/null) ;;
    analyze) (cd "$work" && "$OLDPWD/$mixdown" analyze "session-$1-$2.yaml" > /dev/null) ;;
    *) (cd "$work" && "$OLDPWD/$mixdown" render "session-$1-$2.yaml" -o out.wav --quiet --threads "$3") ;;
  esac
}

# One measurement: wall s, CPU s, peak RSS KiB.  A failing tool stops the
# benchmark with its messages.
measure() {
  local log="$work/time.log"
  if ! "$timer" -o "$log" -f 'TIME %e %U %S %M' "$@" > "$work/tool.log" 2>&1; then
    echo "bench: failed: $*" >&2
    cat "$work/tool.log" "$log" >&2
    exit 1
  fi
  awk '/^TIME/ { printf "%s %.2f %s\n", $2, $3 + $4, $5 }' "$log"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs a tool REPEATS times; prints "wall cpu rss" medians (rss: the max).
bench_tool() {
  local walls=() cpus=() rss=0
  for ((r = 0; r < repeats; ++r)); do
    read -r w c m < <(measure "$@")
    walls+=("$w"); cpus+=("$c"); [ "$m" -gt "$rss" ] && rss=$m
  done
  printf '%s %s %s\n' "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" "$rss"
}

export -f run_mixdown run_ecasound run_sox run_ffmpeg pan_of
export work mixdown

printf '%-34s %8s %8s %9s %10s %8s\n' "graph / tool" "wall s" "CPU s" "peak MiB" "x realtime" "vs best"
for n in $tracks_list; do
  graphs="0"
  if [ "$with_reverb" = 1 ]; then graphs="0 1"; fi
  for reverb in $graphs; do
    write_session "$n" "$reverb" "$work/session-$n-$reverb.yaml"
    label="$n tracks"
    if [ "$reverb" = 1 ]; then label+=" + reverb send"; fi
    declare -A wall=() cpu=() mem=()
    tools=("mixdown" "mixdown-summary" "mixdown-analyze" "mixdown-1thread")
    if [ "$reverb" = 0 ]; then
      for p in $peers; do command -v "$p" > /dev/null && tools+=("$p"); done
    fi
    for t in "${tools[@]}"; do
      case $t in
        mixdown) cmd=(bash -c "run_mixdown $n $reverb 0") ;;
        mixdown-summary) cmd=(bash -c "run_mixdown $n $reverb 0 summary") ;;
        mixdown-analyze) cmd=(bash -c "run_mixdown $n $reverb 0 analyze") ;;
        mixdown-1thread) cmd=(bash -c "run_mixdown $n $reverb 1") ;;
        *) cmd=(bash -c "run_$t $n") ;;
      esac
      read -r w c m < <(bench_tool "${cmd[@]}")
      wall[$t]=$w; cpu[$t]=$c; mem[$t]=$m
    done
    best_peer=""
    for t in "${tools[@]}"; do
      case $t in mixdown*) ;; *)
        if [ -z "$best_peer" ] || awk -v a="${wall[$t]}" -v b="${wall[$best_peer]}" 'BEGIN { exit !(a < b) }'; then best_peer=$t; fi ;;
      esac
    done
    echo "$label:"
    for t in "${tools[@]}"; do
      ratio="-"
      if [ -n "$best_peer" ]; then
        ratio=$(awk -v p="${wall[$best_peer]}" -v m="${wall[$t]}" 'BEGIN { printf "%.2f×", p / m }')
      fi
      printf '  %-32s %8.2f %8.2f %9.1f %10.1f %8s\n' "$t" "${wall[$t]}" "${cpu[$t]}" \
        "$(awk -v k="${mem[$t]}" 'BEGIN { print k / 1024 }')" \
        "$(awk -v s="$seconds" -v w="${wall[$t]}" 'BEGIN { print (w > 0 ? s / w : 0) }')" "$ratio"
    done
    # The default render's strip summary and analyze, against --quiet
    # (issue 15: the summary may cost at most 10 %).
    awk -v q="${wall[mixdown]}" -v d="${wall[mixdown-summary]}" -v a="${wall[mixdown-analyze]}" \
        -v qc="${cpu[mixdown]}" -v dc="${cpu[mixdown-summary]}" -v ac="${cpu[mixdown-analyze]}" 'BEGIN {
      printf "  %-32s %+7.1f%% wall, %+.1f%% CPU\n", "summary over --quiet", 100 * (d / q - 1), 100 * (dc / qc - 1)
      printf "  %-32s %7.2f× wall, %.2f× CPU\n", "analyze against --quiet", a / q, ac / qc }'
    unset wall cpu mem
  done
done
echo "(vs best: the fastest peer's wall time over this tool's; medians of $repeats runs; $(nproc) cores)"

# Silence and the render cache, on the channel-strip graph (no peers: these
# are mixdown against itself).  Tracks: 32, or the largest count run above.
extra_n=32
case " $tracks_list " in *" 32 "*) ;; *) extra_n=$max_tracks ;; esac

# Loud, 20 s of digital silence, loud again (the filters' and compressors'
# tails decay through the subnormal range in the gap): no slower than the
# same tracks loud all the way.
write_gapped() { # N FILE
  sed -E 's/file: (track[0-9]+\.wav),/clips: [{file: \1, length: 20}, {file: \1, start: 40, offset: 40}],/' \
    "$work/session-$1-0.yaml" > "$2"
}
write_gapped "$extra_n" "$work/session-$extra_n-gap.yaml"
read -r loud_w loud_c _ < <(bench_tool bash -c "cd '$work' && '$OLDPWD/$mixdown' render session-$extra_n-0.yaml -o out.wav -q")
read -r gap_w gap_c _ < <(bench_tool bash -c "cd '$work' && '$OLDPWD/$mixdown' render session-$extra_n-gap.yaml -o out.wav -q")
echo
echo "$extra_n tracks, silence:"
printf '  %-32s %8.2f %8.2f\n' "loud for 60 s" "$loud_w" "$loud_c" "loud, 20 s of silence, loud" "$gap_w" "$gap_c"

# The cache: one track's compressor threshold changes between renders.
rm -rf "$work/cache"
(cd "$work" && "$OLDPWD/$mixdown" render "session-$extra_n-0.yaml" -o out.wav -q --cache cache)
sync # time the re-render, not the kernel writing back the cold render's cache files
changed_walls=()
for ((r = 0; r < repeats; ++r)); do
  sed "0,/threshold_db: -18/s//threshold_db: -$((19 + r))/" "$work/session-$extra_n-0.yaml" > "$work/session-changed.yaml"
  read -r w _ _ < <(measure bash -c "cd '$work' && '$OLDPWD/$mixdown' render session-changed.yaml -o out.wav -q --cache cache")
  changed_walls+=("$w")
done
changed_w=$(printf '%s\n' "${changed_walls[@]}" | median)
echo "$extra_n tracks, render cache (one track changed since the last render):"
printf '  %-32s %8.2f\n' "full render" "$loud_w" "with --cache" "$changed_w"
awk -v f="$loud_w" -v c="$changed_w" 'BEGIN { printf "  %-32s %7.1f×\n", "cache speed-up", f / c }'
rm -rf "$work/cache"
