#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Live playback (mixdown play) against a real JACK server: `jackd -d dummy`
# is started here (a private server name, so nothing else is disturbed) and
# stopped at the end.  A capture client (mixdown-livetool capture) records
# what play sends to JACK, and that is measured: a null against the offline
# render at 256- and 64-frame periods, OSC moves heard and metered,
# transport, loops, recorded automation, a stalled disk.
#   tests/cli/test_live.sh BUILD_DIR [--sanitized]
# The server runs synchronously (-S): it waits for every client each
# period, so a period that a busy machine schedules late delays the graph
# instead of dropping its audio.  What is tested is what play computes and
# sends, exactly; how fast the audio thread is — DSP load, worst period,
# xruns on an asynchronous server — is printed here and measured in
# bench/live.sh, never held against a noisy machine.
# --sanitized (the ASan/UBSan build): 256-frame periods only.
set -u
build=$(cd "${1:?usage: test_live.sh BUILD_DIR [--sanitized]}" && pwd)
sanitized=${2:-}
mixdown="$build/mixdown"
live="$build/mixdown-livetool"
here=$(cd "$(dirname "$0")" && pwd)

# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"
finish() { echo "live: $passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit $?; }

# shellcheck source=live_harness.sh
. "$here/live_harness.sh"
live_begin live test


# ------------------------------------------------------------ material
# 16 tracks with full channel strips: EQ, compressor, gates and de-essers
# on some, pans spread, sends to a reverb and a delay bus, clips with
# offsets and fades, one source at 44.1 kHz (resampled), master dynamics.
for k in $(seq 1 16); do
  rate=48000
  [ "$k" -eq 5 ] && rate=44100
  "$live" stem "stem$k.wav" 4 "$k" $(( k % 3 == 0 ? 1 : 2 )) "$rate"
done
{
  echo "mixdown: 1"
  echo "sample_rate: 48000"
  echo "tracks:"
  for k in $(seq 1 16); do
    pan=$(awk -v k="$k" 'BEGIN { printf "%.3f", -0.9 + 1.8 * (k - 1) / 15 }')
    clips="file: stem$k.wav"
    [ "$k" -eq 2 ] && clips="clips: [{file: stem$k.wav, start: 0.25, offset: 0.5, fade_in: 0.05, fade_out: 0.3}]"
    [ "$k" -eq 7 ] && clips="clips: [{file: stem$k.wav, length: 1.5, fade_out: 0.1}, {file: stem$k.wav, start: 2, offset: 1, gain_db: -3, fade_in: 0.02}]"
    extra=""
    [ $((k % 4)) -eq 0 ] && extra=", {type: gate, threshold_db: -40, range_db: 30, attack_ms: 1, hold_ms: 20, release_ms: 80}"
    [ $((k % 5)) -eq 0 ] && extra="$extra, {type: deesser, freq: 6000, threshold_db: -30, range_db: 6}"
    echo "  - {name: t$k, $clips, gain_db: -6, pan: $pan,"
    echo "     inserts: [{type: eq, bands: [{type: highpass, freq: 60, slope: 24}, {type: bell, freq: $((300 * k)), gain_db: -3, q: 1.2}, {type: highshelf, freq: 9000, gain_db: 2}]},"
    echo "               {type: compressor, threshold_db: -20, ratio: 3, attack_ms: 5, release_ms: 80, knee_db: 6}$extra],"
    echo "     sends: [{to: room, level_db: -14}, {to: echo, level_db: -20, pre_fader: $([ $((k % 2)) -eq 0 ] && echo true || echo false)}]}"
  done
  echo "buses:"
  echo "  - {name: room, inserts: [{type: reverb, decay_s: 1.2, predelay_ms: 12, mix: 1}]}"
  echo "  - {name: echo, inserts: [{type: delay, time_ms: 180, feedback: 0.4, mix: 1}]}"
  echo "master:"
  echo "  inserts:"
  echo "    - {type: compressor, threshold_db: -12, ratio: 2, attack_ms: 10, release_ms: 150}"
  echo "    - {type: limiter, ceiling_db: -1, true_peak: true}"
  echo "output: {file: mix.wav}"
} > strips.yaml

"$build/mixdown-testtool" sine a440.wav 6 440 1 48000
"$build/mixdown-testtool" sine b1000.wav 6 1000 1 48000
cat > two.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: a440.wav, gain_db: -6, pan: -1,
     inserts: [{type: eq, bands: [{type: bell, freq: 440, gain_db: 0, q: 1}]}]}
  - {name: b, file: b1000.wav, gain_db: -6, pan: 1, sends: [{to: fx, level_db: -144}]}
