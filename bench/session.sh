# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmark's channel-strip session (sourced by bench/run.sh and
# bench/live.sh): write_session N REVERB FILE writes N tracks reading
# track000.wav … beside FILE, each with the strip described in run.sh.

# Pan of track k: spread evenly from −0.8 to +0.8.
pan_of() { awk -v k="$1" -v n="$2" 'BEGIN { printf "%.4f", (n > 1 ? -0.8 + 1.6 * k / (n - 1) : 0) }'; }

write_session() { # N REVERB FILE
  local n=$1 reverb=$2 file=$3
  {
    echo "mixdown: 1"
    echo "sample_rate: 48000"
    echo "tracks:"
    for ((k = 0; k < n; ++k)); do
      printf '  - {name: t%03d, file: track%03d.wav, gain_db: -3, pan: %s, pan_law: -3,\n' "$k" "$k" "$(pan_of $k $n)"
      echo "     inserts: [{type: eq, bands: [{type: highpass, freq: 80, slope: 12}, {type: lowshelf, freq: 200, gain_db: 2},"
      echo "                                 {type: bell, freq: 2500, gain_db: -3, q: 1}, {type: highshelf, freq: 8000, gain_db: 2}]},"
      printf '               {type: compressor, threshold_db: -18, ratio: 3, attack_ms: 10, release_ms: 100, detector: peak}]'
      if [ "$reverb" = 1 ]; then printf ',\n     sends: [{to: room, level_db: -12}]'; fi
      echo
      echo "    }"
    done
    if [ "$reverb" = 1 ]; then
      echo "buses:"
      echo "  - {name: room, inserts: [{type: reverb, decay_s: 1.8, predelay_ms: 15, mix: 1}]}"
    fi
    echo "master:"
    echo "  inserts:"
    echo "    - {type: compressor, threshold_db: -10, ratio: 2, attack_ms: 10, release_ms: 100}"
    echo "    - {type: limiter, ceiling_db: -1}"
    echo "output: {file: out.wav, bits: 24}"
  } > "$file"
}
