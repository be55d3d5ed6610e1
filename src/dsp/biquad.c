// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/biquad.h"

static MdBiquadCoefs
normalise(double b0, double b1, double b2, double a0, double a1, double a2)
{
  const MdBiquadCoefs c = {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
  return c;
}

MdBiquadCoefs
md_biquad_lowpass(double sample_rate_hz, double freq_hz, double q)
{
  const double w0    = 2.0 * M_PI * freq_hz / sample_rate_hz;
  const double alpha = sin(w0) / (2.0 * q);
  const double cosw  = cos(w0);
  return normalise((1.0 - cosw) / 2.0, 1.0 - cosw, (1.0 - cosw) / 2.0, 1.0 + alpha, -2.0 * cosw,
                   1.0 - alpha);
}

MdBiquadCoefs
md_biquad_highpass(double sample_rate_hz, double freq_hz, double q)
{
  const double w0    = 2.0 * M_PI * freq_hz / sample_rate_hz;
  const double alpha = sin(w0) / (2.0 * q);
  const double cosw  = cos(w0);
  return normalise((1.0 + cosw) / 2.0, -(1.0 + cosw), (1.0 + cosw) / 2.0, 1.0 + alpha,
                   -2.0 * cosw, 1.0 - alpha);
}
