// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A loudness meter after ITU-R BS.1770-4 and EBU Tech 3341/3342, small
// enough to run on every strip of a mix: a few KiB whatever the length.
//
//   K-weighting   the standard's two filters (a high shelf and the RLB
//                 high-pass), designed for the rate from their analog
//                 prototypes by the bilinear transform, run through the
//                 vector filter kernel (md_kernels()->svf_cascade_stereo);
//   blocks        mean square per 100 ms sub-block; a 400 ms gating block
//                 every 100 ms (75 % overlap) from the last four;
//   integrated    absolute gate −70 LUFS, relative gate −10 LU, from a
//                 histogram of block loudness (0.05 LU bins) and the exact
//                 sum of the block energies above the absolute gate: only
//                 the blocks under the relative gate are estimated from
//                 their bins (they carry a tenth of the mean energy each);
//   range (LRA)   short-term (3 s) loudness every second, gated at −70 LUFS
//                 and −20 LU, 10th to 95th percentile, from a histogram of
//                 0.05 LU bins;
//   true peak     4× oversampling through dsp/true_peak.h's interpolator
//                 (the true-peak limiter's), skipped for a block whose
//                 frames cannot beat the peak so far.
//
// libebur128 is the reference: tests/unit/test_loudness.c holds the
// integrated loudness within 0.05 LU of it, the range within 0.1 LU and
// the true peak within 0.1 dB.  Unlike libebur128, true peaks are
// oversampled 4× at every rate (libebur128: 2× from 96 kHz, none from
// 192 kHz).
//
// Thread: creating and freeing a meter is control (allocates); feeding and
// reading it happen on the thread that renders (the caller's, or an engine
// worker measuring a strip), one thread per meter.

#ifndef MD_LOUDNESS_H
#define MD_LOUDNESS_H

#include "dsp/filter_design.h"

#include <stdint.h>

#define MD_LOUDNESS_MAX_CHANNELS 8U

typedef struct MdLoudness MdLoudness;

typedef enum {
  MD_LOUDNESS_RANGE     = 1 << 0, ///< Also the loudness range (6 KiB more)
  MD_LOUDNESS_TRUE_PEAK = 1 << 1, ///< Also true peaks
} MdLoudnessFlags;

/// The K-weighting filters at `rate`: the shelf, then the high-pass.
void md_loudness_k_weighting(double rate, MdDigital filters[2]);

/// A meter of `channels` channels at `rate` Hz (`flags`: MdLoudnessFlags),
/// weighted as BS.1770 (and libebur128) weigh 1 to 8 channels in the usual
/// orders (L R; L R C LFE Ls Rs; 4: L R Ls Rs; 5: L R C Ls Rs).  NULL when
/// out of memory or out of range.
MdLoudness* md_loudness_new(uint32_t channels, double rate, unsigned flags);
void        md_loudness_free(MdLoudness* meter);

/// A second meter that reads `gain` times the signal `meter` is fed (a
/// fader after it) without filtering it again: it takes the K-weighted
/// energies and the peaks from `meter`, scaled, and gates its own blocks
/// (the absolute gate is not scale-invariant).  Owned by `meter`, which
/// feeds it: read it, never feed or free it.  Call before the first frames
/// are added.  NULL when out of memory.
MdLoudness* md_loudness_scaled(MdLoudness* meter, double gain);

/// Frames until the current 100 ms sub-block is complete (≥ 1): reading
/// momentary or short-term loudness there reads whole sub-blocks.
uint32_t md_loudness_until_step(const MdLoudness* meter);

/// Adds `n` frames, planar (one buffer per channel).  Runs on the thread
/// that owns the meter; never allocates.
void md_loudness_add(MdLoudness* meter, const float* const* channels, uint32_t n);

/// Integrated loudness so far (LUFS; -HUGE_VAL when every block is gated).
double md_loudness_integrated(const MdLoudness* meter);
/// Loudness range so far (LU; 0 without MD_LOUDNESS_RANGE or enough audio).
double md_loudness_range(const MdLoudness* meter);
/// Momentary (400 ms) and short-term (3 s) loudness of the sub-blocks
/// completed so far (before the start counts as silence; -HUGE_VAL in silence).
double md_loudness_momentary(const MdLoudness* meter);
double md_loudness_short_term(const MdLoudness* meter);
/// Highest momentary and short-term loudness of whole windows (-HUGE_VAL
/// until there is one).
double md_loudness_momentary_max(const MdLoudness* meter);
double md_loudness_short_term_max(const MdLoudness* meter);
/// Sample peak (linear) and Σ x² of channel `c` so far: the meter's pass
/// over the samples gives them for nothing.
double md_loudness_sample_peak(const MdLoudness* meter, uint32_t c);
double md_loudness_sum_squares(const MdLoudness* meter, uint32_t c);
/// True peak of channel `c` so far (linear; at least its sample peak; 0
/// without MD_LOUDNESS_TRUE_PEAK).
double md_loudness_true_peak(const MdLoudness* meter, uint32_t c);

#endif
