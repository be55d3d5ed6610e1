// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The reverb measured: RT60 by Schroeder integration (T30 of the 500 Hz –
// 1 kHz band) within 10 % of decay_s from 0.3 s to 10 s, exact predelay,
// a decorrelated stereo tail, damping that shortens the highs, no NaN.

#include "support.h"

#include "dsp/eq.h"
#include "dsp/reverb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0

typedef struct {
  float*   left;
  float*   right;
  uint32_t n;
} Response;

static Response
impulse_response(double decay, double predelay_ms, double size, double damping, double width)
{
  TestProc p;
  test_proc_defaults(&p, &md_reverb_class, 1U);
  test_proc_set(&p, "decay_s", decay);
  test_proc_set(&p, "predelay_ms", predelay_ms);
  test_proc_set(&p, "size", size);
  test_proc_set(&p, "damping", damping);
  test_proc_set(&p, "width", width);
  test_proc_set(&p, "mix", 1.0);
  Response r = {NULL, NULL, (uint32_t)(RATE * (decay * 1.6 + 0.6))};
  r.left     = calloc(r.n, sizeof(float));
  r.right    = calloc(r.n, sizeof(float));
  r.left[0]  = 1.0f;
  if (test_proc_prepare(&p, RATE)) {
    float* io[2] = {r.left, r.right};
    test_proc_run(&p, io, r.n, 1024U, NULL, 0U);
  }
  test_proc_free(&p);
  return r;
}

// RT60 from T30 (-5 to -35 dB of the Schroeder curve) of `x` band-limited
// to lo…hi Hz (48 dB/oct Butterworth edges).
static double
rt60(const float* x, uint32_t n, double lo, double hi)
{
  float* y = malloc(n * sizeof(float));
  memcpy(y, x, n * sizeof(float));
  TestProc p;
  test_proc_defaults(&p, &md_eq_class, 1U);
  p.values[0] = 2.0;
  p.values[1] = 0.0, p.values[2] = lo, p.values[4] = M_SQRT1_2, p.values[5] = 3.0;
  p.values[6] = 1.0, p.values[7] = hi, p.values[9] = M_SQRT1_2, p.values[10] = 3.0;
  if (test_proc_prepare(&p, RATE)) {
    float* io[1] = {y};
    test_proc_run(&p, io, n, 1024U, NULL, 0U);
  }
  test_proc_free(&p);
  double* energy = malloc(n * sizeof(double));
  double  sum    = 0.0;
  for (uint32_t i = n; i-- > 0U;) {
    sum += (double)y[i] * y[i];
    energy[i] = sum;
  }
  double t5 = -1.0, t35 = -1.0;
  for (uint32_t i = 0U; i < n && t35 < 0.0; ++i) {
    const double db = 10.0 * log10(energy[i] / energy[0]);
    if (t5 < 0.0 && db <= -5.0) {
      t5 = i;
    }
    if (db <= -35.0) {
      t35 = i;
    }
  }
  free(y);
  free(energy);
  return (t35 - t5) / RATE * 2.0;
}

static void
test_rt60_matches_decay(void)
{
  const double decays[] = {0.3, 0.7, 1.5, 3.0, 6.0, 10.0};
  const double sizes[]  = {0.5, 1.0, 2.0};
  for (size_t k = 0U; k < sizeof decays / sizeof decays[0]; ++k) {
    for (size_t s = 0U; s < 3U; ++s) {
      Response     r   = impulse_response(decays[k], 0.0, sizes[s], 0.5, 1.0);
      const double got = rt60(r.left, r.n, 500.0, 1000.0);
      CHECK_MSG(fabs(got / decays[k] - 1.0) <= 0.10, "decay_s %g (size %g): RT60 %.3f s", decays[k], sizes[s], got);
      free(r.left);
      free(r.right);
    }
  }
}

static void
test_predelay_is_exact(void)
{
  Response r     = impulse_response(0.5, 37.5, 1.0, 0.5, 1.0); // 1800 frames
  uint32_t first = 0U;
  while (first < r.n && r.left[first] == 0.0f && r.right[first] == 0.0f) {
    ++first;
  }
  // The first echo leaves the shortest line (29.71 ms) after the predelay.
  const uint32_t expected = 1800U + (uint32_t)llround(29.71 * 0.001 * RATE);
  CHECK_MSG(first >= expected - 1U && first <= expected + 1U, "first output at %u, expected %u", first, expected);
  free(r.left);
  free(r.right);
}

static void
test_stereo_tail_is_decorrelated(void)
{
  Response r = impulse_response(2.0, 0.0, 1.0, 0.5, 1.0);
  double   lr = 0.0, ll = 0.0, rr = 0.0;
  for (uint32_t i = (uint32_t)(0.1 * RATE); i < r.n; ++i) {
    lr += (double)r.left[i] * r.right[i];
    ll += (double)r.left[i] * r.left[i];
    rr += (double)r.right[i] * r.right[i];
  }
  const double corr = lr / sqrt(ll * rr);
  CHECK_MSG(fabs(corr) < 0.3, "tail correlation %.3f", corr);
  free(r.left);
  free(r.right);
  // width 0: a mono tail.
  r = impulse_response(1.0, 0.0, 1.0, 0.5, 0.0);
  for (uint32_t i = 0U; i < r.n; i += 97U) {
    CHECK_NEAR(r.left[i], r.right[i], 1e-6);
  }
  free(r.left);
  free(r.right);
}

