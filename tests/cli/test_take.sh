#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The take (issue 17.8): `mixdown play --record-automation` writes the live
# moves as envelopes; rendered offline, the take must be what was heard.
# Against a real JACK server (`jackd -S -d dummy`, a private server name,
# as in test_live.sh): scripted OSC fader, pan and mute moves while
# mixdown-livetool captures what play sends; then the take is rendered and
# nulled against the capture, each counted from its first sound (as
# test_live.sh aligns its nulls).  A live move glides over one block, and
# the take writes the same glide (the same start frame, the same length,
# linear in dB for the fader as automation is): the residual is rounding.
#   tests/cli/test_take.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_take.sh BUILD_DIR [--sanitized]}" && pwd)
sanitized=${2:-}
mixdown="$build/mixdown"
live="$build/mixdown-livetool"

# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"
finish() { echo "take: $passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit $?; }

# shellcheck source=live_harness.sh
. "$(cd "$(dirname "$0")" && pwd)/live_harness.sh"
live_begin take take

if ! command -v jackd >/dev/null 2>&1; then
  skip "jackd is not installed (scripts/install-deps.sh installs jackd2)"
  finish
fi
if ! command -v oscsend >/dev/null 2>&1; then
  skip "the take test needs oscsend (liblo-tools)"
  finish
fi

"$build/mixdown-testtool" sine a440.wav 7 440 1 48000
"$build/mixdown-testtool" sine b1000.wav 7 1000 1 48000
"$live" stem stereo.wav 7 3 2 48000
cat > take.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: a440.wav, gain_db: -6, pan: -0.5}
  - {name: b, file: b1000.wav, gain_db: -9, pan: 0.4}
  - {name: c, file: stereo.wav, gain_db: -12}
output: {file: take-out.wav}
YAML

port=$((20000 + ($$ + 7919) % 20000))
periods="256 64"
[ -n "$sanitized" ] && periods=256
for period in $periods; do
  if ! start_jackd "$period"; then
    fail "jackd -d dummy -p $period did not start" "$(cat "$work/jackd.log")"
    continue
  fi
  rm -f rec.yaml
  start_captured_play 8 take.yaml --osc "$port" --record-automation rec.yaml
  # Moves 0.25 s apart (more than the recorder's 10 ms grid, so none is
  # folded), all well inside the 7 s session however late play starts.
  sleep 1.5
  for move in "/track/a/gain_db f -20" "/track/b/pan f -0.6" "/track/c/gain_db f 0" "/track/a/pan f 0.8" \
              "/track/b/gain_db f -30" "/track/a/gain_db f -3" "/track/c/pan f -1" "/track/b/mute i 1" \
              "/track/c/gain_db f -24" "/track/b/mute i 0" "/track/b/gain_db f -1"; do
    # shellcheck disable=SC2086
    oscsend localhost "$port" $move
    sleep 0.25
  done
  finish_captured_play
  [ "$play_rc" -eq 0 ] && ok "period $period: play with --record-automation and 11 OSC moves" \
    || fail "period $period: play" "rc=$play_rc" "$(cat play.stderr)"
  # The take keeps the session's flow layout (issue 18.5): an envelope in
  # its value's place, a mute not written added to its track's mapping;
  # only the three track lines change.
  grep -q '^  - {name: a, file: a440.wav, gain_db: {points: \[\[0, -6\], .*curve: linear}, pan: {points: \[\[0, -0.5\], ' rec.yaml \
    && grep -q '^  - {name: b, .*, mute: {points: \[\[0, 0\], ' rec.yaml && grep -q '^  - {name: c, .*pan: {points: ' rec.yaml \
    && ok "period $period: the take holds the fader, pan and mute moves as envelopes, each in its value's place" \
    || fail "period $period: take content" "$(cat rec.yaml)" "$(cat play.stderr)"
  [ "$(diff take.yaml rec.yaml | grep -v '^[<>-]')" = "4,6c4,6" ] \
    && ok "period $period: the take differs from its session in the moved tracks' lines only (diff: 4,6c4,6)" \
    || fail "period $period: take diff" "$(diff take.yaml rec.yaml)"
  "$mixdown" render rec.yaml -o rec.wav --bits float -q || fail "period $period: render the take"
  null=$("$live" null rec.wav cap.wav 0 0 6.5)
  residual=$(echo "$null" | sed -n 's/^residual_db //p')
  below "${residual:-0}" -90 \
    && ok "period $period: the take rendered nulls against what play sent to JACK: residual $residual dB (< -90)" \
    || fail "period $period: take against capture" "$null" "periods jackd did not wait for: $(jackd_dropped_periods)"
done

# Insert moves: an EQ band's gain and a compressor's threshold moved over
# OSC glide as the take writes them (a straight line over one block,
# reaching the processor every 32 frames as offline automation does), so
# the take nulls here too; one fader move among them.
cat > inserts.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: a440.wav, gain_db: -6, pan: -0.3,
     inserts: [{type: eq, bands: [{type: bell, freq: 440, gain_db: 0}]}]}
  - {name: c, file: stereo.wav, gain_db: -6, inserts: [{type: compressor, threshold_db: -10, ratio: 4}]}
