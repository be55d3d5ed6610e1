// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Loudness normalisation measured on the written file (libebur128 through
// mixdown_analyze_file): every preset on a quiet, a dense and a dynamic mix
// lands within 0.3 LU of its target with the true peak at or below its
// ceiling, also through rate conversion and 16-bit dither.

#include "support.h"

#include <sndfile.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U
#define SECONDS 8U

static void
write_mixes(void)
{
  const uint32_t n = RATE * SECONDS;
  float*         q = malloc(n * 2U * sizeof(float));
  float*         d = malloc(n * 2U * sizeof(float));
  float*         y = malloc(n * 2U * sizeof(float));
  uint32_t       seed = 99U;
  for (uint32_t i = 0U; i < n; ++i) {
    const double t = (double)i / RATE;
    // quiet: a soft pad around -40 dBFS
    q[2U * i] = q[2U * i + 1U] = (float)(0.01 * sin(2.0 * M_PI * 220.0 * t) + 0.004 * sin(2.0 * M_PI * 330.0 * t));
    // dense: loud noise and a bass line, peaks near full scale
    const double noise = test_noise(&seed);
    d[2U * i]      = (float)(0.45 * noise + 0.5 * sin(2.0 * M_PI * 55.0 * t));
    d[2U * i + 1U] = (float)(0.45 * test_noise(&seed) + 0.5 * sin(2.0 * M_PI * 55.0 * t));
    // dynamic: one-second phrases alternating -30 and -6 dBFS, sharp attacks
    const double level = fmod(t, 2.0) < 1.0 ? 0.03 : 0.5;
    const double env   = exp(-fmod(t, 0.25) * 12.0);
    y[2U * i] = y[2U * i + 1U] = (float)(level * env * sin(2.0 * M_PI * 440.0 * t + 3.0 * sin(2.0 * M_PI * 3.0 * t)));
  }
  test_write_wav(test_path("quiet.wav"), q, n, 2U, RATE);
  test_write_wav(test_path("dense.wav"), d, n, 2U, RATE);
  test_write_wav(test_path("dynamic.wav"), y, n, 2U, RATE);
  free(q);
  free(d);
  free(y);
}

static void
check_target(const char* mix, const char* preset, MixdownSampleFormat format, uint32_t rate)
{
  char yaml[256];
  snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: m, file: %s.wav}\nmaster:\n  loudness: %s\n", mix,
           preset);
  MixdownSession* s = test_open_yaml(yaml);
  if (!s) {
    return;
  }
  const char*          out = test_path("normalized.wav");
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = out, .format = format, .output_rate = rate};
  MixdownRenderReport  r   = {.size = sizeof r};
  const MixdownStatus  st  = mixdown_render(s, &opt, &r);
  mixdown_session_free(s);
  CHECK_MSG(st == MIXDOWN_SUCCESS, "%s/%s: %s", mix, preset, r.message);
  double target = 0.0, ceiling = 0.0;
  mixdown_loudness_preset(preset, &target, &ceiling);
  MixdownAnalysis a = {.size = sizeof a};
  CHECK(mixdown_analyze_file(out, &a, NULL, 0U) == MIXDOWN_SUCCESS);
  CHECK_MSG(fabs(a.integrated_lufs - target) <= 0.3, "%s/%s: %.2f LUFS, target %.0f", mix, preset,
            a.integrated_lufs, target);
  CHECK_MSG(a.true_peak_dbtp <= ceiling, "%s/%s: true peak %.2f dBTP over %.0f", mix, preset, a.true_peak_dbtp,
            ceiling);
  CHECK(r.normalized && r.shortfall_lu <= 0.1);
}

static void
test_every_preset_on_three_mixes(void)
{
  write_mixes();
  const char* mixes[] = {"quiet", "dense", "dynamic"};
  for (uint32_t p = 0U; mixdown_loudness_preset_name(p); ++p) {
    for (size_t m = 0U; m < 3U; ++m) {
      check_target(mixes[m], mixdown_loudness_preset_name(p), MIXDOWN_FORMAT_FLOAT, 0U);
    }
  }
}

