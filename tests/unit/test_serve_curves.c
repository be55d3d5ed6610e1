// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The curves the console draws (src/serve/curves.h) are what the
// processors do: sines through the real EQ land on the drawn response,
// steady levels through the real compressor, gate and limiter land on the
// drawn static curve, within 0.1 dB, at 16 points of each curve.

#include "support.h"

#include "dsp/compressor.h"
#include "dsp/eq.h"
#include "dsp/gate.h"
#include "dsp/limiter.h"
#include "dsp/reverb.h"
#include "serve/curves.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE       48000.0
#define RUN_FRAMES 72000U // 1.5 s: settled after the first 0.5 s
#define TOLERANCE_DB 0.1
#define CHECKED_POINTS 16U

enum { T_HIGHPASS, T_LOWPASS, T_LOWSHELF, T_HIGHSHELF, T_BELL, T_NOTCH, T_BANDPASS };

typedef struct {
  int    type;
  double freq, gain_db, q;
  int    slope; // index into 6, 12, 18, 24, 36, 48 dB/oct
} Band;

static void
set_bands(TestProc* p, const Band* bands, uint32_t n)
{
  p->values[0] = n;
  for (uint32_t i = 0U; i < n; ++i) {
    double* v = &p->values[1U + i * 5U];
    v[0]      = bands[i].type;
    v[1]      = bands[i].freq;
    v[2]      = bands[i].gain_db;
    v[3]      = bands[i].q;
    v[4]      = bands[i].slope;
  }
}

// Level in dB of the steady sine at `freq` in `y` over its last whole
// periods within the last second (projection on sin and cos).
static double
sine_level_db(const float* y, uint32_t frames, double freq)
{
  const double   periods = fmax(1.0, floor(freq)); // the whole periods in 1 s
  const uint32_t n       = (uint32_t)lround(periods * RATE / freq);
  const uint32_t from  = frames - n;
  double         re = 0.0, im = 0.0;
  for (uint32_t i = 0U; i < n; ++i) {
    const double phase = 2.0 * M_PI * freq * (double)(from + i) / RATE;
    re += y[from + i] * cos(phase);
    im += y[from + i] * sin(phase);
  }
  return 20.0 * log10(2.0 * sqrt(re * re + im * im) / n);
}

// Worst difference between the drawn EQ curve and sines through the EQ,
// at CHECKED_POINTS of the curve's points (where it is above -60 dB).
static double
eq_worst_error(const Band* bands, uint32_t n_bands, uint32_t* checked)
{
  TestProc p;
  test_proc_defaults(&p, &md_eq_class, 1U);
  set_bands(&p, bands, n_bands);
  double curve[MD_SERVE_CURVE_POINTS][2];
  CHECK(md_serve_curve_points(&md_eq_class, p.values, RATE, curve));
  CHECK(fabs(curve[0][0] - 10.0) < 1e-9 && fabs(curve[MD_SERVE_CURVE_POINTS - 1U][0] - 0.95 * RATE / 2.0) < 1e-6);
  double worst = 0.0;
  float* x     = malloc(RUN_FRAMES * sizeof(float));
  for (uint32_t c = 0U; c < CHECKED_POINTS; ++c) {
    const uint32_t k    = 30U + c * 15U; // 25 Hz … 22.8 kHz
    const double   freq = curve[k][0];
    if (curve[k][1] < -60.0) {
      continue;
    }
    for (uint32_t i = 0U; i < RUN_FRAMES; ++i) {
      x[i] = (float)(0.25 * sin(2.0 * M_PI * freq * i / RATE));
    }
    TestProc run = p;
    CHECK(test_proc_prepare(&run, RATE));
    float* io[1] = {x};
    test_proc_run(&run, io, RUN_FRAMES, 1024U, NULL, 0U);
    test_proc_free(&run);
    const double measured = sine_level_db(x, RUN_FRAMES, freq) - 20.0 * log10(0.25);
    const double err      = measured - curve[k][1];
    worst                 = fabs(err) > fabs(worst) ? err : worst;
    ++*checked;
  }
  free(x);
  return worst;
}

static void
check_eq(const char* what, const Band* bands, uint32_t n)
{
  uint32_t     checked = 0U;
  const double worst   = eq_worst_error(bands, n, &checked);
  CHECK_MSG(fabs(worst) <= TOLERANCE_DB && checked >= 12U, "%s: worst %.4f dB at %u frequencies", what, worst,
            checked);
  printf("    %-34s %2u frequencies, worst %+.4f dB\n", what, checked, worst);
}