output: {file: inserts-out.wav}
YAML
for period in $periods; do
  if ! start_jackd "$period"; then
    fail "jackd -d dummy -p $period did not start" "$(cat "$work/jackd.log")"
    continue
  fi
  rm -f rec.yaml
  start_captured_play 8 inserts.yaml --osc "$port" --record-automation rec.yaml
  sleep 1.5
  for move in "/track/a/insert/1/bands/1/gain_db f 9" "/track/c/insert/1/threshold_db f -30" \
              "/track/a/insert/1/bands/1/gain_db f -12" "/track/c/insert/1/threshold_db f -4" \
              "/track/a/gain_db f -12" "/track/a/insert/1/bands/1/gain_db f 4" \
              "/track/c/insert/1/threshold_db f -22"; do
    # shellcheck disable=SC2086
    oscsend localhost "$port" $move
    sleep 0.25
  done
  finish_captured_play
  [ "$play_rc" -eq 0 ] && ok "period $period: play with --record-automation and 7 OSC moves, 6 of insert values" \
    || fail "period $period: play (inserts)" "rc=$play_rc" "$(cat play.stderr)"
  grep -q 'threshold_db: {points: \[\[0, -10\], ' rec.yaml && [ "$(grep -o 'gain_db: {points: ' rec.yaml | wc -l)" -eq 2 ] \
    && [ "$(diff inserts.yaml rec.yaml | grep -v '^[<>-]')" = "4,6c4,6" ] \
    && ok "period $period: the take holds the EQ band's gain, the threshold and the fader as envelopes (diff: 4,6c4,6)" \
    || fail "period $period: take content (inserts)" "$(cat rec.yaml)" "$(cat play.stderr)"
  "$mixdown" render rec.yaml -o rec.wav --bits float -q || fail "period $period: render the take (inserts)"
  null=$("$live" null rec.wav cap.wav 0 0 6.5)
  residual=$(echo "$null" | sed -n 's/^residual_db //p')
  below "${residual:-0}" -90 \
    && ok "period $period: the take with insert moves nulls against what play sent to JACK: residual $residual dB (< -90)" \
    || fail "period $period: take with insert moves against capture" "$null" "periods jackd did not wait for: $(jackd_dropped_periods)"
done

# Insert bypass over OSC (issue 19): /track/a/insert/1/bypass 1 at about
# 1.5 s takes a compressor working 25 dB out (crossfaded, latency kept);
# the take writes the last bypass as a constant with a note.  Rendered, it
# nulls against what play sent once the move had played, and not before.
cat > bypass.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: a440.wav, gain_db: -6, inserts: [{type: compressor, threshold_db: -40, ratio: 10, lookahead_ms: 5}]}
output: {file: bypass-out.wav}
YAML
if start_jackd 256; then
  rm -f rec.yaml
  start_captured_play 8 bypass.yaml --osc "$port" --record-automation rec.yaml
  sleep 1.5
  oscsend localhost "$port" /track/a/insert/1/bypass i 1
  finish_captured_play
  [ "$play_rc" -eq 0 ] && grep -q 'the take: /track/a/insert/1/bypass moved 1 time: written as its last value, true, from the start' play.stderr \
    && grep -q 'lookahead_ms: 5, bypass: true}' rec.yaml \
    && ok "OSC /track/a/insert/1/bypass 1: the take holds bypass: true, and play says it was written as a constant" \
    || fail "bypass over OSC: take" "rc=$play_rc" "$(cat rec.yaml)" "$(cat play.stderr)"
  "$mixdown" render rec.yaml -o rec.wav --bits float -q || fail "render the bypass take"
  after=$("$live" null rec.wav cap.wav 4 4 2.5 | sed -n 's/^residual_db //p')
  before=$("$live" null rec.wav cap.wav 0.2 0.2 1 | sed -n 's/^residual_db //p')
  below "${after:-0}" -90 && ! below "${before:-0}" -20 \
    && ok "bypassed over OSC: what play sent nulls against the take after the move ($after dB), not before it ($before dB)" \
    || fail "bypass over OSC: null after $after dB (want < -90), before $before dB (want >= -20)"
else
  fail "jackd -d dummy -p 256 did not start" "$(cat "$work/jackd.log")"
fi

# The take keeps the file (issue 18.5): a commented, hand-formatted block
# session, a JSON one and a CR LF one, each played with the same moves (the
# lead's fader three times, the answer's pan once).  `diff` of session and
# take shows the moved values' lines only, each as it must read; the take
# passes `mixdown check` and nulls against what was played.
cat > block.yaml <<'YAML'
# The take test's song, written by hand
mixdown: 1
sample_rate: 48000     # the dummy server's rate