buses:
  - {name: fx}
output: {file: two.wav}
YAML
# Two sections: 440 Hz for 2 s, then 1 kHz from 3 s (for locate).
cat > sections.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: low, clips: [{file: a440.wav, length: 2}]}
  - {name: high, clips: [{file: b1000.wav, start: 3, length: 3}]}
output: {file: sections.wav}
YAML
for k in 1 2; do "$live" stem "plain$k.wav" 4 $((k + 40)) 2 48000; done
cat > plain.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: p1, file: plain1.wav, gain_db: -3, pan: -0.5}
  - {name: p2, file: plain2.wav, gain_db: -5, pan: 0.5}
output: {file: plain.wav}
YAML

# ------------------------------------------------------------ usage
run "$mixdown" play --help
[ "$rc" -eq 0 ] && [[ "$out" == *"--osc PORT"* ]] && ok "play --help" || fail "play --help" "rc=$rc"
run "$mixdown" play two.yaml --loop 3 1
[ "$rc" -eq 2 ] && [[ "$err" == *"A < B"* ]] && ok "play --loop 3 1: exit 2, says A < B" || fail "play --loop 3 1" "rc=$rc" "$err"
for bad in "--from nan" "--from inf" "--from 1e15" "--loop nan 3" "--loop 0 1e15"; do
  run "$mixdown" play two.yaml $bad
  [ "$rc" -eq 2 ] && [[ "$err" == *"(0 … 86400)"* ]] && ok "play $bad: exit 2 with the valid range" \
    || fail "play $bad" "rc=$rc" "$err"
done
run "$mixdown" play two.yaml --osc 70000
[ "$rc" -eq 2 ] && [[ "$err" == *"1 … 65535"* ]] && ok "play --osc 70000: exit 2 with the range" || fail "play --osc 70000" "rc=$rc" "$err"
run "$mixdown" play two.yaml --frobnicate
[ "$rc" -eq 2 ] && ok "play with an unknown option: exit 2" || fail "play unknown option" "rc=$rc"
printf 'mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: a, file: a440.wav, gian_db: 1}\n' > bad.yaml
run "$mixdown" play bad.yaml
[ "$rc" -eq 2 ] && [[ "$err" == *"bad.yaml:4:"*"gain_db"* ]] && ok "play of a broken session: FILE:LINE:COL, exit 2" \
  || fail "play of a broken session" "rc=$rc" "$err"

# ------------------------------------------------------------ no server
run "$mixdown" play two.yaml
[ "$rc" -eq 1 ] && [[ "$err" == *"JACK server"* ]] && ok "no JACK server: exit 1, says so" || fail "no JACK server" "rc=$rc" "$err"

if ! command -v jackd >/dev/null 2>&1; then
  skip "jackd is not installed (scripts/install-deps.sh installs jackd2)"
  finish
fi

