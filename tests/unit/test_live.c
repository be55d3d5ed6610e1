// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The parts of live playback that need no JACK server, measured here (and
// under the sanitizers): the lock-free ring and queue, control addresses
// read from the parameter tables, the engine's live mode (glides, mute,
// solo, sends, insert values, envelopes taken over, locate, loops), the
// disk thread against the offline render, and recorded automation.
// tests/cli/test_live.sh plays through a real jackd.

#include "support.h"

#include "engine/engine.h"
#include "live/control.h"
#include "live/feeder.h"
#include "live/player.h"
#include "live/queue.h"
#include "live/record.h"
#include "live/subscribers.h"
#include "live/ring.h"
#include "platform/clock.h"
#include "session/model.h"
#include "util/rate_limit.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RATE 48000U

/* ------------------------------------------------------------------------ */
/* Ring and queue                                                            */

static void
test_ring_wraps_and_counts(void)
{
  MdRing ring;
  CHECK(md_ring_init(&ring, 1000U));
  CHECK(ring.capacity == 1024U);
  float    in_l[700], in_r[700], out_l[700], out_r[700];
  uint64_t next = 0U; // the value the reader expects next
  uint64_t made = 0U;
  for (int round = 0; round < 20; ++round) {
    const uint32_t n = 300U + (uint32_t)round * 17U; // odd sizes, across the wrap
    CHECK(md_ring_space(&ring) >= n);
    for (uint32_t i = 0U; i < n; ++i) {
      in_l[i] = (float)(made + i);
      in_r[i] = -(float)(made + i);
    }
    const float* in[2] = {in_l, in_r};
    md_ring_write(&ring, in, n);
    made += n;
    CHECK(md_ring_space(&ring) == 1024U - (uint32_t)(made - next));
    float* out[2] = {out_l, out_r};
    md_ring_peek(&ring, next, out, 2U, n);
    for (uint32_t i = 0U; i < n; ++i) {
      CHECK_MSG(out_l[i] == (float)(next + i) && out_r[i] == -(float)(next + i), "round %d frame %u", round, i);
    }
    next += n;
    md_ring_release(&ring, next);
    CHECK(md_ring_space(&ring) == 1024U);
  }
  md_ring_release(&ring, next + 5000U); // never past what is written
  CHECK(md_ring_space(&ring) == 1024U);
  md_ring_free(&ring);
}

static void
test_queue_is_fifo_and_bounded(void)
{
  MdQueue q;
  CHECK(md_queue_init(&q, sizeof(MdCommand), 50U));
  CHECK(q.capacity == 64U);
  MdCommand c = {0};
  uint32_t  pushed = 0U, popped = 0U;
  for (int round = 0; round < 10; ++round) {
    for (int k = 0; k < 40; ++k) {
      c.frame = pushed;
      if (md_queue_push(&q, &c)) {
        ++pushed;
      }
    }
    for (int k = 0; k < 30 && md_queue_pop(&q, &c); ++k) {
      CHECK_MSG(c.frame == popped, "popped %lld, expected %u", (long long)c.frame, popped);
      ++popped;
    }
  }
  CHECK(pushed - popped == 34U); // 40 in and 30 out a round, refused once full
  for (c.frame = pushed; md_queue_push(&q, &c); c.frame = ++pushed) {
  }
  CHECK(pushed - popped == 64U);
  while (md_queue_pop(&q, &c)) {
    CHECK(c.frame == popped++);
  }
  CHECK(popped == pushed);
  md_queue_free(&q);
}

/* ------------------------------------------------------------------------ */
/* Control addresses                                                         */

static const char control_yaml[] =
  "mixdown: 1\nsample_rate: 48000\n"
  "tracks:\n"
  "  - {name: vox, file: c1.wav, inserts: [{type: eq, bands: [{type: highpass, freq: 80}, {type: bell, freq: 3000, gain_db: 2}]},\n"
  "                                        {type: compressor, threshold_db: -20}], sends: [{to: verb, level_db: -12}]}\n"
  "  - {name: gtr, file: c1.wav}\n"
  "buses:\n  - {name: verb, inserts: [{type: reverb}]}\n"
  "master: {inserts: [{type: limiter}]}\n";

static bool
parse(const MixdownSession* s, const char* address, double value, MdCommand* cmd, char* note)
{
  return md_control_parse(s, address, &value, 1U, cmd, note, 400U);
}

static void
test_control_addresses_come_from_the_tables(void)
{
  test_write_dc(test_path("c1.wav"), 0.1f, 0.1, 1U, RATE);
  MixdownSession* s = test_open_yaml(control_yaml);
  if (!s) {
    return;
  }
  MdCommand c;
  char      note[400];
  CHECK(parse(s, "/track/vox/gain_db", -3, &c, note) && c.kind == MD_COMMAND_LIVE &&
        c.change.kind == MD_LIVE_GAIN_DB && c.change.node == 0U && c.change.value == -3.0);
  CHECK(parse(s, "/track/gtr/pan", 0.5, &c, note) && c.change.kind == MD_LIVE_PAN && c.change.node == 1U);
  CHECK(parse(s, "/bus/verb/mute", 1, &c, note) && c.change.kind == MD_LIVE_MUTE && c.change.node == 2U &&
        c.change.value == 1.0);
  CHECK(parse(s, "/master/gain_db", -1, &c, note) && c.change.node == 3U);
  CHECK(parse(s, "/track/vox/solo", 7, &c, note) && c.change.kind == MD_LIVE_SOLO && c.change.value == 1.0);
  CHECK(parse(s, "/track/vox/invert", 1, &c, note) && c.change.kind == MD_LIVE_INVERT);
  CHECK(parse(s, "/track/vox/send/verb/level_db", -6, &c, note) && c.change.kind == MD_LIVE_SEND_DB &&
        c.change.index == 0U);
  const MdProcessorClass* comp = s->nodes[0].inserts[1].cls;
  const uint32_t threshold = md_processor_value_offset(comp, (uint32_t)md_processor_param_index(comp, "threshold_db"));
  CHECK(parse(s, "/track/vox/insert/2/threshold_db", -30, &c, note) && c.change.kind == MD_LIVE_INSERT &&
        c.change.index == 1U && c.change.slot == threshold);
  CHECK(parse(s, "/track/vox/insert/compressor/threshold_db", -30, &c, note) && c.change.index == 1U &&
        c.change.slot == threshold);
  const MdProcessorClass* eq    = s->nodes[0].inserts[0].cls;
  const MdParam*          bands = &eq->params[md_processor_param_index(eq, "bands")];
  uint32_t                field = 0U;
  while (strcmp(bands->fields[field].info.name, "gain_db")) {
    ++field;
  }
  CHECK(parse(s, "/track/vox/insert/1/bands/2/gain_db", 4, &c, note) &&
        c.change.slot == md_processor_value_offset(eq, (uint32_t)(bands - eq->params)) + 1U + bands->n_fields + field);
  CHECK(parse(s, "/master/insert/limiter/ceiling_db", -2, &c, note) && c.change.node == 3U);
  // Round trip: the address of a change is the one that made it.
  static const char* const addresses[] = {"/track/vox/gain_db", "/bus/verb/pan", "/master/mute",
                                          "/track/vox/send/verb/level_db", "/track/vox/insert/2/ratio",
                                          "/track/vox/insert/1/bands/2/freq"};
  for (size_t k = 0U; k < sizeof addresses / sizeof addresses[0]; ++k) {
    char back[400];
    CHECK(parse(s, addresses[k], 1, &c, note));
    md_control_address(s, &c.change, back, sizeof back);
    CHECK_MSG(!strcmp(back, addresses[k]), "%s came back as %s", addresses[k], back);
  }
  // Clamped to the table's range, and said so.
  CHECK(parse(s, "/track/vox/gain_db", 100, &c, note) && c.change.value == 24.0 && strstr(note, "-144…24 dB"));
  // Transport.
  CHECK(parse(s, "/transport/locate", 12.5, &c, note) && c.kind == MD_COMMAND_LOCATE && c.frame == 600000);
  CHECK(md_control_parse(s, "/transport/play", NULL, 0U, &c, note, sizeof note) && c.kind == MD_COMMAND_PLAY);
  CHECK(md_control_parse(s, "/transport/stop", NULL, 0U, &c, note, sizeof note) && c.kind == MD_COMMAND_STOP);
  const double loop[2] = {2.0, 4.5};
  CHECK(md_control_parse(s, "/transport/loop", loop, 2U, &c, note, sizeof note) && c.kind == MD_COMMAND_LOOP &&
        c.frame == 96000 && c.until_frame == 216000);
  CHECK(md_control_parse(s, "/transport/loop", NULL, 0U, &c, note, sizeof note) && c.until_frame == 0);
  CHECK(!md_control_parse(s, "/transport/loop", loop, 1U, &c, note, sizeof note) && strstr(note, "A < B"));
  // Refusals name what is valid.
  static const struct {
    const char* address;
    const char* says;
  } bad[] = {
    {"/track/vxo/gain_db", "did you mean `vox`?"},
    {"/track/vox/gian_db", "did you mean `gain_db`?"},
    {"/track/vox/insert/3/ratio", "has 2 inserts"},
    {"/track/vox/insert/compresor/ratio", "did you mean `compressor`?"},
    {"/track/vox/insert/2/ratoi", "did you mean `ratio`?"},
    {"/track/vox/insert/1/bands", "is a list"},
    {"/track/vox/insert/1/bands/2/gian_db", "did you mean `gain_db`?"},
    {"/track/vox/insert/2/detector", "`detector` is fixed while playing: the detector is chosen"},
    {"/track/vox/insert/2/lookahead_ms", "`lookahead_ms` is fixed while playing: it sets the compressor's latency"},
    {"/master/insert/limiter/true_peak", "`true_peak` is fixed while playing: it sets the limiter's latency"},
    {"/track/vox/insert/1/bands/1/type", "`type` is fixed while playing: a band's shape"},
    {"/track/vox/insert/1/bands/3/gain_db", "this eq has 2 items in `bands`: 3 is not one"},
    {"/track/vox/pan_law", "fixed while playing"},
    {"/track/vox/send/verbb/level_db", "did you mean `verb`?"},
    {"/transport/plya", "did you mean `play`?"},
    {"/trakc/vox/gain_db", "did you mean `track`?"},
    {"/bus/vox/gain_db", "unknown bus"},
  };
  for (size_t k = 0U; k < sizeof bad / sizeof bad[0]; ++k) {
    const bool accepted = parse(s, bad[k].address, 1, &c, note);
    CHECK_MSG(!accepted && strstr(note, bad[k].says), "%s: %s", bad[k].address, note);
  }
  CHECK(!md_control_parse(s, "/track/vox/gain_db", NULL, 0U, &c, note, sizeof note) && strstr(note, "needs a value"));
  mixdown_session_free(s);
}

