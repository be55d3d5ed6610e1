#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mixdown batch plan` (docs/batch.md, "Plans"): the same seed plans the
# same bytes, another seed other values; an item's values do not change
# when the count grows; drawn values stay in the parameter's range and
# follow their distribution (mean, spread, choices); an `items:` spec is
# written out resolved; bad specs are refused with FILE:LINE:COLUMN, exit 2
# and no manifest; a planned item's values reach the render.
#   tests/cli/test_batch_plan.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_batch_plan.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-plan-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

mkdir -p src sessions
"$tool" sine src/low.wav 2 110 2 48000
"$tool" sine src/mid.wav 2 440 1 48000
cat > sessions/song.yaml <<'YAML'
mixdown: 1
tracks:
  - name: low
    file: ../src/low.wav
    gain_db: -6
    inserts:
      - {type: eq, bands: [{type: bell, freq: 200, gain_db: 0}]}
  - name: mid
    file: ../src/mid.wav
    pan: -0.3
YAML

# spec COUNT [SEED-LINE]: a template spec varying gain, pan, an EQ band and mute.
spec() {
  cat <<YAML
${2:-seed: 11}
template: sessions/song.yaml
count: $1
output: "mix/{id}.wav"
vary:
  /track/low/gain_db: {uniform: [-6, 0]}
  /track/mid/pan: {normal: [0, 0.5]}
  /track/low/insert/1/bands/1/gain_db: {uniform: [-100, 100]}
  /track/mid/mute: {choice: [true, false]}
YAML
}

# values FILE: one line per item, `id gain pan band mute`.
values() {
  python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    i = json.loads(line); s = i["set"]
    print(i["id"], s["/track/low/gain_db"], s["/track/mid/pan"], s["/track/low/insert/1/bands/1/gain_db"], s["/track/mid/mute"])
PY
}

# ------------------------------------------------------------ determinism
spec 20 > plan.yaml
run "$mixdown" batch plan plan.yaml -o a.jsonl
run2=$(cat a.jsonl 2>/dev/null)
"$mixdown" batch plan plan.yaml -o b.jsonl 2>/dev/null
[ "$rc" -eq 0 ] && [ "$(wc -l < a.jsonl)" -eq 20 ] && cmp -s a.jsonl b.jsonl &&
  ok "the same spec and seed plan the same bytes (20 items)" || fail "same seed" "rc=$rc" "$err"
"$mixdown" batch plan plan.yaml -o c.jsonl --seed 12 2>/dev/null
same=$(paste -d' ' <(values a.jsonl | cut -d' ' -f2) <(values c.jsonl | cut -d' ' -f2) | awk '$1 == $2' | wc -l)
[ "$same" -eq 0 ] && ok "--seed 12 draws other values (0 of 20 gains equal)" || fail "another seed" "$same equal"
spec 40 > more.yaml
"$mixdown" batch plan more.yaml -o more.jsonl 2>/dev/null
[ "$(values a.jsonl)" = "$(values more.jsonl | sed -n 1,20p)" ] &&
  ok "40 items: the first 20 ids' values are those of the 20-item plan" || fail "values moved with the count" \
  "$(diff <(values a.jsonl) <(values more.jsonl | sed -n 1,20p) | head -5)"

# ------------------------------------------------------------ distributions
spec 2000 > big.yaml
"$mixdown" batch plan big.yaml -o big.jsonl 2>/dev/null
stats=$(values big.jsonl | awk '
  { g += $2; gg += $2 * $2; if ($2 < gmin || NR == 1) gmin = $2; if ($2 > gmax || NR == 1) gmax = $2
    p += $3; pp += $3 * $3; if ($3 < -1 || $3 > 1) pout++
    if ($4 < bmin || NR == 1) bmin = $4; if ($4 > bmax || NR == 1) bmax = $4
    if ($5 == "True" || $5 == "true") t++; else if ($5 == "False" || $5 == "false") f++; else other++ }
  END { n = NR; printf "%.3f %.3f %.3f %.3f %.3f %.3f %d %g %g %d %d %d\n", g / n, sqrt(gg / n - (g / n) ^ 2), gmin, gmax,
        p / n, sqrt(pp / n - (p / n) ^ 2), pout, bmin, bmax, t, f, other }')
read -r gmean gsd gmin gmax pmean psd pout bmin bmax trues falses others <<< "$stats"
near "$gmean" -3 0.15 && near "$gsd" 1.732 0.1 && awk -v a="$gmin" -v b="$gmax" 'BEGIN { exit !(a >= -6 && b < 0) }' &&
  ok "uniform [-6, 0] over 2000 items: mean $gmean dB, SD $gsd (1.732), min $gmin, max $gmax" ||
  fail "uniform" "$stats"
near "$pmean" 0 0.05 && near "$psd" 0.5 0.05 && [ "$pout" -eq 0 ] &&
  ok "normal [0, 0.5] on pan: mean $pmean, SD $psd; none outside -1 … 1" || fail "normal" "$stats"
range=$("$mixdown" describe eq 2>/dev/null | awk '$2 == "gain_db" && $4 == "…" { print $3, $5; exit }')
lo=$(echo "$range" | cut -d' ' -f1); hi=$(echo "$range" | cut -d' ' -f2)
[ -n "$lo" ] && awk -v a="$bmin" -v b="$bmax" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(a == lo && b == hi) }' &&
  ok "uniform [-100, 100] on an EQ band's gain is clamped to its range $lo … $hi dB (min $bmin, max $bmax)" ||
  fail "clamping" "range '$range', drawn $bmin … $bmax"
