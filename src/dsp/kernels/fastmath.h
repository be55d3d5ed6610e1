// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Natural logarithm and exponential for the per-sample paths, written as
// straight-line arithmetic so that the SIMD variants can do exactly the
// same operations lane by lane (libm's log() and exp() are correctly
// rounded but cannot be vectorised, and cost ~20 cycles each).
//
//   ln x:  x = 2^e · m with m in [√½, √2); f = (m - 1)/(m + 1);
//          ln m = 2 atanh f = 2(f + f³/3 + f⁵/5 + …), |f| ≤ 0.1716, eight
//          terms: relative error < 1e-13.
//   exp x: x = n ln 2 + r with |r| ≤ ½ ln 2; e^r by its Taylor series to
//          r¹²/12! (error < 1e-15); 2^n built in the exponent bits.
//
// Inputs are normal, positive (ln) or within ±700 (exp): the callers floor
// and clamp first.
//
// Thread: any; real-time (MD_REALTIME).

#ifndef MD_FASTMATH_H
#define MD_FASTMATH_H

#include "util/realtime.h"

#include <stdint.h>
#include <string.h>

#define MD_LN2_HI   6.93147180369123816490e-01 // ln 2, upper bits (exact in n·LN2_HI)
#define MD_LN2_LO   1.90821492927058770002e-10 // ln 2 - LN2_HI
#define MD_LOG2E    1.44269504088896338700
#define MD_SQRT2    1.41421356237309514547
#define MD_ROUNDER  6755399441055744.0          // 1.5 · 2^52: x + it - it rounds x to an integer
#define MD_EXP_LIMIT 700.0

MD_REALTIME static inline uint64_t
md_bits_of(double x)
{
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

MD_REALTIME static inline double
md_double_of(uint64_t u)
{
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/// Horner coefficients, highest power first, shared with the SIMD variants
/// so that every variant evaluates the very same polynomials.
/// 2·atanh(f) = 2f + f·f²·P(f²): P's coefficients 2/17, 2/15, …, 2/3.
#define MD_ATANH_TERMS 8
static const double md_atanh_coefs[MD_ATANH_TERMS] = {2.0 / 17.0, 2.0 / 15.0, 2.0 / 13.0, 2.0 / 11.0,
                                                      2.0 / 9.0,  2.0 / 7.0,  2.0 / 5.0,  2.0 / 3.0};
/// e^r to r¹²/12!: 1/12!, 1/11!, …, 1/1!, 1/0!.
#define MD_EXP_TERMS 13
static const double md_exp_coefs[MD_EXP_TERMS] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
                                                  1.0 / 362880.0,    1.0 / 40320.0,    1.0 / 5040.0,
                                                  1.0 / 720.0,       1.0 / 120.0,      1.0 / 24.0,
                                                  1.0 / 6.0,         0.5,              1.0,
                                                  1.0};

MD_REALTIME static inline double
md_horner(const double* coefs, int n, double x)
{
  double p = coefs[0];
  for (int k = 1; k < n; ++k) {
    p = p * x + coefs[k];
  }
  return p;
}

/// Odd-power series of 2·atanh(f) after the first term: f·(2f²/3 + 2f⁴/5 + …).
MD_REALTIME static inline double
md_atanh_tail(double f)
{
  const double f2 = f * f;
  return f * (f2 * md_horner(md_atanh_coefs, MD_ATANH_TERMS, f2));
}

MD_REALTIME static inline double
md_fast_ln(double x)
{
  const uint64_t bits = md_bits_of(x);
  // The biased exponent as a double, by the 2^52 trick (as SIMD must).
  double   e = md_double_of((bits >> 52) | 0x4330000000000000ULL) - (4503599627370496.0 + 1023.0);
  double   m = md_double_of((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (m > MD_SQRT2) {
    m = m * 0.5;
    e = e + 1.0;
  }
  const double f = (m - 1.0) / (m + 1.0);
  return e * MD_LN2_HI + ((f + f) + (md_atanh_tail(f) + e * MD_LN2_LO));
}

MD_REALTIME static inline double
md_fast_exp(double x)
{
  x                 = x > MD_EXP_LIMIT ? MD_EXP_LIMIT : x < -MD_EXP_LIMIT ? -MD_EXP_LIMIT : x;
  const double t    = x * MD_LOG2E + MD_ROUNDER; // n in its low mantissa bits
  const double n    = t - MD_ROUNDER;
  const double r    = (x - n * MD_LN2_HI) - n * MD_LN2_LO;
  const double p    = md_horner(md_exp_coefs, MD_EXP_TERMS, r);
  const double two_n = md_double_of((md_bits_of(t) + 1023U) << 52);
  return p * two_n;
}

#endif
