// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A source's level does not depend on what else is on its track: a mono
// track keeps its pan law's gains when a stereo insert (reverb, delay,
// chorus) turns it stereo, so a dry insert is a null; a mono clip on a
// track that also holds stereo clips lands where the pan law puts it on a
// track of its own, at every pan, offline, live and through the cache.

#include "support.h"

#include "dsp/strip.h"
#include "engine/engine.h"
#include "live/feeder.h"
#include "platform/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U

static const char* const laws[]    = {"0", "-3", "-4.5", "-6"};
static const MdPanLaw    law_of[]  = {MD_PAN_LAW_0_DB, MD_PAN_LAW_MINUS_3_DB, MD_PAN_LAW_MINUS_4_5_DB,
                                       MD_PAN_LAW_MINUS_6_DB};
static const char* const pans[]    = {"-1", "-0.5", "0", "0.5", "1"};

static void
write_noise(const char* path, double seconds, uint32_t channels, uint32_t seed)
{
  const uint32_t frames = (uint32_t)(seconds * RATE);
  float*         data   = malloc((size_t)frames * channels * sizeof(float));
  for (uint32_t i = 0U; i < frames * channels; ++i) {
    data[i] = (float)(0.5 * test_noise(&seed));
  }
  test_write_wav(path, data, frames, channels, RATE);
  free(data);
}

// A short decaying impulse response (stereo), for a convolution reverb:
// a linear insert with latency.
static void
write_impulse(const char* path)
{
  const uint32_t frames = 2000U;
  float*         data   = calloc(2U * frames, sizeof(float));
  uint32_t       seed   = 7U;
  for (uint32_t i = 0U; i < 2U * frames; ++i) {
    data[i] = (float)(0.3 * test_noise(&seed) * exp(-(double)(i / 2U) / 300.0));
  }
  test_write_wav(path, data, frames, 2U, RATE);
  free(data);
}

static void
write_sources(void)
{
  write_noise(test_path("pm.wav"), 0.25, 1U, 11U);  // the mono source
  write_noise(test_path("ps.wav"), 0.25, 2U, 12U);  // a stereo neighbour
  write_impulse(test_path("pir.wav"));
}

// One render, one thread (the sweeps make many: test_render_yaml()'s
// three-way check runs on the mixed-track cases).
static bool
render_once(const char* yaml, const char* cache_dir, TestMix* mix)
{
  memset(mix, 0, sizeof *mix);
  MixdownSession* session = test_open_yaml(yaml);
  MixdownEngine*  engine  = NULL;
  char            message[512];
  if (!session || mixdown_engine_new(session, &engine, message, sizeof message)) {
    CHECK_MSG(!session, "engine: %s", message);
    mixdown_session_free(session);
    return false;
  }
  CHECK(mixdown_engine_set_threads(engine, 1U) == MIXDOWN_SUCCESS);
  if (cache_dir) {
    CHECK(mixdown_engine_set_cache(engine, cache_dir) == MIXDOWN_SUCCESS);
  }
  mix->frames   = mixdown_engine_length(engine);
  mix->left     = calloc(mix->frames + 1U, sizeof(float));
  mix->right    = calloc(mix->frames + 1U, sizeof(float));
  uint64_t done = 0U;
  while (done < mix->frames) {
    uint32_t got = 0U;
    if (mixdown_engine_pull(engine, mix->left + done, mix->right + done, 1000U, &got) || !got) {
      break;
    }
    done += got;
  }
  CHECK(done == mix->frames);
  mixdown_engine_free(engine);
  mixdown_session_free(session);
  return done == mix->frames;
}

// Energy of a − b against the energy of b, both channels, frames [0, n), in
// dB (-inf when equal to the bit).
static double
residual_db(const TestMix* a, const TestMix* b, uint64_t n)
{
  double diff = 0.0;
  double ref  = 0.0;
  for (uint64_t i = 0U; i < n && i < a->frames && i < b->frames; ++i) {
    const double dl = (double)a->left[i] - b->left[i];
    const double dr = (double)a->right[i] - b->right[i];
    diff += dl * dl + dr * dr;
    ref += (double)b->left[i] * b->left[i] + (double)b->right[i] * b->right[i];
  }
  return diff == 0.0 ? -HUGE_VAL : 10.0 * log10(diff / ref);
}

