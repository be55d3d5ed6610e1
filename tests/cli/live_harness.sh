# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash disable=SC2034,SC2154 # variables set for and by the scripts that source it
# Shared by the scripts that play through a real JACK server (test_live.sh,
# test_take.sh), sourced after harness.sh with $mixdown and $live (the
# build's mixdown-livetool) set: a private work folder and server name,
# jackd started and stopped, and the capture client (mixdown-livetool
# capture) that records what `mixdown play` sends to JACK.

# live_begin WORK_NAME SERVER_NAME: $work, a fresh folder (removed at exit
# unless MIXDOWN_TEST_KEEP is set) made the current directory, and a
# private JACK server name, so nothing else on the machine is disturbed.
live_begin() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-$1-XXXXXX")
  export JACK_DEFAULT_SERVER="mixdown-$2-$$"
  jackd_pid=
  trap 'stop_jackd; [ -n "${MIXDOWN_TEST_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
  cd "$work" || exit 1
}

# How many periods the server did not wait for (each one dropped from
# what a capture records): for a failure's message.
jackd_dropped_periods() {
  grep -c 'ProcessGraphSync: Process error' "$work/jackd.log" 2>/dev/null
}

stop_jackd() {
  if [ -n "$jackd_pid" ]; then
    kill "$jackd_pid" 2>/dev/null
    wait "$jackd_pid" 2>/dev/null
    jackd_pid=
  fi
}

# A synchronous server (-S) waits for every client each period, so a
# period that a busy machine schedules late delays the graph instead of
# dropping its audio — but only as long as the client timeout, which jackd
# sets to two periods unless -t asks for more (2.7 ms at 64 frames: a
# loaded CI machine went past it, the server logged "ProcessGraphSync:
# Process error" and the capture lost that period).  -t 2000: two seconds,
# under the 5 s watchdog of a real-time server.
start_jackd() { # PERIOD
  local realtime
  # Real-time scheduling where the user may have it; without it (no
  # privilege), jackd in its plain mode rather than no test at all.
  for realtime in "" --no-realtime; do
    stop_jackd
    jackd $realtime -S -t 2000 -d dummy -r 48000 -p "$1" >"$work/jackd.log" 2>&1 &
    jackd_pid=$!
    for _ in $(seq 1 100); do
      jack_lsp >/dev/null 2>&1 && return 0
      kill -0 "$jackd_pid" 2>/dev/null || break
      sleep 0.05
    done
  done
  return 1
}

# Starts the capture client in the background (SECONDS of audio, then it
# writes cap.wav, prints its summary to cap.out and exits; its process id
# in $cap_pid) and waits until it is connected.
start_capture() { # SECONDS
  rm -f cap.wav cap.out cap.err
  "$live" capture cap.wav "$1" >cap.out 2>cap.err &
  cap_pid=$!
  for _ in $(seq 1 100); do grep -q ready cap.err 2>/dev/null && break; sleep 0.02; done
}

# Captures while `mixdown play ARGS…` runs to its end; $out/$err/$rc are
# play's (also in play.stdout, $work/stderr and play.rc, and its process id
# in play.pid, for a run in the background).
play_captured() { # SECONDS ARGS…
  local seconds=$1 pid
  shift
  rm -f play.pid play.rc
  start_capture "$seconds"
  "$mixdown" play "$@" --connect capture:left,capture:right >play.stdout 2>"$work/stderr" &
  pid=$!
  echo "$pid" >play.pid
  wait "$pid"
  rc=$?
  echo "$rc" >play.rc
  out=$(cat play.stdout)
  err=$(cat "$work/stderr")
  kill -TERM "$cap_pid" 2>/dev/null
  wait "$cap_pid"
}

# Starts the capture and `mixdown play ARGS…` (in the background, its
# process id in $play_pid; its output in play.stdout and play.stderr).
start_captured_play() { # SECONDS ARGS…
  local seconds=$1
  shift
  start_capture "$seconds"
  "$mixdown" play "$@" --connect capture:left,capture:right >play.stdout 2>play.stderr &
  play_pid=$!
}

# Waits until the capture has its seconds of audio (audio time, not wall
# time: a minute at most), then stops play with Ctrl-C (by its process id:
# other runs may be playing on this machine) and sets $play_rc.
finish_captured_play() {
  for _ in $(seq 1 600); do kill -0 "$cap_pid" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$cap_pid" 2>/dev/null
  wait "$cap_pid"
  kill -INT "$play_pid" 2>/dev/null
  wait "$play_pid"
  play_rc=$?
}
