#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Guards (issue 16, points 4, 5, 8 and 10): a damaged render cache is a
# miss, never audio; no infinite or NaN sample reaches a written file
# whatever a fader, a sum or the output stage makes of a finite source;
# hundreds of tracks render under a low open-file limit; analyze tells an
# all-NaN file from silence.  Every mix is measured or byte-compared.
#   tests/cli/test_guard.sh BUILD_DIR [--sanitized]
set -u
build=$(cd "${1:?usage: test_guard.sh BUILD_DIR [--sanitized]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
mixdown="$build/mixdown"
tool="$build/mixdown-testtool"

# shellcheck source=harness.sh
. "$here/harness.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-guard-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# A JSON number (or inf/nan/null) from `mixdown analyze --json` output in $1.
json() { sed -nE "s/^ *\"$2\": (-?[0-9.e+]+|-?inf|-?nan|null),?$/\1/p" <<< "$1" | head -n 1; }

le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }
le16() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))"; }
# float_wav PATH FRAMES CHANNELS SAMPLE: a 32-bit float WAV at 48 kHz whose
# every sample is SAMPLE, given as its 4 bytes in file order (hex).
float_wav() {
  local path=$1 frames=$2 ch=$3 hex=$4
  local bytes=$((frames * ch * 4))
  printf "\\x${hex:0:2}\\x${hex:2:2}\\x${hex:4:2}\\x${hex:6:2}" > "$path.one"
  while [ "$(stat -c %s "$path.one")" -lt "$bytes" ]; do cat "$path.one" "$path.one" > "$path.two"; mv "$path.two" "$path.one"; done
  {
    printf 'RIFF'; le32 $((36 + bytes)); printf 'WAVEfmt '; le32 16; le16 3; le16 "$ch"; le32 48000
    le32 $((48000 * ch * 4)); le16 $((ch * 4)); le16 32; printf 'data'; le32 "$bytes"
    head -c "$bytes" "$path.one"
  } > "$path"
  rm -f "$path.one"
}
FLOAT_3E38=e6b1617f # 3.0e38: finite, 2.6 dB below the largest float
FLOAT_NAN=0000c07f

# Finite: analyze counts no NaN or infinite sample in the file.
finite() {
  local a
  a=$("$mixdown" analyze --json "$1" 2>/dev/null)
  [ "$(json "$a" non_finite_samples)" = "0" ]
}

# --------------------------------------------- 4. a damaged render cache
"$tool" sine a.wav 2 220 2 48000
"$tool" sine b.wav 2 330 1 48000
"$tool" sine c.wav 2 440 2 48000
"$tool" sine d.wav 2 550 1 48000
cat > one.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: a.wav, gain_db: -3, inserts: [{type: eq, bands: [{type: bell, freq: 1000, gain_db: 4, q: 1}]}]}
output: {file: one.wav, bits: float}
YAML
cat > four.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: a, file: a.wav, gain_db: -6, inserts: [{type: compressor, threshold_db: -20, ratio: 3}]}
  - {name: b, file: b.wav, gain_db: -6, pan: 0.3}
  - {name: c, file: c.wav, gain_db: -6, inserts: [{type: eq, bands: [{type: highpass, freq: 200}]}]}
  - {name: d, file: d.wav, gain_db: -6, pan: -0.5}
output: {file: four.wav, bits: float}
YAML
# NaN over the last 64 KiB of a cache file: its header stays whole.
damage() {
  local f size
  for f in "$@"; do
    size=$(stat -c %s "$f")
    head -c 65536 /dev/zero | tr '\0' '\377' | dd of="$f" bs=1 seek=$((size - 65536)) conv=notrunc status=none
  done
}
"$mixdown" render one.yaml -o one-plain.wav >/dev/null 2>&1
"$mixdown" render one.yaml -o one-cached.wav --cache cache1 >/dev/null 2>&1
run "$mixdown" render one.yaml -o one-hit.wav --cache cache1
cmp -s one-plain.wav one-hit.wav && [[ "$out" == *"1 of 1 tracks reused"* ]] &&
  ok "render cache: a hit is the uncached mix, byte for byte" || fail "cache hit" "rc=$rc" "$out"
