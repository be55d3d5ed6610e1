// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The limiter on hostile material: its sample peak never passes the
// ceiling; with true_peak, the 4×-oversampled true peak measured by
// libebur128 stays within 0.1 dB of it; a settled sine comes out clean;
// the latency is what it reports.

#include "support.h"

#include "dsp/limiter.h"

#include <ebur128.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0
#define N    96000U

typedef void (*Generator)(float* l, float* r, uint32_t n);

static uint32_t seed = 1U;

static double
noise(void)
{
  return test_noise(&seed);
}

static void
square(float* l, float* r, uint32_t n) // +6 dBFS, 997 Hz
{
  for (uint32_t i = 0U; i < n; ++i) {
    l[i] = r[i] = fmod(i * 997.0 / RATE, 1.0) < 0.5 ? 2.0f : -2.0f;
  }
}

static void
clipped_drums(float* l, float* r, uint32_t n) // full-scale hits clipped at ±1, then +9 dB
{
  for (uint32_t i = 0U; i < n; ++i) {
    const double t   = fmod(i / RATE, 0.25);
    const double hit = sin(2.0 * M_PI * 60.0 * t) * exp(-t * 20.0) * 3.0 + noise() * exp(-t * 40.0) * 2.0;
    const double c   = hit > 1.0 ? 1.0 : hit < -1.0 ? -1.0 : hit;
    l[i]             = (float)(c * 2.8);
    r[i]             = (float)(-c * 2.5);
  }
}

static void
intersample(float* l, float* r, uint32_t n) // fs/4 at 45°: samples ±0.707·A, true peak A (+3 dB)
{
  for (uint32_t i = 0U; i < n; ++i) {
    l[i] = r[i] = (float)(1.5 * sin(M_PI / 2.0 * i + M_PI / 4.0));
  }
}

static void
sweep(float* l, float* r, uint32_t n) // 20 Hz → 20 kHz at +10 dBFS
{
  double phase = 0.0;
  for (uint32_t i = 0U; i < n; ++i) {
    const double f = 20.0 * pow(1000.0, (double)i / n);
    phase += 2.0 * M_PI * f / RATE;
    l[i] = (float)(3.16 * sin(phase));
    r[i] = (float)(3.16 * cos(phase));
  }
}

static void
impulses(float* l, float* r, uint32_t n) // lone full-scale clicks of both signs, +12 dB
{
  memset(l, 0, n * sizeof(float));
  memset(r, 0, n * sizeof(float));
  for (uint32_t i = 1000U; i < n; i += 3001U) {
    l[i]      = 4.0f;
    r[i + 1U] = -4.0f;
  }
}

static const struct {
  const char* name;
  Generator   make;
} corpus[] = {{"square +6", square},     {"clipped drums", clipped_drums}, {"inter-sample", intersample},
              {"sweep +10", sweep},      {"impulses", impulses}};

static void
run_limiter(bool true_peak, double ceiling_db, float* l, float* r)
{
  TestProc p;
  test_proc_defaults(&p, &md_limiter_class, 2U);
  test_proc_set(&p, "ceiling_db", ceiling_db);
  test_proc_set(&p, "true_peak", true_peak);
  if (test_proc_prepare(&p, RATE)) {
    float* io[2] = {l, r};
    test_proc_run(&p, io, N, 777U, NULL, 0U);
  }
  test_proc_free(&p);
}

static double
true_peak_db(const float* l, const float* r)
{
  ebur128_state* m = ebur128_init(2U, (unsigned long)RATE, EBUR128_MODE_TRUE_PEAK);
  float*         x = malloc(N * 2U * sizeof(float));
  for (uint32_t i = 0U; i < N; ++i) {
    x[2U * i]      = l[i];
    x[2U * i + 1U] = r[i];
  }
  ebur128_add_frames_float(m, x, N);
  double a = 0.0, b = 0.0;
  ebur128_true_peak(m, 0U, &a);
  ebur128_true_peak(m, 1U, &b);
  ebur128_destroy(&m);
  free(x);
  return 20.0 * log10(fmax(a, b));
}

static void
test_sample_peak_never_exceeds_ceiling(void)
{
  float* l = malloc(N * sizeof(float));
  float* r = malloc(N * sizeof(float));
  for (size_t k = 0U; k < sizeof corpus / sizeof corpus[0]; ++k) {
    corpus[k].make(l, r, N);
    run_limiter(false, -1.0, l, r);
    const float ceiling = (float)pow(10.0, -1.0 / 20.0);
    uint32_t    over    = 0U;
    for (uint32_t i = 0U; i < N; ++i) {
      over += fabsf(l[i]) > ceiling || fabsf(r[i]) > ceiling;
    }
    CHECK_MSG(over == 0U, "%s: %u frames over the ceiling", corpus[k].name, over);
  }
  free(l);
  free(r);
}

