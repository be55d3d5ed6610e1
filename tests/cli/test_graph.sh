#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mixdown graph`: the routing of a known session as text (run order,
# inserts with their latency in frames, sends, sidechain keys, the delays
# that align them), its latencies against `mixdown check`'s, errors of a
# broken session, and --dot accepted by Graphviz's `dot` (when installed).
#   tests/cli/test_graph.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_graph.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-graph-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$tool" sine kick.wav 1 60 1 48000
"$tool" sine vox.wav 1 440 2 48000

# A lookahead limiter of 5 ms on the vocal (a 240-frame window at 48 kHz,
# 239 frames of delay), a compressor keyed by the kick, a post- and a
# pre-fader send, a muted bus and a limiter on the master.
cat > song.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: kick, file: kick.wav, output: drums}
  - name: vocal
    file: vox.wav
    sends: [{to: verb, level_db: -12}, {to: slap, level_db: -18.5, pre_fader: true}]
    inserts:
      - {type: eq}
      - {type: compressor, sidechain: kick}
      - {type: limiter, lookahead_ms: 5}
buses:
  - {name: drums, gain_db: -2}
  - {name: verb, inserts: [{type: reverb}]}
  - {name: slap, inserts: [{type: delay}], mute: true}
master:
  inserts: [{type: limiter, lookahead_ms: 1.5}]
YAML

# ---------------------------------------------------------------- usage
run "$mixdown" graph --help
[ "$rc" -eq 0 ] && [[ "$out" == *"usage: mixdown graph SESSION"* ]] && [[ "$out" == *--dot* ]] &&
  ok "graph --help" || fail "graph --help" "rc=$rc"
run "$mixdown" --help
[[ "$out" == *"graph SESSION"* ]] && ok "mixdown --help lists graph" || fail "mixdown --help lists graph"
run "$mixdown" graph
[ "$rc" -eq 2 ] && [[ "$err" == *usage* ]] && ok "graph without a session: usage, exit 2" || fail "graph, no session" "rc=$rc"
run "$mixdown" graph song.yaml song.yaml
[ "$rc" -eq 2 ] && [[ "$err" == *"one session at a time"* ]] && ok "graph with two sessions: exit 2" ||
  fail "graph, two sessions" "rc=$rc" "$err"
run "$mixdown" graph song.yaml --frobnicate
[ "$rc" -eq 2 ] && [[ "$err" == *"unknown option"* ]] && ok "graph, unknown option: exit 2" || fail "graph, unknown option" "rc=$rc"

# ------------------------------------------------------------ the text
run "$mixdown" graph song.yaml
[ "$rc" -eq 0 ] && ok "graph of a valid session: exit 0" || fail "graph of a valid session" "rc=$rc" "$err"
# The limiter's latency in frames, as the processor reports it.
limiter_frames=$(echo "$out" | sed -nE 's/^ *insert 3 +limiter +latency ([0-9]+) frames \(.*/\1/p')
near "$limiter_frames" 240 1 && ok "the vocal's lookahead limiter shows its latency: $limiter_frames frames (5 ms)" ||
  fail "limiter latency" "$out"
# The master path's latency is the one the engine removes (check says it).
check_frames=$("$mixdown" check song.yaml | sed -nE 's/.*latency ([0-9]+) frames.*/\1/p')
[[ "$out" == *"latency on the master path $check_frames frames"* ]] && [ "$check_frames" -gt "$limiter_frames" ] &&
  ok "master path latency $check_frames frames, as check reports" || fail "master latency" "check: $check_frames" "$out"
# …and it is the vocal's limiter plus the master's.
master_frames=$(echo "$out" | sed -nE 's/^ *insert 1 +limiter +latency ([0-9]+) frames.*/\1/p' | tail -n 1)
[ $((limiter_frames + master_frames)) -eq "$check_frames" ] &&
  ok "it adds up: $limiter_frames (vocal) + $master_frames (master)" || fail "latency sum" "$out"
