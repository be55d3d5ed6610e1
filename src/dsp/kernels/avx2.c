// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// AVX2 kernels: the same arithmetic as reference.c, four doubles (or two
// channels) at a time.  Compiled for AVX2 (and FMA) function by function,
// so the rest of the library still runs on any x86-64; kernels.c picks this
// table only when the CPU has both.  ln/exp use no fused multiply-adds, so
// they agree with the reference to the last bit; the SVF cascade does
// (within 1e-6 of the reference, see tests/unit/test_kernels.c).

#include "dsp/kernels/fastmath.h"
#include "dsp/kernels/kernels.h"

#ifdef MD_KERNELS_HAVE_AVX2

#include <immintrin.h>

#define AVX2     __attribute__((target("avx2")))
#define AVX2_FMA __attribute__((target("avx2,fma")))

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
  __m256d p = _mm256_set1_pd(md_atanh_coefs[0]);
  for (int k = 1; k < MD_ATANH_TERMS; ++k) {
    p = _mm256_add_pd(_mm256_mul_pd(p, f2), _mm256_set1_pd(md_atanh_coefs[k]));
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
  __m256d p = _mm256_set1_pd(md_exp_coefs[0]);
  for (int k = 1; k < MD_EXP_TERMS; ++k) {
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(md_exp_coefs[k]));
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

// One group of sections (≤ MD_KERNEL_SVF_GROUP), left and right in the two
// lanes of an SSE register, state in registers across the whole call, in
// the state-space form of kernels.h with fused multiply-adds: nine per
// section and sample, against eighteen operations in the SVF's own form.
AVX2_FMA static void
svf_group_avx2(const MdSvfStateSpace* sections, uint32_t n_sections, double* state, float* left, float* right,
               uint32_t n)
{
  __m128d ic1[MD_KERNEL_SVF_GROUP], ic2[MD_KERNEL_SVF_GROUP];
  __m128d a11[MD_KERNEL_SVF_GROUP], a12[MD_KERNEL_SVF_GROUP], a21[MD_KERNEL_SVF_GROUP], a22[MD_KERNEL_SVF_GROUP];
  __m128d b1[MD_KERNEL_SVF_GROUP], b2[MD_KERNEL_SVF_GROUP], c1[MD_KERNEL_SVF_GROUP], c2[MD_KERNEL_SVF_GROUP];
  __m128d d[MD_KERNEL_SVF_GROUP];
  for (uint32_t s = 0U; s < n_sections; ++s) {
    // state: (ic1, ic2) of left, then of right.
    ic1[s]                = _mm_setr_pd(state[4U * s], state[4U * s + 2U]);
    ic2[s]                = _mm_setr_pd(state[4U * s + 1U], state[4U * s + 3U]);
    const MdSvfStateSpace m = sections[s];
    a11[s] = _mm_set1_pd(m.a11);
    a12[s] = _mm_set1_pd(m.a12);
    a21[s] = _mm_set1_pd(m.a21);
    a22[s] = _mm_set1_pd(m.a22);
    b1[s]  = _mm_set1_pd(m.b1);
    b2[s]  = _mm_set1_pd(m.b2);
    c1[s]  = _mm_set1_pd(m.c1);
    c2[s]  = _mm_set1_pd(m.c2);
    d[s]   = _mm_set1_pd(m.d);
  }
  for (uint32_t i = 0U; i < n; ++i) {
    __m128d x = _mm_setr_pd(left[i], right[i]);
    for (uint32_t s = 0U; s < n_sections; ++s) {
      // The reference's order: (B x + A s₂) + A s₁, (D x + C₂ s₂) + C₁ s₁.
      const __m128d out  = _mm_fmadd_pd(c1[s], ic1[s], _mm_fmadd_pd(c2[s], ic2[s], _mm_mul_pd(d[s], x)));
      const __m128d next1 = _mm_fmadd_pd(a11[s], ic1[s], _mm_fmadd_pd(a12[s], ic2[s], _mm_mul_pd(b1[s], x)));
      const __m128d next2 = _mm_fmadd_pd(a21[s], ic1[s], _mm_fmadd_pd(a22[s], ic2[s], _mm_mul_pd(b2[s], x)));
      ic1[s]              = next1;
      ic2[s]              = next2;
      x                   = out;
    }
    const __m128 out = _mm_cvtpd_ps(x);
    _mm_store_ss(left + i, out);
    _mm_store_ss(right + i, _mm_shuffle_ps(out, out, 1));
  }
  for (uint32_t s = 0U; s < n_sections; ++s) {
    _mm_storel_pd(state + 4U * s, ic1[s]);
    _mm_storel_pd(state + 4U * s + 1U, ic2[s]);
    _mm_storeh_pd(state + 4U * s + 2U, ic1[s]);
    _mm_storeh_pd(state + 4U * s + 3U, ic2[s]);
  }
}

AVX2_FMA static void
svf_cascade_stereo_avx2(const MdSvfStateSpace* sections, uint32_t n_sections, double* state, float* left,
                        float* right, uint32_t n)
{
  for (uint32_t first = 0U; first < n_sections; first += MD_KERNEL_SVF_GROUP) {
    const uint32_t group = n_sections - first < MD_KERNEL_SVF_GROUP ? n_sections - first : MD_KERNEL_SVF_GROUP;
    svf_group_avx2(sections + first, group, state + 4U * first, left, right, n);
  }
  for (uint32_t j = 0U; j < 4U * n_sections; ++j) {
    if (state[j] < 1e-20 && state[j] > -1e-20) {
      state[j] = 0.0; // decayed: exact zero, never subnormal (as the reference)
    }
  }
}

// Both channels in the two lanes of an SSE register, the four states in
// registers across the call, fused multiply-adds: eleven a frame with the
// input's energy and peak.  The recursion (y then the first state: two
// fused steps) sets the pace; the rest fits beside it.
AVX2_FMA static void
biquads_energy_stereo_fma(const double* k, double* state, const float* left, const float* right, uint32_t n,
                          double* sums, double* peaks)
{
  // state: (s1, s2) of left, then of right, per section.
  __m128d       s1 = _mm_setr_pd(state[0], state[2]), s2 = _mm_setr_pd(state[1], state[3]);
  __m128d       t1 = _mm_setr_pd(state[4], state[6]), t2 = _mm_setr_pd(state[5], state[7]);
  const __m128d b0 = _mm_set1_pd(k[0]), b1 = _mm_set1_pd(k[1]), b2 = _mm_set1_pd(k[2]);
  const __m128d a1 = _mm_set1_pd(-k[3]), a2 = _mm_set1_pd(-k[4]);
  const __m128d c0 = _mm_set1_pd(k[5]), c1 = _mm_set1_pd(k[6]), c2 = _mm_set1_pd(k[7]);
  const __m128d d1 = _mm_set1_pd(-k[8]), d2 = _mm_set1_pd(-k[9]);
  const __m128d magnitude = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffLL));
  __m128d       out_sum = _mm_setzero_pd(), in_sum = _mm_setzero_pd();
  __m128d       top     = _mm_loadu_pd(peaks);
  for (uint32_t i = 0U; i < n; ++i) {
    const __m128d in  = _mm_cvtps_pd(_mm_unpacklo_ps(_mm_load_ss(left + i), _mm_load_ss(right + i)));
    const __m128d mid = _mm_fmadd_pd(b0, in, s1);
    s1                = _mm_fmadd_pd(a1, mid, _mm_fmadd_pd(b1, in, s2));
    s2                = _mm_fmadd_pd(a2, mid, _mm_mul_pd(b2, in));
    const __m128d out = _mm_fmadd_pd(c0, mid, t1);
    t1                = _mm_fmadd_pd(d1, out, _mm_fmadd_pd(c1, mid, t2));
    t2                = _mm_fmadd_pd(d2, out, _mm_mul_pd(c2, mid));
    out_sum           = _mm_fmadd_pd(out, out, out_sum);
    in_sum            = _mm_fmadd_pd(in, in, in_sum);
    top               = _mm_max_pd(_mm_and_pd(in, magnitude), top); // a NaN gives way to top
  }
  double kept[12];
  _mm_storeu_pd(kept, s1);
  _mm_storeu_pd(kept + 2, s2);
  _mm_storeu_pd(kept + 4, t1);
  _mm_storeu_pd(kept + 6, t2);
  _mm_storeu_pd(kept + 8, out_sum);
  _mm_storeu_pd(kept + 10, in_sum);
  _mm_storeu_pd(peaks, top);
  const int from[8] = {0, 2, 1, 3, 4, 6, 5, 7}; // lanes back to state[4s + 2c + j]
  for (int j = 0; j < 8; ++j) {
    const double v = kept[from[j]];
    state[j]       = v < 1e-20 && v > -1e-20 ? 0.0 : v; // decayed: exact zero, never subnormal
  }
  for (int j = 0; j < 4; ++j) {
    sums[j] += kept[8 + j];
  }
}

