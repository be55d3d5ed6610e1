// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console's meters (src/serve/meters.h) on a headless player: a
// −6 dBFS sine reads −6 dBFS peak and −9 dBFS RMS; the master's integrated
// loudness at the end of the song is what `mixdown analyze` measures.

#include "support.h"

#include "live/player.h"
#include "platform/clock.h"
#include "serve/meters.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U

// A −6 dBFS stereo sine (and a quieter second track, so the master is a
// mix), with a fader move in the middle of the second: the loudness
// changes over the song.
static const char meters_yaml[] =
  "mixdown: 1\nsample_rate: 48000\n"
  "tracks:\n"
  "  - {name: sine, file: m1.wav}\n"
  "  - {name: other, clips: [{file: m2.wav, start: 1.0}], gain_db: -4,\n"
  "     inserts: [{type: compressor, threshold_db: -30, ratio: 3}]}\n";

// analyze's deepest gain reduction of the compressor (track "other").
static void
keep_reduction(void* user, const MixdownMeterReport* report)
{
  if (!strcmp(report->node, "other") && !strcmp(report->meter, "gain_reduction_db")) {
    *(double*)user = report->extreme;
  }
}

// The value of `"NAME":` after `key` in `json`, or NAN.
static double
json_after(const char* json, const char* key, const char* name)
{
  const char* at = strstr(json, key);
  char        pattern[80];
  snprintf(pattern, sizeof pattern, "\"%s\":", name);
  at = at ? strstr(at, pattern) : NULL;
  return at ? strtod(at + strlen(pattern), NULL) : NAN;
}

static void
test_meters_read_the_levels_and_loudness(void)
{
  if (!mixdown_has_feature(MIXDOWN_FEATURE_JACK)) {
    test_skip("this build has no live player (meson -Djack=disabled)");
  }
  test_write_sine(test_path("m1.wav"), 1000.0, pow(10.0, -6.0 / 20.0), 6.0, 2U, RATE);
  test_write_sine(test_path("m2.wav"), 220.0, 0.4, 4.0, 1U, RATE);
  MixdownSession* session = test_open_yaml(meters_yaml);
  if (!session) {
    return;
  }
  MixdownAnalysis analysis          = {.size = sizeof analysis};
  double          analyze_reduction = 0.0;
  char            why[512];
  CHECK_MSG(mixdown_analyze_session(session, &analysis, NULL, keep_reduction, &analyze_reduction, why,
                                    sizeof why) == MIXDOWN_SUCCESS,
            "analyze: %s", why);
  const MdPlayerOptions options = {.client_name = "test", .meter_hz = 30.0, .headless = true, .headless_period = 256U};
  MixdownStatus         st      = MIXDOWN_SUCCESS;
  MdPlayer*             player  = md_player_new(session, &options, &st, why, sizeof why);
  CHECK_MSG(player, "headless player: %s", why);
  MdServeMeters* meters = player ? md_serve_meters_new(player, session, RATE) : NULL;
  CHECK(meters);
  if (!meters || md_player_start(player, why, sizeof why) != MIXDOWN_SUCCESS) {
    md_serve_meters_free(meters);
    md_player_free(player);
    mixdown_session_free(session);
    return;
  }
  float          left[256], right[256];
  MdPlayerStatus status   = {0};
  int            messages = 0;
  double         worst_peak = 0.0, worst_rms = 0.0; // farthest from −6 / −9 while the sine plays alone
  char*          last = NULL;
  double         deepest = 0.0; // the compressor's gain reduction, as the messages give it
  float*   osc_snapshot = calloc(2U * 3U, sizeof(float));
  float    osc_master[2U * 4096U];
  uint64_t osc_snapshots = 0U;
  for (int k = 0; k < 100000 && !status.finished; ++k) {
    md_player_process(player, left, right, 256U);
    md_player_status(player, &status);
    // OSC beside the console (serve --osc) reads the same meters: each
    // reader gets all of them (the console's figures below stay right).
    uint32_t frames = 0U;
    while (md_player_take_meters(player, MD_METERS_OSC, osc_snapshot)) {
      ++osc_snapshots;
    }
    md_player_take_master(player, MD_METERS_OSC, osc_master, 4096U, &frames);
    if (k % 6 == 0) { // about 30 times a second of the song's time
      char* json = md_serve_meters_json(meters);
      if (json) {
        ++messages;
        free(last);
        last = json;
        deepest = fmin(deepest, json_after(json, "\"/track/other/insert/1\":{", "gain_reduction_db"));
        double peak, rms;
        CHECK(md_serve_meters_strip(meters, 0U, &peak, &rms));
        if (status.position_s > 0.2 && status.position_s < 5.8) {
          worst_peak = fmax(worst_peak, fabs(peak + 6.0));
          worst_rms  = fmax(worst_rms, fabs(rms + 9.03));
        }
      }
    }
    md_sleep_seconds(0.0013); // ≈ 4 × real time: the disk thread keeps up
  }
  free(md_serve_meters_json(meters)); // the last of the master
  MdServeMasterLoudness master;
  md_serve_meters_master(meters, &master);
  CHECK_MSG(status.finished && status.late_blocks == 0U, "finished %d, %llu late blocks", status.finished,
            (unsigned long long)status.late_blocks);
  CHECK_MSG(worst_peak <= 0.2, "the sine's peak strayed %.3f dB from -6 dBFS", worst_peak);
  CHECK_MSG(worst_rms <= 0.2, "the sine's RMS strayed %.3f dB from -9.03 dBFS", worst_rms);
  CHECK_MSG(fabs(master.integrated - analysis.integrated_lufs) <= 0.1, "integrated %.3f LUFS, analyze %.3f LUFS",
            master.integrated, analysis.integrated_lufs);
  CHECK_MSG(fabs(master.true_peak_db - analysis.true_peak_dbtp) <= 0.1, "true peak %.3f dBTP, analyze %.3f dBTP",
            master.true_peak_db, analysis.true_peak_dbtp);
  CHECK_MSG(deepest < -3.0 && fabs(deepest - analyze_reduction) <= 0.05,
            "gain reduction %.3f dB read live, %.3f dB by analyze", deepest, analyze_reduction);
  CHECK_MSG(messages > 150, "%d meters messages in 6 s", messages);
  CHECK_MSG(osc_snapshots > 150, "the OSC reader got %llu snapshots in 6 s", (unsigned long long)osc_snapshots);
  free(osc_snapshot);
  CHECK_MSG(last && strstr(last, "{\"type\":\"meters\",\"strips\":[[") && strstr(last, "\"inserts\":{")
              && strstr(last, "\"master\":{\"momentary\":"),
            "last message: %s", last ? last : "(none)");
  printf("    sine: peak within %.3f dB of -6, RMS within %.3f dB of -9.03; integrated %.2f LUFS (analyze %.2f), "
         "true peak %.2f dBTP (analyze %.2f); deepest gain reduction %.2f dB (analyze %.2f)\n",
         worst_peak, worst_rms, master.integrated, analysis.integrated_lufs, master.true_peak_db,
         analysis.true_peak_dbtp, deepest, analyze_reduction);
  printf("    %s\n", last);
  free(last);
  md_serve_meters_free(meters);
  md_player_free(player);
  mixdown_session_free(session);
}