// Level of both channels' energy, in dB, frames [0, n).
static double
level_db(const TestMix* m, uint64_t n)
{
  double sum = 0.0;
  for (uint64_t i = 0U; i < n && i < m->frames; ++i) {
    sum += (double)m->left[i] * m->left[i] + (double)m->right[i] * m->right[i];
  }
  return 10.0 * log10(sum / (double)n);
}

static void
test_spread_then_balance_is_the_law(void)
{
  double worst = 0.0;
  for (size_t k = 0U; k < 4U; ++k) {
    for (int step = -1000; step <= 1000; ++step) {
      const double pan = step / 1000.0;
      double       law[2], spread[2], balance[2];
      md_pan_mono(pan, law_of[k], &law[0], &law[1]);
      md_pan_spread(pan, law_of[k], &spread[0], &spread[1]);
      md_pan_balance(pan, &balance[0], &balance[1]);
      for (int c = 0; c < 2; ++c) {
        worst = fmax(worst, fabs(spread[c] * balance[c] - law[c]));
        CHECK_MSG(spread[c] >= 0.0 && spread[c] <= 1.2, "law %s pan %.3f: spread %.6f", laws[k], pan, spread[c]);
      }
    }
    double centre[2], mono[2];
    md_pan_spread(0.0, law_of[k], &centre[0], &centre[1]);
    md_pan_mono(0.0, law_of[k], &mono[0], &mono[1]);
    CHECK(centre[0] == mono[0] && centre[1] == mono[1]); // the law's centre gain, exactly
  }
  printf("    spread × balance against the pan law: worst %.1e over 2001 pans × 4 laws\n", worst);
  CHECK_MSG(worst < 1e-12, "worst %.3e", worst);
}

// The acceptance test of issue 15, point 5: a fully dry stereo insert on a
// mono track is a null against the same track without it, at every pan
// under every law.
static void
test_dry_stereo_insert_is_a_null(void)
{
  write_sources();
  static const char* const inserts[] = {
    "{type: reverb, mix: 0}",
    "{type: delay, time_ms: 30, feedback: 0.5, mix: 0}",
    "{type: chorus, mix: 0}",
    "{type: reverb, impulse: pir.wav, mix: 0}", // 4096 frames of latency
  };
  double worst = -HUGE_VAL;
  for (size_t k = 0U; k < 4U; ++k) {
    for (size_t p = 0U; p < 5U; ++p) {
      char    plain[256];
      TestMix ref;
      snprintf(plain, sizeof plain, "mixdown: 1\ntracks:\n  - {name: a, file: pm.wav, pan: %s, pan_law: %s}\n",
               pans[p], laws[k]);
      if (!render_once(plain, NULL, &ref)) {
        continue;
      }
      for (size_t j = 0U; j < 4U; ++j) {
        char    yaml[384];
        TestMix m;
        snprintf(yaml, sizeof yaml,
                 "mixdown: 1\ntracks:\n  - {name: a, file: pm.wav, pan: %s, pan_law: %s, inserts: [%s]}\n", pans[p],
                 laws[k], inserts[j]);
        if (!render_once(yaml, NULL, &m)) {
          continue;
        }
        const double r = residual_db(&m, &ref, ref.frames);
        worst          = fmax(worst, r);
        CHECK_MSG(r < -120.0, "law %s, pan %s, %s: residual %.1f dB, level %+.2f dB against the plain track",
                  laws[k], pans[p], inserts[j], r, level_db(&m, ref.frames) - level_db(&ref, ref.frames));
        test_mix_free(&m);
      }
      test_mix_free(&ref);
    }
  }
  printf("    dry reverb, delay, chorus, convolution on a mono track: worst residual %.1f dB (80 cases)\n", worst);
}