// The recursion in scalar FMA: one fused step (4 cycles) a sample where
// the reference needs a multiply and an add; both candidates are ready
// before the choice.
AVX2_FMA static void
attack_release_fma(double* x, uint32_t n, double* y, double attack, double release)
{
  const __m128d a   = _mm_set_sd(attack);
  const __m128d r   = _mm_set_sd(release);
  const double  a_1 = 1.0 - attack;
  const double  r_1 = 1.0 - release;
  __m128d       gr  = _mm_set_sd(*y);
  for (uint32_t i = 0U; i < n; ++i) {
    const __m128d want      = _mm_set_sd(x[i]);
    const __m128d attacking = _mm_fmadd_sd(a, gr, _mm_mul_sd(_mm_set_sd(a_1), want));
    const __m128d releasing = _mm_fmadd_sd(r, gr, _mm_mul_sd(_mm_set_sd(r_1), want));
    gr                      = _mm_blendv_pd(releasing, attacking, _mm_cmplt_sd(want, gr));
    x[i]                    = _mm_cvtsd_f64(gr);
  }
  *y = _mm_cvtsd_f64(gr);
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
mix_add_scaled_avx2(float* dst, const float* src, float gain, float level, uint32_t n)
{
  const __m256 g = _mm256_set1_ps(gain);
  const __m256 l = _mm256_set1_ps(level);
  uint32_t     i = 0U;
  for (; i + 8U <= n; i += 8U) {
    const __m256 scaled = _mm256_mul_ps(g, _mm256_loadu_ps(src + i));
    _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i), _mm256_mul_ps(l, scaled)));
  }
  md_kernels_reference.mix_add_scaled(dst + i, src + i, gain, level, n - i);
}