/* ------------------------------------------------------------------------ */
/* The engine, live                                                          */

// A feed playing the same DC value on every track, or a ramp in time.
typedef struct {
  float value;
  bool  ramp; ///< x(t) = 1e-5 × t instead
} TestFeed;

static bool
test_feed(void* user, uint32_t track, int64_t t, uint32_t frames, float* const* out, uint32_t channels)
{
  (void)track;
  const TestFeed* f = user;
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < frames; ++i) {
      out[c][i] = f->ramp ? (float)(1e-5 * (double)(t + (int64_t)i)) : f->value;
    }
  }
  return true;
}

static MixdownEngine*
live_engine(const MixdownSession* s, TestFeed* feed, uint32_t block)
{
  MixdownEngine* e = NULL;
  char           why[400];
  if (mixdown_engine_new(s, &e, why, sizeof why)) {
    test_fail(__FILE__, __LINE__, "engine: %s", why);
    return NULL;
  }
  CHECK(md_engine_go_live(e, s, block, test_feed, feed) == MIXDOWN_SUCCESS);
  return e;
}

// A live engine for `yaml` over a DC source of 0.5 (`seconds` long) and
// `feed`; false (both NULL) when it cannot be made.
static bool
open_live(const char* yaml, double seconds, TestFeed* feed, uint32_t block, MixdownSession** s, MixdownEngine** e)
{
  test_write_dc(test_path("d.wav"), 0.5f, seconds, 1U, RATE);
  *s = test_open_yaml(yaml);
  *e = *s ? live_engine(*s, feed, block) : NULL;
  if (!*e) {
    mixdown_session_free(*s);
    *s = NULL;
  }
  return *e != NULL;
}

static void
pull(MixdownEngine* e, float* l, float* r, uint32_t n)
{
  uint32_t got = 0U;
  CHECK(mixdown_engine_pull(e, l, r, n, &got) == MIXDOWN_SUCCESS && got == n);
}

// A move, the block it glides over, and a block at its value.
static void
move_and_settle(MixdownEngine* e, MdLiveKind kind, uint32_t node, double value, float* l, float* r)
{
  md_engine_live_set(e, &(MdLiveChange){kind, node, 0U, 0U, value});
  pull(e, l, r, 64U);
  pull(e, l, r, 64U);
}

static void
test_live_moves_glide_over_one_block(void)
{
  TestFeed        feed = {.value = 0.5f};
  MixdownSession* s    = NULL;
  MixdownEngine*  e    = NULL;
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: a, file: d.wav, pan_law: 0, sends: [{to: fx, level_db: -144}]}\n"
                 "  - {name: b, file: d.wav, pan: 1, gain_db: -144}\n"
                 "buses:\n  - {name: fx, pan: -1}\n",
                 2.0, &feed, 64U, &s, &e)) {
    return;
  }
  float l[64], r[64];
  pull(e, l, r, 64U);
  CHECK(l[0] == 0.5f && r[63] == 0.5f);
  // The fader glides over the next block, linearly in dB as automation
  // does (issue 17.8: so a recorded take replays it), and stays.
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_GAIN_DB, 0U, 0U, 0U, -6.020599913279624});
  pull(e, l, r, 64U);
  CHECK_NEAR(l[0], 0.5 * pow(10.0, -6.020599913279624 / 64.0 / 20.0), 1e-6);
  CHECK_NEAR(l[31], 0.5 * pow(10.0, -6.020599913279624 * 32.0 / 64.0 / 20.0), 1e-6);
  CHECK_NEAR(l[63], 0.25, 1e-6);
  pull(e, l, r, 64U);
  CHECK_NEAR(l[0], 0.25, 1e-6);
  CHECK_NEAR(r[63], 0.25, 1e-6);
  // Mute: down to silence over one block, then exactly silent; back again.
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_MUTE, 0U, 0U, 0U, 1.0});
  pull(e, l, r, 64U);
  CHECK(l[0] > 0.2f && l[63] == 0.0f);
  pull(e, l, r, 64U);
  CHECK(test_peak_db(l, 64U) < -300.0 && test_peak_db(r, 64U) < -300.0);
  move_and_settle(e, MD_LIVE_MUTE, 0U, 0.0, l, r);
  CHECK_NEAR(l[10], 0.25, 1e-6);
  // A send to a bus panned hard left: 0 dB adds the track again on the left.
  move_and_settle(e, MD_LIVE_SEND_DB, 0U, 0.0, l, r);
  CHECK_NEAR(l[5], 0.5, 1e-6);
  CHECK_NEAR(r[5], 0.25, 1e-6);
  // Solo b (faded to -144 dB, panned right): a and the bus fall silent.
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_SOLO, 1U, 0U, 0U, 1.0});
  move_and_settle(e, MD_LIVE_GAIN_DB, 1U, 0.0, l, r);
  CHECK(test_peak_db(l, 64U) < -300.0);
  CHECK_NEAR(r[20], 0.5, 1e-6);
  move_and_settle(e, MD_LIVE_SOLO, 1U, 0.0, l, r);
  CHECK_NEAR(l[5], 0.5, 1e-6);
  CHECK_NEAR(r[5], 0.75, 1e-6);
  // Polarity.
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_INVERT, 1U, 0U, 0U, 1.0});
  pull(e, l, r, 64U);
  CHECK_NEAR(r[5], -0.25, 1e-6);
  mixdown_engine_free(e);
  mixdown_session_free(s);
}

// A solo elsewhere silences a strip whose mute is automated; unsoloed, it
// follows its envelope again (as before the fader stage was one: the
// solo's glide does not take the envelope over, only a mute move of the
// strip itself does).
static void
test_live_solo_gives_a_mute_envelope_back(void)
{
  TestFeed        feed = {.value = 0.5f};
  MixdownSession* s    = NULL;
  MixdownEngine*  e    = NULL;
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: a, file: d.wav, pan_law: 0, pan: -1,\n"
                 "     mute: {points: [[0, 0], [1, 0], [1.01, 1]]}}\n"
                 "  - {name: b, file: d.wav, pan_law: 0, pan: 1}\n",
                 2.0, &feed, 256U, &s, &e)) {
    return;
  }
  float* l = calloc(RATE, sizeof(float));
  float* r = calloc(RATE, sizeof(float));
  pull(e, l, r, RATE / 4U);
  CHECK_NEAR(l[RATE / 4U - 1U], 0.5, 1e-6); // a, open
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_SOLO, 1U, 0U, 0U, 1.0});
  pull(e, l, r, RATE / 4U);
  CHECK(test_peak_db(l + 512U, RATE / 4U - 512U) < -300.0); // a silenced by b's solo
  CHECK_NEAR(r[RATE / 4U - 1U], 0.5, 1e-6);
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_SOLO, 1U, 0U, 0U, 0.0});
  pull(e, l, r, RATE / 4U); // to 0.75 s: a's envelope is open there
  CHECK_NEAR(l[RATE / 4U - 1U], 0.5, 1e-6);
  pull(e, l, r, RATE / 2U); // to 1.25 s: a's envelope mutes it from 1.01 s
  CHECK_MSG(test_peak_db(l + 3U * RATE / 8U, RATE / 8U) < -300.0, "a after its mute envelope closed: %.1f dB",
            test_peak_db(l + 3U * RATE / 8U, RATE / 8U)); // 1.125 to 1.25 s
  CHECK_NEAR(r[RATE / 2U - 1U], 0.5, 1e-6);
  // Soloed out while its envelope mutes it, then back: still muted.
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_SOLO, 1U, 0U, 0U, 1.0});
  pull(e, l, r, 512U);
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_SOLO, 1U, 0U, 0U, 0.0});
  pull(e, l, r, 4096U);
  CHECK(test_peak_db(l, 4096U) < -300.0);
  mixdown_engine_free(e);
  free(l);
  free(r);
  mixdown_session_free(s);
}

