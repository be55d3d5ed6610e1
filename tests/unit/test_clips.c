// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// One clip on the timeline (src/engine/clip.c, through engine/clip.h):
// where it starts, which source frames it plays, its gain and its fades
// measured in dB at given frames, mono and stereo, a jump in time, and a
// source that changed since the session was checked.

#include "engine/clip.h"
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0

// A ramp whose every value is exact in float: sample i is i / 2^20.
static void
write_ramp(const char* path, uint32_t frames, uint32_t channels)
{
  float* x = malloc((size_t)frames * channels * sizeof(float));
  for (uint32_t i = 0U; x && i < frames; ++i) {
    for (uint32_t c = 0U; c < channels; ++c) {
      x[i * channels + c] = (float)i / 1048576.0f * (c == 0U ? 1.0f : -1.0f);
    }
  }
  test_write_wav(path, x, frames, channels, (uint32_t)RATE);
  free(x);
}

static MdClip
model(const char* path, uint32_t channels, int64_t frames)
{
  return (MdClip){.path = (char*)path, .length_s = 0.02, .channels = channels, .rate = (uint32_t)RATE,
                  .frames = frames};
}

// Plays timeline frames [0, total) in blocks of `block` into `out` (2 channels).
static MixdownStatus
play(MdClipPlayer* clip, uint32_t total, uint32_t block, float* const* out, char* message, size_t size)
{
  float*        s0         = calloc(block, sizeof(float));
  float*        s1         = calloc(block, sizeof(float));
  float* const  scratch[2] = {s0, s1};
  MdClipScrub   scrub      = {0U, UINT32_MAX};
  MixdownStatus st         = MIXDOWN_SUCCESS;
  for (uint32_t t = 0U; !st && t < total; t += block) {
    const uint32_t n          = total - t < block ? total - t : block;
    float* const   at[2]      = {out[0] + t, out[1] + t};
    st                        = md_clip_play(clip, RATE, t, n, at, 2U, scratch, &scrub, message, size);
  }
  free(s0);
  free(s1);
  return st;
}

static void
test_placement_and_offset(void)
{
  write_ramp(test_path("ramp.wav"), 4800U, 1U);
  MdClip m   = model(test_path("ramp.wav"), 1U, 4800);
  m.start_s  = 0.01;  // timeline frame 480
  m.offset_s = 0.005; // source frame 240
  m.length_s = 0.02;  // 960 frames
  MdClipPlayer clip;
  CHECK(md_clip_init(&clip, &m, RATE) == MIXDOWN_SUCCESS);
  CHECK(clip.start == 480 && clip.end == 1440 && clip.offset == 240);
  float*       l      = calloc(2000U, sizeof(float));
  float*       r      = calloc(2000U, sizeof(float));
  float* const out[2] = {l, r};
  char         message[300] = "";
  CHECK_MSG(play(&clip, 2000U, 333U, out, message, sizeof message) == MIXDOWN_SUCCESS, "%s", message);
  unsigned wrong = 0U;
  for (uint32_t t = 0U; t < 2000U; ++t) {
    const float want = t < 480U || t >= 1440U ? 0.0f : (float)(240U + t - 480U) / 1048576.0f;
    wrong += l[t] != want || r[t] != want; // a mono clip plays on both channels
  }
  CHECK_MSG(wrong == 0U, "%u frames wrong", wrong);
  // The source closes at the clip's end (no handle kept for a clip done).
  CHECK(clip.source == NULL);
  md_clip_free(&clip);
  CHECK(clip.path == NULL);
  free(l);
  free(r);
}

// Level in dB of frame `t` of `x` over `reference` (linear).
static double
db_at(const float* x, uint32_t t, double reference)
{
  return test_db(fabs((double)x[t]) / reference);
}

