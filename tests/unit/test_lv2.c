// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Real LV2 plugins from Debian's swh-lv2 (installed by make test through
// scripts/install-deps.sh), hosted through lilv and measured: an EQ's
// boost at its frequency, a compressor's reduction, a lookahead limiter's
// latency compensated against a dry path, automation of a plugin
// parameter, and clear errors.  Skipped, saying so, when swh-lv2 is absent.

#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RATE 48000U
#define SWH  "http://plugin.org.uk/swh-plugins/"

static void
require_swh(void)
{
  if (access("/usr/lib/lv2/single_para-swh.lv2/manifest.ttl", R_OK) != 0 &&
      access("/usr/local/lib/lv2/single_para-swh.lv2/manifest.ttl", R_OK) != 0) {
    test_skip("swh-lv2 is not installed (scripts/install-deps.sh installs it)");
  }
}

// Gain in dB that a one-insert track applies to a sine at `freq`.
static double
gain_at(const char* insert, double freq, uint32_t channels)
{
  test_write_sine(test_path("in.wav"), freq, 0.25, 1.0, channels, RATE);
  char yaml[1024];
  snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: t, file: in.wav, pan_law: 0, inserts: [%s]}\n", insert);
  TestMix m;
  double  gain = NAN;
  if (test_render_yaml(yaml, &m)) {
    gain = test_rms_db(m.left + RATE / 2U, RATE / 2U) - test_db(0.25 / sqrt(2.0));
    if (channels == 2U) {
      CHECK_NEAR(test_rms_db(m.right + RATE / 2U, RATE / 2U) - test_db(0.25 / sqrt(2.0)), gain, 0.05);
    }
    test_mix_free(&m);
  }
  return gain;
}

static void
test_eq_plugin_magnitude(void)
{
  require_swh();
  const char* eq = "{type: lv2, uri: \"" SWH "singlePara\", params: {gain: 12, fc: 1000, bw: 1}}";
  CHECK_NEAR(gain_at(eq, 1000.0, 1U), 12.0, 0.3);
  CHECK_NEAR(gain_at(eq, 100.0, 1U), 0.0, 0.3);
  // A mono plugin on a stereo track runs once per channel.
  CHECK_NEAR(gain_at(eq, 1000.0, 2U), 12.0, 0.3);
  const char* cut = "{type: lv2, uri: \"" SWH "singlePara\", params: {gain: -9, fc: 3000, bw: 0.5}}";
  CHECK_NEAR(gain_at(cut, 3000.0, 1U), -9.0, 0.3);
}

static void
test_compressor_plugin_reduces_gain(void)
{
  require_swh();
  const char* comp = "{type: lv2, uri: \"" SWH "sc1\", params: {attack: 2, release: 50, threshold: -30,"
                     " ratio: 4, knee: 1, makeup_gain: 0}}";
  const double gain = gain_at(comp, 1000.0, 1U);
  CHECK_MSG(gain < -8.0 && gain > -24.0, "sc1 on a -12 dBFS sine: %.1f dB", gain);
}

// The limiter delays its input by its lookahead and says so through its
// latency port; the engine delays the dry path to match, so the two null.
static void
test_plugin_latency_is_compensated(void)
{
  require_swh();
  test_write_sine(test_path("l.wav"), 440.0, 0.1, 1.0, 2U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n"
                        "  - {name: wet, file: l.wav, output: bus,\n"
                        "     inserts: [{type: lv2, uri: \"" SWH "lookaheadLimiter\", params: {limit: 0}}]}\n"
                        "  - {name: dry, file: l.wav, invert: true}\n"
                        "buses:\n  - {name: bus}\n", &m)) {
    return;
  }
  CHECK_MSG(m.latency > 0U, "the limiter reported no latency");
  const double residual = test_rms_db(m.left + 4800, m.frames - 9600U) - test_db(0.1 / sqrt(2.0));
  CHECK_MSG(residual < -60.0, "wet and dry null only to %.1f dB (latency %u)", residual, m.latency);
  test_mix_free(&m);
}

static void
test_plugin_parameter_automation(void)
{
  require_swh();
  test_write_sine(test_path("a.wav"), 1000.0, 0.1, 2.0, 1U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - name: t\n    file: a.wav\n    pan_law: 0\n"
                        "    inserts: [{type: lv2, uri: \"" SWH "singlePara\",\n"
                        "               params: {fc: 1000, bw: 1, gain: {points: [[0.25, 0], [1.5, 12]]}}}]\n", &m)) {
    return;
  }
  const double early = test_rms_db(m.left + 2400, 4800U);
  const double late  = test_rms_db(m.left + RATE * 3U / 2U + 4800U, 4800U);
  CHECK_NEAR(late - early, 12.0, 0.5);
  test_mix_free(&m);
}

static void
test_plugin_errors(void)
{
  require_swh();
  test_write_sine(test_path("e.wav"), 440.0, 0.1, 0.2, 1U, RATE);
  char     first[1024];
  unsigned count = 0U;
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav, inserts: [{type: lv2, uri: \"" SWH "singlePar\"}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "did you mean <" SWH "singlePara>?") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" SWH "singlePara\", params: {gian: 3}}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "did you mean `gain`?") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" SWH "singlePara\", params: {gain: 50}}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "valid range is -70 … 30") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" SWH "singlePara\", preset: warm}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "no preset `warm`") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav, inserts: [{type: lv2}]}\n", first, sizeof first,
                   &count);
  CHECK_MSG(strstr(first, "needs `uri:`") != NULL, "%s", first);
}

static void
test_plugin_meter_reaches_the_report(void)
{
  require_swh();
  test_write_sine(test_path("r.wav"), 440.0, 0.9, 1.0, 2U, RATE);
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: t, file: r.wav,\n"
                                     "     inserts: [{type: lv2, uri: \"" SWH "sc4\",\n"
                                     "                params: {threshold: -30, ratio: 8, attack: 5, release: 100}}]}\n");
  if (!s) {
    return;
  }
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("r-out.wav")};
  MixdownRenderReport  r   = {.size = sizeof r};
  CHECK(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS);
  mixdown_session_free(s);
  // sc4's control outputs: amplitude and gain_red (its gain reduction, dB).
  const MixdownMeterReport* gr = NULL;
  for (uint32_t k = 0U; k < r.n_meters; ++k) {
    gr = !strcmp(r.meters[k].meter, "gain_red") ? &r.meters[k] : gr;
  }
  CHECK_MSG(gr && !strcmp(gr->processor, "lv2") && fabs(gr->extreme) > 10.0, "gain_red %.1f", gr ? gr->extreme : 0.0);
  CHECK_MSG(r.loudness_lufs < -10.0, "%.1f LUFS through an 8:1 compressor", r.loudness_lufs); // in: about -1 LUFS
}

const TestCase lv2_tests[] = {
  {"lv2: an EQ plugin's boost matches its parameters", test_eq_plugin_magnitude},
  {"lv2: a compressor plugin reduces gain", test_compressor_plugin_reduces_gain},
  {"lv2: a latent plugin stays aligned with a dry path", test_plugin_latency_is_compensated},
  {"lv2: automation of a plugin parameter is heard", test_plugin_parameter_automation},
  {"lv2: unknown URI, symbol, range and preset are clear errors", test_plugin_errors},
  {"lv2: a plugin's control output reaches the report", test_plugin_meter_reaches_the_report},
  {NULL, NULL},
};