static void
test_live_insert_values_and_envelopes_taken_over(void)
{
  TestFeed        feed = {.value = 0.5f};
  MixdownSession* s    = NULL;
  MixdownEngine*  e    = NULL;
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: a, file: d.wav, pan_law: 0, inserts: [{type: gain, gain_db: 0}],\n"
                 "     gain_db: {points: [[0, 0], [2, -40]]}}\n",
                 4.0, &feed, 256U, &s, &e)) {
    return;
  }
  float* l = calloc(RATE, sizeof(float));
  float* r = calloc(RATE, sizeof(float));
  pull(e, l, r, RATE / 2U); // 0.5 s: the envelope is at -10 dB
  CHECK_NEAR(test_db(l[RATE / 2U - 1U] / 0.5), -10.0, 0.01);
  // A live fader move takes over from the envelope: -6 dB from here on.
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_GAIN_DB, 0U, 0U, 0U, -6.0});
  pull(e, l, r, RATE);
  CHECK_NEAR(test_db(l[RATE - 1U] / 0.5), -6.0, 0.001);
  // An insert value: the gain processor glides to it as under automation.
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_INSERT, 0U, 0U, 0U, -12.0});
  pull(e, l, r, RATE / 4U);
  CHECK_NEAR(test_db(l[RATE / 4U - 1U] / 0.5), -18.0, 0.001);
  CHECK(l[0] > l[RATE / 4U - 1U]); // it glided there
  mixdown_engine_free(e);
  free(l);
  free(r);
  mixdown_session_free(s);
}

static void
test_live_locate_and_loop_limit(void)
{
  // A lookahead compressor that never acts: a pure 240-frame delay.
  TestFeed        feed = {.ramp = true};
  MixdownSession* s    = NULL;
  MixdownEngine*  e    = NULL;
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: a, file: d.wav, pan_law: 0}\n"
                 "master: {inserts: [{type: compressor, threshold_db: 0, knee_db: 0, lookahead_ms: 5}]}\n",
                 3.0, &feed, 128U, &s, &e)) {
    return;
  }
  CHECK(mixdown_engine_latency(e) == 240U);
  float l[1000], r[1000];
  pull(e, l, r, 1000U);
  CHECK_NEAR(l[0], 0.0, 1e-9);
  CHECK_NEAR(l[999], 1e-5 * 999, 1e-7); // the latency is dropped: output frame k is content frame k
  md_engine_locate(e, 30000);
  pull(e, l, r, 1000U);
  CHECK_NEAR(l[0], 1e-5 * 30000, 1e-6);
  CHECK_NEAR(l[777], 1e-5 * 30777, 1e-6);
  CHECK(md_engine_position(e) == 31000U);
  // A loop's end: a pull stops short there (timeline = content + latency).
  md_engine_set_render_limit(e, 32000 + 240);
  uint32_t got = 0U;
  CHECK(mixdown_engine_pull(e, l, r, 1000U, &got) == MIXDOWN_SUCCESS && got == 1000U);
  CHECK(mixdown_engine_pull(e, l, r, 1000U, &got) == MIXDOWN_SUCCESS && got == 0U);
  md_engine_locate(e, 1000);
  CHECK(mixdown_engine_pull(e, l, r, 500U, &got) == MIXDOWN_SUCCESS && got == 500U);
  CHECK_NEAR(l[0], 1e-5 * 1000, 1e-6);
  mixdown_engine_free(e);
  mixdown_session_free(s);
}

/* ------------------------------------------------------------------------ */
/* The disk thread                                                           */

// Plays `yaml` through the feeder (no JACK: pulls as fast as the disk
// allows) and compares it with the offline render.
static void
play_through_feeder(const char* yaml, double stall_for_s, uint64_t* misses, double* residual_db)
{
  MixdownSession* s = test_open_yaml(yaml);
  TestMix         ref;
  if (!s || !test_render_session(s, &ref)) {
    mixdown_session_free(s);
    return;
  }
  MixdownEngine* e = NULL;
  char           why[400];
  CHECK(mixdown_engine_new(s, &e, why, sizeof why) == MIXDOWN_SUCCESS);
  const MdFeederOptions options = {.stall_at_s = 0.5, .stall_for_s = stall_for_s};
  MdFeeder*             feeder  = e ? md_feeder_new(s, e, &options, why, sizeof why) : NULL;
  CHECK(feeder && md_engine_go_live(e, s, 64U, md_feeder_read, feeder) == MIXDOWN_SUCCESS);
  if (feeder) {
    md_feeder_locate(feeder, 0);
    CHECK(md_feeder_start(feeder, s) == MIXDOWN_SUCCESS);
    for (int k = 0; k < 2000 && !md_feeder_ready(feeder); ++k) {
      md_sleep_seconds(0.001);
    }
    CHECK(md_feeder_ready(feeder));
    float*   l    = calloc(ref.frames, sizeof(float));
    float*   r    = calloc(ref.frames, sizeof(float));
    uint64_t done = 0U;
    while (done < ref.frames) {
      const uint32_t n   = ref.frames - done < 64U ? (uint32_t)(ref.frames - done) : 64U;
      uint32_t       got = 0U;
      CHECK(mixdown_engine_pull(e, l + done, r + done, n, &got) == MIXDOWN_SUCCESS && got == n);
      done += n;
      if (stall_for_s == 0.0 && done % 256U == 0U) {
        md_sleep_seconds(0.001); // about five times real time: the disk thread keeps up
      }
    }
    double worst = 0.0;
    for (uint64_t i = 0U; i < ref.frames; ++i) {
      worst = fmax(worst, fmax(fabs((double)l[i] - ref.left[i]), fabs((double)r[i] - ref.right[i])));
    }
    *residual_db = test_db(worst);
    *misses      = md_engine_feed_misses(e);
    free(l);
    free(r);
  }
  md_feeder_free(feeder);
  mixdown_engine_free(e);
  test_mix_free(&ref);
  mixdown_session_free(s);
}

static const char feeder_yaml[] =
  "mixdown: 1\nsample_rate: 48000\n"
  "tracks:\n"
  "  - {name: a, clips: [{file: n1.wav, start: 0.1, offset: 0.2, fade_in: 0.05, fade_out: 0.2}], pan: -0.3,\n"
  "     inserts: [{type: eq, bands: [{type: highpass, freq: 100}]}, {type: compressor, threshold_db: -20}]}\n"
  "  - {name: b, clips: [{file: n2.wav}, {file: n44.wav, start: 0.7, gain_db: -3}], sends: [{to: fx, level_db: -6}]}\n"
  "buses:\n  - {name: fx, inserts: [{type: delay, time_ms: 90, feedback: 0.3}]}\n"
  "master: {inserts: [{type: limiter, ceiling_db: -3, true_peak: true}]}\n";

static void
write_feeder_sources(void)
{
  test_write_sine(test_path("n1.wav"), 330.0, 0.7, 1.5, 1U, RATE);
  test_write_sine(test_path("n2.wav"), 550.0, 0.5, 1.0, 2U, RATE);
  test_write_sine(test_path("n44.wav"), 880.0, 0.5, 0.6, 2U, 44100U);
}

static void
test_feeder_plays_what_render_writes(void)
{
  write_feeder_sources();
  uint64_t misses   = 1U;
  double   residual = 0.0;
  play_through_feeder(feeder_yaml, 0.0, &misses, &residual);
  CHECK_MSG(misses == 0U, "%llu late blocks", (unsigned long long)misses);
  CHECK_MSG(residual < -200.0, "residual %.1f dB against the offline render", residual);
}

static void
test_feeder_stall_is_silence_not_a_crash(void)
{
  write_feeder_sources();
  uint64_t misses   = 0U;
  double   residual = -999.0;
  play_through_feeder(feeder_yaml, 0.3, &misses, &residual);
  CHECK_MSG(misses > 0U, "the stall cost no blocks");
  CHECK(residual > -20.0); // the stall is heard (silence), then it plays on
}

/* ------------------------------------------------------------------------ */
/* Recorded automation                                                       */