static void
test_eq_curve_is_what_the_eq_does(void)
{
  const Band bell[]    = {{T_BELL, 1000.0, 6.0, 1.4, 1}};
  const Band shelves[] = {{T_LOWSHELF, 200.0, -8.0, 0.7071, 1}, {T_HIGHSHELF, 6000.0, 5.0, 0.9, 1}};
  const Band passes[]  = {{T_HIGHPASS, 120.0, 0.0, 0.7071, 3}, {T_LOWPASS, 9000.0, 0.0, 1.2, 1}};
  const Band odd[]     = {{T_HIGHPASS, 60.0, 0.0, 0.7071, 2}, {T_BELL, 15000.0, -9.0, 3.0, 1}};
  const Band notch[]   = {{T_NOTCH, 2000.0, 0.0, 4.0, 1}, {T_BELL, 300.0, 3.0, 0.5, 1}};
  const Band band[]    = {{T_BANDPASS, 500.0, 0.0, 0.8, 1}};
  check_eq("bell +6 dB at 1 kHz", bell, 1U);
  check_eq("low shelf -8, high shelf +5", shelves, 2U);
  check_eq("high-pass 24 dB/oct, low-pass 12", passes, 2U);
  check_eq("high-pass 18 dB/oct, bell at 15 kHz", odd, 2U);
  check_eq("notch at 2 kHz, wide bell", notch, 2U);
  check_eq("band-pass at 500 Hz", band, 1U);
}

// Output level (dB) of a steady DC input at `in_db` through `p` (settled).
static double
dc_through(const TestProc* p, double in_db)
{
  float*   x   = malloc(RUN_FRAMES * sizeof(float));
  TestProc run = *p;
  for (uint32_t i = 0U; i < RUN_FRAMES; ++i) {
    x[i] = (float)pow(10.0, in_db / 20.0);
  }
  CHECK(test_proc_prepare(&run, RATE));
  float* io[1] = {x};
  test_proc_run(&run, io, RUN_FRAMES, 1024U, NULL, 0U);
  test_proc_free(&run);
  const double out = 20.0 * log10(fabs(x[RUN_FRAMES - 1U]));
  free(x);
  return out;
}

// Worst difference between the drawn static curve of `p` and DC levels
// through it, at CHECKED_POINTS points of the curve from `lo_db` up.
static double
dynamics_worst_error(const TestProc* p, double lo_db, uint32_t* checked)
{
  double curve[MD_SERVE_CURVE_POINTS][2];
  CHECK(md_serve_curve_points(p->cls, p->values, RATE, curve));
  const uint32_t first = (uint32_t)ceil((lo_db - MD_SERVE_CURVE_IN_MIN_DB) /
                                        (MD_SERVE_CURVE_IN_MAX_DB - MD_SERVE_CURVE_IN_MIN_DB) * 255.0);
  const uint32_t step  = (255U - first) / CHECKED_POINTS;
  double         worst = 0.0;
  for (uint32_t c = 0U; c < CHECKED_POINTS; ++c) {
    const uint32_t k   = first + c * step;
    const double   err = dc_through(p, curve[k][0]) - curve[k][1];
    worst              = fabs(err) > fabs(worst) ? err : worst;
    ++*checked;
  }
  return worst;
}

static void
check_dynamics(const char* what, const TestProc* p, double lo_db)
{
  uint32_t     checked = 0U;
  const double worst   = dynamics_worst_error(p, lo_db, &checked);
  CHECK_MSG(fabs(worst) <= TOLERANCE_DB && checked >= 12U, "%s: worst %.4f dB at %u levels", what, worst, checked);
  printf("    %-34s %2u levels from %g dB, worst %+.4f dB\n", what, checked, lo_db, worst);
}

static void
test_dynamics_curve_is_what_the_processor_does(void)
{
  TestProc p;
  test_proc_defaults(&p, &md_compressor_class, 1U);
  test_proc_set(&p, "threshold_db", -20.0);
  test_proc_set(&p, "ratio", 4.0);
  test_proc_set(&p, "knee_db", 12.0); // the knee spans -26 … -14: several points inside it
  test_proc_set(&p, "makeup_db", 3.0);
  test_proc_set(&p, "attack_ms", 1.0);
  check_dynamics("compressor 4:1, 12 dB knee, +3", &p, -40.0);
  test_proc_set(&p, "auto_makeup", 1.0);
  test_proc_set(&p, "mix", 0.6);
  check_dynamics("… auto makeup, mix 0.6", &p, -40.0);
  test_proc_defaults(&p, &md_gate_class, 1U);
  test_proc_set(&p, "threshold_db", -40.0);
  test_proc_set(&p, "ratio", 2.0);
  test_proc_set(&p, "range_db", 30.0);
  check_dynamics("gate as a 1:2 expander, 30 dB range", &p, -80.0);
  test_proc_defaults(&p, &md_limiter_class, 1U);
  test_proc_set(&p, "ceiling_db", -6.0);
  check_dynamics("limiter at -6 dB", &p, -24.0);
}