// A mono clip on a track that also holds a stereo clip (not playing at the
// same time) sounds as on a mono track, at every pan under every law.
static void
test_mono_clip_beside_a_stereo_clip(void)
{
  write_sources();
  double worst = -HUGE_VAL;
  double worst_level = 0.0;
  for (size_t k = 0U; k < 4U; ++k) {
    for (size_t p = 0U; p < 5U; ++p) {
      char    yaml[384];
      TestMix ref;
      TestMix m;
      snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: a, file: pm.wav, pan: %s, pan_law: %s}\n",
               pans[p], laws[k]);
      if (!render_once(yaml, NULL, &ref)) {
        continue;
      }
      snprintf(yaml, sizeof yaml,
               "mixdown: 1\ntracks:\n  - {name: a, pan: %s, pan_law: %s, clips: [{file: pm.wav},"
               " {file: ps.wav, start: 0.5}]}\n",
               pans[p], laws[k]);
      if (render_once(yaml, NULL, &m)) {
        const uint64_t n     = ref.frames; // the mono clip alone
        const double   r     = residual_db(&m, &ref, n);
        const double   level = level_db(&m, n) - level_db(&ref, n);
        worst                = fmax(worst, r);
        worst_level          = fmax(worst_level, fabs(level));
        CHECK_MSG(r < -120.0 && fabs(level) < 0.001, "law %s, pan %s: residual %.1f dB, level %+.3f dB", laws[k],
                  pans[p], r, level);
        test_mix_free(&m);
      }
      test_mix_free(&ref);
    }
  }
  printf("    mono clip beside a stereo clip: worst residual %.1f dB, level within %.4f dB (20 cases)\n", worst,
         worst_level);
}

// Overlapping, with a pan envelope and a dry insert with latency (so the
// spread, before it, and the balance, after it, must take the pan at
// their own times): the mixed track is the sum of the mono clip on a mono
// track and the stereo clip on a stereo track; and its bytes are the same
// with 1 or 3 threads (the mono sum is per worker).
static void
test_mixed_track_is_the_sum_of_its_clips(void)
{
  write_sources();
  static const char* const shapes[] = {
    "pan: 0.3",
    "pan: {points: [[0, -1], [0.2, 1]]}",
  };
  double worst = -HUGE_VAL;
  for (size_t k = 0U; k < 4U; ++k) {
    for (size_t s = 0U; s < 2U; ++s) {
      char    yaml[512];
      TestMix mono, stereo, both;
      snprintf(yaml, sizeof yaml,
               "mixdown: 1\ntracks:\n  - {name: a, file: pm.wav, pan_law: %s, %s}\n", laws[k], shapes[s]);
      const bool ok_mono = render_once(yaml, NULL, &mono);
      snprintf(yaml, sizeof yaml,
               "mixdown: 1\ntracks:\n  - {name: a, file: ps.wav, pan_law: %s, %s}\n", laws[k], shapes[s]);
      const bool ok_stereo = render_once(yaml, NULL, &stereo);
      snprintf(yaml, sizeof yaml,
               "mixdown: 1\ntracks:\n  - {name: a, clips: [{file: pm.wav}, {file: ps.wav}], pan_law: %s, %s,"
               " inserts: [{type: reverb, impulse: pir.wav, mix: 0}]}\n",
               laws[k], shapes[s]);
      if (ok_mono && ok_stereo && test_render_yaml(yaml, &both)) {
        for (uint64_t i = 0U; i < mono.frames && i < stereo.frames; ++i) {
          mono.left[i] += stereo.left[i];
          mono.right[i] += stereo.right[i];
        }
        const double r = residual_db(&both, &mono, mono.frames);
        worst          = fmax(worst, r);
        CHECK_MSG(r < -120.0, "law %s, %s: residual %.1f dB against the clips on tracks of their own", laws[k],
                  shapes[s], r);
        test_mix_free(&both);
      }
      test_mix_free(&mono);
      test_mix_free(&stereo);
    }
  }
  printf("    mixed track against its clips on tracks of their own: worst residual %.1f dB (8 cases)\n", worst);
}