static void
test_target_through_conversion_and_dither(void)
{
  write_mixes();
  check_target("dense", "streaming", MIXDOWN_FORMAT_PCM_16, 44100U);
  check_target("dynamic", "atsc-a85", MIXDOWN_FORMAT_PCM_24, 96000U);
}

// -5 LUFS from a mix with full-scale peaks needs far more than 20 dB of
// limiting: the render says by how much it fell short, and the ceiling holds.
static void
test_unreachable_target_reports_shortfall(void)
{
  write_mixes();
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: m, file: quiet.wav}\n"
                                     "master: {loudness: {target_lufs: -5, true_peak_db: -3}}\n");
  if (!s) {
    return;
  }
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("short.wav"), .format = MIXDOWN_FORMAT_FLOAT};
  MixdownRenderReport  r   = {.size = sizeof r};
  CHECK(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS);
  mixdown_session_free(s);
  MixdownAnalysis a = {.size = sizeof a};
  CHECK(mixdown_analyze_file(test_path("short.wav"), &a, NULL, 0U) == MIXDOWN_SUCCESS);
  CHECK(a.true_peak_dbtp <= -3.0);
  CHECK_MSG(r.shortfall_lu > 0.3 && fabs((-5.0 - r.shortfall_lu) - a.integrated_lufs) < 0.2,
            "shortfall %.2f LU, file at %.2f LUFS", r.shortfall_lu, a.integrated_lufs);
}

static void
test_options_override_session(void)
{
  write_mixes();
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: m, file: dense.wav}\nmaster: {loudness: podcast}\n");
  if (!s) {
    return;
  }
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("o.wav"), .format = MIXDOWN_FORMAT_FLOAT,
                              .normalize = 1, .target_lufs = -20.0, .true_peak_db = -2.0};
  MixdownRenderReport  r   = {.size = sizeof r};
  CHECK(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS);
  mixdown_session_free(s);
  MixdownAnalysis a = {.size = sizeof a};
  CHECK(mixdown_analyze_file(test_path("o.wav"), &a, NULL, 0U) == MIXDOWN_SUCCESS);
  CHECK_NEAR(a.integrated_lufs, -20.0, 0.3);
  CHECK(a.true_peak_dbtp <= -2.0);
}

static float*
read_stereo(const char* path, uint64_t* frames)
{
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  if (!f) {
    test_fail(__FILE__, __LINE__, "cannot read %s", path);
    return NULL;
  }
  float* x = malloc((size_t)info.frames * 2U * sizeof(float));
  sf_readf_float(f, x, info.frames);
  sf_close(f);
  *frames = (uint64_t)info.frames;
  return x;
}

