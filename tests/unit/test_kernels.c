// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The SIMD kernels against the plain-C reference (odd lengths, unaligned
// buffers), and the reference against libm and svf.h.

#include "dsp/kernels/fastmath.h"
#include "dsp/kernels/kernels.h"
#include "dsp/svf.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t odd_lengths[] = {1U, 3U, 4U, 5U, 7U, 9U, 17U, 63U, 1021U};

// A deterministic pseudo-random double in [0, 1).
static double
uniform(uint64_t* seed)
{
  *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*seed >> 11) / 9007199254740992.0;
}

static void
test_fast_math_matches_libm(void)
{
  double worst_ln = 0.0, worst_exp = 0.0;
  uint64_t seed = 1U;
  for (int i = 0; i < 200000; ++i) {
    // Amplitudes from 1e-10 to 1e3, and exponents of gains from -700 to 700.
    const double x  = pow(10.0, -10.0 + 13.0 * uniform(&seed));
    const double ln = md_fast_ln(x);
    worst_ln        = fmax(worst_ln, fabs(ln - log(x)) / fmax(fabs(log(x)), 1e-300));
    const double y  = -700.0 + 1400.0 * uniform(&seed);
    worst_exp       = fmax(worst_exp, fabs(md_fast_exp(y) - exp(y)) / exp(y));
  }
  printf("    fast ln: worst relative error %.2e; fast exp: %.2e\n", worst_ln, worst_exp);
  CHECK_MSG(worst_ln < 1e-12, "ln off by %.3g", worst_ln);
  CHECK_MSG(worst_exp < 1e-13, "exp off by %.3g", worst_exp);
  CHECK(md_fast_exp(0.0) == 1.0); // no gain change must mean exactly unity
  CHECK(md_fast_ln(1.0) == 0.0);
  CHECK_NEAR(md_fast_ln(2.0), M_LN2, 1e-15);
}

// Buffers one element past an aligned start, so vector loads are unaligned.
static double*
unaligned_doubles(size_t n)
{
  double* p = malloc((n + 1U) * sizeof(double));
  return p ? p + 1 : NULL;
}

static float*
unaligned_floats(size_t n)
{
  float* p = malloc((n + 1U) * sizeof(float));
  return p ? p + 1 : NULL;
}

static void
test_variants_match_reference_on_log_and_exp(void)
{
  size_t                  count = 0U;
  const MdKernels* const* all   = md_kernels_all(&count);
  printf("    variants on this CPU:");
  for (size_t v = 0U; v < count; ++v) {
    printf(" %s", all[v]->name);
  }
  printf(" (chosen: %s)\n", md_kernels()->name);
  double*  x    = unaligned_doubles(1021U);
  double*  want = unaligned_doubles(1021U);
  double*  got  = unaligned_doubles(1021U);
  uint64_t seed = 7U;
  for (size_t v = 1U; v < count; ++v) {
    for (size_t l = 0U; l < sizeof odd_lengths / sizeof odd_lengths[0]; ++l) {
      const uint32_t n = odd_lengths[l];
      for (uint32_t i = 0U; i < n; ++i) {
        x[i] = i % 5U == 0U ? 0.0 : pow(10.0, -12.0 + 13.0 * uniform(&seed)); // some under the floor
      }
      md_kernels_reference.log_scaled(x, want, n, 8.685889638065035, 1e-10);
      all[v]->log_scaled(x, got, n, 8.685889638065035, 1e-10);
      for (uint32_t i = 0U; i < n; ++i) {
        CHECK_MSG(fabs(got[i] - want[i]) <= 1e-6, "%s log, n %u, [%u]: %.9g vs %.9g", all[v]->name, n, i,
                  got[i], want[i]);
      }
      for (uint32_t i = 0U; i < n; ++i) {
        x[i] = i % 7U == 0U ? 0.0 : -120.0 + 150.0 * uniform(&seed); // gains in dB
      }
      md_kernels_reference.exp_scaled(x, want, n, 8.685889638065035);
      all[v]->exp_scaled(x, got, n, 8.685889638065035);
      for (uint32_t i = 0U; i < n; ++i) {
        CHECK_MSG(fabs(got[i] - want[i]) <= 1e-6 * want[i], "%s exp, n %u, [%u]: %.9g vs %.9g", all[v]->name,
                  n, i, got[i], want[i]);
        CHECK(x[i] != 0.0 || got[i] == 1.0);
      }
    }
  }
  free(x - 1);
  free(want - 1);
  free(got - 1);
}

