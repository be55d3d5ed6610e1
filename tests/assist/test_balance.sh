#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mixdown assist balance`, measured: five generated stems (kick, bass, pad,
# hats, lead: distinct spectra and rhythms, 24 s) mixed by mixdown at known
# faders into a reference; a session of the same stems with seeded random
# fader offsets (±12 dB) is fitted back to it, read with `mixdown get`:
# per-stem error median ≤ 0.5 dB, max ≤ 2 dB — with the reference as
# rendered, offset by 1.37 s at 44.1 kHz (aligned), and on long-term spectra
# alone (--align 0), and heard in windows (--sample).  --level keep keeps the mix's loudness.  --targets:
# each named track's loudness relative to the rendered mix (libebur128 on
# the stems `render --stems` writes) within 0.5 LU of its target.  The
# written session validates, renders and differs from its input only in the
# values the report lists; an envelope fader moves as a whole; --dry-run
# writes nothing; bad input exits 2 and writes nothing.
#   tests/assist/test_balance.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_balance.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
measure="$build/tests/assist/balance_measure"

# shellcheck source=../cli/harness.sh
. "$here/../cli/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-balance-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

tracks="kick bass pad hats lead"
declare -A ref_gain=([kick]=-2 [bass]=-4 [pad]=-9 [hats]=-12 [lead]=-6)
seed=21

"$measure" stems . 24 48000 "$seed" || { echo "balance: could not make the stems"; exit 1; }

# session NAME OUTPUT GAIN_OF (a function printing a track's fader) [RATE] [START]
session() {
  local rate=${4:-48000} start=${5:-0}
  printf 'mixdown: 1\nsample_rate: %s\n# the stems, faders to fit\ntracks:\n' "$rate"
  for t in $tracks; do
    printf '  - name: %s\n    clips: [{file: %s.wav, start: %s}]\n    gain_db: %s   # fader\n' "$t" "$t" "$start" "$($3 "$t")"
  done
  printf 'output: {file: %s, bits: float}\n' "$2"
}
ref_of() { echo "${ref_gain[$1]}"; }
# seeded offsets in ±12 dB
declare -A offset
read -r -a offs < <(awk -v s="$seed" 'BEGIN { srand(s); for (i = 0; i < 5; ++i) printf "%.2f ", -12 + 24 * rand() }')
i=0
for t in $tracks; do offset[$t]=${offs[$i]}; i=$((i + 1)); done
off_of() { awk -v a="${ref_gain[$1]}" -v b="${offset[$1]}" 'BEGIN { printf "%.2f", a + b }'; }

session ref ref.wav ref_of > ref.yaml
session ref ref44.wav ref_of 44100 1.37 > ref44.yaml
session s mix.wav off_of > s.yaml
cp s.yaml orig.yaml
"$mixdown" render ref.yaml -q && "$mixdown" render ref44.yaml -q || { echo "balance: could not render the references"; exit 1; }
echo "offsets: $(for t in $tracks; do printf '%s %+.2f  ' "$t" "${offset[$t]}"; done)"

# The faders of SESSION against the reference's: "median max" of |error| (after
# removing their median when $2 is "relative").
errors() {
  local got
  got=$(for t in $tracks; do "$mixdown" get "$1" "/track/$t/gain_db" | awk -v t="$t" '{ print t, $2 }'; done)
  python3 - "$2" "$got" "$(for t in $tracks; do echo "$t ${ref_gain[$t]}"; done)" <<'PY'
import statistics, sys
mode, got, want = sys.argv[1], dict(l.split() for l in sys.argv[2].splitlines()), dict(l.split() for l in sys.argv[3].splitlines())
err = [float(got[t]) - float(want[t]) for t in want]
if mode == "relative":
    m = statistics.median(err)
    err = [e - m for e in err]
err = [abs(e) for e in err]
print("%.3f %.3f %s" % (statistics.median(err), max(err), " ".join("%s %+.2f" % (t, float(got[t]) - float(want[t])) for t in want)))
PY
}
within() { awk -v m="$1" -v x="$2" 'BEGIN { exit !(m != "" && x != "" && m + 0 == m && x + 0 == x && m <= 0.5 && x <= 2.0) }'; }

