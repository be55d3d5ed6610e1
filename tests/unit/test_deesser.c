// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The de-esser on a synthetic voice: harmonics of 150 Hz up to 3 kHz, with
// a burst of 5-9 kHz noise (the "s").  The sibilant band comes down by
// range_db; the voice band does not move; without sibilance the output is
// the input, bit for bit.

#include "support.h"

#include "dsp/deesser.h"
#include "dsp/eq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0
#define N    48000U

static uint32_t seed = 7U;

static double
noise(void)
{
  return test_noise(&seed);
}

// Band-limits `x` with the EQ: a high-pass at `lo` and a low-pass at `hi`.
static void
band(float* x, uint32_t n, double lo, double hi)
{
  TestProc p;
  test_proc_defaults(&p, &md_eq_class, 1U);
  p.values[0] = 2.0;
  p.values[1] = 0.0, p.values[2] = lo, p.values[5] = 5.0;  // highpass 48 dB/oct
  p.values[6] = 1.0, p.values[7] = hi, p.values[10] = 5.0; // lowpass 48 dB/oct
  if (test_proc_prepare(&p, RATE)) {
    float* io[1] = {x};
    test_proc_run(&p, io, n, 1024U, NULL, 0U);
  }
  test_proc_free(&p);
}

static void
make_voice(float* voice, float* ess)
{
  for (uint32_t i = 0U; i < N; ++i) {
    double v = 0.0;
    for (int h = 1; h * 150 <= 3000; ++h) {
      v += sin(2.0 * M_PI * 150.0 * h * i / RATE) / h;
    }
    voice[i] = (float)(0.12 * v);
    ess[i]   = (float)(i >= 19200U && i < 28800U ? 0.5 * noise() : 0.0);
  }
  band(ess, N, 5000.0, 9000.0);
}

static void
test_reduces_sibilance_by_its_range(void)
{
  float* voice = malloc(N * sizeof(float));
  float* ess   = malloc(N * sizeof(float));
  float* mix   = malloc(N * sizeof(float));
  make_voice(voice, ess);
  for (uint32_t i = 0U; i < N; ++i) {
    mix[i] = voice[i] + ess[i];
  }
  float* in = malloc(N * sizeof(float));
  memcpy(in, mix, N * sizeof(float));
  TestProc p;
  test_proc_defaults(&p, &md_deesser_class, 1U);
  test_proc_set(&p, "freq", 7000.0);
  test_proc_set(&p, "threshold_db", -20.0);
  test_proc_set(&p, "q", 0.7);
  test_proc_set(&p, "range_db", 6.0);
  if (test_proc_prepare(&p, RATE)) {
    float* io[1] = {mix};
    test_proc_run(&p, io, N, 512U, NULL, 0U);
  }
  test_proc_free(&p);
  // Split both into the sibilant band and the voice band and compare.
  float* hi_in  = malloc(N * sizeof(float));
  float* hi_out = malloc(N * sizeof(float));
  float* lo_in  = malloc(N * sizeof(float));
  float* lo_out = malloc(N * sizeof(float));
  memcpy(hi_in, in, N * sizeof(float));
  memcpy(hi_out, mix, N * sizeof(float));
  memcpy(lo_in, in, N * sizeof(float));
  memcpy(lo_out, mix, N * sizeof(float));
  band(hi_in, N, 5500.0, 8500.0);
  band(hi_out, N, 5500.0, 8500.0);
  band(lo_in, N, 20.0, 3200.0);
  band(lo_out, N, 20.0, 3200.0);
  const double sibilance = test_gain_db(hi_in, hi_out, 21000U, 28000U);
  const double voice_db  = test_gain_db(lo_in, lo_out, 21000U, 28000U);
  CHECK_MSG(sibilance < -4.5 && sibilance >= -6.05, "sibilant band changed %.2f dB (range 6)", sibilance);
  CHECK_MSG(fabs(voice_db) < 0.1, "voice band changed %.3f dB", voice_db);
  // Before the "s" nothing is touched at all.
  CHECK(!memcmp(mix, in, 19000U * sizeof(float)));
  free(voice);
  free(ess);
  free(mix);
  free(in);
  free(hi_in);
  free(hi_out);
  free(lo_in);
  free(lo_out);
}

const TestCase deesser_tests[] = {
  {"deesser: sibilance down by its range, the voice untouched", test_reduces_sibilance_by_its_range},
  {NULL, NULL},
};
