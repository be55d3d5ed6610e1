// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Sidechains through the engine: a muted "ghost" kick ducks a bass; the key
// is latency-aligned with the audio it keys; a voice ducks a music bus; bad
// keys are refused; gain reduction reaches the render report.

#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U

// Clicks (one-sample spikes followed by a 20 ms 80 Hz thump) every 0.5 s
// from 0.25 s, 2 s long.
static void
write_kick(const char* name)
{
  const uint32_t n = 2U * RATE;
  float*         x = calloc(n, sizeof(float));
  for (uint32_t hit = RATE / 4U; hit < n; hit += RATE / 2U) {
    for (uint32_t i = 0U; i < RATE / 50U && hit + i < n; ++i) {
      x[hit + i] = (float)(0.9 * sin(2.0 * M_PI * 80.0 * i / RATE + M_PI / 2.0));
    }
  }
  test_write_wav(test_path(name), x, n, 1U, RATE);
  free(x);
}

static double
window_db(const float* x, uint32_t from, uint32_t len)
{
  return test_rms_db(x + from, len);
}

static void
test_ghost_kick_ducks_bass(void)
{
  write_kick("kick.wav");
  test_write_dc(test_path("bass.wav"), 0.25f, 2.0, 1U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n"
                        "  - {name: kick, file: kick.wav, mute: true}\n"
                        "  - name: bass\n    file: bass.wav\n    pan_law: 0\n"
                        "    inserts: [{type: compressor, sidechain: kick, threshold_db: -30, ratio: 10,\n"
                        "               attack_ms: 0.5, release_ms: 40, knee_db: 0}]\n", &m)) {
    return;
  }
  // During a hit the bass is ducked; just before the next hit it is back.
  const uint32_t hit    = RATE / 4U + RATE / 2U; // the second hit
  const double   ducked = window_db(m.left, hit + 200U, 400U);
  const double   open   = window_db(m.left, hit - 2400U, 400U);
  CHECK_NEAR(open, 20.0 * log10(0.25), 0.2);
  CHECK_MSG(ducked < open - 15.0, "bass during the kick %.1f dB, between kicks %.1f dB", ducked, open);
  // The muted kick itself is not heard: the mix holds only (ducked) DC.
  double max_step = 0.0;
  for (uint32_t i = 1U; i < m.frames; ++i) {
    max_step = fmax(max_step, fabs(m.left[i] - m.left[i - 1U]));
  }
  CHECK_MSG(max_step < 0.05, "the muted kick leaks into the mix (step %.3f)", max_step);
  test_mix_free(&m);
}

// The kick's own limiter delays it by its lookahead; the engine delays the
// bass to match, so the duck starts exactly where the kick sits on the
// timeline (±1 frame), and the mix keeps its length.
static void
test_key_is_latency_aligned(void)
{
  write_kick("kick.wav");
  test_write_dc(test_path("bass.wav"), 0.25f, 2.0, 1U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n"
                        "  - {name: kick, file: kick.wav, mute: true,\n"
                        "     inserts: [{type: limiter, lookahead_ms: 10, ceiling_db: 0}]}\n"
                        "  - name: bass\n    file: bass.wav\n    pan_law: 0\n"
                        "    inserts: [{type: compressor, sidechain: kick, threshold_db: -30, ratio: 20,\n"
                        "               attack_ms: 0, release_ms: 40, knee_db: 0}]\n", &m)) {
    return;
  }
  CHECK(m.frames == 2U * RATE);
  CHECK(m.latency > 400U); // the limiter's 480 frames of lookahead
  const uint32_t hit = RATE / 4U;
  uint32_t       onset = 0U;
  for (uint32_t i = hit - 1000U; i < hit + 1000U && !onset; ++i) {
    if (m.left[i] < 0.2f) {
      onset = i;
    }
  }
  CHECK_MSG(onset + 1U >= hit && onset <= hit + 1U, "duck starts at frame %u, the kick at %u", onset, hit);
  test_mix_free(&m);
}