static void
test_recorded_moves_become_envelopes(void)
{
  test_write_dc(test_path("r.wav"), 0.5f, 2.0, 1U, RATE);
  FILE* f = fopen(test_path("rec-src.yaml"), "w");
  fputs("# a comment\nmixdown: 1\nsample_rate: 48000\n"
        "tracks:\n  - name: a\n    file: r.wav\n    gain_db: -3\n    sends: [{to: fx, level_db: -10}]\n"
        "    inserts: [{type: eq, bands: [{type: bell, freq: 1000, gain_db: 0}]}]\n"
        "buses:\n  - {name: fx, pan: {points: [[0, -1], [2, 1]]}}\n",
        f);
  fclose(f);
  MixdownSession* s = NULL;
  CHECK(mixdown_session_open_file(test_path("rec-src.yaml"), NULL, NULL, &s) == MIXDOWN_SUCCESS);
  if (!s) {
    return;
  }
  const MdProcessorClass* eq    = s->nodes[0].inserts[0].cls;
  const MdParam*          bands = &eq->params[md_processor_param_index(eq, "bands")];
  uint32_t                field = 0U;
  while (strcmp(bands->fields[field].info.name, "gain_db")) {
    ++field;
  }
  const uint32_t bell_gain = md_processor_value_offset(eq, (uint32_t)(bands - eq->params)) + 1U + field;
  MdRecorder*    rec       = md_recorder_new(RATE);
  const MdAppliedMove moves[] = {
    {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -10.0}, 24000},  {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -20.0}, 48000},
    {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -21.0}, 48010},  // within the glide: it ends at -21
    {{MD_LIVE_SEND_DB, 0U, 0U, 0U, 0.0}, 12000},    {{MD_LIVE_INSERT, 0U, 0U, bell_gain, 6.0}, 36000},
    {{MD_LIVE_PAN, 1U, 0U, 0U, 0.5}, 48000},        {{MD_LIVE_MUTE, 0U, 0U, 0U, 1.0}, 60000},
    {{MD_LIVE_SOLO, 1U, 0U, 0U, 1.0}, 70000},
  };
  for (size_t k = 0U; k < sizeof moves / sizeof moves[0]; ++k) {
    CHECK(md_recorder_add(rec, &moves[k]));
  }
  mkdir(test_path("elsewhere"), 0755);
  char out[600];
  snprintf(out, sizeof out, "%s/copy.yaml", test_path("elsewhere"));
  MdRecordReport report;
  char           why[512];
  CHECK_MSG(md_recorder_write(rec, s, RATE, 256.0 / RATE, out, &report, why, sizeof why) == MIXDOWN_SUCCESS,
            "%s", why);
  CHECK(report.envelopes == 5U && report.moves == 6U && report.switches == 1U); // -20 and -21 within 10 ms: one move
  md_recorder_free(rec);
  MixdownSession* copy = NULL;
  CHECK(mixdown_session_open_file(out, NULL, NULL, &copy) == MIXDOWN_SUCCESS); // paths made absolute
  if (copy) {
    const MdEnvelope* g = copy->nodes[0].gain_db.envelope;
    CHECK(g && g->n_points == 5U);
    if (g && g->n_points == 5U) {
      CHECK(g->points[0].time_s == 0.0 && g->points[0].value == -3.0);
      CHECK_NEAR(g->points[1].time_s, 0.5, 1e-9);
      CHECK(g->points[1].value == -3.0);
      CHECK_NEAR(g->points[2].time_s, 0.5 + 256.0 / RATE, 1e-9);
      CHECK(g->points[2].value == -10.0 && g->points[3].value == -10.0 && g->points[4].value == -21.0);
    }
    CHECK(copy->nodes[0].sends[0].level_db.envelope && copy->nodes[0].inserts[0].values[bell_gain].envelope);
    const MdEnvelope* m = copy->nodes[0].mute.envelope;
    CHECK(m && m->n_points == 3U && m->points[1].value == 0.0 && m->points[2].value == 1.0 &&
          fabs(m->points[1].time_s - 1.25) < 1e-9);
    // The bus's own envelope plays until the move, from where it was.
    const MdEnvelope* p = copy->nodes[1].pan.envelope;
    CHECK(p && p->n_points == 3U && p->points[0].value == -1.0 && p->points[1].value == 0.0 &&
          p->points[2].value == 0.5);
    mixdown_session_free(copy);
  }
  mixdown_session_free(s);
}

// A mute envelope (what a recorded live mute becomes) silences the strip
// and its pre-fader sends from where it reaches 1, and glides between.
static void
test_mute_envelope_plays_offline(void)
{
  test_write_dc(test_path("m.wav"), 0.5f, 2.0, 1U, RATE);
  TestMix mix;
  // Track a reaches the mix only through its pre-fader send (its fader is
  // down); track b, panned hard right, through its own fader.
  if (!test_render_yaml("mixdown: 1\nsample_rate: 48000\n"
                        "tracks:\n  - {name: a, file: m.wav, pan_law: 0, gain_db: -144, pan: -1,\n"
                        "     mute: {points: [[0, 0], [1, 0], [1.5, 1]]}, sends: [{to: fx, pre_fader: true}]}\n"
                        "  - {name: b, file: m.wav, pan_law: 0, pan: 1, mute: {points: [[0, 0], [1, 0], [1.5, 1]]}}\n"
                        "buses:\n  - {name: fx}\n",
                        &mix)) {
    return;
  }
  CHECK(mix.frames == 2U * RATE);
  CHECK_NEAR(mix.left[RATE / 2U], 0.5, 1e-7);          // a's pre-fader send, open
  CHECK_NEAR(mix.right[RATE / 2U], 0.5, 1e-7);         // b, open
  CHECK_NEAR(mix.left[RATE + RATE / 4U], 0.25, 1e-6);  // half way down the glide
  CHECK_NEAR(mix.right[RATE + RATE / 4U], 0.25, 1e-6);
  CHECK(mix.left[RATE + RATE / 2U + 10U] == 0.0f && mix.right[RATE + RATE / 2U + 10U] == 0.0f); // muted
  test_mix_free(&mix);
}

// Live playback renders blocks of the JACK period, offline rendering
// blocks of 1024: the two agree only if every processor gives the same
// output whatever the block size.  Each processor type, set to work hard,
// on a rich stereo signal: offline (1024) against live blocks of 64 and of
// 37 frames (odd, so no power-of-two alignment hides anything).
#define RICH_FRAMES (RATE * 3 / 2) // the source file's length

static float
rich_signal(int64_t t, uint32_t channel)
{
  const double s = (double)t / RATE;
  const double burst = fmod(s, 0.25) < 0.05 ? 1.0 : 0.15; // loud and quiet: dynamics move
  return (float)(burst * (0.5 * sin(2.0 * M_PI * (220.0 + 40.0 * channel) * s) +
                          0.2 * sin(2.0 * M_PI * 3700.0 * s) + 0.1 * sin(2.0 * M_PI * 7100.0 * s * (1.0 + s))));
}

static bool
rich_feed(void* user, uint32_t track, int64_t t, uint32_t frames, float* const* out, uint32_t channels)
{
  (void)user;
  (void)track;
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < frames; ++i) {
      const int64_t at = t + (int64_t)i;
      out[c][i]        = at < 0 || at >= RICH_FRAMES ? 0.0f : rich_signal(at, c); // the clip: the file's span

    }
  }
  return true;
}

static void
test_every_processor_is_block_size_invariant(void)
{
  const uint32_t frames = RICH_FRAMES;
  float*         file   = malloc(2U * frames * sizeof(float));
  for (uint32_t i = 0U; i < frames; ++i) {
    file[2U * i]      = rich_signal(i, 0U);
    file[2U * i + 1U] = rich_signal(i, 1U);
  }
  test_write_wav(test_path("rich.wav"), file, frames, 2U, RATE);
  free(file);
  // Settings that make each type work (the rest are defaults).
  static const struct {
    const char* type;
    const char* settings;
  } busy[] = {
    {"eq", ", bands: [{type: highpass, freq: 120, slope: 24}, {type: bell, freq: 3000, gain_db: 6, q: 2}]"},
    {"compressor", ", threshold_db: -30, ratio: 4, attack_ms: 3, release_ms: 60, lookahead_ms: 2"},
    {"gate", ", threshold_db: -12, range_db: 40, attack_ms: 1, hold_ms: 10, release_ms: 40"},
    {"limiter", ", ceiling_db: -9, true_peak: true"},
    {"deesser", ", threshold_db: -50"},
    {"saturation", ", drive_db: 18"},
    {"pitch_shift", ", semitones: 3"},
    {"pitch_correct", ", speed_ms: 5"},
  };
  for (uint32_t k = 0U; k < mixdown_processor_count(); ++k) {
    const char* type     = mixdown_processor_name(k);
    const char* settings = "";
    for (size_t j = 0U; j < sizeof busy / sizeof busy[0]; ++j) {
      settings = !strcmp(busy[j].type, type) ? busy[j].settings : settings;
    }
    char yaml[600];
    snprintf(yaml, sizeof yaml,
             "mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: a, file: rich.wav, inserts: [{type: %s%s}]}\n",
             type, settings);
    MixdownSession* s = test_open_yaml(yaml);
    TestMix         ref;
    if (!s || !test_render_session(s, &ref)) {
      mixdown_session_free(s);
      continue;
    }
    static const uint32_t blocks[] = {64U, 37U};
    for (size_t b = 0U; b < sizeof blocks / sizeof blocks[0]; ++b) {
      MixdownEngine* e = NULL;
      char           why[400];
      if (mixdown_engine_new(s, &e, why, sizeof why) ||
          md_engine_go_live(e, s, blocks[b], rich_feed, NULL) != MIXDOWN_SUCCESS) {
        test_fail(__FILE__, __LINE__, "%s: %s", type, why);
        mixdown_engine_free(e);
        continue;
      }
      float*   l    = malloc(ref.frames * sizeof(float));
      float*   r    = malloc(ref.frames * sizeof(float));
      uint64_t done = 0U;
      while (done < ref.frames) {
        uint32_t got = 0U;
        const uint32_t n = ref.frames - done < 500U ? (uint32_t)(ref.frames - done) : 500U;
        if (mixdown_engine_pull(e, l + done, r + done, n, &got) || !got) {
          break;
        }
        done += got;
      }
      uint64_t first = UINT64_MAX;
      for (uint64_t i = 0U; i < done && first == UINT64_MAX; ++i) {
        first = l[i] != ref.left[i] || r[i] != ref.right[i] ? i : first;
      }
      CHECK_MSG(done == ref.frames && first == UINT64_MAX, "%s, blocks of %u: differs from blocks of 1024 at frame %lld",
                type, blocks[b], first == UINT64_MAX ? -1LL : (long long)first);
      free(l);
      free(r);
      mixdown_engine_free(e);
    }
    test_mix_free(&ref);
    mixdown_session_free(s);
  }
}

