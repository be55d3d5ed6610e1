// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Saturation: aliasing of a 5 kHz sine driven +18 dB at 48 kHz (every mode
// measured; the soft modes at least 60 dB below the fundamental), the
// harmonics each mode should make, its latency, and its small-signal gain.

#include "support.h"

#include "dsp/saturation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U

static void
run(const char* mode, double drive_db, double mix, float* x, uint32_t n)
{
  static const char* const names[] = {"tape", "tube", "soft", "hard"};
  TestProc                 p;
  test_proc_defaults(&p, &md_saturation_class, 1U);
  for (int k = 0; k < 4; ++k) {
    if (!strcmp(names[k], mode)) {
      test_proc_set(&p, "mode", k);
    }
  }
  test_proc_set(&p, "drive_db", drive_db);
  test_proc_set(&p, "mix", mix);
  if (test_proc_prepare(&p, RATE)) {
    float* io[1] = {x};
    test_proc_run(&p, io, n, 480U, NULL, 0U);
  }
  test_proc_free(&p);
}

// Amplitude of `f` Hz in x[from, from + n) (n a whole number of periods).
static double
amplitude_db(const float* x, uint32_t n, double f)
{
  double re = 0.0, im = 0.0;
  for (uint32_t i = 0U; i < n; ++i) {
    re += x[i] * cos(2.0 * M_PI * f * i / RATE);
    im += x[i] * sin(2.0 * M_PI * f * i / RATE);
  }
  return 20.0 * log10(2.0 * sqrt(re * re + im * im) / n + 1e-30);
}

// A 5 kHz tone's harmonics are multiples of 5 kHz; anything else at whole
// kHz below Nyquist is a folded-back (aliased) harmonic.
static double
worst_alias_db(const char* mode, double* third_db, double* second_db)
{
  const uint32_t n = RATE;
  float*         x = malloc(n * 2U * sizeof(float));
  for (uint32_t i = 0U; i < 2U * n; ++i) {
    x[i] = (float)(0.5 * sin(2.0 * M_PI * 5000.0 * i / RATE));
  }
  run(mode, 18.0, 1.0, x, 2U * n);
  const float* y           = x + n; // settled second
  const double fundamental = amplitude_db(y, n, 5000.0);
  double       worst       = -300.0;
  for (int khz = 1; khz <= 23; ++khz) {
    if (khz % 5 != 0) {
      worst = fmax(worst, amplitude_db(y, n, khz * 1000.0));
    }
  }
  *third_db  = amplitude_db(y, n, 15000.0) - fundamental;
  *second_db = amplitude_db(y, n, 10000.0) - fundamental;
  free(x);
  return worst - fundamental;
}

static void
test_aliasing(void)
{
  const char* modes[] = {"soft", "tape", "tube", "hard"};
  for (int k = 0; k < 4; ++k) {
    double       third = 0.0, second = 0.0;
    const double alias = worst_alias_db(modes[k], &third, &second);
    fprintf(stderr, "    info: %-4s aliasing %6.1f dB, 3rd harmonic %6.1f dB, 2nd %6.1f dB\n", modes[k], alias,
            third, second);
    if (k < 3) {
      CHECK_MSG(alias <= -60.0, "%s: aliasing at %.1f dB", modes[k], alias);
    } else {
      CHECK_MSG(alias <= -40.0, "%s: aliasing at %.1f dB", modes[k], alias);
    }
    CHECK_MSG(third > -30.0, "%s: third harmonic only %.1f dB", modes[k], third); // it does saturate
    if (!strcmp(modes[k], "tube")) {
      CHECK_MSG(second > -40.0, "tube: second harmonic %.1f dB", second); // asymmetric: even harmonics
    } else {
      CHECK_MSG(second < -80.0, "%s: second harmonic %.1f dB", modes[k], second); // symmetric: odd only
    }
  }
}

static void
test_latency_and_dry_mix(void)
{
  float x[4800] = {0};
  x[100]        = 0.5f;
  run("soft", 12.0, 0.0, x, 4800U); // mix 0: the dry signal, delayed by the latency
  CHECK_NEAR(x[160], 0.5, 1e-7);
  CHECK(x[100] == 0.0f);
  TestProc p;
  test_proc_defaults(&p, &md_saturation_class, 2U);
  if (test_proc_prepare(&p, RATE)) {
    CHECK(p.cls->latency(p.state) == 60U);
  }
  test_proc_free(&p);
}

static void
test_small_signals_pass_with_the_gain(void)
{
  const uint32_t n = RATE;
  float*         x = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    x[i] = (float)(0.01 * sin(2.0 * M_PI * 1000.0 * i / RATE));
  }
  run("soft", 0.0, 1.0, x, n);
  CHECK_NEAR(test_rms_db(x + RATE / 2U, RATE / 2U) - test_db(0.01 / sqrt(2.0)), 0.0, 0.05);
  free(x);
}

const TestCase saturation_tests[] = {
  {"saturation: aliasing of 5 kHz driven +18 dB, every mode", test_aliasing},
  {"saturation: latency, and mix 0 is the delayed dry signal", test_latency_and_dry_mix},
  {"saturation: small signals pass at unity drive", test_small_signals_pass_with_the_gain},
  {NULL, NULL},
};