// A voice on a track ducks the music on a bus: the key crosses from a
// track to a bus insert.
static void
test_voice_ducks_music_bus(void)
{
  test_write_sine(test_path("music.wav"), 440.0, 0.5, 2.0, 2U, RATE);
  const uint32_t n     = 2U * RATE;
  float*         voice = calloc(n, sizeof(float));
  for (uint32_t i = RATE / 2U; i < RATE; ++i) {
    voice[i] = (float)(0.3 * sin(2.0 * M_PI * 220.0 * i / RATE));
  }
  test_write_wav(test_path("voice.wav"), voice, n, 1U, RATE);
  free(voice);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n"
                        "  - {name: voice, file: voice.wav, gain_db: -144}\n" // keys at full level, fader down
                        "  - {name: music, file: music.wav, output: bed}\n"
                        "buses:\n  - name: bed\n"
                        "    inserts: [{type: compressor, sidechain: voice, threshold_db: -30, ratio: 4,\n"
                        "               attack_ms: 5, release_ms: 100, detector: rms}]\n", &m)) {
    return;
  }
  const double before = window_db(m.left, RATE / 4U, RATE / 8U);
  const double during = window_db(m.left, RATE * 3U / 4U, RATE / 8U);
  CHECK_NEAR(before, 20.0 * log10(0.5 / sqrt(2.0)), 0.1);
  CHECK_MSG(during < before - 6.0, "music under the voice %.1f dB, before %.1f dB", during, before);
  test_mix_free(&m);
}

static void
test_bad_keys_are_refused(void)
{
  test_write_dc(test_path("bass.wav"), 0.25f, 0.5, 1U, RATE);
  char     first[1024];
  unsigned count = 0U;
  CHECK(test_open_errors("mixdown: 1\ntracks:\n  - {name: kick, file: bass.wav}\n"
                         "  - {name: bass, file: bass.wav, inserts: [{type: compressor, sidechain: kik}]}\n",
                         first, sizeof first, &count) == MIXDOWN_ERR_SESSION);
  CHECK_MSG(strstr(first, "did you mean `kick`?") != NULL, "%s", first);
  CHECK(test_open_errors("mixdown: 1\ntracks:\n  - {name: bass, file: bass.wav, inserts: [{type: gate, sidechain: bass}]}\n",
                         first, sizeof first, &count) == MIXDOWN_ERR_SESSION);
  CHECK_MSG(strstr(first, "cannot key itself") != NULL, "%s", first);
  // A bus keyed by a track that feeds it through another bus is fine; a
  // track keyed by the bus it feeds is a cycle.
  CHECK(test_open_errors("mixdown: 1\ntracks:\n  - {name: bass, file: bass.wav, output: grp,\n"
                         "     inserts: [{type: compressor, sidechain: grp}]}\nbuses:\n  - {name: grp}\n",
                         first, sizeof first, &count) == MIXDOWN_ERR_SESSION);
  CHECK_MSG(strstr(first, "routing cycle: ") != NULL && strstr(first, "4:46") == first, "%s", first);
}

static void
test_gain_reduction_in_report(void)
{
  write_kick("kick.wav");
  test_write_dc(test_path("bass.wav"), 0.25f, 2.0, 1U, RATE);
  const char*     yaml = "mixdown: 1\ntracks:\n  - {name: kick, file: kick.wav, mute: true}\n"
                         "  - name: bass\n    file: bass.wav\n"
                         "    inserts: [{type: eq, bands: [{type: highpass, freq: 30}]},\n"
                         "              {type: compressor, sidechain: kick, threshold_db: -30, ratio: 10}]\n";
  MixdownSession* s    = test_open_yaml(yaml);
  if (!s) {
    return;
  }
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("gr.wav")};
  MixdownRenderReport  r   = {.size = sizeof r};
  CHECK(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS);
  mixdown_session_free(s);
  CHECK(r.n_meters == 2U); // gain_reduction_db, auto_makeup_db
  if (r.n_meters == 2U) {
    CHECK(!strcmp(r.meters[0].meter, "gain_reduction_db") && !strcmp(r.meters[1].meter, "auto_makeup_db"));
    CHECK(r.meters[1].extreme == 0.0);
    CHECK(!strcmp(r.meters[0].node, "bass") && !strcmp(r.meters[0].processor, "compressor") &&
          r.meters[0].insert == 1U);
    CHECK_MSG(r.meters[0].extreme < -10.0, "most reduction %.1f dB", r.meters[0].extreme);
  }
}

const TestCase sidechain_tests[] = {
  {"sidechain: a muted ghost kick ducks the bass", test_ghost_kick_ducks_bass},
  {"sidechain: the key is latency-aligned (±1 frame)", test_key_is_latency_aligned},
  {"sidechain: a voice track ducks a music bus", test_voice_ducks_music_bus},
  {"sidechain: bad keys and key cycles are refused", test_bad_keys_are_refused},
  {"sidechain: gain reduction reaches the render report", test_gain_reduction_in_report},
  {NULL, NULL},
};