// Issue 16.3: choices and switches of inserts have no envelope in a
// session; they were written as envelopes and the take did not load.  A
// move with no place in the file (an EQ band the session lacks) lost the
// whole take.  Now: the last value as a constant, the unplaced move alone
// is left out and said, and the take loads.
static void
test_take_holds_choices_as_constants_and_survives_a_bad_move(void)
{
  test_write_dc(test_path("r.wav"), 0.5f, 2.0, 1U, RATE);
  FILE* f = fopen(test_path("take-src.yaml"), "w");
  fputs("mixdown: 1\nsample_rate: 48000\n"
        "tracks:\n  - name: a\n    file: r.wav\n"
        "    inserts: [{type: eq, bands: [{type: bell, freq: 1000, gain_db: 0}]}, {type: saturation},\n"
        "              {type: delay}, {type: compressor}]\n",
        f);
  fclose(f);
  MixdownSession* s = NULL;
  CHECK(mixdown_session_open_file(test_path("take-src.yaml"), NULL, NULL, &s) == MIXDOWN_SUCCESS);
  if (!s) {
    return;
  }
  const MdProcessorClass* eq      = s->nodes[0].inserts[0].cls;
  const MdProcessorClass* sat     = s->nodes[0].inserts[1].cls;
  const MdProcessorClass* delay   = s->nodes[0].inserts[2].cls;
  const MdProcessorClass* comp    = s->nodes[0].inserts[3].cls;
  const uint32_t          bands   = md_processor_value_offset(eq, (uint32_t)md_processor_param_index(eq, "bands"));
  const uint32_t          mode    = md_processor_value_offset(sat, (uint32_t)md_processor_param_index(sat, "mode"));
  const uint32_t          ping    = md_processor_value_offset(delay, (uint32_t)md_processor_param_index(delay, "ping_pong"));
  const uint32_t          makeup  = md_processor_value_offset(comp, (uint32_t)md_processor_param_index(comp, "auto_makeup"));
  const MdParam*          band_t  = &eq->params[md_processor_param_index(eq, "bands")];
  const uint32_t          band3   = bands + 1U + 2U * band_t->n_fields; // item 3 (its type): the session has 1
  MdRecorder*             rec     = md_recorder_new(RATE);
  const MdAppliedMove     moves[] = {
    {{MD_LIVE_INSERT, 0U, 1U, mode, 3.0}, 48000},   {{MD_LIVE_INSERT, 0U, 1U, mode, 1.0}, 24000}, // after a locate back
    {{MD_LIVE_INSERT, 0U, 2U, ping, 1.0}, 30000},   {{MD_LIVE_INSERT, 0U, 3U, makeup, 1.0}, 1000},
    {{MD_LIVE_INSERT, 0U, 0U, band3, 500.0}, 2000}, {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -12.0}, 12000},
  };
  for (size_t k = 0U; k < sizeof moves / sizeof moves[0]; ++k) {
    CHECK(md_recorder_add(rec, &moves[k]));
  }
  MdRecordReport report;
  char           why[512];
  const char*    take = test_path("take.yaml");
  CHECK_MSG(md_recorder_write(rec, s, RATE, 256.0 / RATE, take, &report, why, sizeof why) == MIXDOWN_SUCCESS, "%s",
            why);
  CHECK_MSG(report.envelopes == 1U && report.moves == 1U && report.constants == 3U && report.unplaced == 1U,
            "envelopes %zu moves %zu constants %zu unplaced %zu", report.envelopes, report.moves, report.constants,
            report.unplaced);
  CHECK_MSG(strstr(report.note, "/track/a/insert/2/mode moved 2 times: written as its last value, tube, from the start") &&
              strstr(report.note, "/track/a/insert/3/ping_pong moved 1 time: written as its last value, true") &&
              strstr(report.note, "/track/a/insert/1/bands/3/type: no place for it in the session file, 1 move not written"),
            "%s", report.note);
  md_recorder_free(rec);
  MixdownSession* copy = NULL;
  CHECK_MSG(mixdown_session_open_file(take, NULL, NULL, &copy) == MIXDOWN_SUCCESS, "the take does not load");
  if (copy) {
    CHECK(copy->nodes[0].inserts[1].values[mode].value == 1.0);   // tube: the last applied, not the latest in time
    CHECK(copy->nodes[0].inserts[2].values[ping].value == 1.0);
    CHECK(copy->nodes[0].inserts[3].values[makeup].value == 1.0);
    CHECK(copy->nodes[0].inserts[0].values[bands].value == 1.0); // still one band
    CHECK(copy->nodes[0].gain_db.envelope != NULL);
    mixdown_session_free(copy);
  }
  mixdown_session_free(s);
}

// Issue 16.9: a flood of moves kept every one (1.5 MB/s).  Moves of one
// parameter within 10 ms fold into one; the take keeps at most 2^20.
static void
test_recorder_memory_is_bounded(void)
{
  MdRecorder* rec = md_recorder_new(RATE);
  // One fader moved every frame for 20 s: 960 000 moves.
  for (int64_t frame = 0; frame < 20 * (int64_t)RATE; ++frame) {
    const MdAppliedMove m = {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -(double)(frame % 100)}, frame};
    md_recorder_add(rec, &m);
  }
  CHECK_MSG(md_recorder_count(rec) == 2000U, "%zu moves kept of 960000 (one per 10 ms: 2000)", md_recorder_count(rec));
  CHECK(md_recorder_folded(rec) == 958000U && md_recorder_dropped(rec) == 0U);
  md_recorder_free(rec);
  // Moves far apart on many parameters: the cap.
  rec = md_recorder_new(RATE);
  for (uint32_t k = 0U; k < MD_RECORDER_MAX_MOVES + 1000U; ++k) {
    const MdAppliedMove m = {{MD_LIVE_INSERT, k % 7U, 0U, k % 13U, 1.0}, (int64_t)k * 1000};
    md_recorder_add(rec, &m);
  }
  CHECK(md_recorder_count(rec) == MD_RECORDER_MAX_MOVES && md_recorder_dropped(rec) == 1000U);
  md_recorder_free(rec);
}

static bool
has_partial_file(const char* dir)
{
  char command[700];
  snprintf(command, sizeof command, "ls -a '%s' | grep -q partial", dir);
  return system(command) == 0;
}

// Issue 16.8: the take went through a predictable FILE.partial (a planted
// link redirected it), was checked for writability only at the end, and
// could replace an audio file or a device.
static void
test_take_path_is_checked_first_and_written_safely(void)
{
  char why[512];
  CHECK(md_recorder_check_path(test_path("no-such-folder/take.yaml"), why, sizeof why) == MIXDOWN_ERR_BAD_ARG &&
        strstr(why, "its folder does not exist"));
  CHECK(md_recorder_check_path("/proc/self/take.yaml", why, sizeof why) == MIXDOWN_ERR_BAD_ARG &&
        strstr(why, "cannot write the take in `/proc/self`"));
  CHECK(md_recorder_check_path("/dev/null", why, sizeof why) == MIXDOWN_ERR_BAD_ARG && strstr(why, "a device"));
  test_write_dc(test_path("song.wav"), 0.5f, 0.1, 1U, RATE);
  CHECK(md_recorder_check_path(test_path("song.wav"), why, sizeof why) == MIXDOWN_ERR_BAD_ARG &&
        strstr(why, "an audio file"));
  mkdir(test_path("takes"), 0755);
  CHECK(md_recorder_check_path(test_path("takes/"), why, sizeof why) == MIXDOWN_ERR_BAD_ARG);
  CHECK(md_recorder_check_path(test_path("takes/take.yaml"), why, sizeof why) == MIXDOWN_SUCCESS);
  CHECK(!has_partial_file(test_path("takes")));
  // A link planted where the old code wrote: it is not followed.
  test_write_dc(test_path("r.wav"), 0.5f, 1.0, 1U, RATE);
  FILE* f = fopen(test_path("takes/src.yaml"), "w");
  fputs("mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: a, file: ../r.wav}\n", f);
  fclose(f);
  f = fopen(test_path("victim.txt"), "w");
  fputs("precious\n", f);
  fclose(f);
  char take[600], planted[700];
  snprintf(take, sizeof take, "%s", test_path("takes/take.yaml"));
  snprintf(planted, sizeof planted, "%s.partial", take);
  CHECK(symlink(test_path("victim.txt"), planted) == 0);
  MixdownSession* s = NULL;
  CHECK(mixdown_session_open_file(test_path("takes/src.yaml"), NULL, NULL, &s) == MIXDOWN_SUCCESS);
  if (!s) {
    return;
  }
  MdRecorder*         rec  = md_recorder_new(RATE);
  const MdAppliedMove move = {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -6.0}, 4800};
  CHECK(md_recorder_keep_session(rec, s, why, sizeof why) == MIXDOWN_SUCCESS && md_recorder_add(rec, &move));
  remove(test_path("takes/src.yaml")); // gone by the end of the performance: the take is still written
  MdRecordReport report;
  CHECK_MSG(md_recorder_write(rec, s, RATE, 0.005, take, &report, why, sizeof why) == MIXDOWN_SUCCESS, "%s", why);
  md_recorder_free(rec);
  char   text[64] = "";
  FILE*  v        = fopen(test_path("victim.txt"), "r");
  size_t got      = v ? fread(text, 1U, sizeof text - 1U, v) : 0U;
  text[got]       = '\0';
  if (v) {
    fclose(v);
  }
  CHECK_MSG(!strcmp(text, "precious\n"), "the planted link was followed: the victim holds %s", text);
  struct stat st;
  CHECK(lstat(planted, &st) == 0 && S_ISLNK(st.st_mode)); // untouched too
  remove(planted);
  CHECK(!has_partial_file(test_path("takes")));
  MixdownSession* copy = NULL;
  CHECK(mixdown_session_open_file(take, NULL, NULL, &copy) == MIXDOWN_SUCCESS && copy->nodes[0].gain_db.envelope);
  mixdown_session_free(copy);
  CHECK(stat(take, &st) == 0 && (st.st_mode & 0044) == (0644 & ~umask(022) & 0044)); // not private
  mixdown_session_free(s);
}