# Ctrl-C to the player that play_captured runs in the background (by its
# process id: other runs of this script may be playing on this machine).
# Waits (a minute at most) until a capture has all the seconds it was
# asked for and has written them: audio time, not wall time.
wait_capture_full() {
  for _ in $(seq 1 600); do grep -q '^xruns' cap.out 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# The window from 0.6 to 0.1 s before the end of a capture, in seconds.
last_half_second() { # WAV
  "$live" finite "$1" | awk '{ d = $2 / 48000; printf "%.3f %.3f", d - 0.6, d - 0.1 }'
}

stop_play() {
  for _ in $(seq 1 100); do [ -s play.pid ] && break; sleep 0.02; done
  kill -INT "$(cat play.pid)" 2>/dev/null
}

"$mixdown" render strips.yaml -o strips-ref.wav --bits float -q || fail "render strips.yaml"
# Under the sanitizers everything is several times slower: one period size.
periods="256 64"
[ -n "$sanitized" ] && periods=256
for period in $periods; do
  if ! start_jackd "$period"; then
    fail "jackd -d dummy -p $period did not start" "$(cat "$work/jackd.log")"
    continue
  fi
  play_captured 12 strips.yaml
  echo "$out" | sed -n -e 's/^ *DSP load/    DSP load/p' -e 's/^ *xruns/    xruns/p'
  [ "$rc" -eq 0 ] && ok "period $period: 16 tracks with full strips play to the end" || fail "period $period: play" "rc=$rc" "$err"
  run_null=$("$live" null strips-ref.wav cap.wav)
  residual=$(echo "$run_null" | sed -n 's/^residual_db //p')
  below "${residual:-0}" -90 && ok "period $period: play nulls against render: residual $residual dB (< -90)" \
    || fail "period $period: null against render" "$run_null" "periods jackd did not wait for: $(jackd_dropped_periods)"
done

# ------------------------------------------------------------ OSC
port=$((20000 + $$ % 20000))
meters_port=$((port + 1))
dump_pid=
if command -v oscsend >/dev/null 2>&1 && command -v oscdump >/dev/null 2>&1; then
  oscdump "$meters_port" >dump.txt 2>&1 &
  dump_pid=$!
  rm -f cap.out
  play_captured 8 two.yaml --osc "$port" --record-automation rec.yaml &
  player=$!
  sleep 0.6
  oscsend localhost "$port" /meters/subscribe i "$meters_port"
  sleep 1.2
  oscsend localhost "$port" /track/a/gain_db f -26
  oscsend localhost "$port" /track/a/insert/1/bands/1/gain_db f 12
  oscsend localhost "$port" /track/bb/gain_db f 0
  oscsend localhost "$port" /track/a/gain_db f 100
  oscsend localhost "$port" /track/a/gain_db f -26
  oscsend localhost "$port" /track/b/mute i 1
  wait_capture_full # 8 s of audio captured, the moves within its first 2 s
  stop_play
  wait "$player"
  kill "$dump_pid" 2>/dev/null
  wait "$dump_pid" 2>/dev/null
  play_out=$(cat "$work/stderr")
  # The moves were sent 1.8 s of wall time after play began: at 1.8 s of
  # audio at the latest (a busy machine runs the synchronous graph late,
  # never early), so 4–5 s is after them however the machine schedules.
  before=$("$live" level cap.wav 0.2 1.0 440)
  b_before=$("$live" level cap.wav 0.2 1.0 1000)
  after=$("$live" level cap.wav 4.0 5.0 440)
  b_after=$("$live" level cap.wav 4.0 5.0 1000)
  near "$before" -12.02 0.05 && near "$after" -20.02 0.1 \
    && ok "OSC: /track/a/gain_db -26 and a +12 dB bell on 440 Hz: $before → $after dBFS (−12.02 − 20 + 12)" \
    || fail "OSC gain and EQ move" "before $before, after $after"
  near "$b_before" -12.02 0.05 && below "$b_after" -100 && ok "OSC: /track/b/mute 1 silences b: $b_before → $b_after dBFS" \
    || fail "OSC mute" "before $b_before, after $b_after"
  [[ "$play_out" == *"unknown track \`bb\` (did you mean \`b\`?)"* ]] && ok "OSC: an unknown track is named, with the nearest" \
    || fail "OSC unknown track message" "$play_out"
  [[ "$play_out" == *"out of range -144…24 dB: 24 used"* ]] && ok "OSC: an out-of-range value is clamped and said so" \
    || fail "OSC clamp message" "$play_out"
  peak=$(sed -n 's|.*/meters/track/a ff \([-0-9.]*\) .*|\1|p' dump.txt | head -n 1)
  rms=$(sed -n 's|.*/meters/track/a ff [-0-9.]* \([-0-9.]*\)|\1|p' dump.txt | head -n 1)
  # The 8th round of meters (0.8 s after subscribing, 0.4 s before the
  # first move): the 0.4 s momentary window holds the steady mix, not the
  # silence before the transport started, however late a busy machine starts it.
  lufs=$(sed -n 's|.*/meters/master/loudness f \([-0-9.]*\)|\1|p' dump.txt | sed -n 8p)
  near "${peak:-0}" -12.02 0.05 && near "${rms:-0}" -18.04 0.1 \
    && ok "OSC meters: track a peak $peak dBFS, RMS $rms dB (a −12.02 dBFS sine on one side: −12.02, −18.04)" \
    || fail "OSC meters" "peak ${peak:-none} rms ${rms:-none}" "$(head -n 5 dump.txt)"
  grep -q '/transport/position fi' dump.txt && ok "OSC: the transport position goes out with the meters" \
    || fail "OSC transport position" "$(grep -m 3 transport dump.txt)"
  # Before any move the mix is steady: its momentary loudness is the
  # integrated loudness of the offline render.
  "$mixdown" render two.yaml -o two-ref.wav -q
  expected=$("$mixdown" analyze two-ref.wav --json | sed -n 's/.*"integrated_lufs": *\([-0-9.]*\).*/\1/p')
  [ -n "$lufs" ] && near "$lufs" "${expected:-0}" 0.2 \
    && ok "OSC meters: master momentary loudness $lufs LUFS (render: $expected LUFS integrated)" \
    || fail "OSC loudness meter" "${lufs:-none} against ${expected:-none}"
  # The recording: moves as envelopes; rendered, it plays what was heard.
  run "$mixdown" check rec.yaml
  [ "$rc" -eq 0 ] && ok "recorded automation: the session copy is valid" || fail "recorded session" "$err"
  grep -q '^  - {name: b, .*, mute: {points: \[\[0, 0\], ' rec.yaml && [[ "$play_out" != *"not recorded"* ]] \
    && ok "recorded automation: fader, EQ and mute moves written as envelopes" \
    || fail "recorded automation content" "$play_out"
  "$mixdown" render rec.yaml -o rec.wav --bits float -q
  rec_before=$("$live" level rec.wav 0.2 1.0 440)
  # The second point of a's fader envelope is where the move began (the
  # take keeps the session's flow layout: `gain_db: {points: [[0, -6], [T, -6], …`).
  move_s=$(sed -n 's/^  - {name: a, .*gain_db: {points: \[\[0, -6\], \[\([0-9.]*\), .*/\1/p' rec.yaml)
  rec_after=$(awk -v m="${move_s:-1}" 'BEGIN { printf "%.3f %.3f", m + 0.5, m + 1.0 }')
  rec_after=$("$live" level rec.wav $rec_after 440)
  rec_b=$(awk -v m="${move_s:-1}" 'BEGIN { printf "%.3f %.3f", m + 0.5, m + 1.0 }')
  rec_b=$("$live" level rec.wav $rec_b 1000)
  near "$rec_before" -12.02 0.05 && near "$rec_after" -20.02 0.1 && below "$rec_b" -100 \
    && ok "recorded automation renders the performance: a $rec_before → $rec_after dBFS at 440 Hz, b muted ($rec_b dBFS)" \
    || fail "recorded automation render" "before $rec_before, after $rec_after, b $rec_b (move at ${move_s:-?} s)"

  # Transport: locate into the second section while playing, then stop.
  play_captured 8 sections.yaml --osc "$port" &
  player=$!
  sleep 1.2
  oscsend localhost "$port" /transport/locate f 3.5
  sleep 1.0
  oscsend localhost "$port" /transport/stop
  sleep 1.2
  stop_play
  wait "$player"
  low=$("$live" level cap.wav 0.1 0.5 440)
  high=$("$live" level cap.wav 1.4 1.8 1000)
  tail=$("$live" level cap.wav 2.6 3.0)
  near "$low" -9.03 0.05 && near "$high" -9.03 0.05 && below "$tail" -100 \
    && ok "OSC transport: locate 3.5 s jumps to the 1 kHz section ($high dBFS); stop silences ($tail dBFS)" \
    || fail "OSC transport" "low $low, high $high, after stop $tail"

  # A loop set over OSC while playing, then taken off: 1 kHz plays for the
  # first 2 s, 440 Hz after; looping 1–2 s keeps the 440 Hz away.
  cat > loopy.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: high, clips: [{file: b1000.wav, length: 2}]}
  - {name: low, clips: [{file: a440.wav, start: 2, length: 4}]}