static void
test_fades_in_db(void)
{
  test_write_dc(test_path("dc.wav"), 0.5f, 0.1, 1U, (uint32_t)RATE);
  MdClip m     = model(test_path("dc.wav"), 1U, 4800);
  m.length_s   = 0.1;
  m.gain_db    = -6.0;
  m.fade_in_s  = 0.01; // 480 frames
  m.fade_out_s = 0.02; // 960 frames
  MdClipPlayer clip;
  CHECK(md_clip_init(&clip, &m, RATE) == MIXDOWN_SUCCESS);
  float*       l      = calloc(4800U, sizeof(float));
  float*       r      = calloc(4800U, sizeof(float));
  float* const out[2] = {l, r};
  char         message[300] = "";
  CHECK_MSG(play(&clip, 4800U, 1000U, out, message, sizeof message) == MIXDOWN_SUCCESS, "%s", message);
  // Raised cosine: 0.5 - 0.5 cos(pi p / len), under the clip's -6 dB.
  CHECK(l[0] == 0.0f);
  CHECK_NEAR(db_at(l, 80U, 0.5), -6.0 + 20.0 * log10(0.5 - 0.5 * cos(M_PI / 6.0)), 0.001); // -29.48 dB
  CHECK_NEAR(db_at(l, 240U, 0.5), -12.0206, 0.001); // half way: -6.02 dB more
  CHECK_NEAR(db_at(l, 480U, 0.5), -6.0, 0.0001);    // fade done
  CHECK_NEAR(db_at(l, 2000U, 0.5), -6.0, 0.0001);
  CHECK_NEAR(db_at(l, 3840U, 0.5), -6.0, 0.0001);               // the fade-out's first frame at full gain
  CHECK_NEAR(db_at(l, 4800U - 1U - 480U, 0.5), -12.0206, 0.001); // half way out
  CHECK(l[4799] == 0.0f);                                         // the last frame is silent
  // The fade is smooth: no step above 1.5 % of the level within it.
  double step = 0.0;
  for (uint32_t t = 1U; t < 480U; ++t) {
    step = fmax(step, fabs((double)l[t] - l[t - 1U]));
  }
  CHECK_MSG(step < 0.5 * 0.5012 * M_PI / 2.0 / 480.0 * 1.001, "largest step %g", step);
  md_clip_free(&clip);
  free(l);
  free(r);
}