/* ------------------------------------------------------------------------ */
/* OSC under abuse                                                           */

static struct sockaddr_storage
ipv4(const char* host, int port)
{
  struct sockaddr_storage a  = {0};
  struct sockaddr_in*     in = (struct sockaddr_in*)&a;
  in->sin_family             = AF_INET;
  in->sin_port               = htons((uint16_t)port);
  inet_pton(AF_INET, host, &in->sin_addr);
  return a;
}

// Issue 16.9: the docs' own example (subscribe with a reply port, from
// oscsend's throw-away port) could never unsubscribe, and a subscription
// never ended.
static void
test_meter_subscriptions_cancel_expire_and_are_capped(void)
{
  MdSubscribers           subs    = {0};
  const socklen_t         len     = sizeof(struct sockaddr_in);
  struct sockaddr_storage reply   = ipv4("127.0.0.1", 9001);
  struct sockaddr_storage sender  = ipv4("127.0.0.1", 40001); // oscsend's port, this time
  struct sockaddr_storage sender2 = ipv4("127.0.0.1", 40002); // …and the next
  struct sockaddr_storage other   = ipv4("127.0.0.2", 9001);
  CHECK(md_subscribers_add(&subs, &reply, len, 0.0, 10.0, 100.0) == MD_SUBSCRIBE_NEW && subs.n == 1);
  CHECK(subs.items[0].interval_s == 0.1);
  CHECK(md_subscribers_add(&subs, &other, len, 50.0, 10.0, 100.0) == MD_SUBSCRIBE_NEW && subs.n == 2);
  // /meters/unsubscribe from another port of the same host: the docs' example.
  CHECK(md_subscribers_remove(&subs, &sender2, 0) == 1 && subs.n == 1);
  CHECK(subs.items[0].address.ss_family == AF_INET &&
        ((struct sockaddr_in*)&subs.items[0].address)->sin_addr.s_addr == htonl(0x7f000002));
  // With the reply port: only that one.
  CHECK(md_subscribers_add(&subs, &reply, len, 10.0, 10.0, 100.0) == MD_SUBSCRIBE_NEW);
  CHECK(md_subscribers_add(&subs, &sender, len, 10.0, 10.0, 100.0) == MD_SUBSCRIBE_NEW && subs.n == 3);
  CHECK(md_subscribers_remove(&subs, &sender2, 9001) == 1 && subs.n == 2);
  CHECK(md_subscribers_remove(&subs, &sender2, 9001) == 0);
  // Not renewed for 10 s: gone; renewed: kept.
  subs = (MdSubscribers){0};
  md_subscribers_add(&subs, &reply, len, 10.0, 10.0, 100.0);
  md_subscribers_add(&subs, &other, len, 10.0, 10.0, 100.0);
  CHECK(md_subscribers_add(&subs, &reply, len, 10.0, 10.0, 109.0) == MD_SUBSCRIBE_RENEWED && subs.n == 2);
  struct sockaddr_storage first;
  CHECK(md_subscribers_expire(&subs, 109.9, &first) == 0);
  CHECK(md_subscribers_expire(&subs, 110.0, &first) == 1 && subs.n == 1);
  char name[80];
  md_subscribers_name(&first, name, sizeof name);
  CHECK_MSG(!strcmp(name, "127.0.0.2:9001"), "%s", name);
  CHECK(md_subscribers_expire(&subs, 119.0, NULL) == 1 && subs.n == 0);
  // At most 8.
  for (int k = 0; k < 20; ++k) {
    struct sockaddr_storage a = ipv4("10.0.0.1", 1000 + k);
    CHECK(md_subscribers_add(&subs, &a, len, 10.0, 10.0, 0.0) == (k < 8 ? MD_SUBSCRIBE_NEW : MD_SUBSCRIBE_FULL));
  }
  CHECK(subs.n == MD_SUBSCRIBERS_MAX);
}

// Issue 16.9: 942 MB of warnings in 25 s of fuzzing.  At most 10 a
// second, and the count of the rest.
static void
test_warnings_are_rate_limited(void)
{
  MdRateLimit limit   = md_rate_limit_init(10U);
  uint32_t    allowed = 0U, suppressed = 0U, told = 0U;
  for (int k = 0; k < 100000; ++k) { // 100000 warnings within 0.5 s
    allowed += md_rate_limit_allow(&limit, 5.0 + k * 5e-6, &suppressed);
    told += suppressed;
  }
  CHECK(allowed == 10U && told == 0U);
  CHECK(md_rate_limit_flush(&limit, 5.9, false) == 0U);     // the second is not over
  CHECK(md_rate_limit_flush(&limit, 6.0, false) == 99990U); // it is: the count, once
  CHECK(md_rate_limit_flush(&limit, 7.0, false) == 0U);
  // The count also comes before the first line of the next second.
  for (int k = 0; k < 15; ++k) {
    md_rate_limit_allow(&limit, 8.0, &suppressed);
  }
  CHECK(md_rate_limit_allow(&limit, 9.5, &suppressed) && suppressed == 5U);
  // At the end, whatever is left.
  for (int k = 0; k < 12; ++k) {
    md_rate_limit_allow(&limit, 9.6, &suppressed);
  }
  CHECK(md_rate_limit_flush(&limit, 9.6, true) == 3U);
}

/* ------------------------------------------------------------------------ */
/* Hostile numbers: a real player, headless (no JACK)                        */

static const char hostile_yaml[] =
  "mixdown: 1\nsample_rate: 48000\n"
  "tracks:\n"
  "  - {name: a, file: h.wav, sends: [{to: fx, level_db: -12}],\n"
  "     inserts: [{type: eq, bands: [{type: bell, freq: 440, gain_db: 0}]}, {type: saturation}, {type: compressor}]}\n"
  "buses:\n  - {name: fx, inserts: [{type: delay, time_ms: 50}]}\n"
  "master: {inserts: [{type: limiter, true_peak: true}]}\n";

typedef struct {
  MixdownSession* session;
  MdPlayer*       player;
  uint64_t        non_finite; ///< Samples that were NaN or infinite
  float           peak;       ///< Of the last run_periods()
} TestPlayer;

// Runs `periods` periods of 256 frames, as JACK would; counts samples that
// are not finite.
static void
run_periods(TestPlayer* t, int periods)
{
  float left[256], right[256];
  t->peak = 0.0F;
  for (int k = 0; k < periods; ++k) {
    md_player_process(t->player, left, right, 256U);
    for (uint32_t i = 0U; i < 256U; ++i) {
      t->non_finite += !isfinite(left[i]) + !isfinite(right[i]);
      t->peak = fmaxf(t->peak, fmaxf(fabsf(left[i]), fabsf(right[i])));
    }
  }
}

// Runs periods until the transport rolls (it waits for the disk thread to
// fill its rings after a start or a locate); false if it never does.
static bool
wait_rolling(TestPlayer* t)
{
  MdPlayerStatus before, now;
  run_periods(t, 1); // commands sent are taken
  md_player_status(t->player, &before);
  now = before;
  for (int k = 0; k < 5000 && now.position_s == before.position_s; ++k) {
    md_sleep_seconds(0.001);
    run_periods(t, 1);
    md_player_status(t->player, &now);
  }
  CHECK_MSG(now.position_s != before.position_s, "the transport does not roll");
  return now.position_s != before.position_s;
}

// A headless player of `yaml` over a 440 Hz sine (h.wav, 3 s), started
// and playing; false when it could not be made.
static bool
start_headless(const char* yaml, TestPlayer* t)
{
  if (!mixdown_has_feature(MIXDOWN_FEATURE_JACK)) {
    test_skip("this build has no live player (meson -Djack=disabled)");
  }
  memset(t, 0, sizeof *t);
  test_write_sine(test_path("h.wav"), 440.0, 0.5, 3.0, 1U, RATE);
  t->session = test_open_yaml(yaml);
  if (!t->session) {
    return false;
  }
  const MdPlayerOptions options = {.client_name = "test", .record = true, .meter_hz = 20.0, .headless = true,
                                   .headless_period = 256U};
  MixdownStatus st = MIXDOWN_SUCCESS;
  char          why[512];
  t->player = md_player_new(t->session, &options, &st, why, sizeof why);
  CHECK_MSG(t->player, "headless player: %s", why);
  if (!t->player || md_player_start(t->player, why, sizeof why)) {
    CHECK_MSG(false, "start: %s", why);
    md_player_free(t->player);
    mixdown_session_free(t->session);
    return false;
  }
  return wait_rolling(t);
}

static void
stop_headless(TestPlayer* t)
{
  md_player_free(t->player);
  mixdown_session_free(t->session);
}