output: {file: loopy.wav}
YAML
  play_captured 9 loopy.yaml --osc "$port" &
  player=$!
  sleep 0.9
  oscsend localhost "$port" /transport/loop ff 1 2
  sleep 3.0
  oscsend localhost "$port" /transport/loop
  sleep 2.5
  stop_play
  wait "$player"
  looped_high=$("$live" level cap.wav 2.6 3.4 1000)
  looped_low=$("$live" level cap.wav 2.6 3.4 440)
  after_low=$("$live" level cap.wav 4.9 5.3 440)
  near "$looped_high" -9.03 0.1 && below "$looped_low" -60 && near "$after_low" -9.03 0.1 \
    && ok "OSC /transport/loop 1 2: 1 kHz only ($looped_high dBFS, 440 Hz $looped_low); loop off: on to 440 Hz ($after_low dBFS)" \
    || fail "OSC loop" "looped: 1 kHz $looped_high, 440 Hz $looped_low; after: 440 Hz $after_low" "$(cat "$work/stderr")"

  # ---------------------------------------------------------- hostile numbers (issue 16.1-16.3)
  # A NaN time killed the audio thread; a NaN fader reached JACK and the
  # take; a choice moved live made a take that did not load; a move to a
  # band the session lacks lost the whole take.  Now every one is refused
  # with the reason or recorded as the format allows, the output stays
  # finite, the player plays on and the take loads.
  cat > moves.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: a440.wav, gain_db: -6,
     inserts: [{type: eq, bands: [{type: bell, freq: 440, gain_db: 0}]}, {type: saturation, mix: 0.5}, {type: delay, mix: 0.2}]}