// The render cache keeps a mixed track after its inserts, where the spread
// already is: a new pan must not read the old pan's file.
static void
test_cache_key_holds_the_spread(void)
{
  write_sources();
  const char* cache = test_path("pan-cache");
  const char  yaml0[] = "mixdown: 1\ntracks:\n  - {name: a, clips: [{file: pm.wav}, {file: ps.wav}], pan: 0,"
                        " inserts: [{type: delay, time_ms: 20, mix: 0.5}]}\n";
  const char  yaml1[] = "mixdown: 1\ntracks:\n  - {name: a, clips: [{file: pm.wav}, {file: ps.wav}], pan: 0.6,"
                        " inserts: [{type: delay, time_ms: 20, mix: 0.5}]}\n";
  TestMix     first, cached, fresh;
  if (render_once(yaml0, cache, &first) && render_once(yaml1, cache, &cached) && render_once(yaml1, NULL, &fresh)) {
    CHECK(cached.frames == fresh.frames && !memcmp(cached.left, fresh.left, fresh.frames * sizeof(float)) &&
          !memcmp(cached.right, fresh.right, fresh.frames * sizeof(float)));
    test_mix_free(&cached);
    // And the same pan again is read back to the bit.
    CHECK(render_once(yaml1, cache, &cached));
    CHECK(cached.frames == fresh.frames && !memcmp(cached.left, fresh.left, fresh.frames * sizeof(float)));
  }
  test_mix_free(&first);
  test_mix_free(&cached);
  test_mix_free(&fresh);
}

// Live playback plays a mixed track's mono clips through the disk thread
// as a third channel: what it plays is what render writes, to the bit.
static void
test_live_mixed_track_plays_what_render_writes(void)
{
  write_sources();
  const char yaml[] = "mixdown: 1\nsample_rate: 48000\ntracks:\n"
                      "  - {name: a, clips: [{file: pm.wav}, {file: ps.wav, start: 0.1}], pan: -0.4, pan_law: -4.5,"
                      " inserts: [{type: chorus, mix: 0.4}]}\n"
                      "  - {name: b, file: pm.wav, pan: 0.7, inserts: [{type: delay, time_ms: 40, mix: 0.3}]}\n";
  MixdownSession* s = test_open_yaml(yaml);
  TestMix         ref;
  if (!s || !render_once(yaml, NULL, &ref)) {
    mixdown_session_free(s);
    return;
  }
  MixdownEngine* e = NULL;
  char           why[400];
  CHECK(mixdown_engine_new(s, &e, why, sizeof why) == MIXDOWN_SUCCESS);
  const MdFeederOptions options = {.ring_frames = 0U};
  MdFeeder*             feeder  = e ? md_feeder_new(s, e, &options, why, sizeof why) : NULL;
  CHECK(feeder && md_engine_go_live(e, s, 64U, md_feeder_read, feeder) == MIXDOWN_SUCCESS);
  if (feeder) {
    md_feeder_locate(feeder, 0);
    CHECK(md_feeder_start(feeder, s) == MIXDOWN_SUCCESS);
    for (int k = 0; k < 2000 && !md_feeder_ready(feeder); ++k) {
      md_sleep_seconds(0.001);
    }
    float*   l    = calloc(ref.frames + 1U, sizeof(float));
    float*   r    = calloc(ref.frames + 1U, sizeof(float));
    uint64_t done = 0U;
    while (done < ref.frames) {
      const uint32_t n   = ref.frames - done < 64U ? (uint32_t)(ref.frames - done) : 64U;
      uint32_t       got = 0U;
      CHECK(mixdown_engine_pull(e, l + done, r + done, n, &got) == MIXDOWN_SUCCESS && got == n);
      done += n;
      if (done % 256U == 0U) {
        md_sleep_seconds(0.001); // the disk thread keeps up
      }
    }
    CHECK_MSG(md_engine_feed_misses(e) == 0U, "%llu late blocks", (unsigned long long)md_engine_feed_misses(e));
    CHECK(!memcmp(l, ref.left, ref.frames * sizeof(float)) && !memcmp(r, ref.right, ref.frames * sizeof(float)));
    free(l);
    free(r);
  }
  md_feeder_free(feeder);
  mixdown_engine_free(e);
  test_mix_free(&ref);
  mixdown_session_free(s);
}

