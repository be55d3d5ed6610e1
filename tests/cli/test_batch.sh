#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mixdown batch run / status / collect` (docs/batch.md): a 12-item manifest
# with overrides rendered serially, with --jobs 2 and as 3 shards gives the
# same bytes; sidecars complete; two injected failures named by status as
# their shards, completed by rerunning those shards; a rerun of a complete
# shard writes nothing; a SIGKILLed run leaves nothing partial and its rerun
# completes; bad manifest lines each reported, exit 2, nothing written;
# collect; two concurrent runs sharing one --cache.  Prints items per minute
# of --jobs 1 and --jobs 2 (measured, not judged).
#   tests/cli/test_batch.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_batch.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-batch-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# ---------------------------------------------------------------- sessions
mkdir -p src sessions
"$tool" sine src/low.wav 6 110 2 44100
"$tool" sine src/mid.wav 6 440 1 48000
"$tool" sine src/high.wav 6 1760 2 44100
"$tool" sine src/flaky.wav 6 660 1 44100
for s in a b; do
  cat > "sessions/$s.yaml" <<YAML
mixdown: 1
tracks:
  - name: low
    file: ../src/low.wav
    gain_db: -6
  - name: mid
    file: ../src/mid.wav
    pan: -0.3
    inserts:
      - {type: eq, bands: [{type: bell, freq: 1000, gain_db: 3}]}
  - name: high
    file: ../src/$([ $s = a ] && echo high || echo mid).wav
    gain_db: -12
YAML
done
cat > sessions/f.yaml <<'YAML'
mixdown: 1
tracks:
  - name: low
    file: ../src/low.wav
  - name: flaky
    file: ../src/flaky.wav
    gain_db: -3
YAML

# Items 1 and 9 read flaky.wav: shards 0 and 2 of 3 (4 items each).
{
  echo '# the batch test: 12 items (comments and blank lines are not items)'
  for i in $(seq 0 11); do
    session=a
    [ "$i" -ge 6 ] && session=b
    [ "$i" -eq 1 ] || [ "$i" -eq 9 ] && session=f
    ext=wav
    [ $((i % 3)) -eq 2 ] && ext=flac
    gain=$(awk -v i="$i" 'BEGIN { printf "%.1f", -2.5 - i * 0.5 }')
    track=low
    [ "$session" = f ] && track=flaky
    extra=""
    [ $((i % 4)) -eq 3 ] && extra=', "loudness": "streaming", "bits": 16'
    [ "$i" -eq 5 ] && extra=', "loudness": {"target_lufs": -20, "true_peak_db": -2}, "rate": 48000'
    [ "$i" -eq 4 ] && extra=', "stems": "stems/mix04"'
    printf '{"id": "mix%02d", "session": "sessions/%s.yaml", "output": "mix/mix%02d.%s", "set": {"/track/%s/gain_db": %s, "/track/low/pan": %s}%s}\n' \
      "$i" "$session" "$i" "$ext" "$track" "$gain" "0.$i" "$extra"
    [ "$i" -eq 5 ] && echo
  done
} > jobs.jsonl
ids=$(python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]' jobs.jsonl)
outputs=$(python3 -c 'import json,sys; [print(json.loads(l)["output"]) for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]' jobs.jsonl)

# sha256 of every output under $1, one line each, in manifest order ("-" for a missing one).
hashes() { for o in $outputs; do if [ -f "$1/$o" ]; then sha256sum < "$1/$o" | cut -c1-64; else echo -; fi; done; }
# Files whose names say temporary (ours: a leading dot; the cache's: .partial).
temporaries() { find "$@" -mindepth 1 \( -name '.*' -o -name '*.partial' -o -name '*.tmp*' \) -print 2>/dev/null; }
now() { date +%s.%N; }

# ---------------------------------------------------------------- usage
run "$mixdown" batch --help
[ "$rc" -eq 0 ] && [[ "$out" == *"run MANIFEST"* && "$out" == *status* && "$out" == *collect* ]] &&
  ok "batch --help" || fail "batch --help" "rc=$rc"