static void
test_damping_shortens_the_highs(void)
{
  Response     bright = impulse_response(3.0, 0.0, 1.0, 0.0, 1.0);
  Response     dark   = impulse_response(3.0, 0.0, 1.0, 1.0, 1.0);
  const double hi_bright = rt60(bright.left, bright.n, 4000.0, 8000.0);
  const double hi_dark   = rt60(dark.left, dark.n, 4000.0, 8000.0);
  const double mid_dark  = rt60(dark.left, dark.n, 500.0, 1000.0);
  CHECK_MSG(hi_dark < 0.7 * hi_bright, "4-8 kHz RT60: %.2f s damped, %.2f s undamped", hi_dark, hi_bright);
  CHECK_NEAR(mid_dark, 3.0, 0.3); // the mid decay stays what was asked
  free(bright.left);
  free(bright.right);
  free(dark.left);
  free(dark.right);
}

static void
test_in_a_session_on_a_send(void)
{
  test_write_sine(test_path("snare.wav"), 200.0, 0.5, 0.1, 1U, 48000U);
  TestMix m;
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: s, file: snare.wav, sends: [{to: verb}]}\n"
                       "buses:\n  - {name: verb, inserts: [{type: reverb, decay_s: 1.2, mix: 1}]}\n", &m)) {
    // length: auto waits for the tail (1.2 × decay).
    CHECK_MSG(m.frames >= (uint64_t)(0.1 * RATE + 1.2 * 1.2 * RATE) - 1U, "%llu frames", (unsigned long long)m.frames);
    CHECK(test_rms_db(m.left + (uint32_t)(0.6 * RATE), 4800U) > -60.0);
    bool finite = true;
    for (uint64_t i = 0U; i < m.frames; ++i) {
      finite = finite && isfinite(m.left[i]) && isfinite(m.right[i]);
    }
    CHECK(finite);
    test_mix_free(&m);
  }
}

// Convolution: a stereo impulse response (0.1 s of decaying noise) on a
// stereo track against direct convolution in double: the difference is
// below -100 dB, and the engine compensates the 4096-frame latency.
static void
test_convolution_matches_direct(void)
{
  const uint32_t ir_n = 4800U, in_n = 24000U;
  float*         ir   = malloc(ir_n * 2U * sizeof(float));
  float*         in   = malloc(in_n * 2U * sizeof(float));
  uint32_t       seed = 11U;
  for (uint32_t i = 0U; i < ir_n; ++i) {
    const double env = exp(-(double)i / 900.0);
    ir[2U * i]       = (float)(test_noise(&seed) * env);
    ir[2U * i + 1U]  = (float)(test_noise(&seed) * env);
  }
  for (uint32_t i = 0U; i < in_n * 2U; ++i) {
    in[i] = (float)(0.3 * test_noise(&seed));
  }
  test_write_wav(test_path("ir.wav"), ir, ir_n, 2U, 48000U);
  test_write_wav(test_path("dry.wav"), in, in_n, 2U, 48000U);
  TestMix m;
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: t, file: dry.wav,\n"
                       "     inserts: [{type: reverb, impulse: ir.wav, mix: 1, width: 1}]}\n", &m)) {
    CHECK_MSG(m.latency == 4096U, "latency %u", m.latency);
    CHECK(m.frames == in_n + ir_n); // length: auto waits for the response
    double err = 0.0, sig = 0.0;
    for (uint32_t n = 0U; n < m.frames; ++n) {
      for (int c = 0; c < 2; ++c) {
        double y = 0.0;
        for (uint32_t k = 0U; k < ir_n && k <= n; ++k) {
          if (n - k < in_n) {
            y += (double)ir[2U * k + (uint32_t)c] * in[2U * (n - k) + (uint32_t)c];
          }
        }
        const double got = c ? m.right[n] : m.left[n];
        err += (got - y) * (got - y);
        sig += y * y;
      }
    }
    const double db = 10.0 * log10(err / sig);
    CHECK_MSG(db < -100.0, "convolution differs from direct by %.1f dB", db);
    test_mix_free(&m);
  }
  free(ir);
  free(in);
}

static void
test_convolution_errors(void)
{
  char     first[512];
  unsigned count = 0U;
  test_write_sine(test_path("x.wav"), 440.0, 0.5, 0.2, 1U, 48000U);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: x.wav, inserts: [{type: reverb, impulse: none.wav}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "cannot open source `none.wav`") != NULL, "%s", first);
}

const TestCase reverb_tests[] = {
  {"reverb: convolution matches direct convolution below -100 dB", test_convolution_matches_direct},
  {"reverb: a missing impulse response is a clear error", test_convolution_errors},
  {"reverb: RT60 within 10 % of decay_s from 0.3 to 10 s", test_rt60_matches_decay},
  {"reverb: predelay is exact", test_predelay_is_exact},
  {"reverb: the stereo tail is decorrelated; width 0 is mono", test_stereo_tail_is_decorrelated},
  {"reverb: damping shortens the highs, not the mids", test_damping_shortens_the_highs},
  {"reverb: on a send bus, with its tail in the mix", test_in_a_session_on_a_send},
  {NULL, NULL},
};