// Eight floats a step, widened to two vectors of doubles: the same
// products and the same rounding back to float as the reference.
AVX2 static void
mix_add_f64_gain_avx2(float* dst, const float* src, double gain, uint32_t n)
{
  const __m256d g = _mm256_set1_pd(gain);
  uint32_t      i = 0U;
  for (; i + 8U <= n; i += 8U) {
    const __m128 lo     = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(src + i)), g));
    const __m128 hi     = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(src + i + 4U)), g));
    const __m256 scaled = _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
    _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i), scaled));
  }
  md_kernels_reference.mix_add_f64_gain(dst + i, src + i, gain, n - i);
}

AVX2 static bool
all_finite_avx2(const float* x, uint32_t n)
{
  const __m256i exponent = _mm256_set1_epi32(0x7f800000);
  __m256i       any      = _mm256_setzero_si256();
  uint32_t      i        = 0U;
  for (; i + 8U <= n; i += 8U) {
    const __m256i bits = _mm256_loadu_si256((const __m256i*)(x + i));
    any                = _mm256_or_si256(any, _mm256_cmpeq_epi32(_mm256_and_si256(bits, exponent), exponent));
  }
  return _mm256_testz_si256(any, any) && md_kernels_reference.all_finite(x + i, n - i);
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

AVX2 static uint64_t
quantize_avx2(const float* x, const double* noise, int32_t* out, uint32_t n, double full_scale, uint32_t shift)
{
  const __m256d scale   = _mm256_set1_pd(full_scale);
  const __m256d top     = _mm256_set1_pd(full_scale - 1.0);
  const __m256d bottom  = _mm256_set1_pd(-full_scale);
  const __m256d half    = _mm256_set1_pd(0.5);
  const __m128i count   = _mm_cvtsi32_si128((int)shift);
  __m256i       clipped = _mm256_setzero_si256();
  uint32_t      i       = 0U;
  for (; i + 4U <= n; i += 4U) {
    __m256d q = _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i)), scale);
    if (noise) {
      q = _mm256_add_pd(q, _mm256_loadu_pd(noise + i));
    }
    q                = _mm256_floor_pd(_mm256_add_pd(q, half));
    const __m256d over = _mm256_or_pd(_mm256_cmp_pd(q, top, _CMP_GT_OQ), _mm256_cmp_pd(q, bottom, _CMP_LT_OQ));
    clipped          = _mm256_sub_epi64(clipped, _mm256_castpd_si256(over)); // each lane: -1 when clipped
    q                = _mm256_max_pd(_mm256_min_pd(q, top), bottom);
    _mm_storeu_si128((__m128i*)(out + i), _mm_sll_epi32(_mm256_cvtpd_epi32(q), count));
  }
  uint64_t lanes[4];
  _mm256_storeu_si256((__m256i*)lanes, clipped);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] +
         md_kernels_reference.quantize(x + i, noise ? noise + i : NULL, out + i, n - i, full_scale, shift);
}

const MdKernels md_kernels_avx2 = {
  .name                = "avx2",
  .log_scaled          = log_scaled_avx2,
  .exp_scaled          = exp_scaled_avx2,
  .svf_cascade_stereo  = svf_cascade_stereo_avx2,
  .biquads_energy_stereo = biquads_energy_stereo_fma,
  .attack_release      = attack_release_fma,
  .mix_add             = mix_add_avx2,
  .scale               = scale_avx2,
  .mix_add_scaled      = mix_add_scaled_avx2,
  .quantize            = quantize_avx2,
  .mix_add_f64_gain    = mix_add_f64_gain_avx2,
  .all_finite          = all_finite_avx2,
};

#endif