// Sends what md_control_parse() accepts; returns whether it did.
static bool
send_move(TestPlayer* t, const char* address, const double* values, uint32_t n, char* note, size_t size)
{
  MdCommand cmd;
  if (!md_control_parse(t->session, address, values, n, &cmd, note, size)) {
    return false;
  }
  CHECK(md_player_send(t->player, &cmd));
  return true;
}

// Issue 16.1, 16.2: a time that is NaN, infinite or past a day killed the
// audio thread (llround() gave INT64_MIN); a NaN fader reached the output.
// Every one is refused with the reason, and the player plays on, finite.
static void
test_hostile_numbers_are_refused_and_the_player_survives(void)
{
  TestPlayer t;
  if (!start_headless(hostile_yaml, &t)) {
    return;
  }
  static const struct {
    const char* address;
    double      values[2];
    uint32_t    n;
    const char* says;
  } hostile[] = {
    {"/track/a/gain_db", {NAN}, 1U, "not a number"},
    {"/track/a/gain_db", {INFINITY}, 1U, "infinite"},
    {"/track/a/gain_db", {-INFINITY}, 1U, "infinite"},
    {"/track/a/pan", {NAN}, 1U, "not a number"},
    {"/track/a/mute", {NAN}, 1U, "not a number"},
    {"/track/a/solo", {INFINITY}, 1U, "infinite"},
    {"/track/a/send/fx/level_db", {NAN}, 1U, "not a number"},
    {"/track/a/insert/1/bands/1/gain_db", {NAN}, 1U, "not a number"},
    {"/track/a/insert/1/bands/1/freq", {INFINITY}, 1U, "infinite"},
    {"/track/a/insert/saturation/drive_db", {NAN}, 1U, "not a number"},
    {"/track/a/insert/saturation/mode", {NAN}, 1U, "not a number"},
    {"/track/a/insert/compressor/threshold_db", {-INFINITY}, 1U, "infinite"},
    {"/bus/fx/insert/delay/time_ms", {NAN}, 1U, "not a number"},
    {"/master/insert/limiter/ceiling_db", {NAN}, 1U, "not a number"},
    {"/master/gain_db", {NAN}, 1U, "not a number"},
    {"/transport/locate", {NAN}, 1U, "not a number"},
    {"/transport/locate", {INFINITY}, 1U, "infinite"},
    {"/transport/locate", {-INFINITY}, 1U, "infinite"},
    {"/transport/locate", {1e15}, 1U, "above the valid range"},
    {"/transport/locate", {86400.5}, 1U, "above the valid range"},
    {"/transport/locate", {-1.0}, 1U, "below the valid range"},
    {"/transport/loop", {NAN, 3.0}, 2U, "not a number"},
    {"/transport/loop", {1.0, INFINITY}, 2U, "infinite"},
    {"/transport/loop", {1e15, 2e15}, 2U, "above the valid range"},
  };
  for (size_t k = 0U; k < sizeof hostile / sizeof hostile[0]; ++k) {
    char       note[400] = "";
    const bool accepted  = send_move(&t, hostile[k].address, hostile[k].values, hostile[k].n, note, sizeof note);
    CHECK_MSG(!accepted && strstr(note, hostile[k].says), "%s %g: %s (expected refused: %s)", hostile[k].address,
              hostile[k].values[0], accepted ? "accepted" : note, hostile[k].says);
    run_periods(&t, 4);
    CHECK_MSG(t.non_finite == 0U, "after %s %g: %llu samples not finite", hostile[k].address, hostile[k].values[0],
              (unsigned long long)t.non_finite);
    t.non_finite = 0U;
  }
  // It still plays from where it is told, and still takes moves.
  MdPlayerStatus status;
  md_player_status(t.player, &status);
  CHECK(status.playing && !status.failed);
  char         note[400];
  const double from  = 0.5;
  const double muted = 1.0;
  CHECK(send_move(&t, "/transport/locate", &from, 1U, note, sizeof note));
  wait_rolling(&t);
  run_periods(&t, 20);
  CHECK_MSG(t.peak > 0.05F, "peak %g: it does not play after the hostile values", (double)t.peak);
  CHECK(send_move(&t, "/master/mute", &muted, 1U, note, sizeof note));
  run_periods(&t, 2);
  run_periods(&t, 20);
  CHECK_MSG(t.peak == 0.0F && t.non_finite == 0U, "muted master: peak %g", (double)t.peak);
  stop_headless(&t);
}

// A headless player with `options` of one track over a 440 Hz sine (h.wav,
// 3 s), started; false when it could not be made.
static bool
start_plain(const MdPlayerOptions* options, TestPlayer* t)
{
  memset(t, 0, sizeof *t);
  test_write_sine(test_path("h.wav"), 440.0, 0.5, 3.0, 1U, RATE);
  t->session = test_open_yaml("mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: a, file: h.wav}\n");
  if (!t->session) {
    return false;
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  char          why[512];
  t->player = md_player_new(t->session, options, &st, why, sizeof why);
  CHECK_MSG(t->player && !md_player_start(t->player, why, sizeof why), "player: %s", why);
  if (!t->player) {
    mixdown_session_free(t->session);
    return false;
  }
  return true;
}

// mixdown serve starts stopped (options.start_stopped): periods run, the
// transport stays at its start and plays silence until a PLAY command.
static void
test_a_player_started_stopped_waits_for_play(void)
{
  if (!mixdown_has_feature(MIXDOWN_FEATURE_JACK)) {
    test_skip("this build has no live player (meson -Djack=disabled)");
  }
  TestPlayer            t;
  const MdPlayerOptions options = {.client_name = "test", .headless = true, .headless_period = 256U,
                                   .start_stopped = true, .from_s = 1.0};
  if (!start_plain(&options, &t)) {
    return;
  }
  MdPlayerStatus status;
  for (int k = 0; k < 200; ++k) { // a second of periods, the disk thread given time to fill
    run_periods(&t, 1);
    CHECK_MSG(t.peak == 0.0F, "period %d: peak %g while stopped", k, (double)t.peak);
    md_sleep_seconds(0.001);
  }
  md_player_status(t.player, &status);
  CHECK_MSG(!status.playing && status.position_s == 1.0, "playing %d at %.6f s", status.playing, status.position_s);
  const MdCommand play = {.kind = MD_COMMAND_PLAY};
  CHECK(md_player_send(t.player, &play));
  CHECK(wait_rolling(&t));
  run_periods(&t, 20);
  CHECK_MSG(t.peak > 0.2F, "peak %g after PLAY", (double)t.peak);
  stop_headless(&t);
}

// The loop the audio thread plays is what the status says (mixdown serve
// shows a loop set over OSC from it): the one the player started with,
// then each command's once a period has taken it, clamped to the session.
static void
test_the_status_says_the_loop_played(void)
{
  if (!mixdown_has_feature(MIXDOWN_FEATURE_JACK)) {
    test_skip("this build has no live player (meson -Djack=disabled)");
  }
  TestPlayer            t;
  const MdPlayerOptions options = {.client_name = "test", .headless = true, .headless_period = 256U,
                                   .loop = true, .loop_from_s = 0.5, .loop_to_s = 1.25};
  if (!start_plain(&options, &t)) {
    return;
  }
  MdPlayerStatus status;
  md_player_status(t.player, &status);
  CHECK_MSG(status.loop && status.loop_from_s == 0.5 && status.loop_to_s == 1.25,
            "at the start: loop %d %g … %g s", status.loop, status.loop_from_s, status.loop_to_s);
  const uint64_t changes = status.loop_changes;
  char           note[400];
  const double   loop[2] = {1.0, 5.0}; // past the session's end: played to its end
  CHECK(send_move(&t, "/transport/loop", loop, 2U, note, sizeof note));
  md_player_status(t.player, &status);
  CHECK_MSG(status.loop_from_s == 0.5 && status.loop_changes == changes, "before a period took it: %g s",
            status.loop_from_s);
  run_periods(&t, 1);
  md_player_status(t.player, &status);
  CHECK_MSG(status.loop && status.loop_from_s == 1.0 && status.loop_to_s == status.length_s && status.length_s < 5.0 &&
                status.loop_changes == changes + 1U,
            "after a period: loop %d %g … %g s (%llu changes)", status.loop, status.loop_from_s, status.loop_to_s,
            (unsigned long long)status.loop_changes);
  CHECK(send_move(&t, "/transport/loop", NULL, 0U, note, sizeof note));
  run_periods(&t, 1);
  md_player_status(t.player, &status);
  CHECK_MSG(!status.loop && status.loop_changes == changes + 2U, "loop off: loop %d", status.loop);
  stop_headless(&t);
}

// mixdown serve's undo puts an envelope a move took over back in the text;
// md_engine_live_resume() makes it play again: a glide over one block from
// where the value is, then the envelope (fader, insert number, mute).  A
// second resume changes nothing; a move after it takes the envelope over
// again.
static void
test_live_envelopes_given_back(void)
{
  TestFeed        feed = {.value = 0.5f};
  MixdownSession* s    = NULL;
  MixdownEngine*  e    = NULL;
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: a, file: d.wav, pan_law: 0, gain_db: {points: [[0, 0], [2, -40]]},\n"
                 "     inserts: [{type: gain, gain_db: {points: [[0, -5], [1.1, -5], [1.2, -12], [3, -12]]}}]}\n",
                 4.0, &feed, 256U, &s, &e)) {
    return;
  }
  float*             l        = calloc(RATE, sizeof(float));
  float*             r        = calloc(RATE, sizeof(float));
  const MdLiveChange fader    = {MD_LIVE_GAIN_DB, 0U, 0U, 0U, -6.0};
  const MdLiveChange insert   = {MD_LIVE_INSERT, 0U, 0U, 0U, -3.0};
  const uint32_t     quarter  = RATE / 4U;
  pull(e, l, r, RATE / 2U); // 0.5 s: the envelopes at -10 and -5 dB (the insert's steps to -12 at 1.1–1.2 s)
  CHECK_NEAR(test_db(l[RATE / 2U - 1U] / 0.5), -15.0, 0.01);
  md_engine_live_set(e, &fader); // taken over: -6 and -3 dB
  md_engine_live_set(e, &insert);
  pull(e, l, r, RATE / 2U);
  CHECK_NEAR(test_db(l[RATE / 2U - 1U] / 0.5), -9.0, 0.01);
  md_engine_live_resume(e, &fader); // given back: at 1.25 s -25 and -12 dB
  md_engine_live_resume(e, &insert);
  pull(e, l, r, quarter);
  CHECK_MSG(fabs(test_db(l[255] / 0.5) - -9.0) < 12.0 && l[0] > l[quarter - 1U], "it glides from -9 dB: %.2f, %.2f dB",
            test_db(l[0] / 0.5), test_db(l[quarter - 1U] / 0.5));
  CHECK_NEAR(test_db(l[quarter - 1U] / 0.5), -37.0, 0.01);
  md_engine_live_resume(e, &fader); // again: it follows the envelope already
  pull(e, l, r, quarter);
  CHECK_NEAR(test_db(l[quarter - 1U] / 0.5), -42.0, 0.01);
  md_engine_live_set(e, &fader); // a move takes it over again
  pull(e, l, r, quarter);
  CHECK_NEAR(test_db(l[quarter - 1U] / 0.5), -18.0, 0.01);
  mixdown_engine_free(e);
  mixdown_session_free(s);
  // A mute envelope (muted from 1 s), unmuted by a move at 0.5 s, given back at 1.5 s.
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: m, file: d.wav, pan_law: 0, mute: {points: [[0, 0], [1, 0], [1.001, 1], [3, 1]]}}\n",
                 4.0, &feed, 256U, &s, &e)) {
    free(l);
    free(r);
    return;
  }
  const MdLiveChange unmute = {MD_LIVE_MUTE, 0U, 0U, 0U, 0.0};
  pull(e, l, r, RATE / 2U);
  md_engine_live_set(e, &unmute);
  pull(e, l, r, RATE);
  CHECK_MSG(fabsf(l[RATE - 1U] - 0.5f) < 1e-6f, "unmuted by the move at 1.5 s: %g", (double)l[RATE - 1U]);
  md_engine_live_resume(e, &unmute);
  pull(e, l, r, quarter);
  CHECK_MSG(l[quarter - 1U] == 0.0f, "the mute envelope given back mutes it at 1.75 s: %g", (double)l[quarter - 1U]);
  mixdown_engine_free(e);
  mixdown_session_free(s);
  // A pan envelope: given back, the output at 1.25 s is that of an engine
  // nobody moved.
  const char* panned = "mixdown: 1\nsample_rate: 48000\n"
                       "tracks:\n  - {name: p, file: d.wav, pan: {points: [[0, -1], [3, 1]]}}\n";
  MixdownSession* s2 = NULL;
  MixdownEngine*  e2 = NULL;
  if (open_live(panned, 4.0, &feed, 256U, &s, &e) && open_live(panned, 4.0, &feed, 256U, &s2, &e2)) {
    const MdLiveChange pan = {MD_LIVE_PAN, 0U, 0U, 0U, 0.9};
    pull(e, l, r, RATE / 2U);
    md_engine_live_set(e, &pan);
    pull(e, l, r, RATE / 2U);
    CHECK_MSG(l[RATE / 2U - 1U] < r[RATE / 2U - 1U], "panned right by the move: %g %g", (double)l[RATE / 2U - 1U],
              (double)r[RATE / 2U - 1U]);
    md_engine_live_resume(e, &pan);
    pull(e, l, r, quarter);
    const float moved[2] = {l[quarter - 1U], r[quarter - 1U]};
    pull(e2, l, r, RATE);
    pull(e2, l, r, quarter);
    CHECK_MSG(fabsf(moved[0] - l[quarter - 1U]) < 1e-6f && fabsf(moved[1] - r[quarter - 1U]) < 1e-6f,
              "the pan given back: %g %g, unmoved %g %g", (double)moved[0], (double)moved[1], (double)l[quarter - 1U],
              (double)r[quarter - 1U]);
  }
  mixdown_engine_free(e);
  mixdown_session_free(s);
  mixdown_engine_free(e2);
  mixdown_session_free(s2);
  free(l);
  free(r);
}