run "$mixdown" --help
[[ "$out" == *"batch SUBCOMMAND"* ]] && ok "mixdown --help lists batch" || fail "mixdown --help lists batch"
for args in "batch" "batch frobnicate" "batch run" "batch run jobs.jsonl" "batch run jobs.jsonl --shard 3/3" \
  "batch run jobs.jsonl --index 12" "batch run jobs.jsonl --range 5:5" "batch run jobs.jsonl --all --jobs 0" \
  "batch run jobs.jsonl --all --shard 0/2" "batch status jobs.jsonl" "batch collect"; do
  # shellcheck disable=SC2086
  run "$mixdown" $args
  [ "$rc" -eq 2 ] && [ ! -e mix ] && ok "usage error: mixdown $args: exit 2, nothing written" ||
    fail "usage error: mixdown $args" "rc=$rc" "$err"
done

# ---------------------------------------------------------------- serial, --jobs 2, 3 shards
t0=$(now)
run "$mixdown" batch run jobs.jsonl --all --out serial
t1=$(now)
[ "$rc" -eq 0 ] && ok "serial run: exit 0" || fail "serial run" "rc=$rc" "$err"
serial=$(hashes serial)
[[ "$serial" != *-* ]] && [ "$(echo "$serial" | sort -u | wc -l)" -eq 12 ] &&
  ok "serial run: 12 outputs, all different" || fail "serial outputs" "$serial"
run "$mixdown" batch run jobs.jsonl --all --jobs 2 --out jobs2
t2=$(now)
[ "$rc" -eq 0 ] && [ "$(hashes jobs2)" = "$serial" ] && ok "--jobs 2: the same bytes as serial" ||
  fail "--jobs 2" "rc=$rc" "$err"
per_min() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 12 * 60 / (b - a) }'; }
echo "     throughput: --jobs 1 $(per_min "$t0" "$t1") items/min, --jobs 2 $(per_min "$t1" "$t2") items/min ($(nproc) cores)"
shard_rc=0
for k in 0 1 2; do
  "$mixdown" batch run jobs.jsonl --shard "$k/3" --out "shard$k" -q 2>"$work/stderr" || shard_rc=1
done
merged=$(for o in $outputs; do for k in 0 1 2; do [ -f "shard$k/$o" ] && sha256sum < "shard$k/$o" | cut -c1-64; done; done)
[ "$shard_rc" -eq 0 ] && [ "$merged" = "$serial" ] && ok "3 shards: every output once, the same bytes as serial" ||
  fail "3 shards" "rc=$shard_rc" "$merged"
[ "$(find shard0/mix -name 'mix*[0-9].wav' -o -name 'mix*[0-9].flac' | sort | tr '\n' ' ')" = \
  "shard0/mix/mix00.wav shard0/mix/mix01.wav shard0/mix/mix02.flac shard0/mix/mix03.wav " ] &&
  ok "shard 0/3 is the contiguous block of items 0-3" || fail "shard 0 contents" "$(ls shard0/mix)"
[ -f jobs2/stems/mix04/low.wav ] && [ -f jobs2/stems/mix04/mid.wav ] && ok "stems written under --out" ||
  fail "stems" "$(find jobs2/stems 2>&1)"
[ -z "$(temporaries serial jobs2 shard0 shard1 shard2)" ] && ok "no temporary files left" ||
  fail "temporary files" "$(temporaries serial jobs2 shard0 shard1 shard2)"

