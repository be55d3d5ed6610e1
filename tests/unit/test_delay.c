// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The delay: echoes on the frame (from ms and from note values with the
// tempo), ping-pong, filtered feedback, and a time glide without clicks.

#include "support.h"

#include "dsp/delay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U

static void
run(TestProc* p, float* l, float* r, uint32_t n)
{
  if (test_proc_prepare(p, RATE)) {
    float* io[2] = {l, r};
    test_proc_run(p, io, n, 500U, NULL, 0U);
  }
  test_proc_free(p);
}

static void
setup(TestProc* p, double time_ms, double feedback)
{
  test_proc_defaults(p, &md_delay_class, 1U);
  test_proc_set(p, "time_ms", time_ms);
  test_proc_set(p, "feedback", feedback);
  test_proc_set(p, "mix", 1.0);
  test_proc_set(p, "lowcut", 10.0);     // filters off: exact echoes
  test_proc_set(p, "highcut", 22000.0);
}

static void
test_echoes_land_on_the_frame(void)
{
  TestProc p;
  setup(&p, 125.0, 0.5);
  const uint32_t n = RATE;
  float*         l = calloc(n, sizeof(float));
  float*         r = calloc(n, sizeof(float));
  l[100]         = 1.0f;
  run(&p, l, r, n);
  CHECK_NEAR(l[100 + 6000], 1.0, 1e-6);
  CHECK_NEAR(l[100 + 12000], 0.5, 1e-6);
  CHECK_NEAR(l[100 + 18000], 0.25, 1e-6);
  CHECK(l[100 + 5999] == 0.0f && l[100 + 6001] == 0.0f && l[100] == 0.0f);
  CHECK_NEAR(r[100 + 6000], 1.0, 1e-6); // a mono input echoes on both sides
  free(l);
  free(r);
}

// With the session tempo: 120 BPM, a dotted eighth is 375 ms, an eighth
// triplet 166.67 ms.
static void
test_note_values_use_the_tempo(void)
{
  float* click = calloc(RATE, sizeof(float));
  click[0]     = 1.0f;
  test_write_wav(test_path("click.wav"), click, RATE, 1U, RATE);
  free(click);
  const struct {
    const char* note;
    double      ms;
  } notes[] = {{"1/8.", 375.0}, {"1/8t", 1000.0 / 6.0}, {"1/4", 500.0}};
  for (size_t k = 0U; k < 3U; ++k) {
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "mixdown: 1\ntempo: 120\ntracks:\n  - {name: c, file: click.wav, pan_law: 0,\n"
             "     inserts: [{type: delay, time: \"%s\", feedback: 0, mix: 1, lowcut: 10, highcut: 22000}]}\n",
             notes[k].note);
    TestMix m;
    if (test_render_yaml(yaml, &m)) {
      uint32_t peak = 0U;
      for (uint32_t i = 0U; i < m.frames; ++i) {
        peak = fabsf(m.left[i]) > fabsf(m.left[peak]) ? i : peak;
      }
      const double expected = notes[k].ms * 0.001 * RATE;
      CHECK_MSG(fabs(peak - expected) <= 1.0, "%s: echo at frame %u, expected %.1f", notes[k].note, peak, expected);
      test_mix_free(&m);
    }
  }
  char     first[512];
  unsigned count = 0U;
  test_open_errors("mixdown: 1\ntracks:\n  - {name: c, file: click.wav, inserts: [{type: delay, time: \"1/8\"}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "needs a `tempo`") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntempo: 90\ntracks:\n  - {name: c, file: click.wav, inserts: [{type: delay, time: \"1/7x\"}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "must be a note value") != NULL, "%s", first);
}

static void
test_ping_pong_alternates(void)
{
  TestProc p;
  setup(&p, 100.0, 0.8);
  test_proc_set(&p, "ping_pong", 1.0);
  const uint32_t n = RATE;
  float*         l = calloc(n, sizeof(float));
  float*         r = calloc(n, sizeof(float));
  l[0]           = 1.0f;
  run(&p, l, r, n);
  CHECK_NEAR(l[4800], 1.0, 1e-6); // the (mono) input goes left first
  CHECK(r[4800] == 0.0f);
  CHECK_NEAR(r[9600], 0.8, 1e-6); // then right, times the feedback
  CHECK(l[9600] == 0.0f);
  CHECK_NEAR(l[14400], 0.64, 1e-6);
  free(l);
  free(r);
}

// A low-pass in the loop: repeats of an 8 kHz tone die faster than those
// of a 300 Hz tone.
static void
test_feedback_filters(void)
{
  double last_echo[2];
  const double freqs[2] = {300.0, 8000.0};
  for (int k = 0; k < 2; ++k) {
    TestProc p;
    setup(&p, 50.0, 0.8);
    test_proc_set(&p, "highcut", 2000.0);
    const uint32_t n = RATE;
    float*         l = calloc(n, sizeof(float));
    float*         r = calloc(n, sizeof(float));
    for (uint32_t i = 0U; i < 1200U; ++i) { // a 25 ms burst
      l[i] = (float)(0.5 * sin(2.0 * M_PI * freqs[k] * i / RATE) * sin(M_PI * i / 1200.0));
    }
    run(&p, l, r, n);
    last_echo[k] = test_rms_db(l + 2400U * 5U, 1200U); // the fifth echo
    free(l);
    free(r);
  }
  CHECK_MSG(last_echo[1] < last_echo[0] - 20.0, "fifth echo: 8 kHz %.1f dB, 300 Hz %.1f dB", last_echo[1],
            last_echo[0]);
}

// Sweeping the time from 100 to 300 ms in half a second bends the pitch
// (tape-like) but makes no click: no step bigger than the tone's own.
static void
test_time_glide_is_click_free(void)
{
  TestProc p;
  setup(&p, 100.0, 0.3);
  const uint32_t n = RATE;
  float*         l = calloc(n, sizeof(float));
  float*         r = calloc(n, sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    l[i] = (float)(0.5 * sin(2.0 * M_PI * 440.0 * i / RATE));
  }
  const double input_step = 0.5 * 2.0 * M_PI * 440.0 / RATE;
  if (test_proc_prepare(&p, RATE)) {
    for (uint32_t done = 0U; done < n; done += 32U) {
      const double t = (double)done / RATE;
      p.cls->set_param(p.state, 0U, 100.0 + 200.0 * fmin(1.0, fmax(0.0, (t - 0.2) / 0.5)));
      float* io[2] = {l + done, r + done};
      test_proc_run(&p, io, 32U, 32U, NULL, 0U);
    }
  }
  test_proc_free(&p);
  double worst = 0.0;
  for (uint32_t i = 1U; i < n; ++i) {
    worst = fmax(worst, fabs(l[i] - l[i - 1U]));
  }
  CHECK_MSG(worst < 2.0 * input_step, "largest step %.4f (the tone's own %.4f)", worst, input_step);
  free(l);
  free(r);
}

const TestCase delay_tests[] = {
  {"delay: echoes land on the frame", test_echoes_land_on_the_frame},
  {"delay: note values use the session tempo", test_note_values_use_the_tempo},
  {"delay: ping-pong alternates sides", test_ping_pong_alternates},
  {"delay: the feedback low-pass darkens the repeats", test_feedback_filters},
  {"delay: gliding the time makes no click", test_time_glide_is_click_free},
  {NULL, NULL},
};
