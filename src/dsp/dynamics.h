// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Pieces shared by the dynamics processors (compressor, gate, limiter,
// de-esser): the static gain curve, time constants, level conversions, a
// key filter and a delay line.  All audio-thread safe; nothing allocates
// except md_delay_init().

#ifndef MD_DYNAMICS_H
#define MD_DYNAMICS_H

#include "util/realtime.h"

#include "dsp/filter_design.h"
#include "dsp/svf.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// Minimum and maximum of two finite values, inlined: fmin() and fmax()
/// are libm calls (they must handle NaN) in the per-sample paths.
MD_REALTIME static inline double
md_min(double a, double b)
{
  return b < a ? b : a;
}

MD_REALTIME static inline double
md_max(double a, double b)
{
  return b > a ? b : a;
}

/// Floor for level detection: -200 dBFS.
#define MD_LEVEL_FLOOR 1e-10

/// dB per natural-log unit of amplitude: 20 / ln 10.  log() and exp() are
/// markedly cheaper than log10() and pow() in the per-sample paths.
#define MD_DB_PER_NEPER 8.685889638065035

MD_REALTIME static inline double
md_level_db(double linear)
{
  return MD_DB_PER_NEPER * log(linear > MD_LEVEL_FLOOR ? linear : MD_LEVEL_FLOOR);
}

/// Linear gain of `db` decibels (the per-sample counterpart of md_db_to_gain).
MD_REALTIME static inline double
md_gain_of_db(double db)
{
  return exp(db * (1.0 / MD_DB_PER_NEPER));
}

/// The static curve's constants, worked out once per block.
typedef struct {
  double threshold_db;
  double slope;        ///< 1/R - 1 (≤ 0)
  double half_knee_db;
  double inverse_2knee; ///< 1/(2W), 0 for a hard knee
} MdCurveShape;

MD_REALTIME static inline MdCurveShape
md_compressor_curve_shape(double threshold_db, double ratio, double knee_db)
{
  return (MdCurveShape){threshold_db, 1.0 / ratio - 1.0, 0.5 * knee_db, knee_db > 0.0 ? 0.5 / knee_db : 0.0};
}

/// Gain change in dB (≤ 0) of a feed-forward compressor for a detector
/// level `x_db`: the soft-knee curve of Giannoulis, Massberg & Reiss,
/// "Digital Dynamic Range Compressor Design — A Tutorial and Analysis",
/// JAES 2012, eq. 4:
///   below the knee      y = x
///   in the knee         y = x + (1/R - 1)(x - T + W/2)² / (2W)
///   above the knee      y = T + (x - T)/R
/// written without branches or divisions, for per-sample use: with
/// u = (x - T + W/2) clamped to [0, W], the change y - x is
///   (1/R - 1)·(u²/(2W) + max(x - T - W/2, 0)).
MD_REALTIME static inline double
md_compressor_curve_fast(const MdCurveShape* s, double x_db)
{
  const double over = x_db - s->threshold_db;
  if (s->inverse_2knee == 0.0) {
    return over > 0.0 ? s->slope * over : 0.0;
  }
  double into = over + s->half_knee_db;
  into        = into < 0.0 ? 0.0 : into;
  const double past = over - s->half_knee_db;
  into        = into > 2.0 * s->half_knee_db ? 2.0 * s->half_knee_db : into;
  return s->slope * (into * into * s->inverse_2knee + (past > 0.0 ? past : 0.0));
}

/// One-pole coefficient for a time constant: after `time_ms` a step has
/// moved 1 - 1/e (63.2 %) of the way.  0 ms gives 0 (immediate).
MD_REALTIME static inline double
md_time_coef(double time_ms, double rate_hz)
{
  return time_ms > 0.0 ? exp(-1000.0 / (time_ms * rate_hz)) : 0.0;
}

/// A second-order Butterworth high- or low-pass on the key signal (matched
/// design, SVF: safe to automate).  `freq_hz` 0 means off.
typedef struct {
  double     freq_hz;
  MdSvfCoefs coefs;
  MdSvfState state[2];
} MdKeyFilter;

MD_REALTIME static inline void
md_key_filter_design(MdKeyFilter* f, double freq_hz, double rate_hz, int highpass)
{
  f->freq_hz = freq_hz;
  if (freq_hz > 0.0) {
    const MdAnalog  proto = highpass ? md_proto_highpass2(M_SQRT1_2) : md_proto_lowpass2(M_SQRT1_2);
    const MdDigital d     = md_match(&proto, fmin(freq_hz, 0.45 * rate_hz), rate_hz, MD_MATCH_FAST);
    f->coefs              = md_svf_from_digital(&d);
  }
}

MD_REALTIME static inline double
md_key_filter_tick(MdKeyFilter* f, uint32_t channel, double x)
{
  return f->freq_hz > 0.0 ? md_svf_tick(&f->coefs, &f->state[channel], x) : x;
}

/// A fixed delay line per channel (lookahead).
typedef struct {
  float*   line[2];
  uint32_t length_frames;
  uint32_t pos;
} MdDelay;

static inline int
md_delay_init(MdDelay* d, uint32_t length_frames)
{
  d->length_frames = length_frames;
  d->pos           = 0U;
  for (int c = 0; c < 2; ++c) {
    d->line[c] = length_frames ? calloc(length_frames, sizeof(float)) : NULL;
    if (length_frames && !d->line[c]) {
      return -1;
    }
  }
  return 0;
}

static inline void
md_delay_free(MdDelay* d)
{
  free(d->line[0]);
  free(d->line[1]);
}

MD_REALTIME static inline void
md_delay_clear(MdDelay* d)
{
  for (int c = 0; c < 2 && d->length_frames; ++c) {
    memset(d->line[c], 0, d->length_frames * sizeof(float));
  }
}

/// Pushes `x` into channel `c` and returns the sample from `length` ago.
/// Call md_delay_advance() once per frame after all channels.
MD_REALTIME static inline float
md_delay_tick(MdDelay* d, uint32_t c, float x)
{
  if (!d->length_frames) {
    return x;
  }
  const float out     = d->line[c][d->pos];
  d->line[c][d->pos] = x;
  return out;
}

MD_REALTIME static inline void
md_delay_advance(MdDelay* d)
{
  if (d->length_frames && ++d->pos == d->length_frames) {
    d->pos = 0U;
  }
}

#endif
