// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Processors measured on their own: pan laws, gain, stereo width and the
// Linkwitz-Riley bass crossover.

#include "support.h"

#include "dsp/gain.h"
#include "dsp/registry.h"
#include "dsp/stereo.h"
#include "dsp/strip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
test_pan_laws_at_centre(void)
{
  const double laws[] = {0.0, -3.0, -4.5, -6.0};
  for (size_t i = 0U; i < 4U; ++i) {
    double l = 0.0;
    double r = 0.0;
    md_pan_mono(0.0, (MdPanLaw)i, &l, &r); // laws[] in MdPanLaw's order
    // -3 is 20·log10(√½) = -3.0103; -6 is -6.0206; -4.5 is their mean.
    const double expected = laws[i] == -3.0 ? -3.0103 : laws[i] == -6.0 ? -6.0206 : laws[i] == -4.5 ? -4.5154 : 0.0;
    CHECK_NEAR(test_db(l), expected, 0.001);
    CHECK_NEAR(test_db(r), expected, 0.001);
    md_pan_mono(-1.0, (MdPanLaw)i, &l, &r);
    CHECK_NEAR(l, 1.0, 1e-12);
    CHECK(r == 0.0 || fabs(r) < 1e-16);
  }
}

static void
test_constant_power_law_keeps_power(void)
{
  for (double pan = -1.0; pan <= 1.0; pan += 0.125) {
    double l = 0.0;
    double r = 0.0;
    md_pan_mono(pan, MD_PAN_LAW_MINUS_3_DB, &l, &r);
    CHECK_NEAR(l * l + r * r, 1.0, 1e-12);
  }
}

static void
test_balance(void)
{
  double l = 0.0;
  double r = 0.0;
  md_pan_balance(0.0, &l, &r);
  CHECK(l == 1.0 && r == 1.0);
  md_pan_balance(-1.0, &l, &r);
  CHECK(l == 1.0 && r == 0.0);
  md_pan_balance(0.5, &l, &r);
  CHECK(l == 0.5 && r == 1.0);
}

typedef struct {
  void*                   state;
  const MdProcessorClass* cls;
} Proc;

static Proc
proc_new(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  Proc p = {cls->create(cls, channels, values), cls};
  CHECK(p.state && cls->prepare(p.state, 48000.0, 1024U) == MIXDOWN_SUCCESS);
  return p;
}

static void
test_gain_processor(void)
{
  const double values[] = {-6.0, 0.0};
  Proc         p        = proc_new(&md_gain_class, 1U, values);
  float        buf[256];
  for (int i = 0; i < 256; ++i) {
    buf[i] = 0.5f;
  }
  float*        io[1] = {buf};
  const MdBlock b1    = {(const float* const*)io, io, NULL, 0U, 256U};
  p.cls->process(p.state, &b1);
  CHECK_NEAR(test_db(buf[255] / 0.5), -6.0, 1e-4);
  // A new target glides over 20 ms: no step larger than the ramp allows.
  p.cls->set_param(p.state, 1U, 1.0); // invert
  float out[2048];
  for (int i = 0; i < 2048; ++i) {
    out[i] = 1.0f;
  }
  float*        o[1] = {out};
  const MdBlock b2   = {(const float* const*)o, o, NULL, 0U, 2048U};
  p.cls->process(p.state, &b2);
  double max_step = 0.0;
  for (int i = 1; i < 2048; ++i) {
    max_step = fmax(max_step, fabs(out[i] - out[i - 1]));
  }
  CHECK_MSG(max_step < 2.0 * 0.5012 / 960.0 * 1.01, "largest step %g", max_step);
  CHECK_NEAR(out[2047], -0.501187, 1e-5);
  p.cls->destroy(p.state);
}

static void
stereo_run(Proc* p, float* l, float* r, uint32_t n)
{
  float* io[2] = {l, r};
  for (uint32_t done = 0U; done < n; done += 1024U) {
    float*        part[2] = {io[0] + done, io[1] + done};
    const MdBlock block   = {(const float* const*)part, part, NULL, 0U, n - done < 1024U ? n - done : 1024U};
    p->cls->process(p->state, &block);
  }
}

static void
test_stereo_unity_is_bit_exact_and_zero_is_mono(void)
{
  const double unity[] = {1.0, 0.0};
  Proc         p       = proc_new(&md_stereo_class, 2U, unity);
  float        l[512], r[512], l0[512], r0[512];
  for (int i = 0; i < 512; ++i) {
    l[i] = l0[i] = (float)sin(i * 0.1);
    r[i] = r0[i] = (float)cos(i * 0.37) * 0.3f;
  }
  stereo_run(&p, l, r, 512U);
  CHECK(!memcmp(l, l0, sizeof l) && !memcmp(r, r0, sizeof r));
  p.cls->destroy(p.state);
  const double mono[] = {0.0, 0.0};
  p                   = proc_new(&md_stereo_class, 2U, mono);
  stereo_run(&p, l, r, 512U);
  for (int i = 0; i < 512; ++i) {
    CHECK_NEAR(l[i], r[i], 0.0);
    CHECK_NEAR(l[i], 0.5 * ((double)l0[i] + r0[i]), 1e-6);
  }
  p.cls->destroy(p.state);
}