# Every value of $1 that differs from orig.yaml, as "ADDRESS VALUE" lines, and
# the writes of the JSON report $2, the same way: they must be equal.
changed_values() {
  diff <("$mixdown" get orig.yaml) <("$mixdown" get "$1") | awk '/^> / { print $2, $3 }' | sort
}
report_writes() {
  python3 -c 'import json,sys; [print(w["address"], w["value"]) for w in json.loads(sys.argv[1])["writes"]]' "$1" | sort
}
only_reported() { [ "$(changed_values "$1")" = "$(report_writes "$2")" ] && [ -n "$(report_writes "$2")" ]; }

# ---------------------------------------------------------------- --ref, as rendered
start=$(date +%s.%N)
run "$mixdown" assist balance s.yaml --ref ref.wav --json
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
report=$out
read -r med max detail < <(errors s.yaml absolute)
echo "--ref ref.wav: error median $med dB, max $max dB ($detail); ${elapsed} s for 24 s"
[ "$rc" = 0 ] && within "$med" "$max" && ok "--ref: per-stem error median $med dB (≤ 0.5), max $max dB (≤ 2)" ||
  fail "--ref fit" "rc=$rc median $med max $max: $detail" "$err"
python3 -c 'import json,sys; r = json.loads(sys.argv[1]); a = r["alignment"]; print("alignment:", a, "residual", r["residual_db"], "dB, before", r["residual_before_db"])' "$report"
only_reported s.yaml "$report" && ok "--ref: the session differs from its input only in the values the report lists" ||
  fail "--ref: changes beyond the report" "$(diff <(changed_values s.yaml) <(report_writes "$report"))"
n_lines=$(diff orig.yaml s.yaml | grep -c '^>')
n_faders=$(diff orig.yaml s.yaml | grep '^>' | grep -c '# fader$')
[ "$n_lines" = "$(report_writes "$report" | wc -l)" ] && [ "$n_faders" = "$n_lines" ] &&
  ok "--ref: only the $n_lines faders' lines changed, their comments kept" ||
  fail "--ref: other lines changed" "$(diff orig.yaml s.yaml)"
run "$mixdown" check s.yaml
[ "$rc" = 0 ] && ok "--ref: the written session validates" || fail "check of the written session" "$err"
run "$mixdown" render s.yaml -o fitted.wav -q
[ "$rc" = 0 ] && [ -s fitted.wav ] && ok "--ref: the written session renders" || fail "render of the written session" "$err"
# a re-run finds the faders where it left them
run "$mixdown" assist balance s.yaml --ref ref.wav --json -o rerun.yaml
moved=$(python3 -c 'import json,sys; print(max([abs(t.get("gain_change_db", 0)) for t in json.loads(sys.argv[1])["tracks"]]))' "$out")
[ "$rc" = 0 ] && below "$moved" 0.3 && ok "--ref: a re-run moves no fader more than $moved dB" ||
  fail "--ref re-run" "rc=$rc moved $moved" "$err"
cp orig.yaml s.yaml

# ---------------------------------------------------------------- --ref, offset and resampled
run "$mixdown" assist balance s.yaml --ref ref44.wav --json -o aligned.yaml
read -r med max detail < <(errors aligned.yaml absolute)
offset_s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["alignment"]["offset_s"])' "$out")
echo "--ref ref44.wav (44.1 kHz, 1.37 s later): offset found $offset_s s; error median $med dB, max $max dB ($detail)"
[ "$rc" = 0 ] && near "$offset_s" 1.37 0.01 && ok "--ref at 44.1 kHz, 1.37 s later: aligned at $offset_s s" ||
  fail "--ref alignment" "rc=$rc offset $offset_s" "$err"
within "$med" "$max" && ok "--ref aligned: per-stem error median $med dB, max $max dB" ||
  fail "--ref aligned fit" "median $med max $max: $detail"
cmp -s s.yaml orig.yaml && ok "-o: the input is left as it is" || fail "-o changed the input"

