#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What `mixdown serve` costs while it plays to a page (make bench-serve):
#
#  1. CPU: `mixdown serve` of the benchmark's channel-strip session
#     (bench/session.sh, with the reverb send) at 32 and 128 tracks,
#     listened to by a headless client (bench/serve_client.py: a page's
#     worklet without a browser, crediting in real time) for
#     BENCH_SERVE_SECONDS of playing after a warm-up; from /proc the CPU
#     time (utime + stime) of the whole process and of its render-ahead
#     thread (named mixdown-audio), as a percentage of one core; and what
#     the client saw: underruns and the frames it held (min … max).
#  2. The page: Debian's chromium (through playwright-core from
#     tests/browser/node_modules: scripts/install-test-deps.sh) showing the
#     console of each session while playing; requestAnimationFrame callbacks
#     (frames/s, the longest frame) and meters messages handled per second
#     over BENCH_SERVE_PAGE_SECONDS, and the time to the first full draw
#     (bench/serve_page.mjs; BENCH_SERVE_WEB=DIR serves the page's assets
#     from DIR, to compare two versions of web/).
#
# A measurement, not a test (the browser tests check the stream itself).
#
#   bench/serve.sh [BUILD]   environment: BENCH_SERVE_TRACKS ("32 128"),
#                            BENCH_SERVE_SECONDS (30), BENCH_SERVE_PAGE_SECONDS (10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
tracks_list=${BENCH_SERVE_TRACKS:-"32 128"}
seconds=${BENCH_SERVE_SECONDS:-30}
page_seconds=${BENCH_SERVE_PAGE_SECONDS:-10}
warmup=3
song_seconds=$((seconds + warmup + page_seconds + 10)) # it must not end while measured
mixdown="$build/mixdown"
work="$build/bench-serve-work"
mkdir -p "$work"
# shellcheck source=session.sh
. "$here/session.sh"

max_tracks=1
for n in $tracks_list; do [ "$n" -gt "$max_tracks" ] && max_tracks=$n; done
stamp="$work/stems-$max_tracks-$song_seconds.stamp"
if [ ! -f "$stamp" ]; then
  rm -f "$work"/stems-*.stamp
  "$build/bench-gen-stems" "$work" "$max_tracks" "$song_seconds"
  touch "$stamp"
fi
for n in $tracks_list; do write_session "$n" 1 "$work/serve-$n.yaml"; done

server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -INT "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT

free_udp_port() { python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_server() { # SESSION → $url, $server_pid, $osc (the OSC port: play is also said there)
  rm -f "$work/serve.out"
  osc=$(free_udp_port)
  "$mixdown" serve "$1" --port 0 --osc "$osc" >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  url=
  for _ in $(seq 1 300); do
    url=$(head -n 1 "$work/serve.out" 2>/dev/null || true)
    case "$url" in http://*) return 0 ;; esac
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench/serve.sh: mixdown serve printed no URL" >&2
  cat "$work/serve.err" >&2
  exit 1
}

ticks() { # PID [TID]: utime + stime, clock ticks
  local stat
  stat=$(cat "/proc/$1${2:+/task/$2}/stat")
  echo "${stat##*) }" | awk '{ print $12 + $13 }'
}

audio_thread() { # PID: the render-ahead thread's id
  local t
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = mixdown-audio ] && { basename "$t"; return 0; }
  done
  return 1
}

wait_for() { # FILE WORD
  for _ in $(seq 1 $(((seconds + warmup + 30) * 20))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

hz=$(getconf CLK_TCK)
echo "serve: $(nproc) cores ($(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1)), $seconds s of playing per row"
printf '%-7s %10s %13s %10s %12s %8s  %s\n' tracks process "audio thread" underruns "held frames" meters/s "client"
for n in $tracks_list; do
  start_server "$work/serve-$n.yaml"
  rm -f "$work/span"
  python3 "$here/serve_client.py" "$url" --seconds "$seconds" --warmup "$warmup" --start-file "$work/span" \
    --osc "$osc" >"$work/client.json" &
  client_pid=$!
  wait_for "$work/span" start || { echo "bench/serve.sh: the client never started" >&2; exit 1; }
  tid=$(audio_thread "$server_pid") || { echo "bench/serve.sh: no mixdown-audio thread (is it streaming?)" >&2; exit 1; }
  p0=$(ticks "$server_pid") a0=$(ticks "$server_pid" "$tid") t0=$(date +%s.%N)
  wait_for "$work/span" end || { echo "bench/serve.sh: the client never ended" >&2; exit 1; }
  p1=$(ticks "$server_pid") a1=$(ticks "$server_pid" "$tid") t1=$(date +%s.%N)
  wait "$client_pid" || { echo "bench/serve.sh: the client failed" >&2; exit 1; }
  stop_server
  python3 - "$work/client.json" "$n" "$p0" "$p1" "$a0" "$a1" "$t0" "$t1" "$hz" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
n, p0, p1, a0, a1, t0, t1, hz = sys.argv[2], *map(float, sys.argv[3:])
wall = t1 - t0
process = 100.0 * (p1 - p0) / hz / wall
audio = 100.0 * (a1 - a0) / hz / wall
print(f"{n:<7} {process:9.1f}% {audio:12.1f}% {c['underruns']:10d} {c['held_min']:5d} … {c['held_max']:<5d} "
      f"{c['meters'] / c['seconds']:8.1f}  {c['frames_received'] / c['seconds'] / c['rate']:.3f}× real time received, "
      f"{100.0 * c['frames_playing'] / max(c['frames_received'], 1):.0f}% playing")
EOF
done

if [ ! -d "$here/../tests/browser/node_modules/playwright-core" ]; then
  echo "page: skipped (no tests/browser/node_modules: run scripts/install-test-deps.sh)"
  exit 0
fi
for n in $tracks_list; do
  start_server "$work/serve-$n.yaml"
  node "$here/serve_page.mjs" "$url" "$page_seconds" "$n"
  stop_server
done
