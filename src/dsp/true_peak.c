// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/true_peak.h"

#include "dsp/block_stats.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

void
md_true_peak_design(double coefs[MD_TRUE_PEAK_PHASES][MD_TRUE_PEAK_TAPS])
{
  for (int p = 0; p < MD_TRUE_PEAK_PHASES; ++p) {
    const double frac = (p + 1) / 4.0;
    double       sum  = 0.0;
    for (int k = 0; k < MD_TRUE_PEAK_TAPS; ++k) {
      // Tap k weighs the frame at offset (k - TAPS_HALF + 1) from the
      // left frame of the interval; t is the distance to the point.
      const double t      = (double)(k - MD_TRUE_PEAK_TAPS_HALF + 1) - frac;
      const double sinc   = t == 0.0 ? 1.0 : sin(M_PI * t) / (M_PI * t);
      const double window = fabs(t) < MD_TRUE_PEAK_TAPS_HALF ? 0.5 * (1.0 + cos(M_PI * t / MD_TRUE_PEAK_TAPS_HALF))
                                                             : 0.0;
      coefs[p][k] = sinc * window;
      sum += coefs[p][k];
    }
    for (int k = 0; k < MD_TRUE_PEAK_TAPS; ++k) {
      coefs[p][k] /= sum; // unity gain at DC
    }
  }
}

static double
bound_of(double coefs[MD_TRUE_PEAK_PHASES][MD_TRUE_PEAK_TAPS])
{
  double bound = 0.0;
  for (int p = 0; p < MD_TRUE_PEAK_PHASES; ++p) {
    double sum = 0.0;
    for (int k = 0; k < MD_TRUE_PEAK_TAPS; ++k) {
      sum += fabs(coefs[p][k]);
    }
    bound = sum > bound ? sum : bound;
  }
  return bound;
}

void
md_true_peak_scan_init(MdTruePeakScan* scan)
{
  double coefs[MD_TRUE_PEAK_PHASES][MD_TRUE_PEAK_TAPS];
  md_true_peak_design(coefs);
  // The point at 1/4 weighs x[k] by a[k], the one at 3/4 by a[11 - k]:
  // their sum weighs x[k] + x[11 - k] by a[k] + a[11 - k], their
  // difference x[k] - x[11 - k] by a[k] - a[11 - k].
  for (int k = 0; k < MD_TRUE_PEAK_TAPS_HALF; ++k) {
    const int mirror = MD_TRUE_PEAK_TAPS - 1 - k;
    scan->middle[k]  = (float)coefs[1][k];
    scan->even[k]    = (float)(coefs[0][k] + coefs[0][mirror]);
    scan->odd[k]     = (float)(coefs[0][k] - coefs[0][mirror]);
  }
  // The rounded coefficients, and the float sums' rounding, can only lift
  // a point by parts per million.
  scan->bound = bound_of(coefs) * (1.0 + 1e-5);
}

// The highest magnitude of the points of `n` intervals: frames outer,
// taps inner (unrolled), so that the frames run in vector lanes — eight at
// a time where the CPU has AVX2 (a clone chosen at load time), four
// otherwise — and the maximum taken as integers on the way (see
// md_block_max_abs()).  Of the points at 1/4 and 3/4, y₁ = (S + D)/2 and
// y₃ = (S - D)/2, the larger magnitude is (|S| + |D|)/2: 49 operations an
// interval instead of 72.
#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
__attribute__((target_clones("avx2", "default")))
#endif
#endif
static float
interpolated_peak(const MdTruePeakScan* scan, const float* x, uint32_t n)
{
  int32_t top = 0;
  for (size_t i = 0U; i < n; ++i) {
    float middle = 0.0f, sum = 0.0f, difference = 0.0f;
    for (size_t k = 0U; k < MD_TRUE_PEAK_TAPS_HALF; ++k) {
      const float outer = x[i + k], inner = x[i + MD_TRUE_PEAK_TAPS - 1U - k];
      middle += scan->middle[k] * (outer + inner);
      sum += scan->even[k] * (outer + inner);
      difference += scan->odd[k] * (outer - inner);
    }
    const float   sides = 0.5f * (fabsf(sum) + fabsf(difference));
    const float   point = fabsf(middle) > sides ? fabsf(middle) : sides;
    uint32_t      bits;
    memcpy(&bits, &point, sizeof bits);
    int32_t magnitude = (int32_t)bits;
    magnitude         = magnitude > 0x7f800000 ? 0 : magnitude; // NaN
    top               = magnitude > top ? magnitude : top;
  }
  float peak;
  memcpy(&peak, &top, sizeof peak);
  return peak;
}

#define SCAN_RUN 64U // intervals skipped or interpolated together

double
md_true_peak_scan(const MdTruePeakScan* scan, const float* x, uint32_t n, double peak)
{
  for (uint32_t done = 0U; done < n;) {
    const uint32_t len = n - done < SCAN_RUN ? n - done : SCAN_RUN;
    const float*   z   = x + done;
    if (md_block_max_abs(z, len + MD_TRUE_PEAK_TAPS - 1U) * scan->bound > peak) {
      const double found = interpolated_peak(scan, z, len);
      peak               = found > peak ? found : peak;
    }
    done += len;
  }
  return peak;
}
