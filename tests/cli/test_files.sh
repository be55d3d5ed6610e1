#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Output files (issue 16.6, 16.7, 16.8): a device or a FIFO is written
# through, never replaced; no death of the process — SIGKILL, any
# terminating signal — leaves a partial, temporary or premaster file;
# stale temporaries of a dead run are removed; a replaced mix keeps its
# mode and owner; two outputs never share a file; a stem that cannot be
# put in place is reported, not hidden; analyze --plot never overwrites
# what it reads.  Measured by folder listings, byte compares, exit codes
# and modes.
#   tests/cli/test_files.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_files.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-files-XXXXXX")
readers=()
cleanup() {
  for p in "${readers[@]}"; do kill "$p" 2>/dev/null; done
  chattr -i "$work"/out/*.wav "$work"/stems-i/*.wav 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
root=false
[ "$(id -u)" -eq 0 ] && root=true

json() { sed -nE "s/^ *\"$2\": (-?[0-9.]+|-?inf|null),?$/\1/p" <<< "$1" | head -n 1; }
# Every name in a folder (dot files too) with its checksum: what a user would find there.
listing() { (cd "$1" && find . -mindepth 1 | sort | while read -r f; do
  if [ -f "$f" ]; then echo "$f $(md5sum < "$f" | cut -c1-32)"; else echo "$f"; fi; done); }
frames() { run "$mixdown" analyze "$1" --json; json "$out" frames; }

mkdir src
"$tool" sine src/a.wav 3 440 1 48000
"$tool" sine src/b.wav 3 330 2 48000
cat > song.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: src/a.wav, gain_db: -3}
  - {name: b, file: src/b.wav, pan: 0.3}
output: {file: mix.wav, bits: 24}
YAML

# ---------------------------------------------- 6. devices and FIFOs
run "$mixdown" render song.yaml -o /dev/null -q
[ "$rc" -eq 0 ] && [ -c /dev/null ] && [ "$(stat -c %t:%T /dev/null)" = "1:3" ] &&
  ok "-o /dev/null: written through (exit 0), /dev/null is still the device" ||
  fail "-o /dev/null" "rc=$rc" "$err" "$(ls -l /dev/null)"

ln -s /dev/null null.wav
run "$mixdown" render song.yaml -o null.wav -q
[ "$rc" -eq 0 ] && [ -L null.wav ] && [ -c /dev/null ] &&
  ok "-o a link to /dev/null: written through the link, the link kept" || fail "-o null.wav link" "rc=$rc" "$err"

if $root && mknod node.wav c 1 3 2>/dev/null; then
  before=$(ls -A)
  run "$mixdown" render song.yaml -o node.wav -q
  [ "$rc" -eq 0 ] && [ "$(stat -c %F node.wav)" = "character special file" ] && [ "$(ls -A)" = "$before" ] &&
    ok "-o a character device node: still the device, no other file in the folder" ||
    fail "-o node.wav (char device)" "rc=$rc" "$err" "$(ls -lA)"
  mknod block.wav b 7 200
  run "$mixdown" render song.yaml -o block.wav -q
  [ "$rc" -eq 2 ] && [ -b block.wav ] && [[ "$err" == *"block device"* ]] &&
    ok "-o a block device: refused (exit 2), the node kept" || fail "-o block.wav" "rc=$rc" "$err"
  rm -f node.wav block.wav
else
  skip "device nodes need root"
  skip "block device needs root"
fi

# The reference renders, to regular files.
"$mixdown" render song.yaml -o ref.wav -q && "$mixdown" render song.yaml -o ref.flac -q &&
  "$mixdown" render song.yaml -o refn.wav -q --normalize -10 --true-peak -10 && "$mixdown" render song.yaml -o ref.mp3 -q
ref_frames=$(frames ref.wav)

# Reads FIFO $1 into $2 in the background (the pid in $reader).
read_fifo() { timeout 120 cat "$1" > "$2" & reader=$!; readers+=("$reader"); }

# Streamable formats go straight down the pipe; the others (whose header
# is rewritten at the end) reach it whole once the render is done.
# Normalised into a -10 dBTP ceiling, the finishing takes several passes
# (4 measured) and keeps the last: the reader gets that one only.
for case in "flac:" "wav:" "mp3:" "wav:--normalize -10 --true-peak -10"; do
  ext=${case%%:*}
  opts=${case#*:}
  rm -f "pipe.$ext" "got.$ext"
  mkfifo "pipe.$ext"
  read_fifo "pipe.$ext" "got.$ext"
  # shellcheck disable=SC2086
  run timeout 120 "$mixdown" render song.yaml -o "pipe.$ext" -q $opts
  wait "$reader"
  got=$(frames "got.$ext")
  same=true
  case "$ext:$opts" in
    wav:) cmp -s got.wav ref.wav || same=false ;;
    wav:*) cmp -s got.wav refn.wav || same=false ;;
    mp3:) cmp -s got.mp3 ref.mp3 || same=false ;;
  esac
  if [ "$rc" -eq 0 ] && [ -p "pipe.$ext" ] && [ "$got" = "$ref_frames" ] && $same; then
    ok "-o a FIFO (.$ext $opts): the reader got all $got frames${opts:+ of the finished mix}, the FIFO kept"
  else
    fail "-o FIFO .$ext $opts" "rc=$rc frames=$got (want $ref_frames) same=$same" "$err" "$(ls -lA)"
  fi
done
rm -f pipe.* got.*

# ------------------------------------------- 7. death leaves nothing behind
"$tool" sine src/long.wav 400 440 2 48000
cat > long.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: src/long.wav, inserts: [{type: reverb, decay_s: 2}]}
  - {name: b, file: src/long.wav, gain_db: -6, inserts: [{type: eq, bands: [{type: bell, freq: 1000, gain_db: 3}]}]}
output: {file: out/mix.wav}
YAML
mkdir -p out tmp
"$mixdown" render song.yaml -o out/mix.wav --stems out/stems -q
chmod 640 out/mix.wav
previous=$(listing out)

# Starts a long render in the background (pid in $pid, stderr in $work/bg.err)
# and returns once it is writing the mix: a file of `out` open in it, past 1 MB.
start_render() {
  TMPDIR="$work/tmp" "$mixdown" render long.yaml --threads 1 "$@" 2> "$work/bg.err" > /dev/null &
  pid=$!
  local n=0
  while kill -0 "$pid" 2>/dev/null; do
    for fd in /proc/"$pid"/fd/*; do
      target=$(readlink "$fd" 2>/dev/null) || continue
      [[ "$target" == "$work/out/"* || "$target" == "$work/tmp/"* ]] || continue
      pos=$(sed -n 's/^pos:\s*//p' "/proc/$pid/fdinfo/${fd##*/}" 2>/dev/null)
      [ "${pos:-0}" -gt 1000000 ] && return 0
    done
    n=$((n + 1))
    [ "$n" -gt 20000 ] && return 1 # it never started writing
  done
  return 1
}