master: {inserts: [{type: limiter, true_peak: true}]}
output: {file: moves.wav}
YAML
  play_captured 8 moves.yaml --osc "$port" --record-automation take.yaml &
  player=$!
  sleep 1.2
  oscsend localhost "$port" /transport/locate f nan
  oscsend localhost "$port" /transport/locate f inf
  oscsend localhost "$port" /transport/locate d 1e15
  oscsend localhost "$port" /transport/loop ff nan 3
  oscsend localhost "$port" /track/a/gain_db f nan
  oscsend localhost "$port" /track/a/pan f -inf
  oscsend localhost "$port" /track/a/insert/1/bands/3/gain_db f 6
  oscsend localhost "$port" /master/insert/limiter/true_peak i 0
  oscsend localhost "$port" /track/a/insert/saturation/mode i 3
  oscsend localhost "$port" /track/a/insert/delay/ping_pong T
  # Every datagram of the fuzzer's corpus, as sent.
  for datagram in "$here/../fuzz/corpus/osc"/*.osc; do
    cat "$datagram" >"/dev/udp/127.0.0.1/$port"
  done
  oscsend localhost "$port" /transport/locate f 0.5
  oscsend localhost "$port" /track/a/gain_db f -20
  sleep $([ -n "$sanitized" ] && echo 3 || echo 1.5)
  stop_play
  wait "$player"
  play_out=$(cat "$work/stderr")
  finite=$("$live" finite cap.wav)
  set -- $(last_half_second cap.wav)
  level=$("$live" level cap.wav "$1" "$2" 440)
  [ "$(cat play.rc)" -eq 0 ] && [[ "$finite" == *" non_finite 0" ]] && [[ "$finite" != "frames 0 "* ]] && below -60 "$level" \
    && ok "OSC: NaN, Inf and 1e15 times and values, and the fuzz corpus: play goes on, every captured sample finite ($finite, $level dBFS after)" \
    || fail "OSC hostile values" "rc=$(cat play.rc) $finite level $level" "$play_out"
  for says in "/transport/locate: a time of nan s refused: not a number (valid range 0 … 86400 s)" \
              "/transport/locate: a time of inf s refused: infinite" \
              "/transport/locate: a time of 1e+15 s refused: above the valid range" \
              "/transport/loop: a loop from nan s refused: not a number" \
              "/track/a/gain_db: nan refused: not a number (valid range -144…24 dB)" \
              "/track/a/pan: -inf refused: infinite" \
              "this eq has 1 item in \`bands\`: 3 is not one" \
              "\`true_peak\` is fixed while playing: it sets the limiter's latency"; do
    [[ "$play_out" == *"$says"* ]] && ok "OSC refused, with the reason: $says" || fail "OSC refusal: $says" "$play_out"
  done
  run "$mixdown" check take.yaml
  [ "$rc" -eq 0 ] && ok "the take after hostile moves is written and valid (mixdown check)" || fail "hostile take" "$err" "$play_out"
  grep -q '{type: saturation, mix: 0.5, mode: hard}' take.yaml && grep -q '{type: delay, mix: 0.2, ping_pong: true}' take.yaml \
    && grep -q '^  - {name: a, file: a440.wav, gain_db: {points: ' take.yaml \
    && [[ "$play_out" == *"/track/a/insert/2/mode moved 1 time: written as its last value, hard, from the start"* ]] \
    && ok "the take: saturation.mode and delay.ping_pong as their last values (said so), the fader as an envelope" \
    || fail "the take's choices" "$(grep -E 'mode|ping_pong' take.yaml)" "$play_out"
  ! grep -qi 'nan\|inf' take.yaml && ok "the take holds no nan or inf" || fail "take has nan" "$(grep -i 'nan\|inf' take.yaml)"

  # ---------------------------------------------------------- meters: unsubscribe, a flood (issue 16.9)
  oscdump "$meters_port" >dump2.txt 2>&1 &
  dump_pid=$!
  play_captured 8 two.yaml --osc "$port" &
  player=$!
  sleep 0.8
  oscsend localhost "$port" /meters/subscribe i "$meters_port"   # docs/live.md's example…
  for _ in $(seq 1 100); do grep -q /meters/master dump2.txt && break; sleep 0.05; done
  oscsend localhost "$port" /meters/unsubscribe                    # …from another port: cancels
  sleep 0.5
  before=$(wc -l < dump2.txt)
  sleep 1.0
  after=$(wc -l < dump2.txt)
  # 200 unknown addresses in one datagram (a bundle): 10 lines a second at most, then a count.
  {
    printf '#bundle\0\0\0\0\0\0\0\0\1'
    for _ in $(seq 1 200); do printf '\0\0\0\x08/x\0\0,\0\0\0'; done
  } >flood.osc
  cat flood.osc >"/dev/udp/127.0.0.1/$port"
  sleep 1.3
  stop_play
  wait "$player"
  kill "$dump_pid" 2>/dev/null
  wait "$dump_pid" 2>/dev/null
  [ "$before" -gt 0 ] && [ "$before" -eq "$after" ] \
    && ok "OSC: /meters/unsubscribe from another port cancels a subscription made with a reply port ($before lines, then none)" \
    || fail "OSC unsubscribe" "$before lines, then $after"
  warnings=$(grep -c "osc: /x: " "$work/stderr")
  [ "$warnings" -ge 1 ] && [ "$warnings" -le 20 ] && grep -q "more warnings suppressed (at most 10 a second)" "$work/stderr" \
    && ok "OSC: a flood of 200 bad messages gives $warnings warning lines and a count of the rest" \
    || fail "OSC warning flood" "$warnings lines" "$(tail -n 3 "$work/stderr")"
else
  skip "OSC tests need oscsend and oscdump (liblo-tools)"
fi

# ------------------------------------------------------------ loop, from
"$mixdown" render plain.yaml -o plain-ref.wav --bits float -q
rm -f cap.out
play_captured 5 plain.yaml --loop 1 2 &
player=$!
wait_capture_full
stop_play
wait "$player"
lap=$("$live" null plain-ref.wav cap.wav 1 2 1 | sed -n 's/^residual_db //p')
lap3=$("$live" null plain-ref.wav cap.wav 1 3 1 | sed -n 's/^residual_db //p')
below "${lap:-0}" -90 && below "${lap3:-0}" -90 && ok "loop 1–2 s: laps 2 and 3 null against render's 1–2 s ($lap, $lap3 dB)" \
  || fail "loop" "lap 2: ${lap:-?} dB, lap 3: ${lap3:-?} dB"
play_captured 6 plain.yaml --from 1.5
from=$("$live" null plain-ref.wav cap.wav 1.5 0 2 | sed -n 's/^residual_db //p')
[ "$rc" -eq 0 ] && below "${from:-0}" -90 && ok "--from 1.5: nulls against render from 1.5 s ($from dB)" \
  || fail "--from" "rc=$rc ${from:-?} dB" "$err"

# ------------------------------------------------------------ a stalled disk
MIXDOWN_TEST_DISK_STALL=1.0,1.2 play_captured 8 plain.yaml
# The disk thread stalls when it reaches 1.0 s, a ring (0.34 s) ahead of
# what plays: the mix falls silent from about 1.0 s until it catches up.
gap=$("$live" level cap.wav 1.2 1.5)
later=$("$live" level cap.wav 3.0 3.5)
late=$(echo "$out" | sed -n 's/^ *late disk *\([0-9]*\).*/\1/p')
[ "$rc" -eq 0 ] && [[ "$err" == *"the disk did not keep up"* ]] && [ "${late:-0}" -gt 0 ] && below "$gap" -100 \
  && below -40 "$later" \
  && ok "a stalled disk: silence ($gap dBFS), a warning, $late late blocks, then the mix again ($later dBFS)" \
  || fail "stalled disk" "rc=$rc late=${late:-?} gap=$gap later=$later" "$err"

