// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The stream of mixdown serve (src/serve/audio.h): a headless player
// driven by the render-ahead thread, credits granted as a page's worklet
// would; what the packets carry nulls bit for bit against the offline
// render; the fill follows the credits; a restart drops the old generation.

#include "support.h"

#include "live/control.h"
#include "live/player.h"
#include "platform/clock.h"
#include "serve/audio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U

static const char stream_yaml[] =
  "mixdown: 1\nsample_rate: 48000\n"
  "tracks:\n"
  "  - {name: a, clips: [{file: s1.wav, start: 0.1, fade_in: 0.05, fade_out: 0.2}], pan: -0.3,\n"
  "     inserts: [{type: eq, bands: [{type: highpass, freq: 100}, {type: bell, freq: 900, gain_db: 4}]},\n"
  "               {type: compressor, threshold_db: -20}]}\n"
  "  - {name: b, clips: [{file: s2.wav, start: 0.4, gain_db: -3}], sends: [{to: fx, level_db: -6}]}\n"
  "buses:\n  - {name: fx, inserts: [{type: delay, time_ms: 90, feedback: 0.3}]}\n"
  "master: {inserts: [{type: limiter, ceiling_db: -3, true_peak: true}]}\n";

typedef struct {
  MixdownSession* session;
  MdPlayer*       player;
  MdServeAudio*   audio;
} Stream;

// Waits (at most 5 s) until the thread has rendered `frames` in all.
static bool
wait_rendered(MdServeAudio* a, uint64_t frames, MdServeAudioStats* stats)
{
  for (int k = 0; k < 5000; ++k) {
    md_serve_audio_stats(a, stats, false);
    if (stats->rendered_frames >= frames) {
      return true;
    }
    md_sleep_seconds(0.001);
  }
  return false;
}

// A headless player of `yaml` (stopped when `stopped`, as serve starts
// it) and its stream, not listening.  Its disk thread reads 8 s ahead and
// the transport starts after half of it (preroll), so every song here is
// in memory before it plays: the tests credit faster than real time, and
// on a loaded machine (ASan, other tests) a disk thread with the default
// third of a second fell behind (late blocks, played as silence).
static bool
stream_open(Stream* s, const char* yaml, uint32_t target_frames, bool stopped)
{
  if (!mixdown_has_feature(MIXDOWN_FEATURE_JACK)) {
    test_skip("this build has no live player (meson -Djack=disabled)");
  }
  memset(s, 0, sizeof *s);
  s->session = test_open_yaml(yaml);
  if (!s->session) {
    return false;
  }
  const MdPlayerOptions options = {.client_name = "test", .meter_hz = 30.0, .headless = true,
                                   .headless_period = 1024U, .start_stopped = stopped,
                                   .disk_ring_frames = 8U * RATE};
  MixdownStatus status = MIXDOWN_SUCCESS;
  char          why[512];
  s->player = md_player_new(s->session, &options, &status, why, sizeof why);
  CHECK_MSG(s->player, "headless player: %s", why);
  if (s->player && md_player_start(s->player, why, sizeof why) == MIXDOWN_SUCCESS) {
    s->audio = md_serve_audio_new(s->player, RATE, target_frames);
  }
  CHECK(s->audio);
  return s->audio != NULL;
}

static void
stream_close(Stream* s)
{
  md_serve_audio_free(s->audio); // first: it is the player's audio thread
  md_player_free(s->player);
  mixdown_session_free(s->session);
}

typedef struct {
  uint32_t frames, generation, flags;
  int64_t  position_frame;
  const float* samples;
} TestPacket;