# ---------------------------------------------------------------- --ref, heard in windows
# --sample 0.2: 12 s of the 24, in four windows of 3 s spread over the song
run "$mixdown" assist balance s.yaml --ref ref44.wav --sample 0.2 --json -o sampled.yaml
read -r med max detail < <(errors sampled.yaml absolute)
heard=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["heard_minutes"])' "$out")
echo "--sample 0.2 (heard $heard min in windows): error median $med dB, max $max dB ($detail)"
[ "$rc" = 0 ] && near "$heard" 0.2 0.01 && within "$med" "$max" &&
  ok "--sample 0.2: $heard of 0.4 minutes heard, per-stem error median $med dB, max $max dB" ||
  fail "--sample fit" "rc=$rc heard $heard median $med max $max: $detail" "$err"

# ---------------------------------------------------------------- --ref, long-term spectra
run "$mixdown" assist balance s.yaml --ref ref44.wav --align 0 --json -o longterm.yaml
read -r med max detail < <(errors longterm.yaml absolute)
echo "--align 0 (long-term spectra): error median $med dB, max $max dB ($detail)"
[ "$rc" = 0 ] && within "$med" "$max" && ok "--align 0: per-stem error median $med dB, max $max dB" ||
  fail "--align 0 fit" "rc=$rc median $med max $max: $detail" "$err"

# ---------------------------------------------------------------- --level keep
run "$mixdown" assist balance s.yaml --ref ref.wav --level keep -o keep.yaml
read -r med max detail < <(errors keep.yaml relative)
"$mixdown" render orig.yaml -o before.wav -q
"$mixdown" render keep.yaml -o after.wav -q
read -r _ l_before < <("$measure" loudness before.wav)
read -r _ l_after < <("$measure" loudness after.wav)
echo "--level keep: error median $med dB, max $max dB after the common shift; mix $l_before → $l_after LUFS"
[ "$rc" = 0 ] && within "$med" "$max" && near "$l_after" "$l_before" 0.5 &&
  ok "--level keep: balance within median $med / max $max dB, mix loudness $l_before → $l_after LUFS" ||
  fail "--level keep" "rc=$rc median $med max $max, $l_before → $l_after" "$err"

# ---------------------------------------------------------------- --targets
# relative loudness of each stem to the mix, rendered: "TRACK LU" lines
relative() {
  rm -rf stems && "$mixdown" render "$1" -o tmix.wav --stems stems -q || return 1
  read -r _ mix_lu < <("$measure" loudness tmix.wav)
  for t in $tracks; do
    read -r _ lu < <("$measure" loudness "stems/$t.wav")
    awk -v t="$t" -v a="$lu" -v m="$mix_lu" 'BEGIN { printf "%s %.2f\n", t, a - m }'
  done
}
declare -A target=([lead]=-4 [kick]=-7 [bass]=-9)
run "$mixdown" assist balance s.yaml --targets lead=-4,kick=-7,bass=-9LU --json -o targets.yaml
report=$out
rel=$(relative targets.yaml)
echo "--targets lead=-4,kick=-7,bass=-9: measured $(echo $rel)"
bad=""
for t in lead kick bass; do
  got=$(awk -v t="$t" '$1 == t { print $2 }' <<<"$rel")
  near "$got" "${target[$t]}" 0.5 || bad="$bad $t=$got"
done
[ "$rc" = 0 ] && [ -z "$bad" ] && ok "--targets: each named track within 0.5 LU of its target" ||
  fail "--targets" "rc=$rc off:$bad" "$err"
[ "$(diff <("$mixdown" get orig.yaml /track/pad/gain_db /track/hats/gain_db) \
  <("$mixdown" get targets.yaml /track/pad/gain_db /track/hats/gain_db))" = "" ] &&
  ok "--targets: the tracks not named keep their faders" || fail "--targets moved a track not named"
only_reported targets.yaml "$report" && ok "--targets: only the values the report lists changed" ||
  fail "--targets: changes beyond the report"