// A first-order and a second-order highpass, then bells, as the EQ would
// run them: the SVF sections and their state-space forms.
static void
cascade_sections(MdSvfCoefs* svf, MdSvfStateSpace* sections, uint32_t n_sections)
{
  for (uint32_t s = 0U; s < n_sections; ++s) {
    const MdAnalog  proto = s == 1U ? md_proto_highpass2(M_SQRT1_2) : md_proto_bell(s % 2U ? 4.0 : -6.0, 1.0 + s);
    // Section 0: a one-pole high-pass at ~40 Hz (b2 = a2 = 0: first order).
    const MdDigital d     = s == 0U ? (MdDigital){0.9974, -0.9974, 0.0, -0.9948, 0.0}
                                    : md_match(&proto, 40.0 * pow(1.6, s), 48000.0, MD_MATCH_BEST);
    svf[s]                = md_svf_from_digital(&d);
    sections[s]           = md_svf_state_space(&svf[s]);
  }
}

static void
fill_noise(float* x, uint32_t n, uint64_t* seed)
{
  for (uint32_t i = 0U; i < n; ++i) {
    x[i] = (float)(uniform(seed) - 0.5);
  }
}

static void
test_variants_match_reference_on_svf_cascade(void)
{
  enum { SECTIONS = 11 }; // more than one group of MD_KERNEL_SVF_GROUP
  MdSvfCoefs      svf[SECTIONS];
  MdSvfStateSpace sections[SECTIONS];
  cascade_sections(svf, sections, SECTIONS);
  CHECK(svf[0].order == 1 && svf[1].order == 2);
  size_t                  count = 0U;
  const MdKernels* const* all   = md_kernels_all(&count);
  float*                  l[2]  = {unaligned_floats(1021U), unaligned_floats(1021U)};
  float*                  r[2]  = {unaligned_floats(1021U), unaligned_floats(1021U)};
  for (size_t v = 0U; v < count; ++v) {
    double   state[2][SECTIONS * 4] = {{0.0}};
    uint64_t seed                   = 3U;
    double   worst                  = 0.0;
    // Consecutive calls of odd lengths: the state must carry over too.
    for (size_t k = 0U; k < sizeof odd_lengths / sizeof odd_lengths[0]; ++k) {
      const uint32_t n = odd_lengths[k];
      fill_noise(l[0], n, &seed);
      fill_noise(r[0], n, &seed);
      for (uint32_t i = 0U; i < n; ++i) {
        l[1][i] = l[0][i];
        r[1][i] = r[0][i];
      }
      md_kernels_reference.svf_cascade_stereo(sections, SECTIONS, state[0], l[0], r[0], n);
      all[v]->svf_cascade_stereo(sections, SECTIONS, state[1], l[1], r[1], n);
      for (uint32_t i = 0U; i < n; ++i) {
        worst = fmax(worst, fmax(fabs(l[1][i] - l[0][i]), fabs(r[1][i] - r[0][i])));
      }
    }
    CHECK_MSG(worst <= 1e-6, "%s svf cascade off by %.3g", all[v]->name, worst);
  }
  // And the reference against svf.h's per-sample tick, channel by channel.
  double     state[SECTIONS * 4] = {0.0};
  MdSvfState tick[2][SECTIONS]   = {{{0.0, 0.0}}};
  uint64_t seed  = 5U;
  double   worst = 0.0;
  fill_noise(l[0], 1021U, &seed);
  fill_noise(r[0], 1021U, &seed);
  for (uint32_t i = 0U; i < 1021U; ++i) {
    double v[2] = {l[0][i], r[0][i]};
    for (uint32_t s = 0U; s < SECTIONS; ++s) {
      v[0] = md_svf_tick(&svf[s], &tick[0][s], v[0]);
      v[1] = md_svf_tick(&svf[s], &tick[1][s], v[1]);
    }
    l[1][i] = (float)v[0];
    r[1][i] = (float)v[1];
  }
  md_kernels_reference.svf_cascade_stereo(sections, SECTIONS, state, l[0], r[0], 1021U);
  for (uint32_t i = 0U; i < 1021U; ++i) {
    worst = fmax(worst, fmax(fabs(l[1][i] - l[0][i]), fabs(r[1][i] - r[0][i])));
  }
  CHECK_MSG(worst <= 1e-6, "reference cascade off svf.h by %.3g", worst);
  for (int c = 0; c < 2; ++c) {
    free(l[c] - 1);
    free(r[c] - 1);
  }
}

