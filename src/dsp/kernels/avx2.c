// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// AVX2 kernels: the same arithmetic as reference.c, four doubles (or two
// channels) at a time.  Compiled for AVX2 function by function, so the rest
// of the library still runs on any x86-64; kernels.c picks this table only
// when the CPU has AVX2.  No fused multiply-adds: every lane rounds as the
// reference does, so the variants agree to the last bit on ln/exp.

#include "dsp/kernels/fastmath.h"
#include "dsp/kernels/kernels.h"

#ifdef MD_KERNELS_HAVE_AVX2

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256d
ln4(__m256d x)
{
  const __m256i bits     = _mm256_castpd_si256(x);
  const __m256i exponent = _mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_set1_epi64x(0x4330000000000000LL));
  __m256d       e        = _mm256_sub_pd(_mm256_castsi256_pd(exponent), _mm256_set1_pd(4503599627370496.0 + 1023.0));
  __m256d       m        = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffLL)),
                                                               _mm256_set1_epi64x(0x3ff0000000000000LL)));
  const __m256d big      = _mm256_cmp_pd(m, _mm256_set1_pd(MD_SQRT2), _CMP_GT_OQ);
  m                      = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), big);
  e                      = _mm256_add_pd(e, _mm256_and_pd(big, _mm256_set1_pd(1.0)));
  const __m256d one      = _mm256_set1_pd(1.0);
  const __m256d f        = _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
  const __m256d f2       = _mm256_mul_pd(f, f);
  static const double tail[] = {2.0 / 17.0, 2.0 / 15.0, 2.0 / 13.0, 2.0 / 11.0,
                                2.0 / 9.0,  2.0 / 7.0,  2.0 / 5.0,  2.0 / 3.0};
  __m256d p = _mm256_set1_pd(tail[0]);
  for (int k = 1; k < 8; ++k) {
    p = _mm256_add_pd(_mm256_mul_pd(p, f2), _mm256_set1_pd(tail[k]));
  }
  const __m256d atanh_tail = _mm256_mul_pd(f, _mm256_mul_pd(f2, p));
  const __m256d low        = _mm256_add_pd(atanh_tail, _mm256_mul_pd(e, _mm256_set1_pd(MD_LN2_LO)));
  return _mm256_add_pd(_mm256_mul_pd(e, _mm256_set1_pd(MD_LN2_HI)), _mm256_add_pd(_mm256_add_pd(f, f), low));
}

AVX2 static inline __m256d
exp4(__m256d x)
{
  x                   = _mm256_max_pd(_mm256_min_pd(x, _mm256_set1_pd(MD_EXP_LIMIT)), _mm256_set1_pd(-MD_EXP_LIMIT));
  const __m256d rounder = _mm256_set1_pd(MD_ROUNDER);
  const __m256d t       = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(MD_LOG2E)), rounder);
  const __m256d n       = _mm256_sub_pd(t, rounder);
  const __m256d r       = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(n, _mm256_set1_pd(MD_LN2_HI))),
                                        _mm256_mul_pd(n, _mm256_set1_pd(MD_LN2_LO)));
  static const double taylor[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                  1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                                  1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                                  1.0};
  __m256d p = _mm256_set1_pd(taylor[0]);
  for (int k = 1; k < 13; ++k) {
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(taylor[k]));
  }
  const __m256i two_n = _mm256_slli_epi64(_mm256_add_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(1023)), 52);
  return _mm256_mul_pd(p, _mm256_castsi256_pd(two_n));
}

AVX2 static void
log_scaled_avx2(const double* x, double* out, uint32_t n, double scale, double floor)
{
  const __m256d vscale = _mm256_set1_pd(scale);
  const __m256d vfloor = _mm256_set1_pd(floor);
  uint32_t      i      = 0U;
  for (; i + 4U <= n; i += 4U) {
    const __m256d v     = _mm256_loadu_pd(x + i);
    // x > floor ? x : floor, as the reference (NaN goes to the floor).
    const __m256d above = _mm256_cmp_pd(v, vfloor, _CMP_GT_OQ);
    _mm256_storeu_pd(out + i, _mm256_mul_pd(vscale, ln4(_mm256_blendv_pd(vfloor, v, above))));
  }
  md_kernels_reference.log_scaled(x + i, out + i, n - i, scale, floor);
}

AVX2 static void
exp_scaled_avx2(const double* x, double* out, uint32_t n, double scale)
{
  const __m256d inverse = _mm256_set1_pd(1.0 / scale);
  uint32_t      i       = 0U;
  for (; i + 4U <= n; i += 4U) {
    _mm256_storeu_pd(out + i, exp4(_mm256_mul_pd(_mm256_loadu_pd(x + i), inverse)));
  }
  md_kernels_reference.exp_scaled(x + i, out + i, n - i, scale);
}

