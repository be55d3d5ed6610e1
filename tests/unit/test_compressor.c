// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The compressor against the textbook: its static curve over -60…0 dBFS
// (peak and RMS detection), attack and release time constants, makeup,
// lookahead latency, stereo link, key high-pass, meter.

#include "support.h"

#include "dsp/compressor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0

// Giannoulis, Massberg & Reiss 2012, eq. 4, written out again here.
static double
textbook_db(double x, double t, double r, double w)
{
  if (2.0 * (x - t) < -w) {
    return x;
  }
  if (w > 0.0 && 2.0 * fabs(x - t) <= w) {
    return x + (1.0 / r - 1.0) * (x - t + w / 2.0) * (x - t + w / 2.0) / (2.0 * w);
  }
  return t + (x - t) / r;
}

static void
setup(TestProc* p, uint32_t channels, double threshold, double ratio, double knee)
{
  test_proc_defaults(p, &md_compressor_class, channels);
  test_proc_set(p, "threshold_db", threshold);
  test_proc_set(p, "ratio", ratio);
  test_proc_set(p, "knee_db", knee);
  test_proc_set(p, "attack_ms", 1.0);
  test_proc_set(p, "release_ms", 50.0);
}

// Steady-state output level for a constant (DC) input at `level_db`: the
// peak detector reads a DC level exactly.
static double
static_out_db(double level_db, double threshold, double ratio, double knee, bool rms)
{
  TestProc p;
  setup(&p, 1U, threshold, ratio, knee);
  const uint32_t n = 24000U;
  float*         x = malloc(n * sizeof(float));
  float*         in = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    // RMS detection is measured on a 1 kHz sine whose RMS is level_db.
    x[i] = in[i] = rms ? (float)(pow(10.0, level_db / 20.0) * M_SQRT2 * sin(2.0 * M_PI * 1000.0 * i / RATE))
                       : (float)pow(10.0, level_db / 20.0);
  }
  if (rms) {
    test_proc_set(&p, "detector", 1.0);
    test_proc_set(&p, "rms_ms", 20.0);
    test_proc_set(&p, "attack_ms", 20.0);
    test_proc_set(&p, "release_ms", 200.0);
  }
  double out = 0.0;
  if (test_proc_prepare(&p, RATE)) {
    float* io[1] = {x};
    test_proc_run(&p, io, n, 512U, NULL, 0U);
    out = level_db + test_gain_db(in, x, n / 2U, n);
  }
  test_proc_free(&p);
  free(x);
  free(in);
  return out;
}

static void
test_static_curve_matches_textbook(void)
{
  const struct {
    double t, r, w;
  } settings[] = {{-20.0, 4.0, 0.0}, {-20.0, 4.0, 10.0}, {-30.0, 2.0, 6.0}, {-10.0, 10.0, 12.0}};
  for (size_t s = 0U; s < 4U; ++s) {
    for (double level = -60.0; level <= 0.0; level += 2.0) {
      const double got  = static_out_db(level, settings[s].t, settings[s].r, settings[s].w, false);
      const double want = textbook_db(level, settings[s].t, settings[s].r, settings[s].w);
      CHECK_MSG(fabs(got - want) <= 0.25, "peak T %g R %g W %g, in %g dBFS: out %.3f, textbook %.3f",
                settings[s].t, settings[s].r, settings[s].w, level, got, want);
    }
  }
}

static void
test_rms_detector_curve(void)
{
  for (double level = -50.0; level <= -3.0; level += 3.0) {
    const double got  = static_out_db(level, -24.0, 3.0, 6.0, true);
    const double want = textbook_db(level, -24.0, 3.0, 6.0);
    CHECK_MSG(fabs(got - want) <= 0.25, "rms in %g dB: out %.3f, textbook %.3f", level, got, want);
  }
}

