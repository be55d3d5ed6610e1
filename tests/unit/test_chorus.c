// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The chorus: its base delay, the pitch swing its LFO makes (2π·rate·depth
// times the frequency), and the stereo spread.

#include "support.h"

#include "dsp/chorus.h"

#include <math.h>
#include <stdlib.h>

#define RATE 48000U

static void
run(double rate_hz, double depth_ms, double voices, double spread, float* l, float* r, uint32_t n)
{
  TestProc p;
  test_proc_defaults(&p, &md_chorus_class, 1U);
  test_proc_set(&p, "rate_hz", rate_hz);
  test_proc_set(&p, "depth_ms", depth_ms);
  test_proc_set(&p, "voices", voices);
  test_proc_set(&p, "spread", spread);
  test_proc_set(&p, "mix", 1.0);
  if (test_proc_prepare(&p, RATE)) {
    float* io[2] = {l, r};
    test_proc_run(&p, io, n, 512U, NULL, 0U);
  }
  test_proc_free(&p);
}

static void
test_base_delay(void)
{
  float l[2048] = {0}, r[2048] = {0};
  l[10]         = 1.0f;
  run(1.0, 0.0, 1.0, 0.0, l, r, 2048U);
  CHECK_NEAR(l[10 + 576], 1.0, 1e-6); // 12 ms
  CHECK_NEAR(r[10 + 576], 1.0, 1e-6);
  CHECK(l[10] == 0.0f);
}

// A 1 kHz tone through one voice, 2 ms at 1 Hz: the frequency swings
// ±1000·2π·1·0.002 = ±12.6 Hz.
static void
test_pitch_swing(void)
{
  const uint32_t n = RATE * 3U;
  float*         l = malloc(n * sizeof(float));
  float*         r = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    l[i] = (float)(0.5 * sin(2.0 * M_PI * 1000.0 * i / RATE));
  }
  run(1.0, 2.0, 1.0, 0.0, l, r, n);
  double lo = 1e9, hi = 0.0;
  for (uint32_t start = RATE / 2U; start + 2400U < n; start += 1200U) {
    const double f = test_frequency(l + start, 2400U, RATE);
    lo             = fmin(lo, f);
    hi             = fmax(hi, f);
  }
  const double swing = 0.5 * (hi - lo);
  CHECK_MSG(fabs(swing - 12.57) < 2.5, "frequency swing ±%.2f Hz, expected ±12.57", swing);
  free(l);
  free(r);
}

static double
correlation(const float* a, const float* b, uint32_t from, uint32_t to)
{
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (uint32_t i = from; i < to; ++i) {
    ab += (double)a[i] * b[i];
    aa += (double)a[i] * a[i];
    bb += (double)b[i] * b[i];
  }
  return ab / sqrt(aa * bb);
}

static void
test_spread(void)
{
  const uint32_t n    = RATE * 2U;
  uint32_t       seed = 5U;
  float*         l    = malloc(n * sizeof(float));
  float*         r    = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    l[i] = (float)(0.3 * test_noise(&seed));
  }
  float* l2 = malloc(n * sizeof(float));
  float* r2 = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    l2[i] = l[i];
  }
  run(0.7, 3.0, 2.0, 0.0, l, r, n);
  run(0.7, 3.0, 2.0, 1.0, l2, r2, n);
  CHECK_NEAR(correlation(l, r, RATE / 2U, n), 1.0, 1e-6);
  const double wide = correlation(l2, r2, RATE / 2U, n);
  CHECK_MSG(wide < 0.9, "spread 1: correlation %.3f", wide);
  free(l);
  free(r);
  free(l2);
  free(r2);
}

const TestCase chorus_tests[] = {
  {"chorus: base delay 12 ms", test_base_delay},
  {"chorus: the LFO swings the pitch by 2π·rate·depth·f", test_pitch_swing},
  {"chorus: spread decorrelates the sides", test_spread},
  {NULL, NULL},
};
