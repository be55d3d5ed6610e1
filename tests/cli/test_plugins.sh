#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# LV2 plugins that crash, ranges at single precision, atom buffers (issue
# 16.7, 16.10, 16.11): a plugin's SIGFPE or SIGSEGV fails the render with
# exit 1 and a line naming the plugin, and leaves no file behind; fil4's
# HPQ 1.4 and darc's attack 0.001 (the ends `mixdown plugins` prints) are
# accepted; x42 plugins get the atom buffers they ask for.  Our test
# plugins (tests/lv2) always; swh-lv2 and x42-plugins when installed.
#   tests/cli/test_plugins.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_plugins.sh BUILD_DIR [--sanitized]}" && pwd)
sanitized=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-plugins-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$tool" sine in.wav 1 440 1 48000

# Files in the folder other than the inputs: what a render left behind.
leftovers() { ls -A | grep -v -x -e in.wav -e stderr -e '.*\.yaml' | tr '\n' ' '; }
insert() { # FILE URI PARAMS
  printf 'mixdown: 1\ntracks:\n  - {name: t, file: in.wav, inserts: [{type: lv2, uri: "%s", params: %s}]}\n' "$2" "$3" > "$1"
}

# ------------------------------------------------------------ our test plugins
test_path="$build/tests/lv2"
probe="urn:mixdown:test#probe"
insert segv.yaml "$probe" "{crash: {points: [[0, 0], [0.5, 2]], curve: step}}"
LV2_PATH=$test_path run "$mixdown" render segv.yaml -o out.wav
[ "$rc" -eq 1 ] && [[ "$err" == *"segv.yaml: error: track or bus \`t\`, insert 1, in the block from 0.491 s: LV2 plugin <$probe> crashed with SIGSEGV"* ]] &&
  [ -z "$(leftovers)" ] && ok "a plugin's SIGSEGV mid-render: exit 1, the plugin named, nothing left" ||
  fail "plugin SIGSEGV" "rc=$rc" "$err" "left: $(leftovers)"

insert fpe.yaml "$probe" "{crash: 1}"
LV2_PATH=$test_path MIXDOWN_LV2_ISOLATION=0 run "$mixdown" render fpe.yaml -o out.wav
# Dies of the signal (128 + 8); under ASan its own handler, chained to, reports it and exits 1.
{ [ "$rc" -eq 136 ] || { [ -n "$sanitized" ] && [ "$rc" -ne 0 ]; }; } && [[ "$err" == *"mixdown: LV2 plugin <$probe> crashed with SIGFPE"* ]] &&
  ok "in-process (MIXDOWN_LV2_ISOLATION=0): dies of SIGFPE, its last line names the plugin" ||
  fail "in-process SIGFPE" "rc=$rc" "$err"
rm -f .out.wav.* out.wav # a partial file here is the writer's to prevent (issue 16.7, O_TMPFILE)

LV2_PATH=$test_path run "$mixdown" plugins "urn:mixdown:test#odd"
[ "$rc" -eq 0 ] && [[ "$out" == *"fraction             0.1 … 1.4, default 0.3 "* && "$out" == *"inverted             1 … 10"* ]] &&
  ok "plugins: single-precision ranges as written, an inverted range turned round" || fail "plugins odd" "rc=$rc" "$out" "$err"

LV2_PATH=$test_path run "$mixdown" check <(printf 'mixdown: 1\ntracks:\n  - {name: t, file: %s/in.wav, inserts: [{type: lv2, uri: "urn:mixdown:test#fails"}]}\n' "$work")
[ "$rc" -eq 2 ] && [[ "$err" == *":3:"*"error: LV2 plugin <urn:mixdown:test#fails> cannot be instantiated at 48000 Hz"* ]] &&
  ok "a plugin that cannot be instantiated: a session error at its line, exit 2" || fail "instantiate fails" "rc=$rc" "$err"

# ------------------------------------------------------------ swh revdelay
if [ -e /usr/lib/lv2/revdelay-swh.lv2/manifest.ttl ]; then
  insert revdelay.yaml "http://plugin.org.uk/swh-plugins/revdelay" "{delay_time: {points: [[0.1, 0], [0.1006, 5], [0.1013, 0]]}}"
  run "$mixdown" render revdelay.yaml -o out.wav
  [ "$rc" -eq 1 ] && [[ "$err" == *"LV2 plugin <http://plugin.org.uk/swh-plugins/revdelay> crashed with SIGFPE"* ]] &&
    [ -z "$(leftovers)" ] && ok "swh revdelay's division by zero: exit 1, the plugin named, nothing left" ||
    fail "revdelay" "rc=$rc" "$err" "left: $(leftovers)"
else
  skip "swh revdelay: swh-lv2 is not installed"
fi

# ------------------------------------------------------------ x42
if [ -e /usr/lib/lv2/fil4.lv2/manifest.ttl ]; then
  run "$mixdown" plugins "http://gareus.org/oss/lv2/fil4#mono"
  [[ "$out" == *"HPQ                  0 … 1.4, default 0.7 "* ]] && ok "plugins: fil4's HPQ is 0 … 1.4" || fail "fil4 range" "$out"
  run "$mixdown" plugins "http://gareus.org/oss/lv2/darc#mono"
  [[ "$out" == *"attack               0.001 … 0.1, default 0.01 "* ]] && ok "plugins: darc's attack is 0.001 … 0.1" || fail "darc range" "$out"
  insert hpq.yaml "http://gareus.org/oss/lv2/fil4#mono" "{HighPass: true, HPQ: 1.4}"
  run "$mixdown" render hpq.yaml -o hpq.wav -q
  [ "$rc" -eq 0 ] && ok "fil4 HPQ: 1.4 (the printed maximum) renders" || fail "HPQ 1.4" "rc=$rc" "$err"
  insert attack.yaml "http://gareus.org/oss/lv2/darc#mono" "{attack: 0.001}"
  run "$mixdown" render attack.yaml -o attack.wav -q
  [ "$rc" -eq 0 ] && ok "darc attack: 0.001 (the printed minimum) renders" || fail "attack 0.001" "rc=$rc" "$err"
  for uri in "http://gareus.org/oss/lv2/fil4#stereo" "http://gareus.org/oss/lv2/meters#phasewheel" \
             "http://gareus.org/oss/lv2/sisco#Stereo"; do
    insert atoms.yaml "$uri" "{}"
    run "$mixdown" render atoms.yaml -o atoms.wav -q
    [ "$rc" -eq 0 ] && [[ "$err" != *"insufficient"* ]] && ok "$uri: its atom buffers are as large as it asks" ||
      fail "atoms $uri" "rc=$rc" "$err"
  done
else
  skip "x42 ranges and atom buffers: x42-plugins is not installed"
fi

echo "plugins: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
