#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One --cache folder shared by renders running at once (as on a cluster's
# shared storage): 4 sessions that share most of their tracks (generated
# here, several seconds, many tracks, some faders different so hits store
# new levels) rendered at once into one folder, several rounds — every
# output the bytes of the uncached render, no temporary file left, no
# damaged file reported later.  Then entries planted cut short, zeroed and
# with a broken header: misses, reported as damaged, the bytes unchanged,
# and replaced (the next render reports none).  Then --cache-limit tiny
# while the others read (every entry made two hours old first, so the
# limit removes what it may): all succeed with the same bytes.
# Prints renders, hits and seconds per round.
#   tests/cli/test_cache_shared.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_cache_shared.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"
sanitized=false
[ "${2:-}" = --sanitized ] && sanitized=true

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-cache-shared-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

sessions=4
shared_tracks=12
own_tracks=3
seconds=6
$sanitized && seconds=3 # the same paths, at a sanitizer's pace
rounds=3

# ---------------------------------------------------------------- sources and sessions
mkdir -p src
for k in $(seq 0 $((shared_tracks - 1))); do
  "$tool" sine "src/shared$k.wav" "$seconds" $((110 + 37 * k)) $((1 + k % 2)) 48000
done
for s in $(seq 0 $((sessions - 1))); do
  for k in $(seq 0 $((own_tracks - 1))); do
    "$tool" sine "src/own$s-$k.wav" "$seconds" $((300 + 50 * s + 13 * k)) 2 48000
  done
done

# Session S: the shared tracks (the same clips and inserts everywhere;
# tracks 0-3 with a fader that differs between sessions), then its own.
write_session() {
  local s=$1
  {
    echo "mixdown: 1"
    echo "sample_rate: 48000"
    echo "tracks:"
    for k in $(seq 0 $((shared_tracks - 1))); do
      local gain=-6
      [ "$k" -lt 4 ] && gain=$((-3 - s))
      echo "  - {name: shared$k, file: src/shared$k.wav, gain_db: $gain, pan: 0.$((k % 9)),"
      echo "     inserts: [{type: eq, bands: [{type: bell, freq: $((500 + 100 * k)), gain_db: 3}]},"
      echo "               {type: compressor, threshold_db: -$((18 + k))}]}"
    done
    for k in $(seq 0 $((own_tracks - 1))); do
      echo "  - {name: own$k, file: src/own$s-$k.wav, gain_db: -9,"
      echo "     inserts: [{type: compressor, threshold_db: -24, ratio: $((2 + k))}]}"
    done
    echo "output: {file: mix$s.wav, bits: 24}"
  } > "session$s.yaml"
}
for s in $(seq 0 $((sessions - 1))); do
  write_session "$s"
done

# The uncached renders: the bytes every cached one must give.
mkdir -p ref
start=$(date +%s.%N)
for s in $(seq 0 $((sessions - 1))); do
  "$mixdown" render "session$s.yaml" -o "ref/mix$s.wav" -q > /dev/null 2> "ref/err$s" &
done
ref_ok=true
for job in $(jobs -p); do
  wait "$job" || ref_ok=false
done
uncached_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
$ref_ok && [ -s ref/mix0.wav ] && ok "$sessions uncached renders at once ($uncached_s s)" ||
  fail "uncached renders" "$(cat ref/err*)"

# ---------------------------------------------------------------- helpers
# Renders every session at once into `cache` (extra options after the
# round's name); sets $round_s, $round_hits, $round_tracks, $round_damaged,
# $round_removed, $round_failed, $round_differ.
render_round() {
  local name=$1
  shift
  mkdir -p "$name"
  local t0
  t0=$(date +%s.%N)
  for s in $(seq 0 $((sessions - 1))); do
    "$mixdown" render "session$s.yaml" -o "$name/mix$s.wav" --cache cache "$@" > "$name/out$s" 2> "$name/err$s" &
  done
  round_failed=0
  for job in $(jobs -p); do
    wait "$job" || round_failed=$((round_failed + 1))
  done
  round_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  round_hits=0 round_tracks=0 round_damaged=0 round_removed=0 round_differ=0
  for s in $(seq 0 $((sessions - 1))); do
    cmp -s "ref/mix$s.wav" "$name/mix$s.wav" || round_differ=$((round_differ + 1))
    local line
    line=$(grep -E '^  cache +[0-9]+ of [0-9]+ tracks reused' "$name/out$s")
    round_hits=$((round_hits + $(echo "$line" | awk '{ print $2 + 0 }')))
    round_tracks=$((round_tracks + $(echo "$line" | awk '{ print $4 + 0 }')))
    round_damaged=$((round_damaged + $(awk '/damaged cache file/ { print $2; exit }' "$name/out$s" | grep . || echo 0)))
    round_removed=$((round_removed + $(awk '/older cache file/ { print $1; exit }' "$name/out$s" | grep . || echo 0)))
  done
  echo "    $name: $sessions renders at once, $round_hits of $round_tracks tracks reused, $round_damaged damaged," \
       "$round_removed removed, $round_s s"
}
partials() { find cache -name '*.partial' | wc -l; }