#define SVF_MAX_SECTIONS 16U

// Left and right in the two lanes of an SSE register, the cascade's state
// kept in registers across the whole call.
AVX2 static void
svf2_cascade_stereo_avx2(const double* coefs, uint32_t n_sections, double* state, float* left, float* right,
                         uint32_t n)
{
  if (n_sections > SVF_MAX_SECTIONS) {
    md_kernels_reference.svf2_cascade_stereo(coefs, n_sections, state, left, right, n);
    return;
  }
  __m128d ic1[SVF_MAX_SECTIONS], ic2[SVF_MAX_SECTIONS];
  __m128d k[SVF_MAX_SECTIONS][MD_KERNEL_SVF_COEFS];
  for (uint32_t s = 0U; s < n_sections; ++s) {
    // state: (ic1, ic2) of left, then of right.
    ic1[s] = _mm_setr_pd(state[4U * s], state[4U * s + 2U]);
    ic2[s] = _mm_setr_pd(state[4U * s + 1U], state[4U * s + 3U]);
    for (uint32_t j = 0U; j < MD_KERNEL_SVF_COEFS; ++j) {
      k[s][j] = _mm_set1_pd(coefs[s * MD_KERNEL_SVF_COEFS + j]);
    }
  }
  for (uint32_t i = 0U; i < n; ++i) {
    __m128d v = _mm_setr_pd(left[i], right[i]);
    for (uint32_t s = 0U; s < n_sections; ++s) {
      const __m128d v3 = _mm_sub_pd(v, ic2[s]);
      const __m128d v1 = _mm_add_pd(_mm_mul_pd(k[s][0], ic1[s]), _mm_mul_pd(k[s][1], v3));
      const __m128d v2 = _mm_add_pd(ic2[s], _mm_add_pd(_mm_mul_pd(k[s][1], ic1[s]), _mm_mul_pd(k[s][2], v3)));
      ic1[s]           = _mm_sub_pd(_mm_add_pd(v1, v1), ic1[s]);
      ic2[s]           = _mm_sub_pd(_mm_add_pd(v2, v2), ic2[s]);
      v = _mm_add_pd(_mm_add_pd(_mm_mul_pd(k[s][3], v), _mm_mul_pd(k[s][4], v1)), _mm_mul_pd(k[s][5], v2));
    }
    const __m128 out = _mm_cvtpd_ps(v);
    _mm_store_ss(left + i, out);
    _mm_store_ss(right + i, _mm_shuffle_ps(out, out, 1));
  }
  const __m128d tiny = _mm_set1_pd(1e-20);
  const __m128d sign = _mm_set1_pd(-0.0);
  for (uint32_t s = 0U; s < n_sections; ++s) {
    // Decayed state becomes exact zero, never subnormal (as the reference).
    ic1[s] = _mm_and_pd(ic1[s], _mm_cmp_pd(_mm_andnot_pd(sign, ic1[s]), tiny, _CMP_GE_OQ));
    ic2[s] = _mm_and_pd(ic2[s], _mm_cmp_pd(_mm_andnot_pd(sign, ic2[s]), tiny, _CMP_GE_OQ));
    _mm_storel_pd(state + 4U * s, ic1[s]);
    _mm_storel_pd(state + 4U * s + 1U, ic2[s]);
    _mm_storeh_pd(state + 4U * s + 2U, ic1[s]);
    _mm_storeh_pd(state + 4U * s + 3U, ic2[s]);
  }
}

AVX2 static void
mix_add_avx2(float* dst, const float* src, float gain, uint32_t n)
{
  const __m256 g = _mm256_set1_ps(gain);
  uint32_t     i = 0U;
  for (; i + 8U <= n; i += 8U) {
    _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i), _mm256_mul_ps(g, _mm256_loadu_ps(src + i))));
  }
  md_kernels_reference.mix_add(dst + i, src + i, gain, n - i);
}

AVX2 static void
scale_avx2(float* dst, const float* src, float gain, uint32_t n)
{
  const __m256 g = _mm256_set1_ps(gain);
  uint32_t     i = 0U;
  for (; i + 8U <= n; i += 8U) {
    _mm256_storeu_ps(dst + i, _mm256_mul_ps(g, _mm256_loadu_ps(src + i)));
  }
  md_kernels_reference.scale(dst + i, src + i, gain, n - i);
}

const MdKernels md_kernels_avx2 = {
  .name                = "avx2",
  .log_scaled          = log_scaled_avx2,
  .exp_scaled          = exp_scaled_avx2,
  .svf2_cascade_stereo = svf2_cascade_stereo_avx2,
  .mix_add             = mix_add_avx2,
  .scale               = scale_avx2,
};

#endif