# Every sidecar complete: the item as given, a recipe, the measures, the time, the build.
check_sidecars() {
  python3 - "$1" jobs.jsonl <<'PY'
import json, math, os, sys
out, manifest = sys.argv[1], sys.argv[2]
items = [json.loads(l) for l in open(manifest) if l.strip() and not l.startswith('#')]
bad = []
for item in items:
    s = json.load(open(os.path.join(out, item['output'] + '.json')))
    if s.get('item') != item: bad.append(item['id'] + ': item differs')
    if not (isinstance(s.get('recipe'), str) and len(s['recipe']) == 32): bad.append(item['id'] + ': recipe')
    for k in ('loudness_lufs', 'true_peak_dbtp', 'peak_dbfs', 'length_s', 'seconds'):
        if not isinstance(s.get(k), (int, float)) or not math.isfinite(s[k]): bad.append(item['id'] + ': ' + k)
    if abs(s.get('length_s', 0) - 6) > 0.1: bad.append(item['id'] + ': length %s' % s.get('length_s'))
    if not str(s.get('build', '')).startswith('mixdown '): bad.append(item['id'] + ': build')
    if item.get('loudness') == 'streaming' and abs(s['loudness_lufs'] + 14) > 0.5: bad.append(item['id'] + ': lufs')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
}
run check_sidecars serial
[ "$rc" -eq 0 ] && ok "sidecars complete: item, recipe, loudness, true peak, peak, length, seconds, build" ||
  fail "sidecars" "$out" "$err"
recipes() { python3 -c 'import json,sys; [print(json.load(open(f))["recipe"]) for f in sys.argv[1:]]' "$@"; }
[ "$(recipes serial/mix/mix04.wav.json)" = "$(recipes jobs2/mix/mix04.wav.json)" ] &&
  ok "the recipe does not depend on --out" || fail "recipe and --out"

# ---------------------------------------------------------------- collect
run "$mixdown" batch collect jobs.jsonl --out serial
[ "$rc" -eq 0 ] && [ "$(echo "$out" | python3 -c 'import json,sys; [print(json.loads(l)["item"]["id"]) for l in sys.stdin]')" = "$ids" ] &&
  ok "collect: one line per item, in manifest order" || fail "collect" "rc=$rc" "$err"
run "$mixdown" batch collect jobs.jsonl --out serial -o results.jsonl
[ "$rc" -eq 0 ] && [ "$(wc -l < results.jsonl)" -eq 12 ] && [ -z "$out" ] && [ -z "$(find . -maxdepth 1 -name '.results*')" ] &&
  ok "collect -o: the file, written whole" || fail "collect -o" "rc=$rc" "$err"
run "$mixdown" batch collect jobs.jsonl --out shard1
[ "$rc" -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 4 ] && [[ "$err" == *"mix00"*"not done"* ]] &&
  ok "collect of one shard's folder: its 4 items, the others named, exit 1" || fail "collect, partial" "rc=$rc" "$err"

# ---------------------------------------------------------------- failures, status, reruns
mv src/flaky.wav flaky.keep
mkdir src/flaky.wav # a source that is a folder: unreadable, even for root
run "$mixdown" batch run jobs.jsonl --all --jobs 2 --out failing
[ "$rc" -eq 1 ] && [[ "$err" == *"mix01 failed"* && "$err" == *"mix09 failed"* ]] &&
  [ "$(grep -c ' failed: ' "$work/stderr")" -eq 2 ] && ok "two failing items: listed with their error, exit 1" ||
  fail "failing run" "rc=$rc" "$err"
[ -f failing/mix/mix01.wav.failed.json ] && [ ! -e failing/mix/mix01.wav ] && [ -f failing/mix/mix10.wav ] &&
  ok "a failed item: OUTPUT.failed.json, no output; the others rendered" || fail "failed item's files"
run "$mixdown" batch status jobs.jsonl --shards 3 --out failing
[ "$rc" -eq 1 ] && [ "$out" = $'items 12\ndone 10\nmissing 0\nfailed 2\narray 0,2' ] &&
  ok "status --shards 3: 2 failed, array 0,2" || fail "status" "rc=$rc" "$out" "$err"