# ---------------------------------------------------------------- rounds at once
for r in $(seq 1 "$rounds"); do
  render_round "round$r"
  [ "$round_failed" -eq 0 ] && [ "$round_differ" -eq 0 ] &&
    ok "round $r: $sessions renders at once sharing the cache, every mix the uncached bytes" ||
    fail "round $r" "failed: $round_failed, differing: $round_differ" "$(cat "round$r"/err*)"
  [ "$(partials)" -eq 0 ] && ok "round $r: no temporary file left in the folder" ||
    fail "round $r: temporary files left" "$(find cache -name '*.partial')"
  [ "$round_damaged" -eq 0 ] && ok "round $r: no damaged file reported" || fail "round $r: $round_damaged damaged"
  if [ "$r" -eq 1 ]; then
    first_s=$round_s
    echo "    the folder after round 1: $(find cache -name '*.md[csl]' | wc -l) files, $(du -sm cache | cut -f1) MB"
  else
    [ "$round_hits" -eq "$round_tracks" ] && [ "$round_tracks" -gt 0 ] &&
      ok "round $r: every track reused ($round_hits of $round_tracks)" ||
      fail "round $r: $round_hits of $round_tracks tracks reused"
    cached_s=$round_s
  fi
done
echo "    time for $sessions renders at once: uncached $uncached_s s, empty cache $first_s s, full cache $cached_s s"

# One at a time afterwards: all whole (no damage), all reused.
all_reused=true
for s in $(seq 0 $((sessions - 1))); do
  run "$mixdown" render "session$s.yaml" -o later.wav --cache cache
  echo "$out" | grep -q 'damaged' && all_reused=false
  echo "$out" | grep -Eq "cache +$((shared_tracks + own_tracks)) of $((shared_tracks + own_tracks)) tracks reused" ||
    all_reused=false
  cmp -s later.wav "ref/mix$s.wav" || all_reused=false
done
$all_reused && ok "each session again, alone: every track reused, nothing damaged, the same bytes" ||
  fail "a later render" "$out"

# ---------------------------------------------------------------- damaged entries planted
# Session 0's own files (its keys, from a folder of its own), broken in the
# shared folder: one cut to half, one zero-filled at its size, one with
# its magic changed.
"$mixdown" render session0.yaml -o own.wav -q --cache cache0 > /dev/null 2>&1
mapfile -t mine < <(cd cache0 && ls -- *.mdc | sort)
if [ "${#mine[@]}" -ge 3 ] && [ -f "cache/${mine[0]}" ] && [ -f "cache/${mine[1]}" ] && [ -f "cache/${mine[2]}" ]; then
  size=$(stat -c %s "cache/${mine[1]}")
  truncate -s $((size / 2)) "cache/${mine[0]}"
  head -c "$size" /dev/zero > "cache/${mine[1]}"
  printf 'X' | dd of="cache/${mine[2]}" bs=1 seek=0 count=1 conv=notrunc status=none
  run "$mixdown" render session0.yaml -o planted.wav --cache cache
  if [ "$rc" -eq 0 ] && echo "$out" | grep -q 'warning: 3 damaged cache files' && cmp -s planted.wav ref/mix0.wav; then
    ok "a truncated, a zero-filled and a broken-header entry: misses, reported (3 damaged), the same bytes"
  else
    fail "planted damage" "rc=$rc" "$out" "$err"
  fi
  run "$mixdown" render session0.yaml -o again.wav --cache cache
  if [ "$rc" -eq 0 ] && ! echo "$out" | grep -q damaged && cmp -s again.wav ref/mix0.wav &&
    echo "$out" | grep -Eq "cache +$((shared_tracks + own_tracks)) of"; then
    ok "the next render: the damaged entries were replaced (none reported, every track reused)"
  else
    fail "after the damage" "$out"
  fi
  [ "$(partials)" -eq 0 ] && ok "no temporary file left after the damage" || fail "temporary files after damage"
  # A FIFO under an entry's name: not opened as if it were one (no hang), replaced.
  rm -f "cache/${mine[0]}" && mkfifo "cache/${mine[0]}"
  run timeout 300 "$mixdown" render session0.yaml -o fifo.wav --cache cache
  [ "$rc" -eq 0 ] && cmp -s fifo.wav ref/mix0.wav && [ -f "cache/${mine[0]}" ] && [ ! -p "cache/${mine[0]}" ] &&
    ok "a FIFO under an entry's name: a miss (no hang), replaced by a file, the same bytes" || fail "a FIFO entry" "rc=$rc" "$err"
else
  fail "no cache files of session 0 to damage" "${mine[*]}"
fi

# ---------------------------------------------------------------- a tiny limit while others read
# Every entry two hours old: unused for longer than the in-use hour, so a
# limit of one byte removes each one no render is using; the renders touch
# the ones they read as they open them.
before=$(find cache -name '*.md[csl]' | wc -l)
find cache -name '*.md[csl]' -exec touch -d '2 hours ago' {} +
render_round limit --cache-limit 1
after=$(find cache -name '*.md[csl]' | wc -l)
[ "$round_failed" -eq 0 ] && [ "$round_differ" -eq 0 ] &&
  ok "--cache-limit 1 in $sessions renders at once: all done, every mix the uncached bytes" ||
  fail "--cache-limit round" "failed: $round_failed, differing: $round_differ" "$(cat limit/err*)"
[ "$round_removed" -gt 0 ] && ok "--cache-limit removed $round_removed unused entries ($before files before, $after after)" ||
  fail "--cache-limit removed nothing" "$before before, $after after"
[ "$(partials)" -eq 0 ] && [ "$round_damaged" -eq 0 ] && ok "--cache-limit: no temporary file left, nothing damaged" ||
  fail "--cache-limit: temporary files or damage" "$(find cache -name '*.partial')"
render_round after-limit
[ "$round_failed" -eq 0 ] && [ "$round_differ" -eq 0 ] && [ "$round_damaged" -eq 0 ] && [ "$(partials)" -eq 0 ] &&
  ok "after the limit: $sessions renders at once, the same bytes, nothing damaged or left" ||
  fail "after the limit" "failed: $round_failed, differing: $round_differ, damaged: $round_damaged"

echo "$(basename "$0" .sh | sed 's/^test_//'): $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
