// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The gate measured on a DC input (so the output is the gain itself): it
// opens within its attack, holds, closes over its release without steps,
// and expands by its ratio.

#include "support.h"

#include "dsp/gate.h"

#include <math.h>
#include <stdlib.h>

#define RATE 48000.0

static double
db(float x)
{
  return 20.0 * log10(fmax(fabs(x), 1e-12));
}

// DC at -60 dBFS (below threshold), -10 dBFS from 0.1 s to 0.3 s, then -60.
static float*
burst(uint32_t n)
{
  float* x = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    x[i] = (float)pow(10.0, (i >= 4800U && i < 14400U ? -10.0 : -60.0) / 20.0);
  }
  return x;
}

static void
test_opens_holds_and_closes(void)
{
  const double attack_ms = 2.0, hold_ms = 30.0, release_ms = 50.0, range = 60.0;
  TestProc     p;
  test_proc_defaults(&p, &md_gate_class, 1U);
  test_proc_set(&p, "threshold_db", -40.0);
  test_proc_set(&p, "range_db", range);
  test_proc_set(&p, "attack_ms", attack_ms);
  test_proc_set(&p, "hold_ms", hold_ms);
  test_proc_set(&p, "release_ms", release_ms);
  test_proc_set(&p, "hysteresis_db", 3.0);
  const uint32_t n  = 48000U;
  float*         x  = burst(n);
  float*         in = burst(n);
  if (!test_proc_prepare(&p, RATE)) {
    return;
  }
  float* io[1] = {x};
  test_proc_run(&p, io, n, 333U, NULL, 0U);
  test_proc_free(&p);
  // Closed before the burst: -60 dBFS less the range.
  CHECK_NEAR(db(x[4000]) - db(in[4000]), -range, 0.01);
  // Opens within its attack: fully open attack_ms after the burst starts.
  const uint32_t attack = (uint32_t)(attack_ms * RATE / 1000.0);
  CHECK_NEAR(db(x[4800U + attack]) - db(in[4800U + attack]), 0.0, 0.01);
  CHECK(db(x[4800U + attack / 2U]) - db(in[4800U + attack / 2U]) < -20.0); // and not instantly
  // The detector falls from -10 dBFS to the close point (-43 dBFS) with its
  // 10 ms time constant, then the gate holds hold_ms before closing.
  const double   fall_ms   = 10.0 * log(pow(10.0, 33.0 / 20.0));
  const uint32_t closing   = 14400U + (uint32_t)((fall_ms + hold_ms) * RATE / 1000.0);
  CHECK_NEAR(db(x[closing - 48U]) - db(in[closing - 48U]), 0.0, 0.01);     // still open 1 ms before
  CHECK(db(x[closing + 96U]) - db(in[closing + 96U]) < -0.5);             // closing 2 ms after
  // Fully closed release_ms later, and the fade moves by equal dB steps.
  const uint32_t release = (uint32_t)(release_ms * RATE / 1000.0);
  CHECK_NEAR(db(x[closing + release + 96U]) - db(in[closing + release + 96U]), -range, 0.01);
  double worst_step = 0.0;
  for (uint32_t i = 4801U; i < n; ++i) {
    worst_step = fmax(worst_step, fabs((db(x[i]) - db(in[i])) - (db(x[i - 1U]) - db(in[i - 1U]))));
  }
  CHECK_MSG(worst_step <= range / (attack_ms * RATE / 1000.0) + 1e-6, "gain step %.3f dB", worst_step);
  free(x);
  free(in);
}

// Below the threshold a 2:1 expander doubles the distance: 10 dB under the
// threshold comes out 20 dB under; range limits the depth.
static void
test_expander_curve(void)
{
  const double levels[] = {-45.0, -50.0, -60.0, -80.0};
  const double want[]   = {-50.0, -60.0, -80.0, -110.0}; // threshold -40; range 30 stops the last
  for (size_t k = 0U; k < 4U; ++k) {
    TestProc p;
    test_proc_defaults(&p, &md_gate_class, 1U);
    test_proc_set(&p, "threshold_db", -40.0);
    test_proc_set(&p, "ratio", 2.0);
    test_proc_set(&p, "range_db", 30.0);
    test_proc_set(&p, "hold_ms", 0.0);
    test_proc_set(&p, "hysteresis_db", 0.0);
    float x[9600];
    for (int i = 0; i < 9600; ++i) {
      x[i] = (float)pow(10.0, levels[k] / 20.0);
    }
    if (test_proc_prepare(&p, RATE)) {
      float* io[1] = {x};
      test_proc_run(&p, io, 9600U, 480U, NULL, 0U);
      CHECK_NEAR(db(x[9599]), fmax(want[k], levels[k] - 30.0), 0.01);
    }
    test_proc_free(&p);
  }
}

// A key (a drum hit on another track) opens the gate on a steady pad; the
// key's low-pass keeps hi-hat spill from opening it.
static void
test_external_key_and_filter(void)
{
  for (int hat = 0; hat <= 1; ++hat) {
    TestProc p;
    test_proc_defaults(&p, &md_gate_class, 1U);
    test_proc_set(&p, "threshold_db", -30.0);
    test_proc_set(&p, "sidechain", 1.0);
    test_proc_set(&p, "sidechain_lpf", 500.0);
    const uint32_t n   = 9600U;
    float*         x   = malloc(n * sizeof(float));
    float*         key = malloc(n * sizeof(float));
    for (uint32_t i = 0U; i < n; ++i) {
      x[i]   = 0.5f;
      // a 80 Hz kick, or a 9 kHz hat, at -10 dBFS
      key[i] = (float)(0.316 * sin(2.0 * M_PI * (hat ? 9000.0 : 80.0) * i / RATE));
    }
    if (test_proc_prepare(&p, RATE)) {
      float*             io[1]   = {x};
      const float* const keys[1] = {key};
      test_proc_run(&p, io, n, 512U, keys, 1U);
      const double gain = db(x[n - 1U]) - db(0.5f);
      CHECK_MSG(hat ? gain < -70.0 : fabs(gain) < 0.01, "%s key: gain %.1f dB", hat ? "hat" : "kick", gain);
    }
    test_proc_free(&p);
    free(x);
    free(key);
  }
}

const TestCase gate_tests[] = {
  {"gate: opens within its attack, holds, closes without steps", test_opens_holds_and_closes},
  {"gate: expander ratio and range", test_expander_curve},
  {"gate: external key with a low-pass", test_external_key_and_filter},
  {NULL, NULL},
};
