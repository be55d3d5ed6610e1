#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The batch benchmark (make bench-batch, issue 20): throughput in items per
# minute on many short mixes, side by side in one run —
#   batch      mixdown batch run MANIFEST --range 0:M --jobs J
#   loop       a shell loop of `mixdown render SESSION -o OUT -q` (one
#              render at a time, each on all cores: render's default)
#   parallel   GNU parallel -j J running `mixdown render … -q --threads 1`
# over the same M item sessions (the channel-strip graph of bench/run.sh
# on 4 tracks, each item with its own fader and pan values so no two
# renders are the same), no cache.  Every output is removed before each
# timed run (batch would skip what is done); the bytes of the three are
# compared once.  Medians of REPEATS runs.
#
#   bench/batch.sh [BUILD]    environment: BENCH_ITEMS (100), BENCH_ITEM_SECONDS
#                             (4), BENCH_JOBS (2), BENCH_REPEATS (3)
set -euo pipefail
build=${1:-build}
items=${BENCH_ITEMS:-100}
item_s=${BENCH_ITEM_SECONDS:-4}
jobs=${BENCH_JOBS:-2}
repeats=${BENCH_REPEATS:-3}
mixdown=$(cd "$(dirname "$build/mixdown")" && pwd)/mixdown
work="$build/bench-batch-work"
tracks=4

"$mixdown" batch --help > /dev/null 2>&1 || { echo "bench-batch: $mixdown has no batch command" >&2; exit 1; }
have_parallel=1
command -v parallel > /dev/null 2>&1 || { have_parallel=0; echo "bench-batch: no GNU parallel (apt-get install parallel): its row is left out" >&2; }

rm -rf "$work"
mkdir -p "$work/sessions"
"$build/bench-gen-stems" "$work" "$tracks" "$item_s"
# shellcheck source=session.sh
. "$(dirname "$0")/session.sh"
write_session "$tracks" 0 "$work/template.yaml"

# M item sessions (for render) and one manifest over them (for batch): the
# same files, so the three render the same mixes.  Item i: track 0's fader
# and track 1's pan vary.
: > "$work/jobs.jsonl"
for ((i = 0; i < items; ++i)); do
  id=$(printf 'item%04d' "$i")
  gain=$(awk -v i="$i" 'BEGIN { printf "%.2f", -12 + (i * 37 % 100) / 10 }')
  pan=$(awk -v i="$i" 'BEGIN { printf "%.3f", -0.9 + (i * 53 % 100) / 55.5 }')
  sed -e "0,/gain_db: -3/s//gain_db: $gain/" \
      -e "0,/name: t001, file: track001.wav, gain_db: -3, pan: [-0-9.]*/s//name: t001, file: track001.wav, gain_db: -3, pan: $pan/" \
      -e "s|file: track|file: ../track|" "$work/template.yaml" > "$work/sessions/$id.yaml"
  printf '{"id": "%s", "session": "sessions/%s.yaml", "output": "%s.wav"}\n' "$id" "$id" "$id" >> "$work/jobs.jsonl"
done

run_batch() { rm -rf "$work/out-batch"; "$mixdown" batch run "$work/jobs.jsonl" --range "0:$items" --jobs "$jobs" --out "$work/out-batch" -q; }
run_loop() {
  rm -rf "$work/out-loop"; mkdir -p "$work/out-loop"
  local s
  for s in "$work"/sessions/*.yaml; do
    "$mixdown" render "$s" -o "$work/out-loop/$(basename "$s" .yaml).wav" -q
  done
}
run_parallel() {
  rm -rf "$work/out-parallel"; mkdir -p "$work/out-parallel"
  parallel --will-cite -j "$jobs" "'$mixdown'" render {} -o "'$work/out-parallel'/{/.}.wav" -q --threads 1 \
    ::: "$work"/sessions/*.yaml
}

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

tools=(batch loop)
[ $have_parallel = 1 ] && tools+=(parallel)
declare -A wall=()
declare -A samples=()
# Interleaved (batch, loop, parallel, batch, …) so a change in the
# machine's load falls on all three alike.
for ((r = 0; r < repeats; ++r)); do
  for t in "${tools[@]}"; do
    t0=$(now)
    "run_$t"
    t1=$(now)
    samples[$t]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') "
  done
done
for t in "${tools[@]}"; do
  # shellcheck disable=SC2086
  wall[$t]=$(printf '%s\n' ${samples[$t]} | median)
done

same="yes"
for ((i = 0; i < items; ++i)); do
  id=$(printf 'item%04d' "$i")
  for t in "${tools[@]}"; do
    cmp -s "$work/out-batch/$id.wav" "$work/out-$t/$id.wav" || same="no ($t differs at $id)"
  done
done

best=""
for t in "${tools[@]}"; do
  [ "$t" = batch ] && continue
  if [ -z "$best" ] || awk -v a="${wall[$t]}" -v b="${wall[$best]}" 'BEGIN { exit !(a < b) }'; then best=$t; fi
done
echo "$items items of $item_s s ($tracks tracks, the channel-strip graph), --jobs $jobs, $(nproc) cores, median of $repeats"
printf '  %-44s %8s %12s %8s\n' "tool" "wall s" "items/min" "vs best"
for t in "${tools[@]}"; do
  case $t in
    batch) label="mixdown batch run --jobs $jobs" ;;
    loop) label="shell loop of mixdown render" ;;
    parallel) label="GNU parallel -j $jobs mixdown render --threads 1" ;;
  esac
  printf '  %-44s %8.2f %12.1f %7.2f×\n' "$label" "${wall[$t]}" \
    "$(awk -v w="${wall[$t]}" -v n="$items" 'BEGIN { print n / w * 60 }')" \
    "$(awk -v w="${wall[$t]}" -v b="${wall[$best]}" 'BEGIN { print b / w }')"
done
echo "  (vs best: the faster of loop and parallel, its wall time over the row's)"
for t in "${tools[@]}"; do echo "  runs of $t (s): ${samples[$t]}"; done
echo "  same bytes in all: $same"
