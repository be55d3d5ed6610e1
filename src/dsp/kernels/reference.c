// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The plain-C kernels: the reference every SIMD variant is tested against,
// and what runs on CPUs without one.

#include "dsp/kernels/fastmath.h"
#include "dsp/kernels/kernels.h"

#include <math.h>

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

// One channel through the cascade (svf.h's md_svf_tick, second order).
static void
svf2_cascade_mono(const double* coefs, uint32_t n_sections, double* state, uint32_t stride, float* y,
                  uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    double v = y[i];
    for (uint32_t s = 0U; s < n_sections; ++s) {
      const double* k   = coefs + s * MD_KERNEL_SVF_COEFS;
      double*       ic  = state + s * stride;
      const double  v3  = v - ic[1];
      const double  v1  = k[0] * ic[0] + k[1] * v3;
      const double  v2  = ic[1] + (k[1] * ic[0] + k[2] * v3);
      ic[0]             = (v1 + v1) - ic[0];
      ic[1]             = (v2 + v2) - ic[1];
      v                 = (k[3] * v + k[4] * v1) + k[5] * v2;
    }
    y[i] = (float)v;
  }
}

static void
svf2_cascade_stereo_c(const double* coefs, uint32_t n_sections, double* state, float* left, float* right,
                      uint32_t n)
{
  // state[2·s + c] pairs: channel c's pair of section s is at (2s + c)·2.
  svf2_cascade_mono(coefs, n_sections, state, 4U, left, n);
  svf2_cascade_mono(coefs, n_sections, state + 2, 4U, right, n);
  for (uint32_t j = 0U; j < 4U * n_sections; ++j) {
    if (fabs(state[j]) < 1e-20) {
      state[j] = 0.0; // decayed: exact zero, never subnormal
    }
  }
}

static void
mix_add_c(float* dst, const float* src, float gain, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    dst[i] += gain * src[i];
  }
}

static void
scale_c(float* dst, const float* src, float gain, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    dst[i] = gain * src[i];
  }
}

const MdKernels md_kernels_reference = {
  .name                = "c",
  .log_scaled          = log_scaled_c,
  .exp_scaled          = exp_scaled_c,
  .svf2_cascade_stereo = svf2_cascade_stereo_c,
  .mix_add             = mix_add_c,
  .scale               = scale_c,
};
