#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Editing sessions (issue 18): `mixdown get` / `mixdown set` keep the user's
# file.  Over the corpus of hand-written sessions in tests/edit/corpus (block,
# flow, JSON, CR LF, tabs in comments, UTF-8 names, quoting, anchors) each
# edit list (tests/edit/edits) must give exactly the hand-written file in
# tests/edit/expected (compared line by line), which re-parses, `get` returns
# what was set, and a -1 dB fader step measures -1.00 dB on the rendered stem.
# Every address kind round-trips; every parameter of every processor is set
# through its address, driven from `mixdown describe --markdown` (the tables);
# invalid edits exit 2 with FILE:LINE:COLUMN: error:, the file byte-identical.
# The audio is written here by mixdown-testtool; the sessions name it relatively.
#   tests/cli/test_edit.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_edit.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
edit=$(cd "$here/../edit" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"
check="python3 $edit/check.py"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-edit-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
finish() { echo "edit: $passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit $?; }

# A JSON number from `mixdown analyze --json` output in $1.
json() { sed -nE "s/^ *\"$2\": (-?[0-9.]+|-?inf|null),?$/\1/p" <<< "$1" | head -n 1; }
# The RMS (dBFS, all channels) of an audio file.
rms_of() { local o; o=$("$mixdown" analyze "$1" --json 2>/dev/null); json "$o" rms_dbfs_all; }

# The audio every corpus session reads (2 s tones; an impulse response).
mkdir -p stems ir
"$tool" sine stems/vocal.wav 2 440 1 48000
"$tool" sine stems/guitar.wav 2 330 2 48000
"$tool" sine stems/bass.wav 2 110 1 48000
"$tool" sine stems/drums.wav 2 220 2 48000
"$tool" sine stems/keys.wav 2 660 2 48000
"$tool" sine "stems/Bläser.wav" 2 550 1 48000
"$tool" sine "stems/日本 太鼓.wav" 2 150 1 48000
"$tool" sine "stems/lead take 2.wav" 2 880 1 48000
"$tool" sine ir/room.wav 0.3 1000 1 48000

# One line of an edit list: sets $addr and the rest of the line in $rest
# (an address with spaces is written in single quotes).
split_op() {
  if [[ $1 == \'* ]]; then
    addr=${1#\'}
    addr=${addr%%\'*}
    rest=${1#\'"$addr"\'}
  else
    addr=${1%% *}
    rest=${1#"$addr"}
  fi
  rest=${rest# }
}

# set_refused NAME FILE ARGS…: `mixdown set FILE ARGS…` must exit 2 with a
# FILE:LINE:COLUMN: error: naming the address ($want_addr, if set), and the
# file must be byte-identical; $want_text (| separated) must all appear in
# the message, $want_at (LINE:COLUMN) is where, if set.
set_refused() {
  local name=$1 file=$2 copy="$work/before.bytes"
  shift 2
  cp "$file" "$copy"
  run "$mixdown" set "$file" "$@"
  local why=()
  [ "$rc" -eq 2 ] || why+=("exit $rc, not 2")
  grep -Eq "^$(basename "$file"):[0-9]+:[0-9]+: error: |^$file:[0-9]+:[0-9]+: error: " <<< "$err" ||
    why+=("no FILE:LINE:COLUMN: error: line")
  [ -n "${want_at:-}" ] && ! grep -Eq "^($file|$(basename "$file")):$want_at: error: " <<< "$err" &&
    why+=("not at $want_at (the value's place in the file)")
  [ -n "${want_addr:-}" ] && [[ $err != *"$want_addr"* ]] && why+=("the message does not name $want_addr")
  local IFS='|'
  for t in ${want_text:-}; do
    [[ $err == *"$t"* ]] || why+=("the message does not say \`$t\`")
  done
  cmp -s "$copy" "$file" || why+=("the file changed")
  if [ ${#why[@]} -eq 0 ]; then
    ok "$name: refused, exit 2, file unchanged"
  else
    fail "$name" "${why[@]}" "$err"
  fi
  want_at='' want_addr='' want_text=''
}

if ! "$mixdown" set --help >/dev/null 2>&1 || ! "$mixdown" get --help >/dev/null 2>&1; then
  fail "mixdown get / mixdown set: no such commands in this build"
fi

# ------------------------------------------------ 1. the corpus, edit by edit
for session in "$edit"/corpus/*; do
  name=$(basename "$session")
  edits="$edit/edits/${name%.*}.edits"
  want="$edit/expected/$name"
  if [ ! -f "$edits" ] || [ ! -f "$want" ]; then
    fail "$name: no edit list or no expected file"
    continue
  fi
  cp "$session" "$name"
  run "$mixdown" check "$name"
  [ "$rc" -eq 0 ] || fail "$name: the corpus session itself does not check" "$err"
  render_addr='' lufs='' applied=0 broken=()
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | '#'*) continue ;; esac
    case $line in
      '@render '*) split_op "${line#@render }"; render_addr=$addr; continue ;;
      '@lufs '*) lufs=${line#@lufs }; continue ;;
    esac
    split_op "$line"
    case $rest in
      --append\ *) run "$mixdown" set "$name" "$addr" --append "${rest#--append }" ;;
      --remove\ *) run "$mixdown" set "$name" "$addr" --remove "${rest#--remove }" ;;
      *) run "$mixdown" set "$name" "$addr" "$rest" ;;
    esac
    if [ "$rc" -ne 0 ]; then
      broken+=("set $addr $rest: exit $rc: $err")
      continue
    fi
    applied=$((applied + 1))
    case $rest in
      --*) ;;
      *)
        run "$mixdown" get "$name" "$addr" --json
        if [ "$rc" -ne 0 ]; then
          broken+=("get $addr: exit $rc: $err")
        elif ! said=$($check same "$rest" "$out" 2>&1); then
          broken+=("get $addr after set: $said")
        fi
        ;;
    esac
  done < "$edits"
  if [ ${#broken[@]} -eq 0 ]; then
    ok "$name: $applied edits applied; get returns each value set"
  else
    fail "$name: edits" "${broken[@]}"
  fi
  if cmp -s "$want" "$name"; then
    ok "$name: the file is the expected one, byte for byte (only the intended lines changed)"
  else
    fail "$name: differs from tests/edit/expected/$name" "$($check firstdiff "$want" "$name")" \
      "$(diff -u "$want" "$name" | head -n 30)"
  fi
  run "$mixdown" check "$name"
  if cmp -s "$session" "$name"; then
    fail "$name: nothing was edited"
  else
    [ "$rc" -eq 0 ] && ok "$name: the edited file re-parses (mixdown check)" || fail "$name: check after edits" "$err"
  fi
  if [[ $name == *.json ]]; then
    python3 -m json.tool "$name" >/dev/null 2>&1 && ok "$name: still JSON" || fail "$name: no longer valid JSON"
  fi
  if [ -n "$lufs" ]; then
    run "$mixdown" render "$name" -q -o "lufs-${name%.*}.wav"
    got=$(json "$("$mixdown" analyze "lufs-${name%.*}.wav" --json 2>/dev/null)" integrated_lufs)
    near "$got" "$lufs" 0.1 && ok "$name: the edited session renders at $got LUFS (target $lufs)" ||
      fail "$name: loudness after the edit" "rc=$rc got=$got want=$lufs" "$err"
  fi

  # A -1 dB step of one fader: one line changes, the stem is 1.00 dB lower.
  if [ -n "$render_addr" ]; then
    r="r-$name"
    cp "$session" "$r"
    track=${render_addr#/track/}
    track=${track%/gain_db}
    run "$mixdown" get "$r" "$render_addr" --json
    g=$($check number "$out" 2>/dev/null)
    if [ -z "$g" ]; then
      fail "$name: get $render_addr gave no number" "$out" "$err"
      continue
    fi
    step=$(awk -v g="$g" 'BEGIN { printf "%g", g - 1 }')
    rm -rf st-a st-b
    "$mixdown" render "$r" -q -o "a-${name%.*}.wav" --stems st-a 2>"$work/render.err"
    run "$mixdown" set "$r" "$render_addr" "$step"
    lines=$($check changed "$session" "$r")
    "$mixdown" render "$r" -q -o "b-${name%.*}.wav" --stems st-b 2>>"$work/render.err"
    a=$(rms_of "st-a/$track.wav")
    b=$(rms_of "st-b/$track.wav")
    delta=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a == "" || b == "") exit; printf "%.4f", b - a }')
    if [ "$rc" -eq 0 ] && [ "$lines" = 2 ] && near "$delta" -1 0.01; then
      ok "$name: $render_addr $g → $step: one line replaced, the stem measures $delta dB"
    else
      fail "$name: -1 dB step of $render_addr" "set rc=$rc, lines changed (one replaced counts 2): $lines, stem $a → $b dB" \
        "$err" "$(cat "$work/render.err")"
    fi
  fi
done

# ------------------------------------------- 2. several pairs, -o, --dry-run
s1="$edit/corpus/01-block-commented.yaml"
cp "$s1" pairs.yaml
run "$mixdown" set pairs.yaml /track/vocal/gain_db -4 /master/gain_db -0.5
d=$(diff "$s1" pairs.yaml | grep -E '^[<>]')
want_d=$'<     gain_db: -3           # sits on top of the guitars\n<   gain_db: 0\n>     gain_db: -4           # sits on top of the guitars\n>   gain_db: -0.5'
[ "$rc" -eq 0 ] && [ "$(sort <<< "$d")" = "$(sort <<< "$want_d")" ] &&
  ok "set with two ADDRESS VALUE pairs: those two lines, nothing else" || fail "two pairs" "rc=$rc" "$d" "$err"

cp "$s1" pairs.yaml
set_refused "two pairs, the second out of range: neither is written" pairs.yaml /track/vocal/gain_db -4 /master/gain_db 99

cp "$s1" dry.yaml
run "$mixdown" set dry.yaml /track/vocal/gain_db -4 --dry-run
minus=$(grep -E '^-' <<< "$out" | grep -vE '^--- ')
plus=$(grep -E '^\+' <<< "$out" | grep -vE '^\+\+\+ ')
if [ "$rc" -eq 0 ] && cmp -s "$s1" dry.yaml &&
  [ "$minus" = "-    gain_db: -3           # sits on top of the guitars" ] &&
  [ "$plus" = "+    gain_db: -4           # sits on top of the guitars" ] && grep -q '^@@ ' <<< "$out"; then
  ok "--dry-run prints the unified diff (one line out, one in) and writes nothing"
else
  fail "--dry-run" "rc=$rc" "$out" "$err"
fi
listed=$(ls -A)
run "$mixdown" set dry.yaml /track/vocal/gain_db -4 --dry-run
[ "$(ls -A)" = "$listed" ] && cmp -s "$s1" dry.yaml &&
  ok "--dry-run leaves no file behind" || fail "--dry-run wrote something" "$(ls -A)"

cp "$s1" orig.yaml
mkdir -p copies/v2
run "$mixdown" set orig.yaml /track/vocal/gain_db -5 -o copies/v2/edited.yaml
if [ "$rc" -eq 0 ] && cmp -s "$s1" orig.yaml && [ -s copies/v2/edited.yaml ]; then
  ok "-o OUT: the original is byte-identical, the copy is written"
else
  fail "-o OUT" "rc=$rc" "$err"
fi
run "$mixdown" check copies/v2/edited.yaml
[ "$rc" -eq 0 ] && ok "-o into another folder: the copy's relative paths still find the audio" ||
  fail "-o copy does not check" "$err"
run "$mixdown" get copies/v2/edited.yaml /track/vocal/gain_db --json
$check same -5 "$out" >/dev/null && ok "-o: the copy holds the edit" || fail "-o copy's value" "$out" "$err"

cp "$s1" mode.yaml
chmod 640 mode.yaml
run "$mixdown" set mode.yaml /track/vocal/gain_db -4
[ "$rc" -eq 0 ] && [ "$(stat -c %a mode.yaml)" = 640 ] && ok "set keeps the file's permissions (640)" ||
  fail "permissions after set" "rc=$rc mode=$(stat -c %a mode.yaml)" "$err"
listed=$(ls -A)
run "$mixdown" set mode.yaml /track/vocal/gain_db 99
[ "$(ls -A)" = "$listed" ] && ok "a refused edit leaves no temporary file behind" ||
  fail "temporary files after a refused edit" "$(ls -A)"

# ----------------------------------------------------------- 3. invalid edits
cp "$s1" bad.yaml
want_at=11:14 want_addr=/track/vocal/gain_db want_text='-144|24'
set_refused "gain_db 30 (out of range)" bad.yaml /track/vocal/gain_db 30
want_at=15:54 want_addr=/track/vocal/insert/2/ratio want_text='1|100'
set_refused "ratio 500 (out of range, flow insert)" bad.yaml /track/vocal/insert/2/ratio 500
want_addr=/track/vocal/gain_db
set_refused "gain_db .nan" bad.yaml /track/vocal/gain_db .nan
want_addr=/track/vocal/gain_db
set_refused "gain_db 1e999" bad.yaml /track/vocal/gain_db 1e999
want_addr=/track/vocal/gain_db
set_refused "gain_db loud (wrong type)" bad.yaml /track/vocal/gain_db loud
want_addr=/track/vocal/mute
set_refused "mute 0.5x (wrong type)" bad.yaml /track/vocal/mute 0.5x
want_text='did you mean|`vocal`'
set_refused "unknown track vocals (nearest name)" bad.yaml /track/vocals/gain_db -4
want_text='did you mean|`gain_db`'
set_refused "unknown parameter gain (nearest name)" bad.yaml /track/vocal/gain -4
want_text='did you mean|`threshold_db`'
set_refused "unknown insert parameter treshold_db (nearest name)" bad.yaml /track/vocal/insert/compressor/treshold_db -20
want_text='did you mean|`compressor`'
set_refused "unknown insert type compresser in an address" bad.yaml /track/vocal/insert/compresser/ratio 2
want_addr=/track/vocal/insert/5
set_refused "insert 5 of 2" bad.yaml /track/vocal/insert/5/ratio 2
want_addr=/track/vocal/gain_db
set_refused "an envelope out of time order" bad.yaml /track/vocal/gain_db '{points: [[1, -6], [0.5, 0]], curve: linear}'
want_addr=/track/vocal/gain_db
set_refused "an envelope point out of range" bad.yaml /track/vocal/gain_db '{points: [[0, -6], [1, 40]]}'
want_text='did you mean|`compressor`'
set_refused "--append an insert of an unknown type" bad.yaml /track/vocal/inserts --append '{type: compresser}'
want_text='did you mean|`threshold_db`'
set_refused "--append an insert with an unknown parameter" bad.yaml /track/vocal/inserts --append '{type: compressor, treshold_db: -3}'
want_addr=/track/vocal/inserts
set_refused "--remove 7 of 2 inserts" bad.yaml /track/vocal/inserts --remove 7
want_text='did you mean|`verb`'
cp "$edit/corpus/11-sends-buses.yaml" bad11.yaml
set_refused "a send to an unknown bus (nearest name)" bad11.yaml /track/guitar/sends --append '{to: verbb}'
want_text='cycle'
set_refused "bus music → vox_group, which outputs to music: a routing cycle" bad11.yaml /bus/music/output vox_group
want_text='itself'
set_refused "bus verb output to itself" bad11.yaml /bus/verb/output verb
cp "$edit/corpus/04-json-pretty.json" bad.json
want_at=8:18 want_addr=/track/vocal/gain_db want_text='-144|24'
set_refused "JSON: gain_db 30, reported at the value" bad.json /track/vocal/gain_db 30
cp "$edit/corpus/06-crlf.yaml" badcrlf.yaml
want_at=8:14 want_addr=/track/vocal/gain_db want_text='-144|24'
set_refused "CR LF: gain_db 30, reported at the value" badcrlf.yaml /track/vocal/gain_db 30
cp "$edit/corpus/09-tempo-musical.yaml" bad09.yaml
want_addr=/track/lead/pan
set_refused "a musical time without bars and beats" bad09.yaml /track/lead/pan '{points: [["x:1", 0]]}'

# Anchors: the anchored chain and an aliased value are refused; the rest edits.
cp "$edit/corpus/14-anchors.yaml" anch.yaml
want_addr=/track/lead/insert/2/ratio
set_refused "an insert reached through an alias (*vox)" anch.yaml /track/lead/insert/2/ratio 4
want_addr=/track/double/gain_db
set_refused "a value reached through an alias (*quiet)" anch.yaml /track/double/gain_db -9
run "$mixdown" set anch.yaml /track/lead/gain_db -4
[ "$rc" -eq 0 ] && [ "$($check changed "$edit/corpus/14-anchors.yaml" anch.yaml)" = 2 ] &&
  ok "anchors: a plain value beside the aliases edits, one line" || fail "anchors: plain edit" "rc=$rc" "$err"

# --------------------------------------- 4. every address kind round-trips
cat > rt.yaml <<'YAML'
# Every address kind
mixdown: 1
sample_rate: 48000
tempo: 120
time_signature: 4/4
length: auto

tracks:
  - name: vocal
    clips:
      - {file: stems/vocal.wav, start: 0, offset: 0.1, length: 1.5, gain_db: -1, fade_in: 0.01, fade_out: 0.1}
    gain_db: -3
    pan: 0
    output: grp
    sends:
      - {to: fx, level_db: -12, pre_fader: false}
    inserts:
      - {type: eq, bands: [{type: highpass, freq: 80, slope: 12}, {type: bell, freq: 2000, gain_db: 1, q: 1}]}
      - {type: compressor, threshold_db: -18, ratio: 3}
  - name: key
    file: stems/bass.wav

buses:
  - name: grp
    gain_db: 0
  - name: fx
    gain_db: -6
    inserts: [{type: reverb, decay_s: 1.5, mix: 1}]

master:
  gain_db: 0
  inserts:
    - {type: limiter, ceiling_db: -1}
  loudness: {target_lufs: -14, true_peak_db: -1}

output: {file: mix.wav, bits: 24, dither: tpdf}
YAML
roundtrip() { # FILE ADDRESS VALUE
  run "$mixdown" set "$1" "$2" "$3"
  if [ "$rc" -ne 0 ]; then
    fail "set $2 $3" "exit $rc" "$err"
    return
  fi
  run "$mixdown" get "$1" "$2" --json
  local said
  if [ "$rc" -eq 0 ] && said=$($check same "$3" "$out"); then
    ok "round trip: $2 = $3"
  else
    fail "round trip $2 = $3" "get exit $rc" "$said" "$err"
  fi
}
roundtrip rt.yaml /track/vocal/gain_db -4.5
roundtrip rt.yaml /track/vocal/pan -0.25
roundtrip rt.yaml /track/vocal/pan_law -6
roundtrip rt.yaml /track/vocal/mute true
roundtrip rt.yaml /track/vocal/mute false
roundtrip rt.yaml /track/vocal/solo true
roundtrip rt.yaml /track/vocal/invert true
roundtrip rt.yaml /track/vocal/output fx
roundtrip rt.yaml /track/vocal/output master
roundtrip rt.yaml /track/vocal/send/fx/level_db -9
roundtrip rt.yaml /track/vocal/send/fx/pre_fader true
roundtrip rt.yaml /track/vocal/insert/2/threshold_db -20
roundtrip rt.yaml /track/vocal/insert/compressor/ratio 4
roundtrip rt.yaml /track/vocal/insert/1/bands/2/gain_db -2
roundtrip rt.yaml /track/vocal/insert/eq/bands/1/freq 90
roundtrip rt.yaml /track/vocal/insert/1/bands/1/slope 24
roundtrip rt.yaml /track/vocal/insert/1/bands/2/type highshelf
roundtrip rt.yaml /track/vocal/clip/1/gain_db -2
roundtrip rt.yaml /track/vocal/clip/1/start 0.25
roundtrip rt.yaml /track/vocal/clip/1/offset 0.2
roundtrip rt.yaml /track/vocal/clip/1/length 1.25
roundtrip rt.yaml /track/vocal/clip/1/fade_in 0.05
roundtrip rt.yaml /track/vocal/clip/1/fade_out 0.2
roundtrip rt.yaml /track/vocal/clip/1/start '"1:2"'
roundtrip rt.yaml /track/vocal/gain_db '{points: [[0, -6], ["1:3", 0]], curve: smooth}'
roundtrip rt.yaml /track/vocal/send/fx/level_db '{points: [[0, -20], [1, -10]], curve: linear}'
roundtrip rt.yaml /track/vocal/insert/1/bands/2/freq '{points: [[0, 1000], [1.5, 3000]], curve: exponential}'
roundtrip rt.yaml /bus/grp/gain_db -2
roundtrip rt.yaml /bus/grp/pan 0.3
roundtrip rt.yaml /bus/grp/mute true
roundtrip rt.yaml /bus/grp/output fx
roundtrip rt.yaml /bus/fx/insert/reverb/decay_s 2.5
roundtrip rt.yaml /bus/fx/insert/1/mix 0.8
roundtrip rt.yaml /master/gain_db -1.5
roundtrip rt.yaml /master/insert/limiter/ceiling_db -2
roundtrip rt.yaml /master/insert/1/true_peak true
roundtrip rt.yaml /master/loudness/target_lufs -16
roundtrip rt.yaml /master/loudness/true_peak_db -2
roundtrip rt.yaml /tempo 96
roundtrip rt.yaml /sample_rate 44100
roundtrip rt.yaml /time_signature 3/4
roundtrip rt.yaml /length 1.5
roundtrip rt.yaml /length '"1:3"'
roundtrip rt.yaml /length auto
roundtrip rt.yaml /output/file 'mixes/mix 2.wav'
roundtrip rt.yaml /output/bits 16
roundtrip rt.yaml /output/dither none
roundtrip rt.yaml /output/rate 44100
roundtrip rt.yaml /output/title 'Late Train'
run "$mixdown" check rt.yaml
[ "$rc" -eq 0 ] && ok "after every round trip the session checks" || fail "rt.yaml after round trips" "$err"
run "$mixdown" get rt.yaml /tempo /master/gain_db
[ "$rc" -eq 0 ] && [ "$out" = $'/tempo 96 BPM\n/master/gain_db -1.5 dB' ] &&
  ok "get with two addresses: one \`ADDRESS VALUE UNIT\` line each, in order" ||
  fail "get with two addresses" "rc=$rc" "$out" "$err"
run "$mixdown" get rt.yaml /tempo /master/gain_db --json
python3 -c '
import json, sys
got = json.loads(sys.argv[1])
assert [(g["address"], g["value"], g["unit"]) for g in got] == [("/tempo", 96, "BPM"), ("/master/gain_db", -1.5, "dB")]
' "$out" 2>/dev/null && [ "$rc" -eq 0 ] && ok "get --json: an array of {address, value, unit}" ||
  fail "get --json with two addresses" "rc=$rc" "$out" "$err"
run "$mixdown" get rt.yaml /track/vocals/gain_db
[ "$rc" -eq 2 ] && [[ $err == *"did you mean \`vocal\`"* ]] && ok "get of an unknown track: exit 2, the nearest name" ||
  fail "get unknown" "rc=$rc" "$err"

# Structural edits: inserts, sends, clips, points, bands; each re-read.
count_get() { # FILE ADDRESS: how many items (or envelope points) get prints
  $check count "$("$mixdown" get "$1" "$2" --json 2>/dev/null)"
}
structural() { # NAME FILE ADDRESS OP ARG LIST_ADDRESS WANT_COUNT
  run "$mixdown" set "$2" "$3" "$4" "$5"
  local n
  n=$(count_get "$2" "$6")
  [ "$rc" -eq 0 ] && [ "$n" = "$7" ] && ok "$1: $6 has $7" || fail "$1" "rc=$rc count=$n want $7" "$err"
}
structural "append an insert" rt.yaml /track/vocal/inserts --append '{type: gain, gain_db: -1}' /track/vocal/inserts 3
roundtrip rt.yaml /track/vocal/insert/3/gain_db -2
structural "remove insert 1" rt.yaml /track/vocal/inserts --remove 1 /track/vocal/inserts 2
roundtrip rt.yaml /track/vocal/insert/1/ratio 5
structural "append a send" rt.yaml /track/key/sends --append '{to: fx, level_db: -20}' /track/key/sends 1
roundtrip rt.yaml /track/key/send/fx/level_db -15
structural "remove a send by its bus" rt.yaml /track/vocal/sends --remove fx /track/vocal/sends 0
structural "append a clip" rt.yaml /track/vocal/clips --append '{file: stems/keys.wav, start: 1.5}' /track/vocal/clips 2
roundtrip rt.yaml /track/vocal/clip/2/gain_db -3
structural "append an envelope point" rt.yaml /track/vocal/gain_db/points --append '["2:1", -2]' /track/vocal/gain_db 3
structural "remove an envelope point" rt.yaml /track/vocal/gain_db/points --remove 1 /track/vocal/gain_db 2
cat > eqrt.yaml <<'YAML'
mixdown: 1
tracks:
  - name: vocal
    file: stems/vocal.wav
    inserts:
      - {type: eq, bands: [{type: bell, freq: 1000}]}
YAML
structural "append an EQ band" eqrt.yaml /track/vocal/insert/1/bands --append '{type: lowshelf, freq: 150, gain_db: 2}' /track/vocal/insert/1/bands 2
roundtrip eqrt.yaml /track/vocal/insert/1/bands/2/gain_db 3
structural "remove an EQ band" eqrt.yaml /track/vocal/insert/1/bands --remove 1 /track/vocal/insert/1/bands 1
run "$mixdown" check rt.yaml
[ "$rc" -eq 0 ] && ok "after the structural edits the session checks" || fail "rt.yaml after structural edits" "$err"

cp "$edit/corpus/04-json-pretty.json" append.json
run "$mixdown" set append.json /track/bass/inserts --append '{type: gain, gain_db: -2}'
run2=$rc
run "$mixdown" set append.json /track/vocal/inserts --append '{type: eq, bands: [{type: bell, freq: 500, gain_db: -1}]}'
[ "$run2" -eq 0 ] && [ "$rc" -eq 0 ] && python3 -m json.tool append.json >/dev/null 2>&1 &&
  ! grep -q '#' append.json && ok "JSON: appending inserts (a new list, a nested one) keeps valid JSON" ||
  fail "JSON appends" "rc=$run2/$rc" "$err" "$(cat append.json)"

cat > outs.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: vocal, file: stems/vocal.wav}
outputs:
  - {file: a.wav, bits: 24}
  - {file: b.flac, bits: 16, loudness: {target_lufs: -23, true_peak_db: -2}}
YAML
roundtrip outs.yaml /outputs/1/bits 16
roundtrip outs.yaml /outputs/2/file c.flac
roundtrip outs.yaml /outputs/1/title 'Take 1'

# ------------------- 5. every parameter of every processor, from the tables
run "$mixdown" describe --markdown
plan=$($check plan . <<< "$out")
if [ "$rc" -ne 0 ] || [ "$(wc -l <<< "$plan")" -lt 60 ]; then
  fail "describe --markdown: no table of parameters to drive the test" "$err"
fi
params=0
while IFS=$'\t' read -r type seed suffix value; do
  [ -n "$type" ] || continue
  params=$((params + 1))
  if [ "$type" = strip ]; then
    printf 'mixdown: 1\ntracks:\n  - {name: t, file: stems/vocal.wav}\nbuses:\n  - {name: b}\n' > p.yaml
    addrs=("/track/t/$suffix")
    # A bus takes the strip's keys the validator lets a bus write (no pan_law).
    printf 'mixdown: 1\ntracks:\n  - {name: t, file: stems/vocal.wav}\nbuses:\n  - {name: b, %s: %s}\n' \
      "$suffix" "$value" > bus.yaml
    "$mixdown" check bus.yaml >/dev/null 2>&1 && addrs+=("/bus/b/$suffix")
    for addr in "${addrs[@]}"; do
      run "$mixdown" set p.yaml "$addr" "$value"
      r1=$rc e1=$err
      run "$mixdown" get p.yaml "$addr" --json
      if [ "$r1" -eq 0 ] && [ "$rc" -eq 0 ] && said=$($check same "$value" "$out"); then
        ok "strip: $addr = $value"
      else
        fail "strip: $addr = $value" "set exit $r1, get exit $rc" "${said:-}" "$e1" "$err"
      fi
    done
    continue
  fi
  printf 'mixdown: 1\ntempo: 120\ntracks:\n  - name: t\n    file: stems/vocal.wav\n    inserts:\n      - %s\n  - {name: key, file: stems/bass.wav}\n' "$seed" > p.yaml
  addr="/track/t/insert/1/$suffix"
  run "$mixdown" set p.yaml "$addr" "$value"
  r1=$rc e1=$err
  run "$mixdown" get p.yaml "$addr" --json
  r2=$rc said=''
  [ "$r2" -eq 0 ] && said=$($check same "$value" "$out")
  s2=$?
  run "$mixdown" get p.yaml "/track/t/insert/$type/$suffix" --json
  if [ "$r1" -eq 0 ] && [ "$r2" -eq 0 ] && [ "$s2" -eq 0 ] && [ "$rc" -eq 0 ] && $check same "$value" "$out" >/dev/null &&
    "$mixdown" check p.yaml >/dev/null 2>&1; then
    ok "$type: $addr = $value (also by type name), the session checks"
  else
    fail "$type: $addr = $value" "set exit $r1, get exit $r2, by type name exit $rc" "$said" "$e1" "$err"
  fi
done <<< "$plan"
[ "$params" -ge 60 ] && ok "$params parameters read from the tables (each a test above)" ||
  fail "only $params parameters read from describe --markdown"

finish
