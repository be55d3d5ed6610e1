// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Level measurements of one stream (a file, a mix, a track's pre- or
// post-fader signal): sample peak, RMS, DC offset, stereo correlation,
// clipped samples, and — through io/loudness.c — integrated loudness,
// loudness range, true peak and the highest momentary and short-term
// loudness.  Optionally keeps the momentary and short-term loudness every
// 100 ms for plots.  A meter takes a few KiB (with the series, 16 bytes
// more per 100 ms) whatever the length, and is fed on one thread at a time.

#ifndef MD_MEASURE_H
#define MD_MEASURE_H

#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

#define MD_MEASURE_MAX_CHANNELS 8U

typedef struct MdMeasure MdMeasure;

typedef enum {
  MD_MEASURE_FULL   = 0,      ///< Every level in MixdownLevels
  MD_MEASURE_SERIES = 1 << 0, ///< Also the loudness every 100 ms (for plots)
  /// Only sample peak, RMS, clipping and integrated loudness: no true
  /// peak (4× oversampling), range, maxima, DC or correlation (they read
  /// -inf or 0; with MD_MEASURE_SERIES: the series and the maxima too).
  MD_MEASURE_LIGHT  = 1 << 1,
} MdMeasureFlags;

/// A new meter for `channels` channels at `rate` (`flags`: MdMeasureFlags).
/// NULL when out of memory.
MdMeasure* md_measure_new(uint32_t channels, double rate, unsigned flags);
void       md_measure_free(MdMeasure* measure);

/// A second meter that reads `gain` times what `measure` is fed (a
/// constant fader after it), at a fraction of the cost of feeding it: it
/// shares the filtering and the true-peak search (not the series).  Owned
/// by `measure`, which feeds it: read it, never feed or free it.  Call
/// before the first frames are added.  NULL when out of memory.
MdMeasure* md_measure_scaled(MdMeasure* measure, double gain);

/// Adds `n` frames, planar (one buffer per channel).
void md_measure_add_planar(MdMeasure* measure, const float* const* channels, uint32_t n);
/// Adds `n` frames, interleaved.
void md_measure_add_interleaved(MdMeasure* measure, const float* frames, uint32_t n);

/// The results so far.
void md_measure_levels(const MdMeasure* measure, MixdownLevels* levels);
/// Per-channel peak and RMS (dBFS) of channel `c`.
void md_measure_channel(const MdMeasure* measure, uint32_t c, double* peak_dbfs, double* rms_dbfs);
uint64_t md_measure_frames(const MdMeasure* measure);

/// The loudness series (NULL without MD_MEASURE_SERIES): `n` points, 100 ms apart.
const double* md_measure_momentary(const MdMeasure* measure, size_t* n);
const double* md_measure_short_term(const MdMeasure* measure, size_t* n);

#endif
