// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Second-order section, transposed direct form II, coefficients and state in
// double: a low-frequency biquad in float state adds audible noise.
//
// Thread: any; the design and tick functions are real-time (MD_REALTIME),
// so a key filter may be redesigned on the audio thread.

#ifndef MD_BIQUAD_H
#define MD_BIQUAD_H

#include "util/realtime.h"

#include <math.h>

typedef struct {
  double b0, b1, b2, a1, a2; ///< Normalised so that a0 = 1
} MdBiquadCoefs;

typedef struct {
  double s1, s2; ///< TDF-II state
} MdBiquadState;

/// Butterworth-style 2nd-order low-pass (RBJ cookbook), cut-off `freq_hz`.
MD_REALTIME MdBiquadCoefs md_biquad_lowpass(double sample_rate_hz, double freq_hz, double q);
/// 2nd-order high-pass (RBJ cookbook).
MD_REALTIME MdBiquadCoefs md_biquad_highpass(double sample_rate_hz, double freq_hz, double q);

MD_REALTIME static inline double
md_biquad_tick(const MdBiquadCoefs* c, MdBiquadState* s, double x)
{
  const double y = c->b0 * x + s->s1;
  s->s1          = c->b1 * x - c->a1 * y + s->s2;
  s->s2          = c->b2 * x - c->a2 * y;
  return y;
}

/// Flush state that has decayed below audibility to exact zero, so that it
/// never turns subnormal (slow on x86 when FTZ is off).
MD_REALTIME static inline void
md_biquad_flush(MdBiquadState* s)
{
  if (fabs(s->s1) < 1e-20) {
    s->s1 = 0.0;
  }
  if (fabs(s->s2) < 1e-20) {
    s->s2 = 0.0;
  }
}

#endif
