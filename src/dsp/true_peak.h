// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The 4× interpolator of ITU-R BS.1770-4's true-peak measurement: a sinc
// under a Hann window 49 taps long at the 4× rate (12 per phase), the
// shape libebur128 and other meters built on the standard use.  One design
// serves the true-peak limiter (which must hold what meters measure) and
// the loudness meter (io/loudness.c).
//
// Thread: the design and scan_init control (at prepare); md_true_peak_scan
// on the audio thread (MD_REALTIME) and in the meters.

#ifndef MD_TRUE_PEAK_H
#define MD_TRUE_PEAK_H

#include "util/realtime.h"

#include <stdint.h>

#define MD_TRUE_PEAK_TAPS_HALF 6
#define MD_TRUE_PEAK_TAPS      (2 * MD_TRUE_PEAK_TAPS_HALF)
/// Points between two frames: the fractions 1/4, 2/4 and 3/4.
#define MD_TRUE_PEAK_PHASES 3

/// The interpolator: point p + 1 quarters past frame m is
///   Σ_k coefs[p][k] · x[m - MD_TRUE_PEAK_TAPS_HALF + 1 + k],
/// each phase scaled to unity gain at DC.
void md_true_peak_design(double coefs[MD_TRUE_PEAK_PHASES][MD_TRUE_PEAK_TAPS]);

/// For a meter: the interpolator in single precision (a reading within
/// ~1e-6 dB), folded by its symmetries — the middle phase is symmetric,
/// the outer two mirror each other — into 18 coefficients; and the
/// largest Σ_k |coefs[p][k]| of any phase: no interpolated point exceeds
/// the frames around it by more than this.
typedef struct {
  float  middle[MD_TRUE_PEAK_TAPS_HALF]; ///< Of x[k] + x[11 - k], for the point at 1/2
  float  even[MD_TRUE_PEAK_TAPS_HALF];   ///< Of x[k] + x[11 - k], for the sum of the points at 1/4 and 3/4
  float  odd[MD_TRUE_PEAK_TAPS_HALF];    ///< Of x[k] - x[11 - k], for their difference
  double bound;
} MdTruePeakScan;

void md_true_peak_scan_init(MdTruePeakScan* scan);

/// max(`peak`, the highest magnitude of the interpolated points of the `n`
/// intervals [m, m + 1] for m = MD_TRUE_PEAK_TAPS_HALF - 1 …
/// n + MD_TRUE_PEAK_TAPS_HALF - 2): `x` holds n + MD_TRUE_PEAK_TAPS - 1
/// frames, the intervals and their context.  The frames themselves are not
/// included (a sample peak covers them).  Runs of intervals whose frames,
/// times the bound, cannot beat `peak` are not interpolated.
MD_REALTIME double md_true_peak_scan(const MdTruePeakScan* scan, const float* x, uint32_t n, double peak);

#endif