tracks:
  # the lead, left
  - name: a
    file: a440.wav
    gain_db: -6   # lead vocal
    pan: -0.5
  - name: b       # the answer, right
    file: "b1000.wav"
    gain_db: -9
    pan: 0.4      # a little right
output:
  file: take-out.wav
YAML
sed 's/$/\r/' block.yaml > crlf.yaml
cat > json.json <<'JSON'
{
  "mixdown": 1,
  "sample_rate": 48000,
  "tracks": [
    {"name": "a", "file": "a440.wav", "gain_db": -6, "pan": -0.5},
    {"name": "b", "file": "b1000.wav", "gain_db": -9, "pan": 0.4}
  ],
  "output": {"file": "take-out.wav"}
}
JSON
num='[0-9]+(\.[0-9]+)?'
# The fader's envelope: from -6, to -20, -3 and -12 (7 points).
fader="\[0, -6\], \[$num, -6\], \[$num, -20\], \[$num, -20\], \[$num, -3\], \[$num, -3\], \[$num, -12\]"
pan="\[\[0, 0\.4\], \[$num, 0\.4\], \[$num, -0\.5\]\]"
if start_jackd 256; then
  for session in block.yaml crlf.yaml json.json; do
    take="take-$session"
    rm -f "$take"
    start_captured_play 8 "$session" --osc "$port" --record-automation "$take"
    sleep 1.5
    for move in "/track/a/gain_db f -20" "/track/b/pan f -0.5" "/track/a/gain_db f -3" "/track/a/gain_db f -12"; do
      # shellcheck disable=SC2086
      oscsend localhost "$port" $move
      sleep 0.25
    done
    finish_captured_play
    [ "$play_rc" -eq 0 ] && ok "$session: play with --record-automation and 4 OSC moves" \
      || fail "$session: play" "rc=$play_rc" "$(cat play.stderr)"
    changes=$(diff "$session" "$take" | grep -v '^[<>-]' | tr '\n' ' ')
    added=$(diff "$session" "$take" | sed -n 's/^> //p' | tr -d '\r')
    case $session in
      json.json)
        want_changes="5,6c5,6 "
        want=$(printf '%s\n' \
          "^    \\{\"name\": \"a\", \"file\": \"a440.wav\", \"gain_db\": \\{\"points\": \\[$fader\\], \"curve\": \"linear\"\\}, \"pan\": -0.5\\},\$" \
          "^    \\{\"name\": \"b\", \"file\": \"b1000.wav\", \"gain_db\": -9, \"pan\": \\{\"points\": $pan, \"curve\": \"linear\"\\}\\}\$")
        ;;
      *)
        want_changes="9c9,18 14c23 "
        want=$(printf '%s\n' "^    gain_db:   # lead vocal\$" "^      points:\$")
        for point in "0, -6" "$num, -6" "$num, -20" "$num, -20" "$num, -3" "$num, -3" "$num, -12"; do
          want=$(printf '%s\n%s' "$want" "^        - \\[$point\\]\$")
        done
        want=$(printf '%s\n%s\n%s' "$want" "^      curve: linear\$" \
          "^    pan: \\{points: $pan, curve: linear\\}      # a little right\$")
        ;;
    esac
    matched=yes
    [ "$(echo "$added" | wc -l)" -eq "$(echo "$want" | wc -l)" ] || matched=no
    while IFS= read -r line && IFS= read -r pattern <&3; do
      echo "$line" | grep -Eq "$pattern" || matched="no: \`$line\` is not /$pattern/"
    done <<<"$added" 3<<<"$want"
    [ "$changes" = "$want_changes" ] && [ "$matched" = yes ] \
      && ok "$session: the take differs from its session in the moved values' lines only ($changes), each as it must read" \
      || fail "$session: take diff" "hunks $changes (want $want_changes); $matched" "$(diff "$session" "$take")"
    case $session in
      crlf.yaml)
        [ "$(grep -c $'\r$' "$take")" -eq "$(wc -l < "$take")" ] && [ "$(wc -l < "$take")" -eq 25 ] \
          && ok "$session: every line of the take ends in CR LF, the envelope's new ones too" \
          || fail "$session: line ends" "$(od -c "$take" | head -n 20)" ;;
      json.json)
        python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$take" 2>/dev/null \
          && ok "$session: the take is JSON (python's json reads it)" || fail "$session: not JSON" "$(cat "$take")" ;;
    esac
    run "$mixdown" check "$take"
    [ "$rc" -eq 0 ] && ok "$session: mixdown check accepts the take" || fail "$session: check" "$err"
    "$mixdown" render "$take" -o rec.wav --bits float -q || fail "$session: render the take"
    null=$("$live" null rec.wav cap.wav 0 0 6.5)
    residual=$(echo "$null" | sed -n 's/^residual_db //p')
    below "${residual:-0}" -90 \
      && ok "$session: the take rendered nulls against what play sent to JACK: residual $residual dB (< -90)" \
      || fail "$session: take against capture" "$null"
  done
else
  fail "jackd -d dummy -p 256 did not start" "$(cat "$work/jackd.log")"
fi
finish