// Stems of everything that feeds the master directly, summed, null against
// the mix (the master chain bypassed) — with a latent insert on one track,
// a group bus, a send to an effect bus and a stem name with a slash in it.
static void
test_stems_null_against_the_mix(void)
{
  write_mixes();
  test_write_sine(test_path("tone.wav"), 300.0, 0.4, (double)SECONDS, 1U, RATE);
  MixdownSession* s = test_open_yaml(
    "mixdown: 1\ntracks:\n"
    "  - {name: a, file: dense.wav, gain_db: -8, output: grp, sends: [{to: fx, level_db: -6}],\n"
    "     inserts: [{type: limiter, lookahead_ms: 7, true_peak: true}]}\n"
    "  - {name: \"lead/vox\", file: tone.wav, pan: 0.3, inserts: [{type: compressor, lookahead_ms: 2}]}\n"
    "  - {name: c, file: dynamic.wav, output: grp}\n"
    "buses:\n  - {name: grp, gain_db: -2}\n"
    "  - {name: fx, inserts: [{type: eq, bands: [{type: lowpass, freq: 2000}]}]}\n");
  if (!s) {
    return;
  }
  char dir[600];
  snprintf(dir, sizeof dir, "%s", test_path("stems"));
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("mix.wav"),
                              .format = MIXDOWN_FORMAT_FLOAT, .stems_dir = dir};
  MixdownRenderReport  r   = {.size = sizeof r};
  CHECK_MSG(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS, "%s", r.message);
  mixdown_session_free(s);
  uint64_t n = 0U;
  float*   mix = read_stereo(test_path("mix.wav"), &n);
  const char* direct[] = {"stems/lead_vox.wav", "stems/grp.wav", "stems/fx.wav"};
  double      residual = 0.0, signal = 0.0;
  float*      sum      = calloc(n * 2U + 1U, sizeof(float));
  for (size_t k = 0U; k < 3U; ++k) {
    uint64_t m    = 0U;
    float*   stem = read_stereo(test_path(direct[k]), &m);
    CHECK_MSG(m == n, "%s: %llu frames, the mix %llu", direct[k], (unsigned long long)m, (unsigned long long)n);
    for (uint64_t i = 0U; stem && i < 2U * n && i < 2U * m; ++i) {
      sum[i] += stem[i];
    }
    free(stem);
  }
  for (uint64_t i = 0U; mix && i < 2U * n; ++i) {
    residual += ((double)sum[i] - mix[i]) * ((double)sum[i] - mix[i]);
    signal += (double)mix[i] * mix[i];
  }
  const double null_db = 10.0 * log10(residual / signal + 1e-300);
  CHECK_MSG(null_db < -90.0, "stems summed null to %.1f dB", null_db);
  uint64_t m = 0U;
  float*   a = read_stereo(test_path("stems/a.wav"), &m); // a track inside the group has its stem too
  CHECK(a && m == n && test_peak_db(a, 2U * m) > -20.0);
  free(a);
  free(sum);
  free(mix);
}

// The library reads no environment: the premaster goes where
// MixdownRenderOptions.temp_dir says (default /tmp), whatever $TMPDIR holds
// (the `mixdown` command passes $TMPDIR there itself).
static void
test_premaster_in_temp_dir_not_tmpdir(void)
{
  test_write_sine(test_path("tmp-src.wav"), 440.0, 0.25, 1.0, 2U, RATE);
  MixdownSession* s = test_open_yaml("mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: t, file: tmp-src.wav}\n");
  if (!s) {
    return;
  }
  const char* saved = getenv("TMPDIR");
  char        kept[512];
  snprintf(kept, sizeof kept, "%s", saved ? saved : "");
  setenv("TMPDIR", "/nonexistent/mixdown-no-such-folder", 1);
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("tmp-out.wav"), .normalize = 1,
                              .target_lufs = -16.0, .true_peak_db = -1.0};
  MixdownRenderReport  r   = {.size = sizeof r};
  CHECK_MSG(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS, "$TMPDIR was read: %s", r.message);
  char missing[600];
  snprintf(missing, sizeof missing, "%s", test_path("tmp-missing"));
  opt.temp_dir = missing;
  r            = (MixdownRenderReport){.size = sizeof r};
  CHECK(mixdown_render(s, &opt, &r) == MIXDOWN_ERR_IO);
  CHECK_MSG(strstr(r.message, missing) != NULL, "the message does not name temp_dir: %s", r.message);
  opt.temp_dir = test_dir();
  r            = (MixdownRenderReport){.size = sizeof r};
  CHECK_MSG(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS, "%s", r.message);
  if (saved) {
    setenv("TMPDIR", kept, 1);
  } else {
    unsetenv("TMPDIR");
  }
  mixdown_session_free(s);
}

const TestCase finish_tests[] = {
  {"finish: stems summed null against the mix", test_stems_null_against_the_mix},
  {"finish: every loudness preset on quiet, dense and dynamic mixes", test_every_preset_on_three_mixes},
  {"finish: target held through rate conversion and dither", test_target_through_conversion_and_dither},
  {"finish: an unreachable target reports its shortfall", test_unreachable_target_reports_shortfall},
  {"finish: render options override the session's target", test_options_override_session},
  {"finish: the premaster goes to options.temp_dir (default /tmp), never $TMPDIR",
   test_premaster_in_temp_dir_not_tmpdir},
  {NULL, NULL},
};