# every track named: kept apart as asked, the mix at its loudness
run "$mixdown" assist balance s.yaml --targets kick=-6,bass=-8,pad=-9,hats=-12,lead=-4 -o all.yaml
rel=$(relative all.yaml)
read -r _ l_all < <("$measure" loudness tmix.wav)
spread=$(awk 'BEGIN { split("kick -6 bass -8 pad -9 hats -12 lead -4", a, " "); for (i = 1; i < 10; i += 2) want[a[i]] = a[i + 1] }
  { d[$1] = $2 - want[$1] } END { lo = 1e9; hi = -1e9; for (t in d) { if (d[t] < lo) lo = d[t]; if (d[t] > hi) hi = d[t] } printf "%.2f", hi - lo }' <<<"$rel")
echo "--targets on every track: measured $(echo $rel); spread of the errors $spread LU; mix $l_before → $l_all LUFS"
[ "$rc" = 0 ] && below "$spread" 0.5 && near "$l_all" "$l_before" 0.5 &&
  ok "--targets on every track: kept apart as asked (errors within $spread LU of each other), mix loudness kept" ||
  fail "--targets on every track" "rc=$rc spread $spread, mix $l_before → $l_all" "$err"

# ---------------------------------------------------------------- an envelope fader
sed 's|^    gain_db: \(.*\)   # fader$|    gain_db: {points: [[0, \1], [12, -20]], curve: linear}   # fader|' orig.yaml > env.yaml
run "$mixdown" assist balance env.yaml --ref ref.wav --json -o env-out.yaml
moves=$(for t in $tracks; do
  python3 - "$("$mixdown" get env.yaml "/track/$t/gain_db" --json)" "$("$mixdown" get env-out.yaml "/track/$t/gain_db" --json)" <<'PY'
import json, sys
a = json.loads(sys.argv[1])[0]["value"]["points"]
b = json.loads(sys.argv[2])[0]["value"]["points"]
print("%.2f" % max(abs((q[1] - p[1]) - (b[0][1] - a[0][1])) for p, q in zip(a, b)), end=" ")
PY
done)
worst=$(tr ' ' '\n' <<<"$moves" | sort -g | tail -1)
[ "$rc" = 0 ] && [ "$(for t in $tracks; do "$mixdown" get env-out.yaml "/track/$t/gain_db/points" | wc -l; done | sort -u)" = 1 ] &&
  near "$worst" 0 0.011 && ok "an envelope fader: every point moved by the same offset" ||
  fail "envelope fader" "rc=$rc per-track spread: $moves" "$err"

# ---------------------------------------------------------------- --dry-run, bad input
before=$(ls | sort)
run "$mixdown" assist balance s.yaml --ref ref.wav --dry-run
[ "$rc" = 0 ] && [[ "$out" == *"+++ b/s.yaml"* ]] && cmp -s s.yaml orig.yaml && [ "$(ls | sort)" = "$before" ] &&
  ok "--dry-run: the diff, nothing written" || fail "--dry-run" "rc=$rc" "$err"
refused() { # LABEL EXPECTED-TEXT ARGS…
  local label=$1 want=$2
  shift 2
  run "$mixdown" assist balance s.yaml "$@"
  [ "$rc" = 2 ] && [[ "$err" == *"$want"* ]] && cmp -s s.yaml orig.yaml && [ "$(ls | sort)" = "$before" ] &&
    ok "$label: exit 2, nothing written" || fail "$label" "rc=$rc" "$err"
}
refused "a missing reference" "--ref missing.wav: cannot read it" --ref missing.wav
refused "a reference that is not audio" "not an audio file" --ref orig.yaml
refused "an unknown track in --targets" "did you mean lead?" --targets laed=-3
refused "a target out of range" "from -60 to 0 LU" --targets lead=+3
refused "targets with no room for the rest" "leave no room" --targets lead=-1,kick=-2
refused "neither --ref nor --targets" "needs --ref FILE"
refused "both --ref and --targets" "not both" --ref ref.wav --targets lead=-3
refused "--level with --targets" "--level is for --ref" --targets lead=-3 --level keep

echo "balance: $passed passed, $failed failed"
[ "$failed" = 0 ]