[[ "$out" == *"send      → verb at -12.0 dB, post-fader"* ]] && [[ "$out" == *"send      → slap at -18.5 dB, pre-fader"* ]] &&
  ok "sends with their levels, pre- and post-fader" || fail "sends" "$out"
[[ "$out" == *"compressor  latency 0 frames; sidechain from kick"* ]] &&
  [[ "$out" == *"keys      the sidechain of vocal, insert 2 (compressor)"* ]] &&
  ok "the sidechain: on the compressor, and on the kick that keys it" || fail "sidechain" "$out"
# The drums bus reaches the master without latency: it waits for the vocal.
drums=$(echo "$out" | sed -n '/^[0-9]*\. bus drums/,/^[0-9]*\. /p')
[[ "$drums" == *"output    → master, delayed $limiter_frames frames"* ]] &&
  ok "the drums bus is delayed $limiter_frames frames to meet the vocal at the master" || fail "compensation" "$drums"
order=$(echo "$out" | sed -n 's/^run order: //p')
[ "$order" = "kick → drums → vocal → verb → slap → master" ] && ok "run order: the key before the track it keys" ||
  fail "run order" "$order"
[[ "$out" == *"bus slap (stereo), silent"* ]] && [[ "$out" == *"track kick (mono)"* ]] &&
  ok "a muted bus is marked silent; channels shown" || fail "muted, channels" "$out"

# --------------------------------------------------------- bad sessions
printf 'mixdown: 1\ntracks:\n  - {name: a, file: kick.wav, output: nowhere}\n' > bad.yaml
run "$mixdown" graph bad.yaml
[ "$rc" -eq 2 ] && [[ "$err" == "bad.yaml:3:"*": error: "*nowhere* ]] && [ -z "$out" ] &&
  ok "a broken session: FILE:LINE:COLUMN error, exit 2, nothing on stdout" || fail "broken session" "rc=$rc" "$err"
run "$mixdown" graph missing.yaml
[ "$rc" -eq 2 ] && ok "a missing session: exit 2" || fail "missing session" "rc=$rc"

# ------------------------------------------------------------------ dot
# A name that needs escaping in DOT.
sed 's/name: kick,/name: "the \\"kick\\"",/; s/sidechain: kick/sidechain: "the \\"kick\\""/' song.yaml > quoted.yaml
run "$mixdown" graph song.yaml --dot
dot_out=$out
[ "$rc" -eq 0 ] && [[ "$out" == "digraph "* ]] && [[ "$out" == *"-> n1 [style=dashed, label=\"sidechain: compressor\"]"* ]] &&
  [[ "$out" == *'label="-12.0 dB post"'* ]] && [[ "$out" == *'label="-18.5 dB pre"'* ]] &&
  ok "--dot: a digraph, sends labelled with their levels, the sidechain dashed" || fail "--dot" "rc=$rc" "$out"
run "$mixdown" graph quoted.yaml --dot
quoted_out=$out
[ "$rc" -eq 0 ] && [[ "$out" == *'label="the \"kick\"\n'* ]] && ok "--dot escapes quotes in names" ||
  fail "--dot escaping" "rc=$rc" "$err" "$out"
if command -v dot > /dev/null; then
  echo "$dot_out" | dot -Tsvg > song.svg 2> dot.err && grep -q '<svg' song.svg &&
    [ "$(grep -c 'class="edge"' song.svg)" -eq 8 ] &&
    ok "dot -Tsvg accepts the graph: 8 edges (5 outputs, 2 sends, 1 sidechain)" || fail "dot -Tsvg" "$(cat dot.err)"
  echo "$quoted_out" | dot -Tsvg > quoted.svg 2> dot.err && grep -q '<svg' quoted.svg &&
    ok "dot -Tsvg accepts escaped names" || fail "dot -Tsvg, escaped" "$(cat dot.err)"
else
  skip "dot -Tsvg (Graphviz is not installed)"
fi

echo "graph: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