if start_render --stems out/stems; then
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  now=$(listing out)
  [ "$now" = "$previous" ] && ok "SIGKILL mid-render (mix and stems): only the previous files, byte-identical" ||
    fail "SIGKILL mid-render" "$(diff <(echo "$previous") <(echo "$now"))"
else
  fail "SIGKILL mid-render: the render never started writing" "$(cat bg.err)"
fi

if start_render --normalize -20; then
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  [ -z "$(ls -A tmp)" ] && [ "$(listing out)" = "$previous" ] &&
    ok "SIGKILL while normalising: no premaster left in TMPDIR, the folder as it was" ||
    fail "SIGKILL normalising" "$(ls -lA tmp out)"
else
  fail "SIGKILL normalising: the render never started writing" "$(cat bg.err)"
fi

# Temporaries of a dead run (the pid in the name is gone) go; a live one stays.
sh -c 'exit 0' & dead=$!
wait "$dead"
stale="out/.mix.wav.partial-$dead-Ab12Cd"
live="out/.mix.wav.partial-$$-Xy34Zw"
echo partial > "$stale"
echo partial > "$live"
run "$mixdown" render song.yaml -o out/mix.wav -q
[ "$rc" -eq 0 ] && [ ! -e "$stale" ] && [ -e "$live" ] &&
  ok "a stale temporary (pid $dead gone) is removed on the next run; one of a live pid is kept" ||
  fail "stale temporaries" "rc=$rc" "$err" "$(ls -lA out)"