// A DC step from -40 to -10 dBFS (threshold -20, ratio 4: 7.5 dB of
// reduction): the reduction covers 63.2 % of its way in attack_ms, and
// after the step back, recovers 63.2 % in release_ms.
static void
test_attack_and_release_time_constants(void)
{
  const double attack_ms  = 10.0;
  const double release_ms = 80.0;
  TestProc     p;
  setup(&p, 1U, -20.0, 4.0, 0.0);
  test_proc_set(&p, "attack_ms", attack_ms);
  test_proc_set(&p, "release_ms", release_ms);
  const uint32_t step_up = 4800U, step_down = 4800U + 24000U, n = 4800U + 48000U;
  float*         x = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    x[i] = (float)pow(10.0, (i >= step_up && i < step_down ? -10.0 : -40.0) / 20.0);
  }
  float* in = malloc(n * sizeof(float));
  memcpy(in, x, n * sizeof(float));
  if (test_proc_prepare(&p, RATE)) {
    float* io[1] = {x};
    test_proc_run(&p, io, n, 256U, NULL, 0U);
  }
  test_proc_free(&p);
  const double full = -7.5;
  uint32_t     t_attack = 0U, t_release = 0U;
  for (uint32_t i = step_up; i < step_down && !t_attack; ++i) {
    if (20.0 * log10(x[i] / in[i]) <= full * (1.0 - exp(-1.0))) {
      t_attack = i - step_up;
    }
  }
  for (uint32_t i = step_down; i < n && !t_release; ++i) {
    if (20.0 * log10(x[i] / in[i]) >= full * exp(-1.0)) {
      t_release = i - step_down;
    }
  }
  CHECK_NEAR(t_attack / RATE * 1000.0, attack_ms, attack_ms * 0.02);
  CHECK_NEAR(t_release / RATE * 1000.0, release_ms, release_ms * 0.02);
  free(x);
  free(in);
}

static void
test_makeup_and_auto_makeup(void)
{
  // Below the threshold only makeup acts.
  TestProc p;
  setup(&p, 1U, -20.0, 4.0, 0.0);
  test_proc_set(&p, "makeup_db", 3.5);
  float x[4800], in[4800];
  for (int i = 0; i < 4800; ++i) {
    x[i] = in[i] = 0.01f; // -40 dBFS
  }
  if (test_proc_prepare(&p, RATE)) {
    float* io[1] = {x};
    test_proc_run(&p, io, 4800U, 480U, NULL, 0U);
    CHECK_NEAR(test_gain_db(in, x, 2400U, 4800U), 3.5, 0.01);
  }
  test_proc_free(&p);
  // auto_makeup: a full-scale input comes out at full scale.
  setup(&p, 1U, -20.0, 4.0, 6.0);
  test_proc_set(&p, "auto_makeup", 1.0);
  for (int i = 0; i < 4800; ++i) {
    x[i] = in[i] = 1.0f;
  }
  if (test_proc_prepare(&p, RATE)) {
    float* io[1] = {x};
    test_proc_run(&p, io, 4800U, 480U, NULL, 0U);
    CHECK_NEAR(test_gain_db(in, x, 2400U, 4800U), 0.0, 0.01);
  }
  test_proc_free(&p);
}

static void
test_lookahead_latency(void)
{
  TestProc p;
  setup(&p, 2U, -20.0, 4.0, 0.0);
  test_proc_set(&p, "lookahead_ms", 5.0);
  if (test_proc_prepare(&p, RATE)) {
    CHECK(p.cls->latency(p.state) == 240U);
    // Below the threshold the output is the input 240 frames later.
    float l[2048] = {0}, r[2048] = {0};
    l[100] = 0.01f;
    r[101] = -0.01f;
    float* io[2] = {l, r};
    test_proc_run(&p, io, 2048U, 300U, NULL, 0U);
    CHECK(l[340] == 0.01f && r[341] == -0.01f && l[100] == 0.0f);
    // A step: with lookahead, the reduction is already there when the
    // loud part comes out.
    p.cls->reset(p.state);
    const uint32_t n = 9600U;
    float*         a = calloc(n, sizeof(float));
    float*         b = calloc(n, sizeof(float));
    for (uint32_t i = 4800U; i < n; ++i) {
      a[i] = b[i] = 1.0f;
    }
    test_proc_set(&p, "attack_ms", 0.5);
    p.cls->set_param(p.state, 2U, 0.5); // attack_ms
    float* io2[2] = {a, b};
    test_proc_run(&p, io2, n, 256U, NULL, 0U);
    CHECK_MSG(20.0 * log10(a[4800U + 240U]) < -10.0, "first loud frame out at %.1f dB",
              20.0 * log10(a[4800U + 240U]));
    free(a);
    free(b);
  }
  test_proc_free(&p);
}