damage cache1/*.mdc
run "$mixdown" render one.yaml -o one-damaged.wav --cache cache1 --stats
if [ "$rc" -eq 0 ] && cmp -s one-plain.wav one-damaged.wav && finite one-damaged.wav &&
   [[ "$out" == *"0 of 1 tracks reused"* ]] && [[ "$out" == *"1 damaged cache file"* ]]; then
  ok "render cache: a track file with NaN over its samples is a miss, re-rendered (same bytes), and reported"
else
  fail "damaged track cache file" "rc=$rc" "$out" "$err"
fi
run "$mixdown" render one.yaml -o one-again.wav --cache cache1
cmp -s one-plain.wav one-again.wav && [[ "$out" == *"1 of 1 tracks reused"* ]] && [[ "$out" != *damaged* ]] &&
  ok "render cache: the damaged file was written again, and is a hit next time" || fail "rewritten cache" "$out"

"$mixdown" render four.yaml -o four-plain.wav >/dev/null 2>&1
"$mixdown" render four.yaml -o four-cached.wav --cache cache4 >/dev/null 2>&1
n_sums=$(ls cache4/*.mds 2>/dev/null | wc -l)
damage cache4/*.mds
run "$mixdown" render four.yaml -o four-sums.wav --cache cache4
if [ "$rc" -eq 0 ] && [ "$n_sums" -ge 1 ] && cmp -s four-plain.wav four-sums.wav &&
   [[ "$out" == *"$n_sums damaged cache file"* ]]; then
  ok "render cache: $n_sums damaged partial sums are misses: summed again from the tracks, same bytes"
else
  fail "damaged partial sums" "rc=$rc sums=$n_sums" "$out" "$err"
fi
rm -rf cache4
"$mixdown" render four.yaml -o four-cached.wav --cache cache4 >/dev/null 2>&1
damage cache4/*.mdc cache4/*.mds
run "$mixdown" render four.yaml -o four-all.wav --cache cache4
cmp -s four-plain.wav four-all.wav && finite four-all.wav && [[ "$out" == *damaged* ]] &&
  ok "render cache: every file damaged: the uncached mix, byte for byte" || fail "all damaged" "rc=$rc" "$out"
for f in cache1/*.mdc; do printf 'MDCACHE2' | dd of="$f" conv=notrunc status=none; done
run "$mixdown" render one.yaml -o one-old.wav --cache cache1
cmp -s one-plain.wav one-old.wav && [[ "$out" == *"0 of 1 tracks reused"* ]] && [[ "$out" != *damaged* ]] &&
  ok "render cache: a file of the format before checksums is a plain miss" || fail "old cache format" "$out"

# ------------------------------------- 5. no Inf from a fader, a sum, the output
float_wav huge.wav 48000 1 "$FLOAT_3E38"
cat > fader.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: big, file: huge.wav, gain_db: 24}
output: {file: fader.wav, bits: float}
YAML
for stems in "" "--stems fader-stems"; do
  run "$mixdown" render fader.yaml -o fader.wav $stems
  if [ "$rc" -eq 0 ] && finite fader.wav && [[ "$out" == *"track \`big\`, fader at 0.000 s"* ]] &&
     [[ "$out" == *"non-finite"* ]]; then
    ok "3e38 through a +24 dB fader ${stems:+(with stems) }: a float mix of finite samples, a warning naming the fader and time"
  else
    fail "3e38 through +24 dB ${stems}" "rc=$rc" "$out" "$err"
  fi
done
finite fader-stems/big.wav && ok "… and its stem is finite too" || fail "stem of the overflowing track"
cat > sum.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: one, file: huge.wav, output: drums}
  - {name: two, file: huge.wav, output: drums}
buses:
  - {name: drums}
output: {file: sum.wav, bits: float}
YAML
run "$mixdown" render sum.yaml -o sum.wav
[ "$rc" -eq 0 ] && finite sum.wav && [[ "$out" == *"bus \`drums\`, sum of its inputs at 0.000 s"* ]] &&
  ok "two 3e38 tracks summed into a bus: finite mix, the bus's sum named" || fail "bus sum overflow" "rc=$rc" "$out"
cat > near.yaml <<'YAML'
mixdown: 1
sample_rate: 48000
tracks:
  - {name: big, file: huge.wav}
output: {file: near.wav, bits: float}
YAML
for bits in float 24 16; do
  run "$mixdown" render near.yaml -o "near-$bits.wav" --bits "$bits" --rate 44100
  [ "$rc" -eq 0 ] && finite "near-$bits.wav" &&
    ok "3e38 at 0 dB, converted to 44.1 kHz into --bits $bits: every sample finite" ||
    fail "3e38 converted to 44.1 kHz, $bits" "rc=$rc" "$out" "$err"
done
run "$mixdown" render fader.yaml -o fader-norm.wav --normalize -14
if [ "$rc" -eq 0 ] && finite fader-norm.wav && [[ "$out" == *"non-finite"* ]] &&
   ! grep -qx '  finishing  the mix is silent: nothing to normalise' <<< "$out"; then
  ok "normalising a mix whose fader overflowed says why it is silent"
else
  fail "normalise an overflowing mix" "rc=$rc" "$out"
fi

# ------------------------------------------ 10. analyze: NaN is not silence
float_wav nan.wav 48000 2 "$FLOAT_NAN"
run "$mixdown" analyze nan.wav
if [ "$rc" -eq 0 ] && [[ "$out" == *"non-finite       96000 samples (NaN or infinite): all of them"* ]]; then
  ok "analyze: an all-NaN file is reported as 96000 non-finite samples, not as silence"
else
  fail "analyze all-NaN" "rc=$rc" "$out" "$err"
fi
run "$mixdown" analyze --json nan.wav
[ "$(json "$out" non_finite_samples)" = "96000" ] && ok "analyze --json: non_finite_samples 96000" ||
  fail "analyze --json all-NaN" "$out"
"$tool" sine quiet.wav 1 440 2 48000
run "$mixdown" analyze quiet.wav
[[ "$out" != *"non-finite"* ]] && ok "analyze: a clean file has no non-finite line" || fail "clean analyze" "$out"

# ------------------------------- 10. hundreds of tracks under a low file limit
"$tool" sine s.wav 0.5 100 2 48000
many() { # N FILE: N tracks of s.wav at -52.04 dB each: the sum peaks at -6.02 + 20 log10(N/400)
  { echo "mixdown: 1"; echo "sample_rate: 48000"; echo "tracks:"
    for i in $(seq 1 "$1"); do echo "  - {name: t$i, file: s.wav, gain_db: -52.0412}"; done
    echo "output: {file: many.wav, bits: float}"; } > "$2"
}
many 400 many.yaml
"$mixdown" render many.yaml -o many-free.wav -q 2>/dev/null
for threads in 1 2; do
  run bash -c "ulimit -Sn 256 && ulimit -Hn 256 && exec '$mixdown' render many.yaml -o many-$threads.wav -q --threads $threads"
  p=$("$tool" peak "many-$threads.wav" 2>/dev/null)
  if [ "$rc" -eq 0 ] && near "$p" -6.02 0.05 && cmp -s many-free.wav "many-$threads.wav"; then
    ok "400 tracks playing at once under ulimit -n 256 (hard too), $threads thread(s): sum at $p dBFS, same bytes as unlimited"
  else
    fail "400 tracks under ulimit -n 256, $threads threads" "rc=$rc peak=$p" "$err"
  fi
done
run bash -c "ulimit -Sn 256 && exec '$mixdown' render many.yaml -o many-soft.wav -q"
[ "$rc" -eq 0 ] && cmp -s many-free.wav many-soft.wav && ok "… and with only the soft limit lowered (the CLI raises it)" ||
  fail "400 tracks, soft limit 256" "rc=$rc" "$err"
run bash -c "ulimit -Sn 256 && ulimit -Hn 256 && exec '$mixdown' render many.yaml -o many-cache.wav -q --cache many-cache"
[ "$rc" -eq 0 ] && cmp -s many-free.wav many-cache.wav &&
  ok "… and with --cache: the tracks beyond the limit render uncached, same bytes" || fail "400 tracks with a cache" "rc=$rc" "$err"
run bash -c "ulimit -Sn 256 && ulimit -Hn 256 && exec '$mixdown' render many.yaml -o many-cache2.wav -q --cache many-cache"
[ "$rc" -eq 0 ] && cmp -s many-free.wav many-cache2.wav &&
  ok "… and again from that cache: same bytes" || fail "400 tracks from a cache" "rc=$rc" "$err"

echo "guard: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