rm -f "$live"
previous=$(listing out)

# ------------------------------------- 8. every terminating signal is an interrupt
# (a test run under nohup ignores SIGHUP from the start, and so does the render,
# as it should: that case is skipped, not failed)
hup_ignored=$(( 0x$(sed -n 's/^SigIgn:\s*//p' /proc/$$/status) & 1 ))
for sig in HUP PIPE ALRM USR1 USR2 INT TERM; do
  if [ "$sig" = HUP ] && [ "$hup_ignored" -eq 1 ]; then
    skip "SIGHUP mid-render: SIGHUP is ignored in this test run (nohup), and so by the render"
    continue
  fi
  if start_render --normalize -20; then
    kill -"$sig" "$pid"
    wait "$pid"
    code=$?
    want=$((128 + $(kill -l "$sig")))
    if [ "$code" -eq "$want" ] && grep -q "interrupted" bg.err && [ -z "$(ls -A tmp)" ] &&
      [ "$(listing out)" = "$previous" ]; then
      ok "SIG$sig mid-render: exit $code, 'interrupted', no partial or premaster file"
    else
      fail "SIG$sig mid-render" "exit $code (want $want)" "$(cat bg.err)" "$(ls -lA tmp out)"
    fi
  else
    fail "SIG$sig: the render never started writing" "$(cat bg.err)"
  fi
done

# ------------------------------------ 8. a replaced mix keeps its mode and owner
chmod 640 out/mix.wav
$root && chown nobody:nogroup out/mix.wav 2>/dev/null
owner=$(stat -c %U:%G out/mix.wav)
run "$mixdown" render song.yaml -o out/mix.wav -q --bits 16
[ "$rc" -eq 0 ] && [ "$(stat -c %a out/mix.wav)" = 640 ] && [ "$(stat -c %U:%G out/mix.wav)" = "$owner" ] &&
  ok "the replaced mix keeps mode 640 and owner $owner" ||
  fail "mode and owner kept" "rc=$rc" "$(stat -c '%a %U:%G' out/mix.wav) (want 640 $owner)"
rm -f new.wav
run "$mixdown" render song.yaml -o new.wav -q
mask=$(umask)
[ "$(stat -c %a new.wav)" = "$(printf '%o' $((0666 & ~8#$mask)))" ] &&
  ok "a new file gets 0666 less the umask ($(stat -c %a new.wav))" || fail "new file mode" "$(stat -c %a new.wav)"

# ------------------------------------------- 8. two outputs, one file
cat > names.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: mix, file: src/a.wav}
  - {name: b, file: src/b.wav}
output: {file: mix.wav}
YAML
run "$mixdown" render names.yaml -o o2/mix.wav --stems o2 -q
[ "$rc" -eq 2 ] && [ ! -e o2 ] && [[ "$err" == *"the mix"*"the stem of \`mix\`"* ]] &&
  ok "a track named mix with -o o2/mix.wav --stems o2: exit 2 naming both, nothing written" ||
  fail "track mix vs the mix" "rc=$rc" "$err" "$(ls -lAR o2 2>&1)"
cat > slash.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: a/b, file: src/a.wav}
  - {name: a_b, file: src/b.wav}
output: {file: mix.wav}
YAML
run "$mixdown" render slash.yaml -o o3/mix.wav --stems o3/stems -q
[ "$rc" -eq 2 ] && [ ! -e o3 ] && [[ "$err" == *"\`a/b\`"*"\`a_b\`"* ]] &&
  ok "tracks a/b and a_b (one stem file): exit 2 naming both, before rendering" ||
  fail "a/b vs a_b" "rc=$rc" "$err" "$(ls -lAR o3 2>&1)"