// Left at -6 dBFS, right at -40: linked, both sides get the left's
// reduction; unlinked, the right passes untouched.
static void
test_stereo_link(void)
{
  for (int linked = 0; linked <= 1; ++linked) {
    TestProc p;
    setup(&p, 2U, -20.0, 4.0, 0.0);
    test_proc_set(&p, "link", linked);
    float l[9600], r[9600], l0[9600], r0[9600];
    for (int i = 0; i < 9600; ++i) {
      l[i] = l0[i] = 0.5f;
      r[i] = r0[i] = 0.01f;
    }
    if (test_proc_prepare(&p, RATE)) {
      float* io[2] = {l, r};
      test_proc_run(&p, io, 9600U, 512U, NULL, 0U);
      const double left  = test_gain_db(l0, l, 4800U, 9600U);
      const double right = test_gain_db(r0, r, 4800U, 9600U);
      CHECK_NEAR(left, -(20.0 * log10(0.5) + 20.0) * 0.75, 0.05); // 14 dB over, 4:1
      CHECK_NEAR(right, linked ? left : 0.0, 0.05);
    }
    test_proc_free(&p);
  }
}

// An external key with a 50 Hz tone: without the key high-pass it ducks the
// input; with sidechain_hpf at 500 Hz it hardly does.
static void
test_key_highpass(void)
{
  double reduction[2] = {0.0, 0.0};
  for (int hpf = 0; hpf <= 1; ++hpf) {
    TestProc p;
    setup(&p, 1U, -30.0, 8.0, 0.0);
    test_proc_set(&p, "sidechain", 1.0);
    test_proc_set(&p, "sidechain_hpf", hpf ? 500.0 : 0.0);
    const uint32_t n = 24000U;
    float*         x   = malloc(n * sizeof(float));
    float*         in  = malloc(n * sizeof(float));
    float*         key = malloc(n * sizeof(float));
    for (uint32_t i = 0U; i < n; ++i) {
      x[i] = in[i] = 0.1f;
      key[i]       = (float)(0.5 * sin(2.0 * M_PI * 50.0 * i / RATE));
    }
    if (test_proc_prepare(&p, RATE)) {
      float*             io[1]   = {x};
      const float* const keys[1] = {key};
      test_proc_run(&p, io, n, 512U, keys, 1U);
      reduction[hpf] = test_gain_db(in, x, n / 2U, n);
      CHECK(p.cls->read_meter(p.state, 0U) <= 0.0);
    }
    test_proc_free(&p);
    free(x);
    free(in);
    free(key);
  }
  CHECK_MSG(reduction[0] < -15.0, "key without high-pass ducks only %.1f dB", reduction[0]);
  CHECK_MSG(reduction[1] > -3.0, "key through a 500 Hz high-pass still ducks %.1f dB", reduction[1]);
}

// Automation through the engine: the threshold moves from 0 dBFS (no
// reduction) to -40 (deep reduction) over the render.
static void
test_threshold_automation(void)
{
  test_write_dc(test_path("dc.wav"), 0.1f, 2.0, 1U, 48000U);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - name: a\n    file: dc.wav\n    pan_law: 0\n"
                        "    inserts: [{type: compressor, ratio: 4, knee_db: 0, attack_ms: 1, release_ms: 10,\n"
                        "               threshold_db: {points: [[0.5, 0], [1.5, -40]]}}]\n", &m)) {
    return;
  }
  CHECK_NEAR(20.0 * log10(m.left[24000]), -20.0, 0.01);             // threshold 0: untouched
  CHECK_NEAR(20.0 * log10(m.left[48000 * 2 - 100]), -40.0 + 20.0 / 4.0, 0.05); // 20 dB over at 4:1
  test_mix_free(&m);
}

const TestCase compressor_tests[] = {
  {"compressor: threshold automated through the engine", test_threshold_automation},
  {"compressor: static curve within 0.25 dB of the textbook (peak)", test_static_curve_matches_textbook},
  {"compressor: static curve with the RMS detector", test_rms_detector_curve},
  {"compressor: attack and release are 63 % time constants", test_attack_and_release_time_constants},
  {"compressor: makeup and auto makeup", test_makeup_and_auto_makeup},
  {"compressor: lookahead latency and pre-emptive reduction", test_lookahead_latency},
  {"compressor: stereo link", test_stereo_link},
  {"compressor: sidechain key and its high-pass", test_key_highpass},
  {NULL, NULL},
};
