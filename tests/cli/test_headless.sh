#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A build without some optional parts (meson_options.txt: jack, osc, lv2,
# report, serve; `make test` builds build-headless with none): what it lacks is
# refused with a message that names the part and how to build it, the
# library and the command do not link the part's library, and rendering,
# checking and analysing work as in a full build.
#   tests/cli/test_headless.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_headless.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-headless-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$tool" sine tone.wav 1 440 1 48000
cat > good.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: tone, file: tone.wav, gain_db: -3}
output: {file: mix.wav, bits: 24}
YAML
cat > lv2.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - name: tone
    file: tone.wav
    inserts:
      - {type: lv2, uri: "http://plugin.org.uk/swh-plugins/singlePara"}
output: {file: lv2.wav}
YAML

# The part's library, as the dynamic linker names it.
declare -A library=([jack]=libjack [osc]=liblo [lv2]=liblilv [report]=libcairo [serve]=libwebsockets)

run "$mixdown" version
lacking=$(sed -n 's/^without: //p' <<< "$out")
[ "$rc" -eq 0 ] && [[ "$out" == "mixdown "* ]] && ok "version lists what the build lacks: ${lacking:-nothing}" ||
  fail "version" "rc=$rc" "$out"

for part in $lacking; do
  deps=$(ldd "$build/libmixdown.so" "$mixdown" 2>&1)
  [[ "$deps" != *"${library[$part]}"* ]] && ok "$part: neither libmixdown.so nor mixdown links ${library[$part]}" ||
    fail "$part: ${library[$part]} linked" "$deps"
done

for part in $lacking; do
  case $part in
  jack)
    run "$mixdown" play good.yaml
    [ "$rc" -eq 2 ] &&
      [ "$err" = "mixdown play: this build of mixdown has no live playback (JACK): rebuild with meson -Djack=enabled" ] &&
      ok "play: a command-line error (exit 2) naming JACK and -Djack=enabled" || fail "play" "rc=$rc" "$err"
    run "$mixdown" play --help
    [ "$rc" -eq 0 ] && [[ "$out" == *"usage: mixdown play"* ]] && ok "play --help still shows the usage" ||
      fail "play --help" "rc=$rc" "$err"
    ;;
  osc)
    if has_feature jack; then
      run "$mixdown" play good.yaml --osc 9000
      [ "$rc" -eq 2 ] &&
        [ "$err" = "mixdown play: this build of mixdown has no OSC control (liblo): rebuild with meson -Dosc=enabled" ] &&
        ok "play --osc: a command-line error (exit 2) naming liblo and -Dosc=enabled" || fail "play --osc" "rc=$rc" "$err"
    fi
    ;;
  lv2)
    run "$mixdown" plugins
    [ "$rc" -eq 2 ] &&
      [ "$err" = "mixdown plugins: this build of mixdown has no LV2 plugins (lilv): rebuild with meson -Dlv2=enabled" ] &&
      ok "plugins: a command-line error (exit 2) naming lilv and -Dlv2=enabled" || fail "plugins" "rc=$rc" "$err"
    for command in check render; do
      run "$mixdown" $command lv2.yaml
      [ "$rc" -eq 2 ] && [ ! -e lv2.wav ] &&
        [[ "$err" == *"lv2.yaml:7:26: error: this build of mixdown has no LV2 plugins (lilv): rebuild with meson -Dlv2=enabled"* ]] &&
        ok "$command of a session with an lv2 insert: exit 2 at the insert's uri (FILE:LINE:COL)" ||
        fail "$command lv2.yaml" "rc=$rc" "$err"
    done
    ;;
  serve)
    run "$mixdown" serve good.yaml --port 0
    [ "$rc" -eq 2 ] && [ -z "$out" ] &&
      [ "$err" = "mixdown serve: this build of mixdown has no console in the browser (libwebsockets, jansson): rebuild with meson -Dserve=enabled" ] &&
      ok "serve: a command-line error (exit 2) naming libwebsockets and -Dserve=enabled, no URL" ||
      fail "serve" "rc=$rc" "$err"
    ;;
  report)
    run "$mixdown" analyze tone.wav --plot tone.png
    [ "$rc" -eq 2 ] && [ ! -e tone.png ] &&
      [ "$err" = "mixdown analyze: this build of mixdown has no plots (--plot; cairo): rebuild with meson -Dreport=enabled" ] &&
      ok "analyze --plot: a command-line error (exit 2) naming cairo and -Dreport=enabled, nothing written" ||
      fail "analyze --plot" "rc=$rc" "$err"
    ;;
  esac
done
[ -z "$lacking" ] && skip "this build has every optional part"

# What a headless build is for still works.
run "$mixdown" check good.yaml
[ "$rc" -eq 0 ] && ok "check a session: exit 0" || fail "check" "rc=$rc" "$err"
run "$mixdown" render good.yaml -q
[ "$rc" -eq 0 ] && [ -s mix.wav ] && ok "render a session: exit 0, the mix written" || fail "render" "rc=$rc" "$err"
run "$mixdown" analyze mix.wav --json
[ "$rc" -eq 0 ] && [[ "$out" == *'"integrated_lufs"'* ]] && ok "analyze a file: exit 0" || fail "analyze" "rc=$rc" "$out"

echo "headless: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