# --------------------- 8. a stem that cannot be put in place is reported, exit 1
mkdir -p stems-i
"$mixdown" render song.yaml -o stems-i/mix.wav --stems stems-i -q --stems-bits 16
if chattr +i stems-i/a.wav 2>/dev/null; then
  kept=$(md5sum < stems-i/a.wav)
  old_b=$(md5sum < stems-i/b.wav)
  run "$mixdown" render song.yaml -o stems-i/mix.wav --stems stems-i --stems-bits 24
  chattr -i stems-i/a.wav
  if [ "$rc" -eq 1 ] && [[ "$err" == *"stems-i/a.wav"* ]] && [ "$(md5sum < stems-i/a.wav)" = "$kept" ] &&
    [ "$(md5sum < stems-i/b.wav)" != "$old_b" ] && [[ "$out" != *"stems      2 in"* ]] &&
    [ -z "$(find stems-i -name '.*')" ]; then
    ok "a stem that cannot replace its file: exit 1 naming it, the other stem written, no temporaries left"
  else
    fail "stem not put in place" "rc=$rc" "$err" "$out" "$(ls -lA stems-i)"
  fi
else
  skip "chattr +i needs root on a filesystem that has it"
fi

# ------------------------------------------------- 8. -o onto an impulse response
"$tool" sine src/ir.wav 0.5 1000 2 48000
cat > ir.yaml <<'YAML'
mixdown: 1
tracks:
  - {name: a, file: src/a.wav, sends: [{to: verb, level_db: -6}]}
buses:
  - {name: verb, inserts: [{type: reverb, impulse: src/ir.wav}]}
output: {file: mix.wav}
YAML
ir=$(md5sum < src/ir.wav)
run "$mixdown" render ir.yaml -o ./src/../src/ir.wav -q
[ "$rc" -eq 2 ] && [ "$(md5sum < src/ir.wav)" = "$ir" ] && [[ "$err" == *"impulse"* || "$err" == *"verb"* ]] &&
  ok "-o onto a bus reverb's impulse: file (another spelling): refused, untouched" || fail "-o impulse" "rc=$rc" "$err"

# -------------------------------------- 8. analyze --plot never replaces a read file
if has_feature report; then
  victims="src/a.wav src/b.wav song.yaml"
  before=$(md5sum $victims)
  for target in src/a.wav song.yaml ./src/../src/b.wav; do
    run "$mixdown" analyze song.yaml --plot "$target"
    [ "$rc" -eq 2 ] && [ "$(md5sum $victims)" = "$before" ] && [[ "$err" == *"refusing"* ]] &&
      ok "analyze song.yaml --plot $target: refused (exit 2), untouched" || fail "--plot $target" "rc=$rc" "$err"
  done
  run "$mixdown" analyze src/a.wav --plot src/a.wav
  [ "$rc" -eq 2 ] && [ "$(md5sum $victims)" = "$before" ] &&
    ok "analyze FILE --plot FILE: refused, the file untouched" || fail "--plot FILE onto itself" "rc=$rc" "$err"
  echo "my notes" > notes.png
  run "$mixdown" analyze src/a.wav --plot notes.png
  [ "$rc" -eq 2 ] && [ "$(cat notes.png)" = "my notes" ] &&
    ok "--plot over a file that is not a PNG: refused" || fail "--plot notes.png" "rc=$rc" "$err"
  run "$mixdown" analyze src/a.wav --plot pic.png
  run "$mixdown" analyze src/a.wav --plot pic.png
  [ "$rc" -eq 0 ] && [ "$(head -c 4 pic.png | od -An -c | tr -d ' ')" = "211PNG" ] &&
    ok "--plot over its own earlier picture: allowed" || fail "--plot pic.png twice" "rc=$rc" "$err"
else
  skip "analyze --plot never replaces a read file: this build draws no plots (meson -Dreport=disabled)"
fi

echo "files: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