static void
test_variants_match_reference_on_mix(void)
{
  size_t                  count = 0U;
  const MdKernels* const* all   = md_kernels_all(&count);
  float*                  src   = unaligned_floats(1021U);
  float*                  dst[2] = {unaligned_floats(1021U), unaligned_floats(1021U)};
  uint64_t                seed  = 11U;
  for (size_t v = 1U; v < count; ++v) {
    for (size_t k = 0U; k < sizeof odd_lengths / sizeof odd_lengths[0]; ++k) {
      const uint32_t n = odd_lengths[k];
      fill_noise(src, n, &seed);
      fill_noise(dst[0], n, &seed);
      for (uint32_t i = 0U; i < n; ++i) {
        dst[1][i] = dst[0][i];
      }
      md_kernels_reference.mix_add(dst[0], src, 0.7071f, n);
      all[v]->mix_add(dst[1], src, 0.7071f, n);
      for (uint32_t i = 0U; i < n; ++i) {
        CHECK_MSG(fabsf(dst[1][i] - dst[0][i]) <= 1e-6f, "%s mix, n %u, [%u]", all[v]->name, n, i);
      }
      md_kernels_reference.mix_add_scaled(dst[0], src, 0.3f, 0.7f, n);
      all[v]->mix_add_scaled(dst[1], src, 0.3f, 0.7f, n);
      for (uint32_t i = 0U; i < n; ++i) {
        CHECK_MSG(dst[1][i] == dst[0][i], "%s mix_add_scaled, n %u, [%u]", all[v]->name, n, i);
      }
      md_kernels_reference.mix_add_f64_gain(dst[0], src, 0.8912509381337456, n); // -1 dB: inexact in float
      all[v]->mix_add_f64_gain(dst[1], src, 0.8912509381337456, n);
      for (uint32_t i = 0U; i < n; ++i) {
        CHECK_MSG(dst[1][i] == dst[0][i], "%s mix_add_f64_gain, n %u, [%u]", all[v]->name, n, i);
      }
      const float odd[3] = {NAN, INFINITY, -INFINITY};
      for (uint32_t at = 0U; at < n; at += 1U + at / 3U) { // every place in short blocks, some in long ones
        const float was = src[at];
        CHECK_MSG(all[v]->all_finite(src, n), "%s all_finite, n %u", all[v]->name, n);
        src[at] = odd[at % 3U];
        CHECK_MSG(!all[v]->all_finite(src, n), "%s all_finite, n %u, %g at [%u]", all[v]->name, n, (double)src[at], at);
        src[at] = was;
      }
      md_kernels_reference.scale(dst[0], src, -1.25f, n);
      all[v]->scale(dst[1], src, -1.25f, n);
      for (uint32_t i = 0U; i < n; ++i) {
        CHECK_MSG(fabsf(dst[1][i] - dst[0][i]) <= 1e-6f, "%s scale, n %u, [%u]", all[v]->name, n, i);
      }
    }
  }
  free(src - 1);
  free(dst[0] - 1);
  free(dst[1] - 1);
}

// Format conversion: equal to the reference to the bit (floor and clip are
// exact), clipped samples counted alike, and full scale mapped as libsndfile
// expects (left-aligned 24 bits).
static void
test_variants_match_reference_on_quantize(void)
{
  size_t                  count = 0U;
  const MdKernels* const* all   = md_kernels_all(&count);
  float*                  x     = unaligned_floats(1021U);
  double*                 noise = unaligned_doubles(1021U);
  int32_t                 want[1021], got[1021];
  uint64_t                seed  = 13U;
  for (uint32_t i = 0U; i < 1021U; ++i) {
    x[i]     = (float)(2.4 * (uniform(&seed) - 0.5)); // some beyond full scale
    noise[i] = uniform(&seed) - uniform(&seed);
  }
  const uint64_t reference_clips = md_kernels_reference.quantize(x, noise, want, 1021U, 8388608.0, 8U);
  CHECK(reference_clips > 100U && reference_clips < 400U);
  for (size_t v = 1U; v < count; ++v) {
    for (size_t k = 0U; k < sizeof odd_lengths / sizeof odd_lengths[0]; ++k) {
      const uint32_t n       = odd_lengths[k];
      const uint64_t clips_a = md_kernels_reference.quantize(x, k % 2U ? noise : NULL, want, n, 8388608.0, 8U);
      const uint64_t clips_b = all[v]->quantize(x, k % 2U ? noise : NULL, got, n, 8388608.0, 8U);
      CHECK_MSG(clips_a == clips_b && !memcmp(want, got, n * sizeof(int32_t)), "%s quantize, n %u", all[v]->name, n);
    }
  }
  const float full[3] = {1.0f, -1.0f, 0.5f};
  md_kernels()->quantize(full, NULL, got, 3U, 8388608.0, 8U);
  CHECK(got[0] == 0x7fffff00 && got[1] == (int32_t)0x80000000 && got[2] == 0x40000000);
  free(x - 1);
  free(noise - 1);
}