static void
test_mono_and_stereo(void)
{
  write_ramp(test_path("st.wav"), 4800U, 2U);
  MdClip       m = model(test_path("st.wav"), 2U, 4800);
  MdClipPlayer clip;
  CHECK(md_clip_init(&clip, &m, RATE) == MIXDOWN_SUCCESS);
  float*       l      = calloc(960U, sizeof(float));
  float*       r      = calloc(960U, sizeof(float));
  float* const out[2] = {l, r};
  char         message[300] = "";
  CHECK_MSG(play(&clip, 960U, 960U, out, message, sizeof message) == MIXDOWN_SUCCESS, "%s", message);
  unsigned wrong = 0U;
  for (uint32_t t = 0U; t < 960U; ++t) {
    wrong += l[t] != (float)t / 1048576.0f || r[t] != -(float)t / 1048576.0f;
  }
  CHECK_MSG(wrong == 0U, "%u frames wrong: the channels must stay apart", wrong);
  md_clip_free(&clip);
  // Clips add: a second play of the same clip over the first doubles it.
  CHECK(md_clip_init(&clip, &m, RATE) == MIXDOWN_SUCCESS);
  CHECK(play(&clip, 960U, 960U, out, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(l[500] == 2.0f * 500.0f / 1048576.0f);
  md_clip_free(&clip);
  free(l);
  free(r);
  // A track with mono and stereo clips spreads its mono ones; only one kind does not.
  MdClip   both[2] = {model("x", 1U, 1), model("y", 2U, 1)};
  MdNode   track   = {.kind = MD_NODE_TRACK, .clips = both, .n_clips = 2U};
  CHECK(md_clip_spreads_mono(&track));
  track.n_clips = 1U;
  CHECK(!md_clip_spreads_mono(&track));
  both[0].channels = 2U;
  track.n_clips    = 2U;
  CHECK(!md_clip_spreads_mono(&track));
}

// A jump back in time reopens the source where the clip now plays.
static void
test_jump_in_time(void)
{
  write_ramp(test_path("jump.wav"), 4800U, 1U);
  MdClip m   = model(test_path("jump.wav"), 1U, 4800);
  m.length_s = 0.1;
  MdClipPlayer clip;
  CHECK(md_clip_init(&clip, &m, RATE) == MIXDOWN_SUCCESS);
  float        s0[100], s1[100], l[100], r[100];
  float* const scratch[2] = {s0, s1};
  float* const out[2]     = {l, r};
  MdClipScrub  scrub      = {0U, UINT32_MAX};
  char         message[300] = "";
  const int64_t at[3]      = {1000, 3000, 200};
  for (int k = 0; k < 3; ++k) {
    memset(l, 0, sizeof l);
    memset(r, 0, sizeof r);
    CHECK(md_clip_play(&clip, RATE, at[k], 100U, out, 2U, scratch, &scrub, message, sizeof message) ==
          MIXDOWN_SUCCESS);
    CHECK_MSG(l[0] == (float)at[k] / 1048576.0f && l[99] == (float)(at[k] + 99) / 1048576.0f,
              "at %lld: %g", (long long)at[k], (double)l[0] * 1048576.0);
  }
  CHECK(scrub.non_finite == 0U && scrub.first_bad == UINT32_MAX);
  md_clip_free(&clip);
}

// The session said one thing about the file; the disk now says another.
static void
test_changed_source_is_an_error(void)
{
  write_ramp(test_path("changed.wav"), 4800U, 1U);
  const MdClip models[2] = {model(test_path("changed.wav"), 1U, 9600), model(test_path("changed.wav"), 2U, 4800)};
  const char*  expect[2] = {"frames", "channels"};
  for (int k = 0; k < 2; ++k) {
    MdClipPlayer clip;
    CHECK(md_clip_init(&clip, &models[k], RATE) == MIXDOWN_SUCCESS);
    float*       l            = calloc(960U, sizeof(float));
    float*       r            = calloc(960U, sizeof(float));
    float* const out[2]       = {l, r};
    char         message[300] = "";
    CHECK(play(&clip, 960U, 960U, out, message, sizeof message) == MIXDOWN_ERR_DECODE);
    CHECK_MSG(strstr(message, "changed on disk") && strstr(message, expect[k]), "%s", message);
    CHECK(test_peak_db(l, 960U) == -HUGE_VAL); // nothing played
    md_clip_free(&clip);
    free(l);
    free(r);
  }
  // A missing file: an error naming it.
  const MdClip gone = model(test_path("gone.wav"), 1U, 4800);
  MdClipPlayer clip;
  CHECK(md_clip_init(&clip, &gone, RATE) == MIXDOWN_SUCCESS);
  float        l[960] = {0}, r[960] = {0};
  float* const out[2] = {l, r};
  char         message[300] = "";
  CHECK(play(&clip, 960U, 960U, out, message, sizeof message) == MIXDOWN_ERR_DECODE);
  CHECK_MSG(strstr(message, "gone.wav") != NULL, "%s", message);
  md_clip_free(&clip);
}

const TestCase clip_tests[] = {
  {"clips: start and offset place the source's frames exactly; a mono clip plays on both channels",
   test_placement_and_offset},
  {"clips: raised-cosine fades measured in dB at given frames, under the clip's gain", test_fades_in_db},
  {"clips: stereo keeps its channels apart; clips add; which tracks spread mono", test_mono_and_stereo},
  {"clips: a jump in time reopens the source where the clip plays", test_jump_in_time},
  {"clips: a source changed since the session was checked, or missing, is an error", test_changed_source_is_an_error},
  {NULL, NULL},
};