# ------------------------------------------------------------ the server goes away
"$mixdown" play plain.yaml --stay >play.out 2>play.err &
player=$!
sleep 1
stop_jackd
for _ in $(seq 1 100); do kill -0 "$player" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$player" 2>/dev/null; then
  kill -INT "$player"
  fail "the JACK server went away: play did not stop"
fi
wait "$player"
rc=$?
[ "$rc" -eq 1 ] && grep -q "JACK server shut down" play.err && ok "the JACK server goes away: play stops, exit 1, says why" \
  || fail "server gone" "rc=$rc" "$(cat play.err)"
start_jackd 256 || fail "jackd did not restart"

# ------------------------------------------------------------ a loop past the end
run "$mixdown" play two.yaml --loop 7 9
[ "$rc" -eq 2 ] && [[ "$err" == *"after the end of the session ("*" s)"* ]] \
  && ok "play --loop 7 9 on a 6 s session: exit 2, says where the session ends" || fail "loop past the end" "rc=$rc" "$err"

# ------------------------------------------------------------ recording over the session
cp two.yaml self.yaml
run "$mixdown" play self.yaml --record-automation ./self.yaml
[ "$rc" -eq 2 ] && [[ "$err" == *"the session file itself"* ]] && cmp -s two.yaml self.yaml \
  && ok "--record-automation onto the session itself: refused, exit 2, the session untouched" \
  || fail "record onto the session" "rc=$rc" "$err"