static void
test_true_peak_within_a_tenth_of_a_db(void)
{
  float* l = malloc(N * sizeof(float));
  float* r = malloc(N * sizeof(float));
  for (size_t k = 0U; k < sizeof corpus / sizeof corpus[0]; ++k) {
    corpus[k].make(l, r, N);
    const double before = true_peak_db(l, r);
    run_limiter(true, -1.0, l, r);
    const double after = true_peak_db(l, r);
    CHECK_MSG(after <= -1.0 + 0.1, "%s: true peak %.3f dBTP (input %.2f)", corpus[k].name, after, before);
  }
  free(l);
  free(r);
}

// 1 kHz at 6 dB over the ceiling: once settled the gain is constant, so the
// harmonics stay far below 1 % (-40 dB).
static void
test_settled_sine_thd(void)
{
  float* l = malloc(N * sizeof(float));
  float* r = malloc(N * sizeof(float));
  const double amplitude = pow(10.0, (-1.0 + 6.0) / 20.0);
  for (uint32_t i = 0U; i < N; ++i) {
    l[i] = r[i] = (float)(amplitude * sin(2.0 * M_PI * 1000.0 * i / RATE));
  }
  run_limiter(false, -1.0, l, r);
  // Harmonic amplitudes by DFT over the last second (a whole number of periods).
  double fundamental = 0.0, harmonics = 0.0;
  for (int h = 1; h <= 10; ++h) {
    double re = 0.0, im = 0.0;
    for (uint32_t i = N / 2U; i < N; ++i) {
      re += l[i] * cos(2.0 * M_PI * 1000.0 * h * i / RATE);
      im += l[i] * sin(2.0 * M_PI * 1000.0 * h * i / RATE);
    }
    const double power = re * re + im * im;
    if (h == 1) {
      fundamental = power;
    } else {
      harmonics += power;
    }
  }
  const double thd = sqrt(harmonics / fundamental);
  CHECK_MSG(thd < 0.01, "THD %.4f %%", thd * 100.0);
  CHECK_NEAR(test_peak_db(l + N / 2U, N / 2U), -1.0, 0.01); // and it sits at the ceiling
  free(l);
  free(r);
}

static void
test_latency_is_reported(void)
{
  for (int tp = 0; tp <= 1; ++tp) {
    TestProc p;
    test_proc_defaults(&p, &md_limiter_class, 1U);
    test_proc_set(&p, "true_peak", tp);
    test_proc_set(&p, "lookahead_ms", 2.0);
    if (test_proc_prepare(&p, RATE)) {
      const uint32_t latency = p.cls->latency(p.state);
      float          x[4096] = {0};
      x[10]                  = 0.25f; // below the ceiling: passes untouched, only delayed
      float* io[1]           = {x};
      test_proc_run(&p, io, 4096U, 100U, NULL, 0U);
      CHECK_MSG(x[10U + latency] == 0.25f, "latency %u: impulse not found there", latency);
      CHECK(latency == 95U + (tp ? 6U + 6U : 0U)); // 96 frames of lookahead - 1, + interpolator and spread
    }
    test_proc_free(&p);
  }
}

// After a loud burst the gain comes back smoothly: no upward step larger
// than the release glide allows.
static void
test_release_is_smooth(void)
{
  const uint32_t n = 48000U;
  float*         x = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    x[i] = (float)((i < 4800U ? 4.0 : 0.5) * sin(2.0 * M_PI * 100.0 * i / RATE));
  }
  TestProc p;
  test_proc_defaults(&p, &md_limiter_class, 1U);
  test_proc_set(&p, "release_ms", 100.0);
  if (test_proc_prepare(&p, RATE)) {
    float  y[1];
    double last = 0.0, worst = 0.0;
    for (uint32_t i = 0U; i < n; ++i) {
      y[0]         = x[i];
      float* io[1] = {y};
      test_proc_run(&p, io, 1U, 1U, NULL, 0U);
      const double gain = pow(10.0, p.cls->read_meter(p.state, 0U) / 20.0);
      if (i > 6000U) {
        worst = fmax(worst, gain - last);
      }
      last = gain;
    }
    CHECK_MSG(worst < 0.002, "largest upward gain step %.5f", worst);
  }
  test_proc_free(&p);
  free(x);
}

const TestCase limiter_tests[] = {
  {"limiter: sample peak never exceeds the ceiling (hostile corpus)", test_sample_peak_never_exceeds_ceiling},
  {"limiter: true peak within 0.1 dB of the ceiling (hostile corpus)", test_true_peak_within_a_tenth_of_a_db},
  {"limiter: settled 1 kHz sine 6 dB over has THD < 1 %", test_settled_sine_thd},
  {"limiter: latency is what it reports", test_latency_is_reported},
  {"limiter: smooth release", test_release_is_smooth},
  {NULL, NULL},
};
