#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mixdown assist unmask, measured: harmonic notes (the masked track) under a
# third-octave noise band (the masker) at 250 Hz, 1 kHz and 4 kHz, one
# session per centre.  The report's worst band for noise → tones lies
# within ±1/3 octave of the centre; the masking figure rises with the
# masker's level (six levels, Spearman ≥ 0.95); after --fix the pair's
# masked cells fall by ≥ 50 % (the report re-run on the written session)
# and the masker's loudness moves ≤ 1 LU (analyze --json, its strip).  The
# written session validates, renders and differs from its input only in the
# inserts the report lists; a re-run replaces the cut; --dry-run and the
# report alone write nothing; --plot writes a PNG and refuses a file the
# session reads; bad options exit 2 with the nearest name, nothing written.
#   tests/assist/test_unmask.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_unmask.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
measure="$build/tests/assist/unmask_measure"

# shellcheck source=../cli/harness.sh
. "$here/../cli/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-unmask-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

seconds=12
"$measure" tones tones.wav $seconds 48000 || { echo "unmask: 0 passed, 1 failed"; exit 1; }

session() { # CENTRE GAIN_DB > session
  cat <<YAML
mixdown: 1
sample_rate: 48000
tracks:
  - name: tones
    file: tones.wav
  - name: noise
    file: n$1.wav
    gain_db: $2
YAML
}
figure() { jq -r '.pairs[] | select(.masker == "noise" and .masked == "tones") | .masked_percent' <<<"$1"; }
cells() { jq -r '.pairs[] | select(.masker == "noise" and .masked == "tones") | .masked_cells' <<<"$1"; }
lufs() { "$mixdown" analyze "$1" --json | jq -r '.strips[] | select(.name == "noise") | .post_fader.integrated_lufs'; }