run "$mixdown" batch status jobs.jsonl --shards 12 --out failing --json
[ "$rc" -eq 1 ] && python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["shards"]==[1,9] and d["array"]=="1,9" and d["failed"]==2 else 1)' "$out" &&
  ok "status --json: shards [1, 9] of 12" || fail "status --json" "rc=$rc" "$out"
rm -f failing/mix/mix1[01].*
run "$mixdown" batch status jobs.jsonl --shards 6 --out failing
[ "$rc" -eq 1 ] && [[ "$out" == *$'missing 2\nfailed 2\narray 0,4-5' ]] &&
  ok "status: missing items too, ranges as 4-5" || fail "status, ranges" "$out"
rmdir src/flaky.wav
mv flaky.keep src/flaky.wav
for k in 0 2; do
  run "$mixdown" batch run jobs.jsonl --shard "$k/3" --out failing
  [ "$rc" -eq 0 ] && ok "rerun of shard $k/3: exit 0" || fail "rerun of shard $k" "rc=$rc" "$err"
done
run "$mixdown" batch status jobs.jsonl --shards 3 --out failing
[ "$rc" -eq 0 ] && [ "$out" = $'items 12\ndone 12\nmissing 0\nfailed 0\narray ' ] && [ "$(hashes failing)" = "$serial" ] &&
  [ -z "$(find failing -name '*.failed.json')" ] &&
  ok "after the reruns: all done, the serial bytes, no failure records" || fail "after reruns" "rc=$rc" "$out"
listing() { find failing -printf '%p %s %T@ %i\n' | sort; }
before=$(listing)
sleep 1.1
run "$mixdown" batch run jobs.jsonl --shard 1/3 --out failing
[ "$rc" -eq 0 ] && [ "$(listing)" = "$before" ] && [[ "$err" == *"0 rendered, 4 already done"* ]] &&
  ok "rerun of a complete shard: writes nothing (names, sizes, mtimes, inodes unchanged)" || fail "rerun writes" "$err"
touch sessions/b.yaml # not a change of its text: the recipe holds the text, not the session's mtime
run "$mixdown" batch run jobs.jsonl --shard 2/3 --out failing
[ "$rc" -eq 0 ] && [[ "$err" == *"0 rendered, 4 already done"* ]] && ok "a touched session is not a change" ||
  fail "touched session" "$err"
touch -d '2001-01-01' src/high.wav # a source changed: the items reading it again (session a: 0, 2-5)
run "$mixdown" batch run jobs.jsonl --all --out failing
[ "$rc" -eq 0 ] && [[ "$err" == *"5 rendered, 7 already done"* ]] && ok "a source's mtime changed: the 5 items reading it" ||
  fail "changed source" "$err"

# ---------------------------------------------------------------- SIGKILL mid-way
"$mixdown" batch run jobs.jsonl --all --out killed -q 2>/dev/null &
pid=$!
for _ in $(seq 400); do
  [ "$(find killed -name '*.json' 2>/dev/null | wc -l)" -ge 2 ] && break
  sleep 0.01
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
n_done=$(find killed -name '*.json' 2>/dev/null | wc -l)
partial=$(for o in $outputs; do [ -f "killed/$o" ] && [ "$(sha256sum < "killed/$o" | cut -c1-64)" != "$(sha256sum < "serial/$o" | cut -c1-64)" ] && echo "$o"; done)
if [ "$n_done" -ge 12 ]; then
  skip "SIGKILL mid-way: the run finished before the signal (all 12 done)"
else
  [ -z "$partial" ] && [ -z "$(temporaries killed)" ] &&
    ok "SIGKILL after $n_done of 12 sidecars: no partial output, no temporary file" ||
    fail "SIGKILL" "partial: $partial" "$(temporaries killed)"
fi
run "$mixdown" batch run jobs.jsonl --all --out killed
[ "$rc" -eq 0 ] && [ "$(hashes killed)" = "$serial" ] && ok "the rerun after the kill completes: the serial bytes" ||
  fail "rerun after kill" "rc=$rc" "$err"