// Silence reads -200, never -inf (JSON has no infinity).
static void
test_meters_of_silence_read_the_floor(void)
{
  if (!mixdown_has_feature(MIXDOWN_FEATURE_JACK)) {
    test_skip("this build has no live player (meson -Djack=disabled)");
  }
  test_write_sine(test_path("m1.wav"), 1000.0, 0.5, 1.0, 2U, RATE);
  MixdownSession* session = test_open_yaml("mixdown: 1\nsample_rate: 48000\n"
                                           "tracks:\n  - {name: sine, file: m1.wav, mute: true}\n");
  char            why[512];
  const MdPlayerOptions options = {.client_name = "test", .meter_hz = 30.0, .headless = true, .headless_period = 256U};
  MixdownStatus         st      = MIXDOWN_SUCCESS;
  MdPlayer*             player  = session ? md_player_new(session, &options, &st, why, sizeof why) : NULL;
  MdServeMeters*        meters  = player ? md_serve_meters_new(player, session, RATE) : NULL;
  CHECK(meters && md_player_start(player, why, sizeof why) == MIXDOWN_SUCCESS);
  float left[256], right[256];
  char* json = NULL;
  for (int k = 0; meters && k < 20; ++k) {
    md_player_process(player, left, right, 256U);
  }
  json = meters ? md_serve_meters_json(meters) : NULL;
  CHECK_MSG(json && strstr(json, "[[-200.00,-200.00],[-200.00,-200.00]]") &&
              strstr(json, "\"momentary\":-200.00") && !strstr(json, "inf") && !strstr(json, "nan"),
            "%s", json ? json : "(none)");
  free(json);
  CHECK(!meters || !md_serve_meters_json(meters)); // nothing new since
  md_serve_meters_free(meters);
  md_player_free(player);
  mixdown_session_free(session);
}

const TestCase serve_meters_tests[] = {
  {"serve meters: a -6 dBFS sine reads -6 peak, -9 RMS; loudness as analyze", test_meters_read_the_levels_and_loudness},
  {"serve meters: silence reads -200, never -inf", test_meters_of_silence_read_the_floor},
  {NULL, NULL},
};
