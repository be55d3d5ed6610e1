#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How fast the live audio thread is (make bench-live): `mixdown play` of the
# benchmark's channel-strip graph (bench/session.sh, with the reverb send)
# through a real-time `jackd -d dummy` at 256- and 64-frame periods, each
# run repeated; printed per row: the audio thread's mean DSP load (median
# of the runs), its worst period (the highest of the runs), JACK's own
# figure and the xruns.  This is a measurement, not a test: a busy or
# virtual machine schedules real-time threads late, and that shows here as
# worst periods and xruns the audio thread did not cause (compare JACK's
# own load, and the row of an empty session).  The live tests check what
# play computes (tests/cli/test_live.sh, synchronous server), not this.
#
#   bench/live.sh [BUILD]   environment: BENCH_LIVE_TRACKS ("0 16 32 128"),
#                           BENCH_LIVE_PERIODS ("256 64"),
#                           BENCH_LIVE_SECONDS (20), BENCH_REPEATS (3)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
tracks_list=${BENCH_LIVE_TRACKS:-"0 16 32 128"}
periods=${BENCH_LIVE_PERIODS:-"256 64"}
seconds=${BENCH_LIVE_SECONDS:-20}
repeats=${BENCH_REPEATS:-3}
mixdown="$build/mixdown"
work="$build/bench-live-work"
command -v jackd >/dev/null || { echo "bench/live.sh: jackd is needed (scripts/install-deps.sh installs jackd2)" >&2; exit 1; }
mkdir -p "$work"
# shellcheck source=session.sh
. "$(dirname "$0")/session.sh"

max_tracks=1
for n in $tracks_list; do [ "$n" -gt "$max_tracks" ] && max_tracks=$n; done
stamp="$work/stems-$max_tracks-$seconds.stamp"
if [ ! -f "$stamp" ]; then
  rm -f "$work"/stems-*.stamp
  "$build/bench-gen-stems" "$work" "$max_tracks" "$seconds"
  touch "$stamp"
fi
for n in $tracks_list; do
  if [ "$n" -eq 0 ]; then # the machine's own noise: one track, no strip
    printf 'mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: t, file: track000.wav}\n' > "$work/live-0.yaml"
  else
    write_session "$n" 1 "$work/live-$n.yaml"
  fi
done

export JACK_DEFAULT_SERVER="mixdown-bench-$$"
jackd_pid=
stop_jackd() { [ -n "$jackd_pid" ] && kill "$jackd_pid" 2>/dev/null && wait "$jackd_pid" 2>/dev/null; jackd_pid=; }
trap stop_jackd EXIT
start_jackd() { # PERIOD (real-time where allowed, as a user runs it)
  local realtime
  for realtime in "" --no-realtime; do
    stop_jackd
    jackd $realtime -d dummy -r 48000 -p "$1" >"$work/jackd.log" 2>&1 &
    jackd_pid=$!
    for _ in $(seq 1 100); do
      jack_lsp >/dev/null 2>&1 && { echo "${realtime:-realtime}"; return 0; }
      kill -0 "$jackd_pid" 2>/dev/null || break
      sleep 0.05
    done
  done
  return 1
}

echo "live: $(nproc) cores, $seconds s per run, $repeats runs per row"
printf '%-8s %7s  %10s  %12s  %10s  %s\n' tracks period "mean load" "worst period" "JACK load" "xruns (per run)"
for period in $periods; do
  mode=$(start_jackd "$period") || { echo "bench/live.sh: jackd did not start" >&2; cat "$work/jackd.log" >&2; exit 1; }
  for n in $tracks_list; do
    means=() worst=0 jack=() xruns=()
    for ((r = 0; r < repeats; ++r)); do
      out=$("$mixdown" play "$work/live-$n.yaml" 2>&1)
      means+=("$(echo "$out" | sed -n 's/^ *DSP load *\([0-9.]*\)% mean.*/\1/p')")
      w=$(echo "$out" | sed -n 's/^ *DSP load.* \([0-9.]*\)% worst period.*/\1/p')
      worst=$(awk -v a="$worst" -v b="${w:-0}" 'BEGIN { print (b > a ? b : a) }')
      jack+=("$(echo "$out" | sed -n 's/.*(JACK: \([0-9.]*\)%).*/\1/p')")
      xruns+=("$(echo "$out" | sed -n 's/^ *xruns *\([0-9]*\).*/\1/p')")
    done
    median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    printf '%-8s %7s  %9s%%  %11s%%  %9s%%  %s\n' "$n" "$period" "$(median "${means[@]}")" "$worst" \
      "$(median "${jack[@]}")" "${xruns[*]}"
  done
  echo "  (jackd $mode, $period frames = $(awk -v p="$period" 'BEGIN { printf "%.2f", p / 48 }') ms)"
done