static uint32_t
get_u32(const unsigned char* at)
{
  return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

// Reads one packet as a page does; false when the header is wrong.
static bool
parse_packet(const unsigned char* bytes, size_t length, TestPacket* p)
{
  if (length < MD_SERVE_PCM_HEADER_BYTES || get_u32(bytes) != MD_SERVE_PCM_MAGIC) {
    return false;
  }
  p->frames         = get_u32(bytes + 4);
  p->generation     = get_u32(bytes + 8);
  p->flags          = get_u32(bytes + 12);
  p->position_frame = (int64_t)((uint64_t)get_u32(bytes + 16) | (uint64_t)get_u32(bytes + 20) << 32);
  p->samples        = (const float*)(bytes + MD_SERVE_PCM_HEADER_BYTES);
  return length == MD_SERVE_PCM_HEADER_BYTES + 8U * (size_t)p->frames;
}

static void
write_stream_sources(void)
{
  test_write_sine(test_path("s1.wav"), 330.0, 0.7, 2.5, 1U, RATE);
  test_write_sine(test_path("s2.wav"), 550.0, 0.5, 2.0, 2U, RATE);
}

// Plays the whole of stream_yaml through the stream, crediting every
// frame received (a page that plays at once), about four times real time
// so the disk thread keeps up; every frame flagged playing is kept at its
// timeline frame.  The result must be render's output, bit for bit.
static void
test_stream_nulls_against_render(void)
{
  write_stream_sources();
  TestMix ref;
  if (!test_render_yaml(stream_yaml, &ref)) {
    return;
  }
  Stream s;
  if (!stream_open(&s, stream_yaml, 2048U, true)) {
    test_mix_free(&ref);
    return;
  }
  md_serve_audio_listen(s.audio, true);
  // As a page's play from the top: locate, restart the stream, play.
  const MdCommand locate = {.kind = MD_COMMAND_LOCATE, .frame = 0};
  const MdCommand play   = {.kind = MD_COMMAND_PLAY};
  md_player_send(s.player, &locate);
  md_serve_audio_restart(s.audio);
  md_player_send(s.player, &play);
  float*         left   = calloc(ref.frames, sizeof(float));
  float*         right  = calloc(ref.frames, sizeof(float));
  unsigned char* bytes  = malloc(1U << 16);
  uint64_t       kept   = 0U; // frames flagged playing, each at its place
  uint64_t       bad    = 0U; // packets malformed or outside the mix
  uint64_t       silent = 0U;
  MdPlayerStatus status = {0};
  for (int k = 0; k < 200000; ++k) {
    size_t length = 0U;
    while (md_serve_audio_take_packet(s.audio, bytes, 1U << 16, &length)) {
      TestPacket p;
      if (!parse_packet(bytes, length, &p)) {
        ++bad;
        continue;
      }
      if (p.flags & MD_SERVE_PCM_PLAYING) {
        if (p.position_frame < 0 || (uint64_t)p.position_frame + p.frames > ref.frames) {
          ++bad;
        } else {
          for (uint32_t i = 0U; i < p.frames; ++i) {
            left[p.position_frame + i]  = p.samples[2U * i];
            right[p.position_frame + i] = p.samples[2U * i + 1U];
          }
          kept += p.frames;
        }
      } else {
        silent += p.frames;
        bad += p.position_frame != -1;
      }
      md_serve_audio_credit(s.audio, p.frames, 0U, 0U);
    }
    if (status.finished) {
      break; // and the periods up to the end all taken
    }
    md_sleep_seconds(0.0013); // ≈ 4 × real time per 256 frames
    md_player_status(s.player, &status);
    if (status.finished) {
      md_sleep_seconds(0.05); // the rest of the fill comes (the thread renders ahead of the credits)
    }
  }
  CHECK_MSG(status.finished, "the transport never reached the end");
  CHECK_MSG(bad == 0U, "%llu bad packets", (unsigned long long)bad);
  CHECK_MSG(status.late_blocks == 0U, "%llu late blocks", (unsigned long long)status.late_blocks);
  CHECK_MSG(kept == ref.frames, "%llu frames played of %llu", (unsigned long long)kept,
            (unsigned long long)ref.frames);
  uint64_t differ = 0U;
  for (uint64_t i = 0U; i < ref.frames; ++i) {
    differ += memcmp(&left[i], &ref.left[i], sizeof(float)) != 0 || memcmp(&right[i], &ref.right[i], sizeof(float)) != 0;
  }
  CHECK_MSG(differ == 0U, "%llu of %llu frames differ from render", (unsigned long long)differ,
            (unsigned long long)ref.frames);
  printf("    streamed %.2f s of mix bit for bit; %llu frames of silence (preroll, end)\n",
         (double)ref.frames / RATE, (unsigned long long)silent);
  free(bytes);
  free(left);
  free(right);
  stream_close(&s);
  test_mix_free(&ref);
}

// Waits (at most 5 s) until the fill is `frames`, then 50 ms more in
// which it must not move.
static bool
wait_fill(MdServeAudio* a, int64_t frames, MdServeAudioStats* stats)
{
  for (int k = 0; k < 5000 && stats->fill_frames < frames; ++k) {
    md_sleep_seconds(0.001);
    md_serve_audio_stats(a, stats, false);
  }
  md_sleep_seconds(0.05);
  md_serve_audio_stats(a, stats, false);
  return stats->fill_frames == frames;
}

// Frames queued now, taken and counted (by generation seen).
static uint64_t
drain(MdServeAudio* a, uint32_t* generation, uint32_t* flags_or)
{
  unsigned char bytes[1U << 15];
  size_t        length = 0U;
  uint64_t      frames = 0U;
  while (md_serve_audio_take_packet(a, bytes, sizeof bytes, &length)) {
    TestPacket p;
    CHECK(parse_packet(bytes, length, &p));
    frames += p.frames;
    *generation = p.generation;
    *flags_or |= p.flags;
  }
  return frames;
}

// A stopped stream of stream_yaml with a target of 2048 and a listener,
// its first fill rendered (not yet taken).
static bool
open_listening(Stream* s, MdServeAudioStats* st)
{
  write_stream_sources();
  if (!stream_open(s, stream_yaml, 2048U, true)) {
    return false;
  }
  md_serve_audio_listen(s->audio, true);
  CHECK_MSG(wait_fill(s->audio, 2048, st) && st->listening, "fill %lld after listening", (long long)st->fill_frames);
  return true;
}

// Listening, the thread renders exactly up to the target (in whole
// periods) and waits; each credit lets it render that much more; while
// stopped it streams silence flagged so; a restart drops what is queued.
static void
test_fill_follows_credits(void)
{
  Stream            s;
  MdServeAudioStats st = {0};
  if (!open_listening(&s, &st)) {
    return;
  }
  uint32_t generation = 0U;
  uint32_t flags      = 0U;
  CHECK(drain(s.audio, &generation, &flags) == 2048U);
  CHECK_MSG(flags == 0U, "stopped, yet flagged playing");
  CHECK_MSG(generation == 1U, "generation %u after listening", generation);
  md_serve_audio_credit(s.audio, 1000U, 0U, 1048U);
  // 1048 left: four periods (1024) bring it to 2072, the first at or over 2048.
  CHECK_MSG(wait_fill(s.audio, 2072, &st), "fill %lld after a credit of 1000", (long long)st.fill_frames);
  CHECK_MSG(st.fill_min_frames == 1048 && st.fill_max_frames == 2072, "band %lld … %lld",
            (long long)st.fill_min_frames, (long long)st.fill_max_frames);
  CHECK(st.page_buffered_min == 1048U && st.credits == 1U && st.credited_frames == 1000U);
  // A restart: what is queued is dropped, the next periods come in the new
  // generation, a full fill of them.
  md_serve_audio_restart(s.audio);
  CHECK_MSG(wait_fill(s.audio, 2048, &st), "fill %lld after a restart", (long long)st.fill_frames);
  uint32_t next = 0U;
  CHECK(drain(s.audio, &next, &flags) == 2048U);
  CHECK_MSG(next == generation + 1U, "generation %u after %u", next, generation);
  stream_close(&s);
}

// A page that underruns gets a deeper fill: each underrun its credits
// report adds MD_SERVE_FILL_STEP frames to the target, up to the ceiling
// (a page reporting absurd counts included); MD_SERVE_FILL_RELAX_S
// credited without one takes a step back; a new listener starts at the
// base again.
static void
test_fill_grows_after_underruns(void)
{
  Stream            s;
  MdServeAudioStats st = {0};
  if (!open_listening(&s, &st)) {
    return;
  }
  uint32_t generation = 0U;
  uint32_t flags      = 0U;
  CHECK(drain(s.audio, &generation, &flags) == 2048U);
  // An underrun while the page's output starts does not count…
  const uint64_t grace = (uint64_t)(MD_SERVE_FILL_GRACE_S * RATE);
  for (uint64_t heard = 0U; heard < grace; heard += 2048U) {
    CHECK_MSG(md_serve_audio_credit(s.audio, 2048U, 1U, 0U) == 2048U, "an underrun in the first %.1f s counted",
              MD_SERVE_FILL_GRACE_S);
    CHECK(wait_fill(s.audio, 2048, &st));
    drain(s.audio, &generation, &flags);
  }
  // …one after it does.
  md_serve_audio_credit(s.audio, 1024U, 2U, 0U); // ran dry once
  CHECK_MSG(wait_fill(s.audio, 2048 + MD_SERVE_FILL_STEP, &st) && st.target_frames == 2048U + MD_SERVE_FILL_STEP,
            "after an underrun: target %u, fill %lld", st.target_frames, (long long)st.fill_frames);
  CHECK(st.base_target_frames == 2048U);
  md_serve_audio_credit(s.audio, 0U, 2U, 0U); // the same count again: no step
  md_serve_audio_stats(s.audio, &st, false);
  CHECK_MSG(st.target_frames == 2048U + MD_SERVE_FILL_STEP, "target %u after the same count", st.target_frames);
  md_serve_audio_credit(s.audio, 0U, (uint64_t)1 << 53, 0U);
  md_serve_audio_stats(s.audio, &st, false);
  CHECK_MSG(st.target_frames == MD_SERVE_FILL_CEILING, "target %u after 2^53 underruns (ceiling %u)", st.target_frames,
            MD_SERVE_FILL_CEILING);
  // Clean credits: a step down per MD_SERVE_FILL_RELAX_S of them, never below the base.
  const uint64_t relax = (uint64_t)(MD_SERVE_FILL_RELAX_S * RATE);
  md_serve_audio_credit(s.audio, relax - 1U, (uint64_t)1 << 53, 0U);
  md_serve_audio_stats(s.audio, &st, false);
  CHECK_MSG(st.target_frames == MD_SERVE_FILL_CEILING, "target %u a frame before the relax", st.target_frames);
  md_serve_audio_credit(s.audio, 1U, (uint64_t)1 << 53, 0U);
  md_serve_audio_stats(s.audio, &st, false);
  CHECK_MSG(st.target_frames == MD_SERVE_FILL_CEILING - MD_SERVE_FILL_STEP, "target %u after %.0f s clean",
            st.target_frames, MD_SERVE_FILL_RELAX_S);
  for (int k = 0; k < 10; ++k) {
    md_serve_audio_credit(s.audio, relax, (uint64_t)1 << 53, 0U);
  }
  md_serve_audio_stats(s.audio, &st, false);
  CHECK_MSG(st.target_frames == 2048U, "target %u after 10 × %.0f s clean (base 2048)", st.target_frames, MD_SERVE_FILL_RELAX_S);
  md_serve_audio_credit(s.audio, 0U, ((uint64_t)1 << 53) + 1U, 0U);
  md_serve_audio_listen(s.audio, true); // another page
  md_serve_audio_stats(s.audio, &st, false);
  CHECK_MSG(st.target_frames == 2048U, "target %u for a new listener", st.target_frames);
  stream_close(&s);
}

// Without a listener the wall clock grants the credits: it renders ahead
// by the target and then never faster than real time (an upper bound
// only: a slow machine renders less, never more).
static void
test_no_listener_runs_at_real_time(void)
{
  write_stream_sources();
  Stream       s;
  const double start = md_clock_seconds(); // before the thread's clock starts: the bound errs on the safe side
  if (!stream_open(&s, stream_yaml, 1024U, false)) {
    return;
  }
  MdServeAudioStats st;
  CHECK(wait_rendered(s.audio, 1024U, &st));
  md_sleep_seconds(0.2);
  md_serve_audio_stats(s.audio, &st, false);
  const double elapsed = md_clock_seconds() - start;
  const double most    = elapsed * RATE + 1024.0 + MD_SERVE_AUDIO_PERIOD;
  CHECK_MSG((double)st.rendered_frames <= most && !st.listening, "%llu frames in %.3f s (at most %.0f)",
            (unsigned long long)st.rendered_frames, elapsed, most);
  printf("    %llu frames rendered in %.3f s without a listener\n", (unsigned long long)st.rendered_frames, elapsed);
  stream_close(&s);
}

// A loop of 4800 frames (not a whole number of periods): the periods
// that wrap are split so that every packet's position_frame is right —
// each packet flagged playing lies inside the loop and follows the one
// before, or starts the loop again where the one before ended it.
static void
test_loop_wraps_split_the_packets(void)
{
  write_stream_sources();
  Stream s;
  if (!stream_open(&s, stream_yaml, 2048U, true)) {
    return;
  }
  md_serve_audio_listen(s.audio, true);
  const int64_t   from = 24000, to = 28800;
  const MdCommand loop   = {.kind = MD_COMMAND_LOOP, .frame = from, .until_frame = to};
  const MdCommand locate = {.kind = MD_COMMAND_LOCATE, .frame = from};
  const MdCommand play   = {.kind = MD_COMMAND_PLAY};
  md_player_send(s.player, &loop);
  md_player_send(s.player, &locate);
  md_serve_audio_restart(s.audio);
  md_player_send(s.player, &play);
  unsigned char bytes[1U << 15];
  size_t        length  = 0U;
  int64_t       next    = -1; // where the next playing packet must start
  uint64_t      played  = 0U, wraps = 0U, broken = 0U;
  for (int k = 0; k < 20000 && played < 30U * (uint64_t)(to - from); ++k) {
    while (md_serve_audio_take_packet(s.audio, bytes, sizeof bytes, &length)) {
      TestPacket p;
      CHECK(parse_packet(bytes, length, &p));
      md_serve_audio_credit(s.audio, p.frames, 0U, 0U);
      if (!(p.flags & MD_SERVE_PCM_PLAYING)) {
        continue;
      }
      const int64_t end = p.position_frame + p.frames;
      broken += p.position_frame < from || end > to;
      if (next >= 0 && p.position_frame != next) {
        broken += !(next == to && p.position_frame == from);
        wraps += next == to && p.position_frame == from;
      }
      next = end;
      played += p.frames;
    }
    md_sleep_seconds(0.0013);
  }
  CHECK_MSG(played >= 30U * (uint64_t)(to - from), "%llu frames played", (unsigned long long)played);
  CHECK_MSG(broken == 0U && wraps >= 29U, "%llu packets out of place, %llu wraps", (unsigned long long)broken,
            (unsigned long long)wraps);
  printf("    %llu laps of a %lld-frame loop, every packet in place\n", (unsigned long long)wraps,
         (long long)(to - from));
  stream_close(&s);
}

const TestCase serve_audio_tests[] = {
  {"serve audio: the stream nulls bit for bit against render", test_stream_nulls_against_render},
  {"serve audio: the fill follows the credits; a restart drops the old generation", test_fill_follows_credits},
  {"serve audio: each underrun a page reports deepens the fill, up to a ceiling; a clean stretch relaxes it",
   test_fill_grows_after_underruns},
  {"serve audio: without a listener it runs at real time", test_no_listener_runs_at_real_time},
  {"serve audio: a loop's wrap splits the packets: every position_frame right", test_loop_wraps_split_the_packets},
  {NULL, NULL},
};