[ "$others" -eq 0 ] && near "$trues" 1000 100 &&
  ok "choice [true, false]: $trues true, $falses false, nothing else" || fail "choice" "$trues $falses $others"

# ------------------------------------------------------------ ranges with no public table
# A send's level and a clip's gain: their range is asked of the editor (-144 … 24 dB for both).
cat > sessions/sends.yaml <<'YAML'
mixdown: 1
buses:
  - name: verb
tracks:
  - name: low
    file: ../src/low.wav
    sends: [{to: verb, level_db: -12}]
YAML
cat > sends.yaml <<'YAML'
seed: 4
template: sessions/sends.yaml
count: 300
output: "mix/{id}.wav"
vary:
  /track/low/send/verb/level_db: {uniform: [-200, 100]}
  /track/low/clip/1/gain_db: {normal: [-10, 2]}
YAML
run "$mixdown" batch plan sends.yaml -o sends.jsonl
got=$(python3 -c '
import json, sys
v = [json.loads(l)["set"] for l in open(sys.argv[1])]
s = [x["/track/low/send/verb/level_db"] for x in v]; c = [x["/track/low/clip/1/gain_db"] for x in v]
print(len(v), min(s), max(s), sum(1 for x in s if x in (-144, 24)), round(sum(c) / len(c), 1))' sends.jsonl 2>&1)
read -r n smin smax edges cmean <<< "$got"
[ "$rc" -eq 0 ] && [ "$n" = 300 ] && [ "$smin" = -144.0 ] && [ "$smax" = 24.0 ] && [ "$edges" -gt 100 ] && near "$cmean" -10 0.5 &&
  ok "a send's level (no public table) is clamped to the range the editor takes: -144 … 24 dB ($edges of 300 at an edge); a clip's gain drawn around $cmean dB" ||
  fail "probed ranges" "rc=$rc" "$err" "$got"

# ------------------------------------------------------------ items:
mkdir -p specs
cat > specs/items.yaml <<'YAML'
seed: 1
items:
  - {id: b, session: ../sessions/song.yaml, output: mix/b.flac, set: {/track/mid/pan: 0.5}, bits: 16}
  - {id: a, session: ../sessions/song.yaml, output: mix/a.wav, loudness: streaming}
YAML
run "$mixdown" batch plan specs/items.yaml -o out/items.jsonl
got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]): i = json.loads(l); print(i["id"], i["session"], i["output"], i.get("set"), i.get("bits"), i.get("loudness"))' out/items.jsonl 2>&1)
want="a ../sessions/song.yaml mix/a.wav None None streaming
b ../sessions/song.yaml mix/b.flac {'/track/mid/pan': 0.5} 16 None"
[ "$rc" -eq 0 ] && [ "$got" = "$want" ] && ok "an items: spec is written out sorted, sessions relative to the manifest's folder" ||
  fail "items" "rc=$rc" "$err" "$got"

# ------------------------------------------------------------ refusals
# refuse NAME WANT-ERROR: the spec in bad.yaml is refused with WANT-ERROR at FILE:LINE:COLUMN, exit 2, no manifest.
refuse() {
  rm -f bad.jsonl
  run "$mixdown" batch plan bad.yaml -o bad.jsonl
  if [ "$rc" -eq 2 ] && [ ! -e bad.jsonl ] && [[ "$err" == *"bad.yaml:"[0-9]*":"[0-9]*": error: "*"$2"* ]]; then
    ok "$1: refused ($(echo "$err" | head -n 1))"
  else
    fail "$1" "rc=$rc" "$err"
  fi
}
spec 3 | sed 's/^count:/cuont:/' > bad.yaml
refuse "a misspelt key" "unknown key \`cuont\` in the spec (did you mean \`count\`?)"
spec 3 | sed 's|/track/low/gain_db|/track/lwo/gain_db|' > bad.yaml
refuse "an address that names nothing" "lwo"
spec 3 | sed 's/uniform: \[-6, 0\]/uniform: [0, -6]/' > bad.yaml
refuse "uniform with A > B" "needs A < B"
spec 3 | sed 's/normal: \[0, 0.5\]/normal: [0, -1]/' > bad.yaml
refuse "a negative SD" "needs SD > 0"
spec 3 | sed '/^count:/d' > bad.yaml
refuse "no count" "needs \`count\`"
spec 3 | sed 's|output: "mix/{id}.wav"|output: "mix/one.wav"|' > bad.yaml
refuse "an output every item would share" "{id} or {index}"
spec 3 | sed 's/choice: \[true, false\]/choice: []/' > bad.yaml
refuse "an empty choice" "one value or more"
spec 3 | sed 's|/track/mid/pan: {normal: \[0, 0.5\]}|/track/mid/mute: {uniform: [0, 1]}|' > bad.yaml
refuse "a number drawn for a switch" "vary it with {choice"
spec 3 | sed 's/choice: \[true, false\]/choice: [true, maybe]/' > bad.yaml
refuse "a choice the parameter refuses" "the choice \"maybe\" is refused"
spec 3 | sed 's|/track/mid/pan: {normal: \[0, 0.5\]}|/track/mid/pan: {choice: [0, 2]}|' > bad.yaml
refuse "a choice out of range" "the choice 2 is refused"
cat > bad.yaml <<'YAML'
items:
  - {id: a, session: sessions/song.yaml, output: mix/a.wav}
  - {id: a, session: sessions/sends.yaml, output: mix/a2.wav}