// Every track plays DC 0.5 on every channel it is fed (a mixed track: its
// stereo pair and its mono sum).
static bool
dc_feed(void* user, uint32_t track, int64_t t, uint32_t frames, float* const* out, uint32_t channels)
{
  (void)user;
  (void)track;
  (void)t;
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < frames; ++i) {
      out[c][i] = 0.5f;
    }
  }
  return true;
}

// A live pan move on a mixed track moves its mono clips with the law and
// its stereo clips with the balance, once the one-block glide is over.
static void
test_live_pan_move_on_a_mixed_track(void)
{
  write_sources();
  MixdownSession* s = test_open_yaml("mixdown: 1\nsample_rate: 48000\ntracks:\n"
                                     "  - {name: a, pan_law: -3, clips: [{file: pm.wav}, {file: ps.wav}]}\n");
  MixdownEngine*  e = NULL;
  char            why[400];
  if (!s || mixdown_engine_new(s, &e, why, sizeof why)) {
    mixdown_session_free(s);
    CHECK(!"engine");
    return;
  }
  CHECK(md_engine_go_live(e, s, 64U, dc_feed, NULL) == MIXDOWN_SUCCESS);
  float    l[64], r[64];
  uint32_t got = 0U;
  CHECK(mixdown_engine_pull(e, l, r, 64U, &got) == MIXDOWN_SUCCESS && got == 64U);
  // The centre: the stereo pair at unity, the mono sum at -3.01 dB a side.
  CHECK_NEAR(l[63], 0.5 + 0.5 * M_SQRT1_2, 1e-6);
  CHECK_NEAR(r[63], 0.5 + 0.5 * M_SQRT1_2, 1e-6);
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_PAN, 0U, 0U, 0U, 0.5});
  for (int k = 0; k < 3; ++k) {
    CHECK(mixdown_engine_pull(e, l, r, 64U, &got) == MIXDOWN_SUCCESS && got == 64U);
  }
  // Balance 0.5: left 0.5, right 1; the law at 0.5: cos(3π/8), sin(3π/8).
  CHECK_NEAR(l[63], 0.5 * 0.5 + 0.5 * cos(3.0 * M_PI / 8.0), 1e-6);
  CHECK_NEAR(r[63], 0.5 * 1.0 + 0.5 * sin(3.0 * M_PI / 8.0), 1e-6);
  mixdown_engine_free(e);
  mixdown_session_free(s);
}

const TestCase pan_law_tests[] = {
  {"pan law: a mono clip's spread, after the balance, is the pan law", test_spread_then_balance_is_the_law},
  {"pan law: a dry stereo insert on a mono track nulls at every pan and law", test_dry_stereo_insert_is_a_null},
  {"pan law: a mono clip beside a stereo clip keeps its level at every pan and law",
   test_mono_clip_beside_a_stereo_clip},
  {"pan law: a mixed track is the sum of its clips on tracks of their own", test_mixed_track_is_the_sum_of_its_clips},
  {"pan law: the render cache keys a mixed track's spread", test_cache_key_holds_the_spread},
  {"pan law: live plays a mixed track as render writes it", test_live_mixed_track_plays_what_render_writes},
  {"pan law: a live pan move moves a mixed track's mono clips with the law", test_live_pan_move_on_a_mixed_track},
  {NULL, NULL},
};