// The compressor's smoothing: the FMA variant within 1e-9 dB of the
// reference over odd lengths, and the state carried between calls.
static void
test_variants_match_reference_on_attack_release(void)
{
  size_t                  count = 0U;
  const MdKernels* const* all   = md_kernels_all(&count);
  double*                 want  = unaligned_doubles(1021U);
  double*                 x[2]  = {unaligned_doubles(1021U), unaligned_doubles(1021U)};
  const double            attack = exp(-1000.0 / (10.0 * 48000.0)), release = exp(-1000.0 / (100.0 * 48000.0));
  for (size_t v = 1U; v < count; ++v) {
    double   y[2]  = {0.0, 0.0};
    double   worst = 0.0;
    uint64_t seed  = 17U;
    for (size_t k = 0U; k < sizeof odd_lengths / sizeof odd_lengths[0]; ++k) {
      const uint32_t n = odd_lengths[k];
      for (uint32_t i = 0U; i < n; ++i) {
        want[i] = i % 97U < 40U ? -12.0 * uniform(&seed) : 0.0; // bursts of reduction, then recovery
        x[0][i] = x[1][i] = want[i];
      }
      md_kernels_reference.attack_release(x[0], n, &y[0], attack, release);
      all[v]->attack_release(x[1], n, &y[1], attack, release);
      for (uint32_t i = 0U; i < n; ++i) {
        worst = fmax(worst, fabs(x[1][i] - x[0][i]));
      }
    }
    CHECK_MSG(worst <= 1e-9 && fabs(y[1] - y[0]) <= 1e-9, "%s attack/release off by %.3g dB", all[v]->name, worst);
  }
  free(want - 1);
  free(x[0] - 1);
  free(x[1] - 1);
}

// The choice is the process's, made once: asking again for the variant in
// force succeeds, asking for another after it is made is refused (processors
// keep the table they were built with), and nothing else is accepted.
static void
test_set_kernels_once(void)
{
  const MdKernels* const now = md_kernels();
  const bool            reference = now == &md_kernels_reference;
  CHECK(mixdown_set_kernels(reference ? MIXDOWN_KERNELS_REFERENCE : MIXDOWN_KERNELS_FASTEST) == MIXDOWN_SUCCESS);
  CHECK(mixdown_set_kernels((MixdownKernels)7) == MIXDOWN_ERR_BAD_ARG);
  size_t n = 0U;
  md_kernels_all(&n);
  if (n > 1U) { // a second variant exists here: switching to it now is too late
    CHECK(mixdown_set_kernels(reference ? MIXDOWN_KERNELS_FASTEST : MIXDOWN_KERNELS_REFERENCE) ==
          MIXDOWN_ERR_BAD_ARG);
  }
  CHECK(md_kernels() == now);
}

const TestCase kernel_tests[] = {
  {"kernels: fast ln/exp within 1e-12 of libm, exp(0) = 1", test_fast_math_matches_libm},
  {"kernels: every variant's log/exp equals the reference (odd lengths, unaligned)",
   test_variants_match_reference_on_log_and_exp},
  {"kernels: every variant's SVF cascade (first and second order) equals the reference, and the reference svf.h",
   test_variants_match_reference_on_svf_cascade},
  {"kernels: every variant's mix and scale equal the reference; their finiteness checks find NaN and infinity anywhere", test_variants_match_reference_on_mix},
  {"kernels: every variant's attack/release smoothing equals the reference", test_variants_match_reference_on_attack_release},
  {"kernels: mixdown_set_kernels() holds the first choice for the process", test_set_kernels_once},
  {"kernels: every variant's PCM conversion equals the reference to the bit", test_variants_match_reference_on_quantize},
  {NULL, NULL},
};