# ---------------------------------------------------------------- SIGTERM: the renders cancelled
"$mixdown" batch run jobs.jsonl --all --jobs 2 --out termed -q 2>"$work/term.err" &
pid=$!
for _ in $(seq 400); do
  [ "$(find termed -name '*.json' 2>/dev/null | wc -l)" -ge 1 ] && break
  sleep 0.01
done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
partial=$(for o in $outputs; do [ -f "termed/$o" ] && [ ! -f "termed/$o.json" ] && echo "$o"; done)
n_done=$(find termed -name '*.json' 2>/dev/null | wc -l)
if [ "$rc" -ne 143 ] && [ "$n_done" -eq 12 ]; then
  skip "SIGTERM mid-way: the run finished before the signal (all 12 done)"
else
  [ "$rc" -eq 143 ] && [ -z "$partial" ] && [ -z "$(temporaries termed)" ] &&
    ok "SIGTERM after $n_done of 12: exit $rc, every output there has its sidecar, no temporary file" ||
    fail "SIGTERM" "rc=$rc" "$partial" "$(cat "$work/term.err")"
fi
run "$mixdown" batch run jobs.jsonl --all --out termed
[ "$rc" -eq 0 ] && [ "$(hashes termed)" = "$serial" ] && ok "the rerun after SIGTERM completes: the serial bytes" ||
  fail "rerun after SIGTERM" "rc=$rc" "$err"

# ---------------------------------------------------------------- a value out of range: that item fails
printf '%s\n' '{"id": "r1", "session": "sessions/a.yaml", "output": "r1.wav", "set": {"/track/low/gain_db": 99}}' \
  '{"id": "r2", "session": "sessions/a.yaml", "output": "r2.wav"}' > range.jsonl
run "$mixdown" batch run range.jsonl --all --out ranged
[ "$rc" -eq 1 ] && [[ "$err" == *"r1 failed"*"valid range is -144"* ]] && [ -f ranged/r2.wav ] && [ ! -e ranged/r1.wav ] &&
  python3 -c 'import json,sys; sys.exit(0 if "valid range" in json.load(open("ranged/r1.wav.failed.json"))["error"] else 1)' &&
  ok "a value out of range: its item fails naming the range, the others render" || fail "out of range" "rc=$rc" "$err"
[ "$(wc -c < sessions/a.yaml)" -gt 0 ] && ! grep -q 99 sessions/a.yaml && ok "the session file is never written" ||
  fail "session written"

