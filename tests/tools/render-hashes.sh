#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Lists a hash of every file the test suite renders, so that a change that
# must not change the output (a restructuring) can be checked to the byte:
#
#   tests/tools/render-hashes.sh BUILD OUT.txt      # before the change
#   tests/tools/render-hashes.sh BUILD AFTER.txt    # after it
#   diff OUT.txt AFTER.txt                          # empty: same bytes
#
# Unit tests: every render of test_render_session() (tests/unit/support.c
# logs its bytes when MIXDOWN_TEST_RENDER_LOG is set).  Command-line tests:
# the suites run against a copy of BUILD whose `mixdown` is a wrapper that
# runs the real one, then hashes every audio file, take and picture that
# appeared next to the files it was given (the session's folder, -o's).
# Each line: SUITE INVOCATION FILE HASH.  Ogg and Opus files are left out:
# each stream carries a random serial number, so no two renders are equal.  The suites that kill mixdown on
# purpose (test_files.sh) or play in real time (test_live.sh) are left out:
# a wrapper would stand between the signal and the process, and a capture
# from JACK is not a render.
#
# Under the wrapper, four checks fail as they should (SIGINT/SIGTERM mid-render
# and the file-size limit reach the wrapper, valgrind checks bash): ignore them.
#
# Run it twice on the same build to see which outputs are not reproducible
# (there should be none); lines that differ between the two runs are noise.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: render-hashes.sh BUILD OUT.txt}" && pwd)
out=${2:?usage: render-hashes.sh BUILD OUT.txt}
: >"$out"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

shadow=$(mktemp -d)
trap 'rm -rf "$shadow"' EXIT
for entry in "$build"/*; do
  [ "$(basename "$entry")" = mixdown ] || ln -s "$entry" "$shadow/$(basename "$entry")"
done

cat >"$shadow/mixdown" <<EOF
#!/usr/bin/env bash
# Runs the real mixdown, then hashes what it wrote (render-hashes.sh).
stamp=\$(mktemp)
sleep 0.02 # file times move by the kernel's tick: let the stamp's be past
"$build/mixdown" "\$@"
rc=\$?
dirs=()
next_is_output=0
for a in "\$@"; do
  if [ -e "\$a" ] || [ "\$next_is_output" = 1 ]; then dirs+=("\$(dirname "\$a")"); fi
  [ "\$a" = -o ] && next_is_output=1 || next_is_output=0
done
n=\$(wc -l <"\$RENDER_HASH_COUNTER" 2>/dev/null || echo 0)
echo x >>"\$RENDER_HASH_COUNTER"
if [ "\${#dirs[@]}" -gt 0 ]; then
  find "\${dirs[@]}" -maxdepth 3 -type f -newer "\$stamp" \\
    \\( -name '*.wav' -o -name '*.flac' -o -name '*.rf64' -o -name '*.mp3' -o -name '*.png' \\) 2>/dev/null | sort -u |
  while read -r f; do
    printf '%s %s %s %s\n' "\$RENDER_HASH_SUITE" "\$n" "\$(basename "\$f")" \\
      "\$(sha256sum <"\$f" | cut -c1-32)" >>"\$RENDER_HASH_OUT"
  done
fi
rm -f "\$stamp"
exit \$rc
EOF
chmod +x "$shadow/mixdown"

echo "unit tests" >&2
MIXDOWN_TEST_RENDER_LOG="$out.unit" "$build/test-unit" >/dev/null 2>&1
sort "$out.unit" >>"$out" 2>/dev/null
rm -f "$out.unit"

export RENDER_HASH_OUT=$out.cli
: >"$RENDER_HASH_OUT"
for suite in cli hostile trust guard graph plugins session_input; do
  echo "command-line suite $suite" >&2
  export RENDER_HASH_SUITE=$suite RENDER_HASH_COUNTER=$shadow/counter-$suite
  "$here/tests/cli/test_$suite.sh" "$shadow" >"$shadow/log-$suite" 2>&1
  grep -E "^FAIL|^[a-z_-]+: [0-9]+ passed" "$shadow/log-$suite" >&2
done
cat "$RENDER_HASH_OUT" >>"$out"
rm -f "$RENDER_HASH_OUT"
echo "$(wc -l <"$out") outputs hashed into $out" >&2