YAML
refuse "an id given twice (in two sessions)" "the id \`a\` is given twice (first at line 2)"
cat > bad.yaml <<'YAML'
items:
  - {id: a, session: sessions/song.yaml, output: mix/a.wav, set: {/track/mdi/pan: 0.5}}
YAML
refuse "an item's set with a bad address" "mdi"
cat > bad.yaml <<'YAML'
items:
  - {id: a, session: sessions/song.yaml, output: mix/a.wav, set: {/track/mid/pan: 3}}
YAML
refuse "an item's set with a value out of range" "/track/mid/pan"
{ spec 3; echo 'id: "mix{index:0-3}"'; } > bad.yaml
refuse "an id pattern with a negative width" "placeholders are {index} and {index:0N}"
{ spec 3; echo 'id: "mix{index:03x}"'; } > bad.yaml
refuse "an id pattern with junk in its placeholder" "placeholders are {index} and {index:0N}"
{ spec 3 | sed 's|output: "mix/{id}.wav"|output: "mix/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}/{id}.wav"|'
  echo 'id: "a-rather-long-id-that-repeats-{index:012}"'; } > long.yaml
"$mixdown" batch plan long.yaml -o long.jsonl 2>/dev/null
python3 -c '
import json, sys
i = json.loads(open(sys.argv[1]).readline()); p = "a-rather-long-id-that-repeats-000000000001"
sys.exit(not (i["id"] == p and i["output"] == "mix/" + "/".join([p] * 16) + ".wav"))' long.jsonl 2>/dev/null &&
  ok "an output pattern repeating a long id 16 times is filled whole" || fail "long pattern" "$(head -c 300 long.jsonl)"
{ spec 3; echo 'bits: 13'; } > bad.yaml
refuse "a template's deliverable that batch run would refuse" "\`bits\` must be 16, 24, 32"
cat > bad.yaml <<'YAML'
items:
  - {id: a, session: sessions/song.yaml, output: mix/a.wav, loudness: streeming}
YAML
refuse "an item's deliverable that batch run would refuse" "did you mean \`streaming\`"
{ spec 3; echo "  /track/low/gain_db: {uniform: [-1, 0]}"; } > bad.yaml
refuse "an address varied twice" "varied twice"
printf 'seed: 1\ntemplate: [oops\n' > bad.yaml
refuse "not YAML" "not YAML"

# ------------------------------------------------------------ the values reach the render
cat > one.yaml <<'YAML'
seed: 5
template: sessions/sends.yaml
count: 3
output: "mix/{id}.wav"
vary:
  /track/low/gain_db: {uniform: [-12, -3]}
  /track/low/pan: {normal: [0, 0.5]}
  /track/low/send/verb/level_db: {uniform: [-20, 0]}
YAML
"$mixdown" batch plan one.yaml -o one.jsonl 2>/dev/null
# The second item's `set` as `mixdown set` arguments.
mapfile -t pairs < <(python3 -c '
import json, sys
item = json.loads(open(sys.argv[1]).readlines()[1])
for k, v in item["set"].items(): print(k); print(json.dumps(v))' one.jsonl)
if [ "${#pairs[@]}" -eq 6 ] && "$mixdown" batch run one.jsonl --index 1 > /dev/null 2>&1; then
  cp sessions/sends.yaml sessions/copy.yaml
  "$mixdown" set sessions/copy.yaml "${pairs[@]}" --quiet > /dev/null 2>&1
  "$mixdown" render sessions/copy.yaml -o ref.wav -q > /dev/null 2>&1
  "$mixdown" render sessions/sends.yaml -o plain.wav -q > /dev/null 2>&1
  cmp -s mix/mix0002.wav ref.wav && ! cmp -s mix/mix0002.wav plain.wav &&
    ok "a planned item (gain, pan, send level drawn) renders as \`mixdown set\` of its values + render (byte-identical; not the template's render)" ||
    fail "planned values" "${pairs[*]}" "$(ls -l mix ref.wav plain.wav)"
else
  fail "batch run of a planned item" "${pairs[*]}"
fi

echo "batch-plan: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