# ---------------------------------------------------------------- a bad manifest
cat > bad.jsonl <<'JSONL'
{"id": "x1", "session": "sessions/a.yaml", "output": "mix/x1.wav", "sett": {}}
{"id": "x1", "session": "sessions/a.yaml", "output": "mix/x2.wav"}
{"id": "x3", "session": "sessions/nope.yaml", "output": "mix/x3.wav"}
{"id": "x4", "session": "sessions/a.yaml", "output": "mix/x4.wav", "bits": 12, "loudness": "streamin"}
{"id": "x5", "session": "sessions/a.yaml"}
{"id": "x6", "session": "sessions/a.yaml", "output": "mix/x6.wav"
{"id": "x7", "session": "sessions/a.yaml", "output": "mix/x7.wav", "set": {"/track/lo/gain_db": -3}}
{"id": "x8", "session": "sessions/a.yaml", "output": "mix/x8.wav", "set": {"/track/low/gain_db": [1]}}
{"id": "x9", "session": "sessions/a.yaml", "output": "mix/x9.wav"}
JSONL
run "$mixdown" batch run bad.jsonl --all --out bad
lines=$(echo "$err" | grep -o '^bad.jsonl:[0-9]*: error:' | cut -d: -f2 | sort -un | tr '\n' ' ')
[ "$rc" -eq 2 ] && [ "$lines" = "1 2 3 4 5 6 7 8 " ] && [ ! -e bad ] &&
  ok "a bad manifest: FILE:LINE: error: for each of 8 bad lines, exit 2, nothing written" ||
  fail "bad manifest" "rc=$rc lines=$lines" "$err"
[[ "$err" == *"unknown key \`sett\` (did you mean \`set\`?)"* && "$err" == *"duplicate id \`x1\` (line 1 has it too)"* &&
  "$err" == *"did you mean \`streaming\`?"* && "$err" == *"/track/lo/gain_db names nothing"*"did you mean /track/low/gain_db?"* &&
  "$err" == *"missing key \`output\`"* ]] && ok "a bad manifest: each error names the nearest name" ||
  fail "bad manifest messages" "$err"
run "$mixdown" batch status bad.jsonl --shards 2
[ "$rc" -eq 2 ] && [ -z "$out" ] && ok "status of a bad manifest: exit 2" || fail "status, bad manifest" "rc=$rc"

# ---------------------------------------------------------------- writes that land on the run's own files
cp sessions/a.yaml sessions/a-before.yaml
cat > clash.jsonl <<'JSONL'
{"id": "c1", "session": "sessions/a.yaml", "output": "mix/c1.wav"}
{"id": "c2", "session": "sessions/a.yaml", "output": "./mix//c1.wav"}
{"id": "c3", "session": "sessions/a.yaml", "output": "../sessions/a.yaml"}
{"id": "c4", "session": "sessions/a.yaml", "output": "../clash.jsonl"}
{"id": "c5", "session": "sessions/a.yaml", "output": "mix/c5.wav", "stems": "st"}
{"id": "c6", "session": "sessions/a.yaml", "output": "mix/c6.wav", "stems": "./st"}
{"id": "c7", "session": "sessions/a.yaml", "output": "mix/c7.wav", "set": {"/track/mid/insert/eq/bands/1/gain_db": -2}}
JSONL
run "$mixdown" batch run clash.jsonl --all --out clashed
lines=$(echo "$err" | grep -o '^clash.jsonl:[0-9]*: error:' | cut -d: -f2 | sort -un | tr '\n' ' ')
[ "$rc" -eq 2 ] && [ "$lines" = "2 3 4 6 " ] && [ ! -e clashed ] && cmp -s sessions/a.yaml sessions/a-before.yaml &&
  [[ "$err" == *"would replace a session of the manifest"* && "$err" == *"would replace the manifest"* ]] &&
  ok "outputs that land on another's however spelt, on a session or on the manifest: lines 2 3 4 6 refused, nothing written; an insert named by its type is an address" ||
  fail "clashing writes" "rc=$rc lines=$lines" "$err"

# ---------------------------------------------------------------- a shared cache
"$mixdown" batch run jobs.jsonl --all --cache cache --out cached1 -q 2>"$work/c1.err" &
p1=$!
"$mixdown" batch run jobs.jsonl --all --cache cache --out cached2 -q 2>"$work/c2.err" &
p2=$!
wait "$p1"; rc1=$?
wait "$p2"; rc2=$?
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$(hashes cached1)" = "$serial" ] && [ "$(hashes cached2)" = "$serial" ] &&
  ok "two concurrent runs sharing one --cache: the uncached bytes" ||
  fail "shared cache" "rc=$rc1/$rc2" "$(cat "$work/c1.err" "$work/c2.err")"
[ -n "$(find cache -type f)" ] && [ -z "$(temporaries cache cached1 cached2)" ] &&
  ok "the shared cache: filled, no temporary files left" || fail "cache files" "$(temporaries cache)"
run "$mixdown" batch run jobs.jsonl --all --cache cache --cache-limit 100M --out cached3 -q
[ "$rc" -eq 0 ] && [ "$(hashes cached3)" = "$serial" ] && ok "from a full cache: the same bytes" ||
  fail "full cache" "rc=$rc" "$err"

echo "$(basename "$0" .sh | sed 's/^test_//'): $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
