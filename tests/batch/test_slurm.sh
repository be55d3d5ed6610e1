#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Slurm recipe of docs/batch.md, run for real (issue 20): a single-node
# Slurm on loopback (scripts/slurm-local.sh: Debian's munge, slurmctld and
# slurmd, everything in a temporary folder, stopped in a trap whatever
# happens).  First the cluster itself: a 6-task array writes its 6 files.
# Then the doc's two Slurm blocks, extracted from docs/batch.md and run as
# they are: a 12-item manifest (generated sessions, overrides, varied
# values, two deliverables) as an array of 6 shards plus an afterany merge
# job, with the source of two items (in shards 1 and 4) missing at first;
# `status` names exactly those shards; the rerun block submits exactly
# those; then every output is byte-identical to a serial
# `batch run --range 0:12`, every sidecar is there, the merge job's
# results hold all 12 items, and the outputs of the complete shards were
# not written again.  Last, the doc's GNU parallel block the same way on
# this machine as its one host (`:`), failing two shards, then resumed
# with the same command (--resume-failed).
#   tests/batch/test_slurm.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_slurm.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"
# Generous: a job waits for a scheduling pass, and the ASan build renders slowly.
job_wait_s=${SLURM_TEST_WAIT_S:-1200}

# shellcheck source=../cli/harness.sh
. "$root/tests/cli/harness.sh"
finish() { echo "slurm: $passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit $?; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-slurm-XXXXXX")
cluster="$work/cluster"
cleanup() {
  "$root/scripts/slurm-local.sh" stop "$cluster" > /dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$work" || exit 1

for c in munged slurmctld slurmd sbatch; do
  if ! command -v "$c" > /dev/null 2>&1; then
    skip "no $c: the Slurm test needs munge slurmctld slurmd slurm-client (scripts/install-deps.sh)"
    finish
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  skip "the local Slurm runs its daemons as root (SlurmUser=root), as CI does; run as root"
  finish
fi

# ---------------------------------------------------------------- the cluster
if ! "$root/scripts/slurm-local.sh" start "$cluster" > "$work/start.out" 2> "$work/start.err"; then
  fail "slurm-local.sh start" "$(cat "$work/start.err")"
  finish
fi
ok "slurm-local.sh start: the node is idle"
export SLURM_CONF="$cluster/slurm.conf"

# Waits until none of the jobs $@ is in the queue any more.
wait_jobs() {
  local deadline=$((SECONDS + job_wait_s))
  while [ $SECONDS -lt $deadline ]; do
    [ -z "$(squeue -h -j "$(IFS=,; echo "$*")" -o %i 2> /dev/null)" ] && return 0
    sleep 1
  done
  echo "jobs $* still queued after $job_wait_s s:" >&2
  squeue >&2
  return 1
}

mkdir proof
run sbatch --wait --array=0-5 --chdir="$work/proof" --output=/dev/null \
  --wrap 'echo $SLURM_ARRAY_TASK_ID > out.$SLURM_ARRAY_TASK_ID'
got=$(cd proof && for f in out.*; do printf '%s=%s ' "$f" "$(cat "$f")"; done)
[ "$rc" -eq 0 ] && [ "$got" = "out.0=0 out.1=1 out.2=2 out.3=3 out.4=4 out.5=5 " ] &&
  ok "sbatch --wait --array=0-5: six tasks, six files" || fail "the array proof" "rc=$rc" "$got" "$err"

# ---------------------------------------------------------------- the recipe
if ! "$mixdown" batch --help > /dev/null 2>&1; then
  skip "mixdown batch is not in this build yet: the Slurm recipe of docs/batch.md is not run"
  finish
fi

# Sources, two sessions, 12 items: a.yaml for ten of them, b.yaml (whose
# source is hidden during the first Slurm run) for items 3 and 9, which
# fall in shards 1 and 4 of 6 (shard k holds items 2k and 2k+1).
mkdir src
"$tool" sine src/a.wav 3 440 2 48000
"$tool" sine src/b.wav 3 220 2 48000
"$tool" sine src/c.wav 3 660 1 48000
cat > a.yaml << 'YAML'
mixdown: 1
tracks:
  - {name: lead, file: src/a.wav, gain_db: -6}
  - {name: pad, file: src/c.wav, gain_db: -9, pan: -0.3,
     inserts: [{type: eq, bands: [{type: highpass, freq: 120, slope: 12}]}]}
master:
  inserts: [{type: limiter, ceiling_db: -1}]
output: {file: out.wav, bits: 24}
YAML
sed 's|src/a.wav|src/b.wav|' a.yaml > b.yaml
{
  for ((i = 0; i < 12; ++i)); do
    session=a.yaml
    if [ $i -eq 3 ] || [ $i -eq 9 ]; then session=b.yaml; fi
    # Varied values, fixed by the item's number (a stand-in for `batch plan`'s draws).
    gain=$(awk -v i=$i 'BEGIN { printf "%.2f", -12 + (i * 7919 % 97) / 97 * 10 }')
    pan=$(awk -v i=$i 'BEGIN { printf "%.3f", -0.8 + (i * 104729 % 89) / 89 * 1.6 }')
    bits=16
    if [ $((i % 3)) -eq 0 ]; then bits=24; fi
    printf '{"id": "mix%02d", "session": "%s", "output": "mix/mix%02d.wav", "bits": %d, ' $i $session $i $bits
    printf '"set": {"/track/lead/gain_db": %s, "/track/pad/pan": %s}}\n' "$gain" "$pan"
  done
} > jobs.jsonl

run "$mixdown" batch run jobs.jsonl --range 0:12 --out "$work/serial"
[ "$rc" -eq 0 ] && [ "$(ls serial/mix/*.wav 2> /dev/null | wc -l)" -eq 12 ] &&
  ok "serial batch run --range 0:12: 12 outputs" || fail "serial batch run" "rc=$rc" "$err"

# A block of docs/batch.md: the fenced block after its marker line.
recipe_block() { # MARKER, e.g. "slurm-recipe: submit"
  awk -v name="$1" '
    index($0, "<!-- " name " ") == 1 { armed = 1; next }
    armed && /^```sh$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$root/docs/batch.md"
}
submit_block=$(recipe_block "slurm-recipe: submit")
rerun_block=$(recipe_block "slurm-recipe: rerun")
if [ -z "$submit_block" ] || [ -z "$rerun_block" ]; then
  fail "docs/batch.md has the Slurm recipe's submit and rerun blocks"
  finish
fi

# The settings the doc asks for, then its blocks as they are.  The tasks
# find mixdown on PATH (sbatch exports this environment to them).
mkdir bin
ln -s "$mixdown" bin/mixdown
export PATH="$work/bin:$PATH"
MANIFEST=$work/jobs.jsonl
OUT=$work/out
CACHE=$work/cache
N=6
JOBS=1 # two tasks at once on a two-CPU node
mv src/b.wav b.wav.hidden
array="" merge=""
eval "$submit_block" > submit.out 2>&1
first_array=$array
if [ -n "$array" ] && [ -n "$merge" ] && wait_jobs "$array" "$merge"; then
  ok "the doc's submit block: array job $array and merge job $merge ran"
else
  fail "the doc's submit block" "$(cat submit.out)"
  finish
fi
[ "$(ls logs/"${array}"_*.out 2> /dev/null | wc -l)" -eq 6 ] && ok "six array tasks ran" ||
  fail "six array tasks" "$(ls logs)"
# The merge job ran after every task (afterany, though two failed).
[ -f out/results.jsonl ] && [ "$(wc -l < out/results.jsonl)" -eq 10 ] &&
  ok "the merge job collected the 10 items done" || fail "the first merge" "$(cat logs/"$merge".out 2> /dev/null)"

run "$mixdown" batch status "$MANIFEST" --out "$OUT" --shards "$N"
[ "$rc" -eq 1 ] && grep -qx 'array 1,4' <<< "$out" && grep -qx 'failed 2' <<< "$out" &&
  ok "status --shards 6 names exactly shards 1,4" || fail "status after the first run" "rc=$rc" "$out" "$err"

# The outputs of the complete shards, as they are before the rerun.
mtimes() { for f in out/mix/*.wav out/mix/*.wav.json; do stat -c '%n %Y.%y' "$f"; done | grep -v -e mix03 -e mix09; }
before=$(mtimes)

mv b.wav.hidden src/b.wav
eval "$rerun_block" > rerun.out 2>&1
if [ -n "$array" ] && [ "$array" != "$first_array" ] && wait_jobs "$array" "$merge"; then
  ok "the doc's rerun block: array job $array and merge job $merge ran"
else
  fail "the doc's rerun block" "$(cat rerun.out)"
  finish
fi
grep -q '^shards 1,4' rerun.out && ok "the rerun submitted shards 1,4 only" || fail "rerun shards" "$(cat rerun.out)"
logs_rerun=$(cd logs && ls "${array}"_*.out 2> /dev/null | tr '\n' ' ')
[ "$logs_rerun" = "${array}_1.out ${array}_4.out " ] && ok "two array tasks ran, 1 and 4" ||
  fail "rerun tasks" "$logs_rerun"

run "$mixdown" batch status "$MANIFEST" --out "$OUT" --shards "$N"
[ "$rc" -eq 0 ] && grep -qx 'done 12' <<< "$out" && grep -qx 'array ' <<< "$out" &&
  ok "status: all 12 done, no shard to rerun" || fail "status after the rerun" "rc=$rc" "$out" "$err"

same=0
for ((i = 0; i < 12; ++i)); do
  f=$(printf 'mix/mix%02d.wav' $i)
  a=$(sha256sum < "serial/$f" 2> /dev/null)
  b=$(sha256sum < "out/$f" 2> /dev/null)
  if [ -n "$a" ] && [ "$a" = "$b" ] && [ -s "out/$f.json" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "out/$f.json"; then
    same=$((same + 1))
  else
    fail "$f: Slurm's output is not the serial run's (or its sidecar is missing)"
  fi
done
[ $same -eq 12 ] && ok "all 12 outputs byte-identical to the serial run (sha256), sidecars complete"

[ "$(mtimes)" = "$before" ] && ok "the complete shards' outputs and sidecars were not written again" ||
  fail "complete shards rewritten" "$(diff <(echo "$before") <(mtimes))"

[ -f out/results.jsonl ] && [ "$(wc -l < out/results.jsonl)" -eq 12 ] &&
  python3 -c '
import json, sys
ids = [json.loads(l)["item"]["id"] if "item" in json.loads(l) else json.loads(l)["id"] for l in open(sys.argv[1])]
sys.exit(ids != ["mix%02d" % i for i in range(12)])' out/results.jsonl &&
  ok "the last merge job's results: all 12 items, in manifest order" ||
  fail "results.jsonl" "$(head -c 600 out/results.jsonl 2> /dev/null)"

# ---------------------------------------------------------------- GNU parallel
# The doc's GNU parallel block with this machine as its one host (`:`, no
# ssh), 4 shards: the hidden source fails shards 1 and 3 (items 3 and 9);
# the same command again runs only those two (--resume-failed).
parallel_block=$(recipe_block "parallel-recipe: run")
if ! command -v parallel > /dev/null 2>&1; then
  skip "no GNU parallel (scripts/install-deps.sh installs it): its recipe is not run"
elif [ -z "$parallel_block" ]; then
  fail "docs/batch.md has the GNU parallel recipe's block"
else
  echo "2/:" > nodes.txt
  OUT=$work/par-out
  N=4
  mv src/b.wav b.wav.hidden
  (eval "$parallel_block") > parallel1.out 2>&1
  # The joblog: a header, then Seq Host Starttime JobRuntime Send Receive Exitval Signal Command.
  failed_seqs=$(awk -F'\t' 'NR > 1 && $7 != 0 { print $1 }' shards.log | sort -n | tr '\n' ' ')
  [ "$(($(wc -l < shards.log) - 1))" -eq 4 ] && [ "$failed_seqs" = "2 4 " ] && grep -qx 'array 1,3' parallel1.out &&
    ok "the doc's parallel block: 4 shards, 1 and 3 failed, status names them" ||
    fail "the parallel block, first run" "failed: $failed_seqs" "$(cat parallel1.out shards.log)"
  mv b.wav.hidden src/b.wav
  (eval "$parallel_block") > parallel2.out 2>&1
  rerun_seqs=$(awk -F'\t' 'NR > 5 { print $1 "=" $7 }' shards.log | sort -n | tr '\n' ' ')
  [ "$rerun_seqs" = "2=0 4=0 " ] && grep -qx 'done 12' parallel2.out &&
    ok "the same command again: --resume-failed ran shards 1 and 3 only, all 12 done" ||
    fail "the parallel block, resumed" "rerun: $rerun_seqs" "$(cat parallel2.out shards.log)"
  same=0
  for ((i = 0; i < 12; ++i)); do
    f=$(printf 'mix/mix%02d.wav' $i)
    cmp -s "serial/$f" "par-out/$f" && same=$((same + 1))
  done
  [ $same -eq 12 ] && ok "GNU parallel's 12 outputs byte-identical to the serial run" ||
    fail "GNU parallel's outputs: $same of 12 identical"
fi

# ---------------------------------------------------------------- stop
"$root/scripts/slurm-local.sh" stop "$cluster" > /dev/null 2>&1
left=""
for f in "$cluster/munge/munged.pid" "$cluster/run/slurmctld.pid" "$cluster/run/slurmd.pid"; do
  [ -f "$f" ] && left+="$f "
done
# Every process the cluster started carries its marker (slurm-local.sh): none may be left.
for p in /proc/[0-9]*; do
  tr '\0' '\n' 2> /dev/null < "$p/environ" | grep -qxF "MIXDOWN_SLURM_LOCAL=$cluster" &&
    left+="pid ${p#/proc/} ($(cat "$p/comm" 2> /dev/null)) "
done
[ -z "$left" ] && ! "$root/scripts/slurm-local.sh" status "$cluster" > /dev/null 2>&1 &&
  ok "slurm-local.sh stop: no daemon left (no process carries the cluster's marker)" || fail "stop" "$left"
finish
