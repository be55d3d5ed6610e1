// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Sums and peaks over a block of samples, written so that the compiler
// vectorises them without -ffast-math: size_t indices (a 32-bit index may
// wrap, which defeats it), several running sums where floating-point
// additions must not be reordered, and the peak compared as integers.
//
// Thread: any; every function is real-time (MD_REALTIME).

#ifndef MD_BLOCK_STATS_H
#define MD_BLOCK_STATS_H

#include "util/realtime.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/// Largest |x[i]|; NaNs are passed over.  A float's magnitude bits order
/// as the magnitudes do, and integer maxima vectorise where float ones
/// (whose NaN rules the compiler must keep) do not.
MD_REALTIME static inline float
md_block_max_abs(const float* x, uint32_t n)
{
  int32_t top = 0;
  for (size_t i = 0U; i < n; ++i) {
    uint32_t bits;
    memcpy(&bits, x + i, sizeof bits);
    int32_t magnitude = (int32_t)(bits & 0x7fffffffU);
    magnitude         = magnitude > 0x7f800000 ? 0 : magnitude; // NaN
    top               = magnitude > top ? magnitude : top;
  }
  float peak;
  memcpy(&peak, &top, sizeof peak);
  return peak;
}

/// Σ x[i], in double.
MD_REALTIME static inline double
md_block_sum(const float* x, uint32_t n)
{
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  size_t i    = 0U;
  for (; i + 4U <= n; i += 4U) {
    for (size_t j = 0U; j < 4U; ++j) {
      s[j] += x[i + j];
    }
  }
  for (; i < n; ++i) {
    s[0] += x[i];
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}

/// Σ a[i]·b[i], in double: four running sums (one would make each
/// addition wait for the last).
MD_REALTIME static inline double
md_block_sum_products(const float* a, const float* b, uint32_t n)
{
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  size_t i    = 0U;
  for (; i + 4U <= n; i += 4U) {
    for (size_t j = 0U; j < 4U; ++j) {
      s[j] += (double)a[i + j] * b[i + j];
    }
  }
  for (; i < n; ++i) {
    s[0] += (double)a[i] * b[i];
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}

/// Σ x[i]², in double: the same sums as md_block_sum_products(x, x, n).
MD_REALTIME static inline double
md_block_sum_squares(const float* x, uint32_t n)
{
  return md_block_sum_products(x, x, n);
}

/// Samples whose magnitude is at least `threshold`.
MD_REALTIME static inline uint32_t
md_block_clipped_at(const float* x, uint32_t n, float threshold)
{
  uint32_t count = 0U;
  for (size_t i = 0U; i < n; ++i) {
    count += fabsf(x[i]) >= threshold;
  }
  return count;
}

/// Samples at or beyond full scale.
MD_REALTIME static inline uint32_t
md_block_clipped(const float* x, uint32_t n)
{
  return md_block_clipped_at(x, n, 1.0f);
}

#endif