source_sum=$(md5sum < a440.wav)
run "$mixdown" play two.yaml --record-automation ./a440.wav
[ "$rc" -eq 2 ] && [[ "$err" == *"source of track \`a\`"* ]] && [ "$(md5sum < a440.wav)" = "$source_sum" ] \
  && ok "--record-automation onto a source: refused, exit 2, the source untouched" \
  || fail "record onto a source" "rc=$rc" "$err"

# ------------------------------------------------------------ where the take goes (issue 16.8)
# Checked before playing (exit 2 at once, not a take lost at the end);
# written through an unpredictable temporary file: a link planted at the
# old FILE.partial is not followed.
run "$mixdown" play two.yaml --record-automation nowhere/take.yaml
[ "$rc" -eq 2 ] && [[ "$err" == *"cannot write the take \`nowhere/take.yaml\`: its folder does not exist"* ]] \
  && ok "--record-automation into a missing folder: exit 2 before playing" || fail "take folder missing" "rc=$rc" "$err"
run "$mixdown" play two.yaml --record-automation /dev/null
[ "$rc" -eq 2 ] && [[ "$err" == *"it is a device, not a regular file"* ]] && [ -c /dev/null ] \
  && ok "--record-automation /dev/null: exit 2, the device left alone" || fail "take onto a device" "rc=$rc" "$err"
"$live" stem other.wav 1 3 2 48000
other_sum=$(md5sum < other.wav)
run "$mixdown" play two.yaml --record-automation other.wav
[ "$rc" -eq 2 ] && [[ "$err" == *"it is an audio file, and a take never replaces one"* ]] && [ "$(md5sum < other.wav)" = "$other_sum" ] \
  && ok "--record-automation onto an audio file the session does not read: exit 2, untouched" \
  || fail "take onto audio" "rc=$rc" "$err"
echo precious >victim.txt
ln -s victim.txt planted.yaml.partial
play_captured 6 plain.yaml --record-automation planted.yaml
partials=$(ls -a | grep -c partial)
[ "$rc" -eq 0 ] && [ "$(cat victim.txt)" = precious ] && [ -L planted.yaml.partial ] && [ "$partials" -eq 1 ] \
  && "$mixdown" check planted.yaml >/dev/null 2>&1 \
  && ok "a link planted at TAKE.partial is not followed: its target untouched, the take valid, no temporary left" \
  || fail "planted link" "rc=$rc victim=$(cat victim.txt) partials=$partials" "$err"

# ------------------------------------------------------------ rates
sed 's/sample_rate: 48000/sample_rate: 44100/' plain.yaml > plain44.yaml
run "$mixdown" play plain44.yaml
[ "$rc" -eq 1 ] && [[ "$err" == *"-r 44100"* ]] && ok "a session at 44.1 kHz on a 48 kHz server: exit 1, says how to start jackd" \
  || fail "rate mismatch" "rc=$rc" "$err"

finish
