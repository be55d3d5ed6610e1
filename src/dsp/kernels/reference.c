// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The plain-C kernels: the reference every SIMD variant is tested against,
// and what runs on CPUs without one.

#include "dsp/kernels/fastmath.h"
#include "dsp/kernels/kernels.h"

#include <math.h>
#include <string.h>

static void
log_scaled_c(const double* x, double* out, uint32_t n, double scale, double floor)
{
  for (uint32_t i = 0U; i < n; ++i) {
    out[i] = scale * md_fast_ln(x[i] > floor ? x[i] : floor);
  }
}

static void
exp_scaled_c(const double* x, double* out, uint32_t n, double scale)
{
  const double inverse = 1.0 / scale;
  for (uint32_t i = 0U; i < n; ++i) {
    out[i] = md_fast_exp(x[i] * inverse);
  }
}

// One channel through the cascade of state-space sections (kernels.h).
static void
svf_cascade_mono(const MdSvfStateSpace* m, uint32_t n_sections, double* state, uint32_t stride, float* y,
                 uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    double x = y[i];
    for (uint32_t s = 0U; s < n_sections; ++s) {
      double*      ic  = state + s * stride;
      const double out = (m[s].d * x + m[s].c2 * ic[1]) + m[s].c1 * ic[0];
      const double ic1 = (m[s].b1 * x + m[s].a12 * ic[1]) + m[s].a11 * ic[0];
      const double ic2 = (m[s].b2 * x + m[s].a22 * ic[1]) + m[s].a21 * ic[0];
      ic[0]            = ic1;
      ic[1]            = ic2;
      x                = out;
    }
    y[i] = (float)x;
  }
}

static void
svf_cascade_stereo_c(const MdSvfStateSpace* sections, uint32_t n_sections, double* state, float* left,
                     float* right, uint32_t n)
{
  svf_cascade_mono(sections, n_sections, state, 4U, left, n);
  svf_cascade_mono(sections, n_sections, state + 2U, 4U, right, n);
  for (uint32_t j = 0U; j < 4U * n_sections; ++j) {
    if (fabs(state[j]) < 1e-20) {
      state[j] = 0.0; // decayed: exact zero, never subnormal
    }
  }
}

// One channel through two transposed direct-form II biquads (kernels.h):
// its states are state[0], state[1] (first section) and state[4],
// state[5] (second).  Adds Σ y² to *energy and Σ x² to *input; raises *peak.
static void
biquads_energy_mono(const double* k, double* state, const float* x, uint32_t n, double* energy, double* input,
                    double* peak)
{
  double s1 = state[0], s2 = state[1], t1 = state[4], t2 = state[5];
  double out_sum = 0.0, in_sum = 0.0, top = *peak;
  for (uint32_t i = 0U; i < n; ++i) {
    const double in  = x[i];
    const double mid = k[0] * in + s1;
    s1               = (k[1] * in + s2) + -k[3] * mid;
    s2               = k[2] * in + -k[4] * mid;
    const double out = k[5] * mid + t1;
    t1               = (k[6] * mid + t2) + -k[8] * out;
    t2               = k[7] * mid + -k[9] * out;
    out_sum += out * out;
    in_sum += in * in;
    top = fabs(in) > top ? fabs(in) : top;
  }
  // Decayed: exact zero, never subnormal.
  state[0] = fabs(s1) < 1e-20 ? 0.0 : s1;
  state[1] = fabs(s2) < 1e-20 ? 0.0 : s2;
  state[4] = fabs(t1) < 1e-20 ? 0.0 : t1;
  state[5] = fabs(t2) < 1e-20 ? 0.0 : t2;
  *energy += out_sum;
  *input += in_sum;
  *peak = top;
}

static void
biquads_energy_stereo_c(const double* coefs, double* state, const float* left, const float* right, uint32_t n,
                        double* sums, double* peaks)
{
  biquads_energy_mono(coefs, state, left, n, &sums[0], &sums[2], &peaks[0]);
  biquads_energy_mono(coefs, state + 2, right, n, &sums[1], &sums[3], &peaks[1]);
}

static void
attack_release_c(double* x, uint32_t n, double* y, double attack, double release)
{
  double gr = *y;
  for (uint32_t i = 0U; i < n; ++i) {
    const double want      = x[i];
    const double attacking = attack * gr + (1.0 - attack) * want;
    const double releasing = release * gr + (1.0 - release) * want;
    gr                     = want < gr ? attacking : releasing;
    x[i]                   = gr;
  }
  *y = gr;
}

static void
mix_add_c(float* dst, const float* src, float gain, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    dst[i] += gain * src[i];
  }
}

static void
mix_add_scaled_c(float* dst, const float* src, float gain, float level, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    const float scaled = gain * src[i];
    dst[i] += level * scaled;
  }
}

static void
mix_add_f64_gain_c(float* dst, const float* src, double gain, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    dst[i] += (float)(src[i] * gain);
  }
}

// Integer operations on the bits, so that the loop vectorises.
static bool
all_finite_c(const float* x, uint32_t n)
{
  uint32_t any = 0U;
  for (uint32_t i = 0U; i < n; ++i) {
    uint32_t bits;
    memcpy(&bits, &x[i], sizeof bits);
    any |= (bits & 0x7f800000U) == 0x7f800000U;
  }
  return !any;
}

static void
scale_c(float* dst, const float* src, float gain, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    dst[i] = gain * src[i];
  }
}

static uint64_t
quantize_c(const float* x, const double* noise, int32_t* out, uint32_t n, double full_scale, uint32_t shift)
{
  const double top     = full_scale - 1.0;
  uint64_t     clipped = 0U;
  for (uint32_t i = 0U; i < n; ++i) {
    double q = x[i] * full_scale;
    if (noise) {
      q += noise[i];
    }
    q = floor(q + 0.5);
    if (q > top || q < -full_scale) {
      ++clipped;
      q = q > top ? top : -full_scale;
    }
    out[i] = (int32_t)((uint32_t)(int32_t)q << shift);
  }
  return clipped;
}

const MdKernels md_kernels_reference = {
  .name                = "c",
  .log_scaled          = log_scaled_c,
  .exp_scaled          = exp_scaled_c,
  .svf_cascade_stereo  = svf_cascade_stereo_c,
  .biquads_energy_stereo = biquads_energy_stereo_c,
  .attack_release      = attack_release_c,
  .mix_add             = mix_add_c,
  .scale               = scale_c,
  .mix_add_scaled      = mix_add_scaled_c,
  .quantize            = quantize_c,
  .mix_add_f64_gain    = mix_add_f64_gain_c,
  .all_finite          = all_finite_c,
};