// The RMS detector reads a sine's RMS: a sine at an RMS of `in` dB comes
// out at the curve's level for `in`.
static void
test_rms_detector_curve_reads_rms(void)
{
  TestProc p;
  test_proc_defaults(&p, &md_compressor_class, 1U);
  test_proc_set(&p, "threshold_db", -24.0);
  test_proc_set(&p, "ratio", 3.0);
  test_proc_set(&p, "knee_db", 6.0);
  test_proc_set(&p, "detector", 1.0);
  test_proc_set(&p, "rms_ms", 50.0);
  test_proc_set(&p, "attack_ms", 20.0);
  test_proc_set(&p, "release_ms", 200.0);
  double worst = 0.0;
  float* x     = malloc(RUN_FRAMES * sizeof(float));
  for (int k = 0; k < 12; ++k) {
    const double in_rms_db = -40.0 + 3.0 * k;
    const double amplitude = pow(10.0, in_rms_db / 20.0) * M_SQRT2;
    for (uint32_t i = 0U; i < RUN_FRAMES; ++i) {
      x[i] = (float)(amplitude * sin(2.0 * M_PI * 1000.0 * i / RATE));
    }
    TestProc run = p;
    CHECK(test_proc_prepare(&run, RATE));
    float* io[1] = {x};
    test_proc_run(&run, io, RUN_FRAMES, 1024U, NULL, 0U);
    test_proc_free(&run);
    const double out_rms_db = sine_level_db(x, RUN_FRAMES, 1000.0) - 20.0 * log10(M_SQRT2);
    const double err        = out_rms_db - md_compressor_static_db(p.values, in_rms_db);
    worst                   = fabs(err) > fabs(worst) ? err : worst;
  }
  free(x);
  CHECK_MSG(fabs(worst) <= TOLERANCE_DB, "RMS detector: worst %.4f dB", worst);
  printf("    compressor, RMS detector: 12 sine levels, worst %+.4f dB\n", worst);
}

// A live value the console holds: the bell's gain, moved to +9 dB.
static bool
live_gain(void* user, const char* address, double* value)
{
  ++*(int*)user;
  if (!strcmp(address, "/track/v/insert/1/bands/1/gain_db")) {
    *value = 9.0;
    return true;
  }
  return false;
}

static void
test_curve_message_of_an_insert_by_address(void)
{
  test_write_sine(test_path("c.wav"), 440.0, 0.5, 0.5, 1U, 48000U);
  MixdownSession* s = test_open_yaml("mixdown: 1\nsample_rate: 48000\n"
                                     "tracks:\n  - {name: v, file: c.wav,\n"
                                     "     inserts: [{type: eq, bands: [{type: bell, freq: 1000, gain_db: 0}]},\n"
                                     "               {type: compressor, threshold_db: -30},\n"
                                     "               {type: reverb}]}\n");
  if (!s) {
    return;
  }
  char  why[400] = "";
  int   asked    = 0;
  char* flat     = md_serve_curve_json(s, "/track/v/insert/1", 0.0, NULL, NULL, why, sizeof why);
  char* moved    = md_serve_curve_json(s, "/track/v/insert/1", 0.0, live_gain, &asked, why, sizeof why);
  CHECK_MSG(flat && strstr(flat, "{\"type\":\"curve\",\"address\":\"/track/v/insert/1\",\"kind\":\"eq\",\"points\":[[10,0.000],"),
            "%s", flat ? flat : why);
  CHECK_MSG(flat && !strstr(flat, ",-") && !strstr(flat, ",0.001") && strstr(flat, "[22800,0.000]]}"),
            "a 0 dB bell is flat: %s", flat ? flat : why);
  // The live +9 dB: the point nearest 1 kHz reads it (within the design's match).
  const char* at = moved ? strstr(moved, "[1003.67,") : NULL;
  CHECK_MSG(at && fabs(strtod(strchr(at, ',') + 1, NULL) - 9.0) < 0.05, "moved: %s", moved ? moved : why);
  CHECK_MSG(asked >= 5, "the live values were asked %d times", asked);
  char* dyn = md_serve_curve_json(s, "/track/v/insert/2", 0.0, NULL, NULL, why, sizeof why);
  CHECK_MSG(dyn && strstr(dyn, "\"kind\":\"dynamics\",\"points\":[[-96,-96.000],") && strstr(dyn, "[6,-21.000]]}"),
            "%s", dyn ? dyn : why);
  char* none = md_serve_curve_json(s, "/track/v/insert/3", 0.0, NULL, NULL, why, sizeof why);
  CHECK_MSG(!none && strstr(why, "a reverb has no curve"), "%s", why);
  free(none);
  char* nothing = md_serve_curve_json(s, "/track/v/insert/9", 0.0, NULL, NULL, why, sizeof why);
  CHECK_MSG(!nothing && strstr(why, "/track/v/insert/9: not an insert"), "%s", why);
  free(nothing);
  CHECK(md_serve_curve_kind(&md_reverb_class) == MD_SERVE_CURVE_NONE);
  free(flat);
  free(moved);
  free(dyn);
  mixdown_session_free(s);
}

const TestCase serve_curves_tests[] = {
  {"serve curves: the EQ curve is the EQ's response to sines, within 0.1 dB", test_eq_curve_is_what_the_eq_does},
  {"serve curves: compressor, gate, limiter curves are what they do to steady levels",
   test_dynamics_curve_is_what_the_processor_does},
  {"serve curves: the RMS detector's curve reads a sine's RMS", test_rms_detector_curve_reads_rms},
  {"serve curves: an insert's curve message by address, live values first", test_curve_message_of_an_insert_by_address},
  {NULL, NULL},
};