// A move just before a locate or a loop's wrap: the glide lies on the
// timeline it began on, so after the jump it read its start's value until
// the transport came back past its end (a lap of a loop).  A jump ends
// every glide where it was going: the fader, an insert number, a send.
static void
test_live_a_locate_ends_the_glides(void)
{
  TestFeed        feed = {.value = 0.5f};
  MixdownSession* s    = NULL;
  MixdownEngine*  e    = NULL;
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: a, file: d.wav, pan_law: 0, inserts: [{type: gain, gain_db: 0}],\n"
                 "     sends: [{to: fx, level_db: 0}]}\n"
                 "buses:\n  - {name: fx}\n",
                 4.0, &feed, 256U, &s, &e)) {
    return;
  }
  float* l = calloc(RATE, sizeof(float));
  float* r = calloc(RATE, sizeof(float));
  md_engine_enable_live_meters(e);
  pull(e, l, r, RATE);
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_GAIN_DB, 0U, 0U, 0U, -6.0});
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_INSERT, 0U, 0U, 0U, -3.0});
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_SEND_DB, 0U, 0U, 0U, -20.0});
  md_engine_locate(e, RATE / 2); // back to 0.5 s before a frame of the glides played
  float    peak[2] = {0.0F, 0.0F};
  double   sum     = 0.0;
  uint64_t frames  = 0U;
  pull(e, l, r, RATE / 20U); // the gain processor's own smoothing of a new value
  for (uint32_t node = 0U; node < 2U; ++node) {
    md_engine_live_meter(e, node, &peak[node], &sum, &frames); // what played before: forgotten
  }
  pull(e, l, r, RATE / 4U);
  for (uint32_t node = 0U; node < 2U; ++node) {
    md_engine_live_meter(e, node, &peak[node], &sum, &frames);
  }
  // From 50 to 300 ms after the jump (before, the glides' start values
  // until the transport passed 1 s again): the track at -6 - 3 dB, the
  // send 20 dB under it.
  CHECK_NEAR(test_db(peak[0] / 0.5), -9.0, 0.01);
  CHECK_NEAR(test_db(peak[1] / 0.5), -29.0, 0.01);
  mixdown_engine_free(e);
  mixdown_session_free(s);
  free(l);
  free(r);
}

const TestCase live_tests[] = {
  {"live: the status says the loop the audio thread plays, once a period took it", test_the_status_says_the_loop_played},
  {"live: a player started stopped plays silence where it is until PLAY", test_a_player_started_stopped_waits_for_play},
  {"live: every processor gives the same output in blocks of 64 or 37 as of 1024", test_every_processor_is_block_size_invariant},
  {"live: a mute envelope (a recorded mute) plays offline", test_mute_envelope_plays_offline},
  {"live: the ring wraps and counts frames exactly", test_ring_wraps_and_counts},
  {"live: the command queue is first in, first out, and bounded", test_queue_is_fifo_and_bounded},
  {"live: control addresses come from the parameter tables", test_control_addresses_come_from_the_tables},
  {"live: fader, mute, solo, sends and polarity glide over one block", test_live_moves_glide_over_one_block},
  {"live: a solo elsewhere gives a strip its mute envelope back", test_live_solo_gives_a_mute_envelope_back},
  {"live: insert values glide; a move takes an envelope over", test_live_insert_values_and_envelopes_taken_over},
  {"live: an envelope a move took over is given back: a glide, then the envelope", test_live_envelopes_given_back},
  {"live: a locate (a loop's wrap) ends every glide where it was going", test_live_a_locate_ends_the_glides},
  {"live: locate drops the latency; a loop's end stops a pull", test_live_locate_and_loop_limit},
  {"live: the disk thread plays exactly what render writes", test_feeder_plays_what_render_writes},
  {"live: a stalled disk thread gives silence, counted", test_feeder_stall_is_silence_not_a_crash},
  {"live: recorded moves become envelopes in a session copy", test_recorded_moves_become_envelopes},
  {"live: a take holds a choice or switch as its last value, and loads; a move with no place costs itself only",
   test_take_holds_choices_as_constants_and_survives_a_bad_move},
  {"live: the recorder folds moves within 10 ms and keeps at most 2^20", test_recorder_memory_is_bounded},
  {"live: the take's path is checked before playing; a planted link is not followed",
   test_take_path_is_checked_first_and_written_safely},
  {"live: meter subscriptions cancel from any port of the host, expire after 10 s, at most 8",
   test_meter_subscriptions_cancel_expire_and_are_capped},
  {"live: OSC warnings: at most 10 a second, then the count of the rest", test_warnings_are_rate_limited},
  {"live: NaN, infinite and far-off numbers are refused; a real player survives them, finite",
   test_hostile_numbers_are_refused_and_the_player_survives},
  {NULL, NULL},
};