# ------------------------------------------------------------ per centre
for centre in 250 1000 4000; do
  "$measure" noiseband "n$centre.wav" $seconds 48000 $centre 7 0
  # the worst band and the figure against the masker's level
  levels="" figures=""
  for gain in -27 -21 -15 -9 -3 3; do
    session $centre $gain >"s$centre.yaml"
    run "$mixdown" assist unmask "s$centre.yaml" --json
    f=$(figure "$out")
    levels+="${levels:+,}$gain" figures+="${figures:+,}${f:-0}"
  done
  # at the loudest level: the worst band, within a third of an octave
  band=$(jq -r '.pairs[] | select(.masker == "noise") | .worst_band_hz | "\(.[0]) \(.[1])"' <<<"$out")
  read -r lo hi <<<"$band"
  mid=$(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.0f", sqrt(a * b) }')
  off=$(awk -v m="$mid" -v c="$centre" 'BEGIN { d = log(m / c) / log(2); printf "%.3f", d < 0 ? -d : d }')
  [ "$rc" -eq 0 ] && below "$off" 0.3334 && ok "$centre Hz: worst band $lo–$hi Hz (centre $mid Hz, $off octave off)" ||
    fail "$centre Hz: worst band" "rc=$rc" "$lo–$hi Hz, $off octave off" "$err"
  rho=$("$measure" spearman "$levels" "$figures")
  awk -v r="$rho" 'BEGIN { exit !(r >= 0.95) }' && ok "$centre Hz: figure rises with level (Spearman $rho; $figures % at $levels dB)" ||
    fail "$centre Hz: figure against level" "Spearman $rho" "levels $levels" "figures $figures"
  # --fix at the loudest level, then the report re-run on what it wrote
  before=$(cells "$out")
  run "$mixdown" assist unmask "s$centre.yaml" --fix -o "f$centre.yaml" --json
  fix_json=$out
  run "$mixdown" assist unmask "f$centre.yaml" --json
  after=$(cells "$out")
  drop=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", (a > 0 ? 100 * (a - b) / a : 0) }')
  awk -v d="$drop" 'BEGIN { exit !(d >= 50) }' && ok "$centre Hz: --fix: masked cells $before → $after (−$drop %)" ||
    fail "$centre Hz: --fix: masked cells" "$before → $after (−$drop %)" "$(jq -c .fix <<<"$fix_json")"
  l1=$(lufs "s$centre.yaml") l2=$(lufs "f$centre.yaml")
  d=$(awk -v a="$l1" -v b="$l2" 'BEGIN { printf "%.2f", b - a }')
  [[ $l1 =~ ^-?[0-9]+(\.[0-9]+)?$ && $l2 =~ ^-?[0-9]+(\.[0-9]+)?$ ]] && near "$d" 0 1 &&
    ok "$centre Hz: --fix: the masker's loudness $l1 → $l2 LUFS ($d LU)" ||
    fail "$centre Hz: --fix: the masker's loudness" "$l1 → $l2 LUFS"
  deepest=$(jq -r '.fix.deepest_db' <<<"$fix_json")
  awk -v x="$deepest" 'BEGIN { exit !(x >= -6 && x < 0) }' && ok "$centre Hz: the cut is at most --max-cut (6 dB): $deepest dB" ||
    fail "$centre Hz: cut depth" "$deepest"
done

# ------------------------------------------------------------ what --fix writes
session 1000 3 >s.yaml
cp s.yaml orig.yaml
run "$mixdown" assist unmask s.yaml --fix -o fixed.yaml --json
json=$out
[ "$rc" -eq 0 ] && cmp -s s.yaml orig.yaml && ok "--fix -o: the input is left as it was" || fail "--fix -o" "rc=$rc" "$err"
run "$mixdown" check fixed.yaml
[ "$rc" -eq 0 ] && ok "the written session validates" || fail "the written session validates" "$out" "$err"
run "$mixdown" render fixed.yaml -o fixed.wav -q
[ "$rc" -eq 0 ] && [ -s fixed.wav ] && ok "the written session renders" || fail "the written session renders" "$err"
# only the masker's inserts are new, and the report lists exactly that append
added=$(diff orig.yaml fixed.yaml | grep -c '^>')
removed=$(diff orig.yaml fixed.yaml | grep -c '^<')
writes=$(jq -c '[.writes[] | [.edit, .address]]' <<<"$json")
[ "$writes" = '[["append","/track/noise/inserts"]]' ] && [ "$removed" -eq 0 ] && [ "$added" -ge 1 ] &&
  diff orig.yaml fixed.yaml | grep '^>' | grep -q 'type: eq' &&
  ok "differs from its input only in what the report lists ($writes)" ||
  fail "differs only in what the report lists" "$writes" "$(diff orig.yaml fixed.yaml)"
run "$mixdown" get fixed.yaml /track/noise/insert/eq/bands/1/gain_db --json
[[ "$out" == *points* ]] && ok "the band's gain is an envelope" || fail "the band's gain is an envelope" "$out" "$err"
env_json=$(jq -c '.writes[0].value' <<<"$json")
zero_end=$(grep -oE '\[[0-9.]+, -[0-9.]+\], \[[0-9.]+, 0\], \[[0-9.]+, 0\], \[[0-9.]+, -' <<<"$env_json" | head -1)
[ -n "$zero_end" ] && ok "the envelope returns to 0 dB between cuts" || fail "the envelope returns to 0 dB" "$env_json"
# a re-run replaces the cut (one eq on the masker, not two)
run "$mixdown" assist unmask fixed.yaml --fix -o again.yaml --json
n_eq=$(grep -c 'type: eq' again.yaml)
w2=$(jq -c '[.writes[] | .edit]' <<<"$out")
[ "$rc" -eq 0 ] && [ "$n_eq" -eq 1 ] && [ "$w2" = '["remove","append"]' ] && ok "a re-run replaces its cut ($w2)" ||
  fail "a re-run replaces its cut" "rc=$rc eq=$n_eq $w2" "$err"
# a user's own eq (a constant gain) stays
"$mixdown" set s.yaml /track/noise/inserts --append '{type: eq, bands: [{type: bell, freq: 500, gain_db: -2}]}' -o user.yaml -q
run "$mixdown" assist unmask user.yaml --fix -o user2.yaml --json
[ "$rc" -eq 0 ] && [ "$(grep -o 'type: eq' user2.yaml | wc -l)" -eq 2 ] && grep -q 'freq: 500' user2.yaml &&
  ok "a user's own eq is kept" || fail "a user's own eq is kept" "$(jq -c .writes <<<"$out")" "$(cat user2.yaml)"
# --masker/--masked choose the pair
run "$mixdown" assist unmask s.yaml --fix --masker tones --masked noise --dry-run --json
m=$(jq -r '.fix.masker // "none"' <<<"$out")
[ "$rc" -eq 0 ] && { [ "$m" = tones ] || [ "$m" = none ]; } && cmp -s s.yaml orig.yaml &&
  ok "--masker/--masked choose the pair ($m)" || fail "--masker/--masked" "rc=$rc $m" "$err"

# ------------------------------------------------------------ nothing written
run "$mixdown" assist unmask s.yaml --fix --dry-run
[ "$rc" -eq 0 ] && cmp -s s.yaml orig.yaml && [[ "$out" == *"+"*"type: eq"* ]] && [[ "$err" == *"nothing written"* ]] &&
  ok "--dry-run: the diff, nothing written" || fail "--dry-run" "rc=$rc" "$out" "$err"
run "$mixdown" assist unmask s.yaml
[ "$rc" -eq 0 ] && cmp -s s.yaml orig.yaml && [[ "$out" == *"report only (no --fix): no values to write"* ]] && [[ "$err$out" == *"nothing to change"* ]] &&
  [[ "$out" == *"noise → tones"* ]] && ok "the report alone writes nothing and says so" ||
  fail "the report alone" "rc=$rc" "$out" "$err"

# ------------------------------------------------------------ --plot
if has_feature report; then
  run "$mixdown" assist unmask s.yaml --plot m.png
  sig=$(head -c 8 m.png 2>/dev/null | od -An -tx1 | tr -d ' \n')
  [ "$rc" -eq 0 ] && [ "$sig" = 89504e470d0a1a0a ] && cmp -s s.yaml orig.yaml && ok "--plot writes a PNG" ||
    fail "--plot writes a PNG" "rc=$rc sig=$sig" "$err"
  run "$mixdown" assist unmask s.yaml --plot m-dry.png --dry-run
  [ "$rc" -eq 0 ] && [ ! -e m-dry.png ] && [[ "$err" == *"m-dry.png not drawn (a dry run writes nothing)"* ]] &&
    ok "--plot with --dry-run: not drawn, and said" || fail "--plot --dry-run" "rc=$rc" "$err"
  cp tones.wav tones-copy.wav
  for target in tones.wav s.yaml; do
    run "$mixdown" assist unmask s.yaml --plot "$target"
    [ "$rc" -eq 2 ] && cmp -s tones.wav tones-copy.wav && cmp -s s.yaml orig.yaml &&
      ok "--plot $target (read by the session): refused, exit 2" || fail "--plot $target" "rc=$rc" "$err"
  done
else
  run "$mixdown" assist unmask s.yaml --plot m.png
  [ "$rc" -eq 2 ] && [[ "$err" == *"-Dreport=enabled"* ]] && [ ! -e m.png ] &&
    ok "--plot without cairo: refused with the rebuild hint" || fail "--plot without cairo" "rc=$rc" "$err"
fi

# ------------------------------------------------------------ bad options
check_bad() { # WANT_IN_MESSAGE ARGS…
  local want=$1
  shift
  run "$mixdown" assist unmask s.yaml "$@"
  [ "$rc" -eq 2 ] && [[ "$err" == *"$want"* ]] && cmp -s s.yaml orig.yaml && [ ! -e bad.yaml ] &&
    ok "bad option: $*: exit 2, \"$want\"" || fail "bad option: $*" "rc=$rc" "$err"
}
check_bad "did you mean --max-cut" --max-cutt 3 --fix -o bad.yaml
check_bad "0.5 to 24" --max-cut 40 --fix -o bad.yaml
check_bad "did you mean noise" --tracks tones,nose -o bad.yaml
check_bad "did you mean noise" --fix --masker noize -o bad.yaml
check_bad "the same track" --fix --masker noise --masked noise -o bad.yaml
check_bad "add --fix" --masker noise -o bad.yaml
check_bad "two tracks" --tracks tones -o bad.yaml
check_bad "1 to 100" --top 0 -o bad.yaml
run "$mixdown" assist unmask --markdown
[ "$rc" -eq 0 ] && [[ "$out" == *"| \`--max-cut\` | 0.5 … 24 dB | 6 |"* ]] && ok "--markdown: the options table" ||
  fail "--markdown" "$out"

echo "unmask: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