// A Linkwitz-Riley crossover sums to an all-pass: a mono signal through
// `mono_below` keeps its magnitude at every frequency (±0.1 dB).
static void
test_mono_below_sums_flat(void)
{
  const double freqs[] = {30.0, 80.0, 120.0, 150.0, 200.0, 400.0, 1000.0, 5000.0};
  for (size_t k = 0U; k < sizeof freqs / sizeof freqs[0]; ++k) {
    const double values[] = {1.0, 150.0};
    Proc         p        = proc_new(&md_stereo_class, 2U, values);
    const uint32_t n      = 48000U;
    float*       l        = malloc(n * sizeof(float));
    float*       r        = malloc(n * sizeof(float));
    for (uint32_t i = 0U; i < n; ++i) {
      l[i] = r[i] = (float)(0.5 * sin(2.0 * M_PI * freqs[k] * i / 48000.0));
    }
    stereo_run(&p, l, r, n);
    const double gain_db = test_rms_db(l + n / 2U, n / 2U) - test_db(0.5 / sqrt(2.0));
    CHECK_MSG(fabs(gain_db) < 0.1, "%g Hz: %+.3f dB", freqs[k], gain_db);
    p.cls->destroy(p.state);
    free(l);
    free(r);
  }
}

// Below the crossover the image is mono; well above it the width applies.
static void
test_mono_below_removes_side_in_bass(void)
{
  const double values[] = {1.0, 200.0};
  Proc         p        = proc_new(&md_stereo_class, 2U, values);
  const uint32_t n      = 48000U;
  float*       l        = malloc(n * sizeof(float));
  float*       r        = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) { // pure side signal at 40 Hz
    l[i] = (float)(0.5 * sin(2.0 * M_PI * 40.0 * i / 48000.0));
    r[i] = -l[i];
  }
  stereo_run(&p, l, r, n);
  const double side_db = test_rms_db(l + n / 2U, n / 2U) - test_db(0.5 / sqrt(2.0));
  CHECK_MSG(side_db < -40.0, "40 Hz side signal only down %.1f dB", side_db);
  p.cls->destroy(p.state);
  free(l);
  free(r);
}

static void
test_registry_tables_are_sane(void)
{
  for (uint32_t i = 0U; i < md_registry_count(); ++i) {
    const MdProcessorClass* cls = md_registry_at(i);
    CHECK(md_registry_find(cls->name) == cls);
    for (uint32_t p = 0U; p < cls->n_params; ++p) {
      const MixdownParamInfo* info = &cls->params[p].info;
      CHECK_MSG(info->min <= info->default_value && info->default_value <= info->max,
                "%s.%s default outside its range", cls->name, info->name);
      CHECK(md_processor_param_index(cls, info->name) == (int)p);
    }
  }
  CHECK(md_registry_find("nonesuch") == NULL);
}

// Every registered processor, mono and stereo, with its defaults: a loud
// burst then ten seconds of silence (FTZ/DAZ off, as on a thread that did
// not set them) gives no NaN or Inf, no subnormal output once the silence
// has lasted (no state left decaying through the subnormal range), and the
// output ends at silence.
static void
test_every_processor_survives_silence(void)
{
  const uint32_t n = 48000U * 10U;
  float*         l = malloc(n * sizeof(float));
  float*         r = malloc(n * sizeof(float));
  for (uint32_t k = 0U; k < md_registry_count(); ++k) {
    const MdProcessorClass* cls = md_registry_at(k);
    for (uint32_t channels = 1U; channels <= 2U; ++channels) {
      TestProc p;
      test_proc_defaults(&p, cls, channels);
      if (!strcmp(cls->name, "eq")) {
        p.values[0] = 2.0; // a 20 Hz high-pass and a resonant low bell
        p.values[1] = 0.0, p.values[2] = 20.0, p.values[5] = 5.0;
        p.values[6] = 4.0, p.values[7] = 50.0, p.values[8] = 12.0, p.values[9] = 10.0;
      }
      for (uint32_t i = 0U; i < n; ++i) {
        l[i] = r[i] = i < 4800U ? (float)(1.5 * sin(i * 0.07)) : 0.0f;
      }
      if (!test_proc_prepare(&p, 48000.0)) {
        continue;
      }
      float* io[2] = {l, r};
      test_proc_run(&p, io, n, 1000U, NULL, 0U);
      test_proc_free(&p);
      uint32_t bad = 0U;
      for (uint32_t c = 0U; c < channels; ++c) {
        for (uint32_t i = 0U; i < n; ++i) {
          const float x = io[c][i];
          // A value may graze the subnormal range at a zero crossing; after
          // two seconds of silence none may be there: no state left decaying.
          bad += !isfinite(x) || (i > 96000U && x != 0.0f && fabsf(x) < 1.17549435e-38f);
        }
      }
      CHECK_MSG(bad == 0U, "%s (%u ch): %u NaN/Inf/subnormal samples", cls->name, channels, bad);
      CHECK_MSG(fabsf(l[n - 1U]) < 1e-6f, "%s (%u ch): still %g after 10 s of silence", cls->name, channels,
                (double)l[n - 1U]);
    }
  }
  free(l);
  free(r);
}

const TestCase dsp_tests[] = {
  {"dsp: every processor, mono and stereo, survives silence", test_every_processor_survives_silence},
  {"dsp: pan laws at the centre and hard left", test_pan_laws_at_centre},
  {"dsp: -3 dB law is constant power", test_constant_power_law_keeps_power},
  {"dsp: stereo balance", test_balance},
  {"dsp: gain processor level and glide", test_gain_processor},
  {"dsp: stereo unity is bit-exact, width 0 is mono", test_stereo_unity_is_bit_exact_and_zero_is_mono},
  {"dsp: mono_below crossover sums flat", test_mono_below_sums_flat},
  {"dsp: mono_below removes bass side", test_mono_below_removes_side_in_bass},
  {"dsp: parameter tables are consistent", test_registry_tables_are_sane},
  {NULL, NULL},
};
