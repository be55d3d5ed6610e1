// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Insert bypass (`bypass: true|false`, /track/T/insert/N/bypass) and the
// live insert read-outs, measured: a bypassed insert nulls against the
// session without it (its latency kept, so nothing else moves), and
// against the processor replaced by a pure delay of that latency;
// `bypass: false` renders the bytes of a session without the key; a live
// bypass crossfades with no step larger than the signal's own; a reverb
// bypassed mid-song stops (its tail is cut by the fade) and comes back
// from silence; the address, the control parser and the take; and a
// compressor's live gain reduction read through a headless player equals
// the offline insert meter.

#include "support.h"

#include "engine/engine.h"
#include "live/control.h"
#include "live/player.h"
#include "live/record.h"
#include "platform/clock.h"
#include "session/address.h"
#include "session/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U

/* ------------------------------------------------------------------------ */
/* Offline: bypass true nulls, bypass false changes nothing                  */

static void
write_sources(void)
{
  const uint32_t frames = RATE; // 1 s
  float*         noise  = malloc(2U * frames * sizeof(float));
  uint32_t       seed   = 17U;
  for (uint32_t i = 0U; noise && i < 2U * frames; ++i) {
    noise[i] = (float)(0.3 * test_noise(&seed));
  }
  if (noise) {
    test_write_wav(test_path("bn.wav"), noise, frames, 2U, RATE);
  }
  free(noise);
  test_write_sine(test_path("bs.wav"), 220.0, 0.5, 1.0, 1U, RATE);
}

// Every output sample the same, bit for bit (and the same length).
static bool
same_bytes(const TestMix* a, const TestMix* b)
{
  return a->frames == b->frames && !memcmp(a->left, b->left, a->frames * sizeof(float)) &&
         !memcmp(a->right, b->right, a->frames * sizeof(float));
}

// The level of a − b against a, in dB (−inf: identical).
static double
null_db(const TestMix* a, const TestMix* b)
{
  if (a->frames != b->frames) {
    return INFINITY;
  }
  double diff = 0.0, ref = 0.0;
  for (uint64_t i = 0U; i < a->frames; ++i) {
    const double dl = (double)a->left[i] - b->left[i];
    const double dr = (double)a->right[i] - b->right[i];
    diff += dl * dl + dr * dr;
    ref += (double)a->left[i] * a->left[i] + (double)a->right[i] * a->right[i];
  }
  return diff == 0.0 ? -INFINITY : 10.0 * log10(diff / ref);
}

// Track a: stereo noise through an EQ (zero latency) and a reverb (a tail
// of seconds); track b: a sine through a lookahead compressor that works
// hard (240 frames of latency); a bus with a limiter (its own latency).
#define BYPASS_SESSION(A_INSERTS, B_INSERTS, FX_INSERTS)                                          \
  "mixdown: 1\nsample_rate: 48000\n"                                                               \
  "tracks:\n"                                                                                      \
  "  - {name: a, file: bn.wav, sends: [{to: fx, level_db: -6}], inserts: [" A_INSERTS "]}\n"      \
  "  - {name: b, file: bs.wav, pan: 0.3, inserts: [" B_INSERTS "]}\n"                             \
  "buses:\n  - {name: fx, inserts: [" FX_INSERTS "]}\n"

#define EQ         "{type: eq, bands: [{type: bell, freq: 1000, gain_db: 12, q: 1}]"
#define VERB       "{type: reverb, mix: 0.7, decay_s: 3"
#define COMP       "{type: compressor, threshold_db: -40, ratio: 10, knee_db: 0, lookahead_ms: 5"
#define LIMITER    "{type: limiter, ceiling_db: -20"

static void
test_bypass_true_nulls_against_none_with_latency_kept(void)
{
  write_sources();
  TestMix bypassed = {0}, none = {0}, delay = {0};
  if (!test_render_yaml(BYPASS_SESSION(EQ ", bypass: true}, " VERB ", bypass: true}", COMP ", bypass: true}",
                                       LIMITER ", bypass: true}"),
                        &bypassed) ||
      !test_render_yaml(BYPASS_SESSION("", "", ""), &none)) {
    test_mix_free(&bypassed);
    test_mix_free(&none);
    return;
  }
  // The latencies are kept (the compressor's 240 frames and the limiter's):
  // the plan aligns the same as with the processors in, and drops them.
  CHECK_MSG(bypassed.latency >= 240U && none.latency == 0U, "latency %u (bypassed), %u (none)", bypassed.latency,
            none.latency);
  // Bypassed, the reverb's tail does not lengthen `length: auto`.
  CHECK_MSG(bypassed.frames == none.frames, "%llu frames bypassed, %llu without",
            (unsigned long long)bypassed.frames, (unsigned long long)none.frames);
  CHECK_MSG(same_bytes(&bypassed, &none), "bypassed vs no inserts: null %.1f dB", null_db(&bypassed, &none));
  // Against the compressor replaced by a pure delay of its latency (a
  // lookahead compressor whose threshold is never reached), the limiter by
  // one of its own.
  if (test_render_yaml(BYPASS_SESSION("", "{type: compressor, threshold_db: 0, knee_db: 0, lookahead_ms: 5}",
                                      "{type: limiter, ceiling_db: 0}"),
                       &delay)) {
    CHECK_MSG(delay.latency == bypassed.latency, "pure delays: latency %u, bypassed %u", delay.latency,
              bypassed.latency);
    const double n = null_db(&bypassed, &delay);
    CHECK_MSG(n < -120.0, "bypassed vs pure delays of the latency: null %.1f dB", n);
  }
  test_mix_free(&bypassed);
  test_mix_free(&none);
  test_mix_free(&delay);
}

static void
test_bypass_false_renders_the_same_bytes(void)
{
  write_sources();
  TestMix with_key = {0}, without = {0};
  if (test_render_yaml(BYPASS_SESSION(EQ ", bypass: false}, " VERB ", bypass: false}", COMP ", bypass: false}",
                                      LIMITER ", bypass: false}"),
                       &with_key) &&
      test_render_yaml(BYPASS_SESSION(EQ "}, " VERB "}", COMP "}", LIMITER "}"), &without)) {
    CHECK_MSG(same_bytes(&with_key, &without), "bypass: false vs no key: null %.1f dB", null_db(&with_key, &without));
    CHECK(test_rms_db(without.left, without.frames) > -60.0); // something was rendered
  }
  test_mix_free(&with_key);
  test_mix_free(&without);
}

/* ------------------------------------------------------------------------ */
/* Live: the crossfade, and a tail                                           */

// A live feed: a 440 Hz sine of 0.5 on every track until `until` (frames),
// then silence.
typedef struct {
  int64_t until;
} SineFeed;

static float
sine_at(int64_t t)
{
  return (float)(0.5 * sin(2.0 * M_PI * 440.0 * (double)t / RATE));
}

static bool
sine_feed(void* user, uint32_t track, int64_t t, uint32_t frames, float* const* out, uint32_t channels)
{
  (void)track;
  const SineFeed* f = user;
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < frames; ++i) {
      out[c][i] = t + (int64_t)i < f->until ? sine_at(t + (int64_t)i) : 0.0F;
    }
  }
  return true;
}

static bool
open_live(const char* yaml, SineFeed* feed, MixdownSession** s, MixdownEngine** e)
{
  char why[400];
  test_write_dc(test_path("bd.wav"), 0.5f, 2.0, 1U, RATE); // the length; the feed plays
  *e = NULL;
  *s = test_open_yaml(yaml);
  if (*s && mixdown_engine_new(*s, e, why, sizeof why)) {
    test_fail(__FILE__, __LINE__, "engine: %s", why);
  }
  if (*e && md_engine_go_live(*e, *s, 256U, sine_feed, feed)) {
    test_fail(__FILE__, __LINE__, "go live");
    mixdown_engine_free(*e);
    *e = NULL;
  }
  if (!*e) {
    mixdown_session_free(*s);
  }
  return *e != NULL;
}

static void
pull(MixdownEngine* e, float* l, float* r, uint32_t n)
{
  uint32_t got = 0U;
  CHECK(mixdown_engine_pull(e, l, r, n, &got) == MIXDOWN_SUCCESS && got == n);
}

// The largest step between two neighbouring samples of x[from, to).
static double
max_step(const float* x, uint32_t from, uint32_t to)
{
  double step = 0.0;
  for (uint32_t i = from + 1U; i < to; ++i) {
    step = fmax(step, fabs((double)x[i] - x[i - 1U]));
  }
  return step;
}

// The first frame of [from, to) from which left and right are the input
// exactly (input frame = output frame + `offset`) to the end; `to` if none.
static uint32_t
exact_from(const float* l, const float* r, uint32_t from, uint32_t to, int64_t offset)
{
  uint32_t first = to;
  while (first > from && l[first - 1U] == sine_at(first - 1U + offset) && r[first - 1U] == sine_at(first - 1U + offset)) {
    --first;
  }
  return first;
}

static void
set_bypass(MixdownEngine* e, uint32_t node, uint32_t insert, double on)
{
  md_engine_live_set(e, &(MdLiveChange){MD_LIVE_BYPASS, node, insert, 0U, on});
}

// A compressor taking ~25 dB off a sine, bypassed and put back live: at
// each switch no step between samples is larger than the louder signal's
// own (an instant switch steps by up to 0.45); bypassed, the output is the
// input exactly (its lookahead latency kept: output frame k is input k).
static void
test_live_bypass_crossfades_without_a_click(void)
{
  SineFeed        feed = {INT64_MAX};
  MixdownSession* s    = NULL;
  MixdownEngine*  e    = NULL;
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: a, file: bd.wav, pan_law: 0, inserts: [" COMP ", attack_ms: 1, release_ms: 20}]}\n",
                 &feed, &s, &e)) {
    return;
  }
  const uint32_t half = RATE / 2U;
  float*         l    = calloc(2U * half, sizeof(float));
  float*         r    = calloc(2U * half, sizeof(float));
  pull(e, l, r, half); // 0 … 0.5 s: compressed
  const double compressed_db = test_rms_db(l + half / 2U, half / 2U);
  CHECK_MSG(compressed_db < -20.0, "the compressor takes %.1f dB off", -3.0 - compressed_db);
  set_bypass(e, 0U, 0U, 1.0);
  pull(e, l + half, r + half, half); // 0.5 … 1 s: bypassed
  // The signal's own largest step: the dry sine's, well after the switch.
  const double signal = max_step(l, half + 4096U, 2U * half);
  CHECK_NEAR(signal, 0.5 * 2.0 * sin(M_PI * 440.0 / RATE), 1e-4);
  // The switch: from the last compressed block up to the first frame from
  // which the output is the input exactly (the fade's end, within 2 blocks).
  const uint32_t dry_from = exact_from(l, r, half, 2U * half, 0);
  CHECK_MSG(dry_from > half && dry_from <= half + 512U, "the output is the input from frame %u (switch at %u)",
            dry_from, half);
  const double at = max_step(l, half - 256U, dry_from + 1U);
  CHECK_MSG(at < signal, "the switch steps by %.5f, the signal by %.5f", at, signal);
  // Put back: it starts from rest (reset) and compresses again; the
  // switch runs from the last frame that is still the input exactly.
  set_bypass(e, 0U, 0U, 0.0);
  pull(e, l, r, half); // 1 … 1.5 s
  uint32_t still = 0U;
  while (still < 512U && l[still] == sine_at(2 * half + still)) {
    ++still;
  }
  CHECK_MSG(still > 0U && still < 512U, "put back: the input alone until frame %u", still);
  const double back = max_step(l, still - 1U, still + 2048U);
  CHECK_MSG(back < signal, "putting it back steps by %.5f, the signal by %.5f", back, signal);
  CHECK_NEAR(test_rms_db(l + half / 2U, half / 2U), compressed_db, 0.1);
  mixdown_engine_free(e);
  mixdown_session_free(s);
  free(l);
  free(r);
}

// A reverb bypassed mid-song stops: it is no longer fed, and what it held
// is cut by the fade, not played (the output is the input exactly, then
// exact silence when the input stops).  Put back later it starts from
// silence: nothing of what it held before the bypass comes out.
static void
test_live_bypassed_reverb_tail_is_cut_and_not_replayed(void)
{
  SineFeed        feed = {RATE / 2U}; // the sine stops at 0.5 s
  MixdownSession* s    = NULL;
  MixdownEngine*  e    = NULL;
  if (!open_live("mixdown: 1\nsample_rate: 48000\n"
                 "tracks:\n  - {name: a, file: bd.wav, pan_law: 0, inserts: [{type: reverb, mix: 1, decay_s: 4}]}\n",
                 &feed, &s, &e)) {
    return;
  }
  const uint32_t quarter = RATE / 4U;
  float*         l       = calloc(quarter, sizeof(float));
  float*         r       = calloc(quarter, sizeof(float));
  pull(e, l, r, quarter); // 0 … 0.25 s: all reverb
  uint32_t wet = 0U;
  for (uint32_t i = 0U; i < quarter; ++i) {
    wet += l[i] != sine_at(i);
  }
  CHECK(wet > quarter / 2U && test_rms_db(l, quarter) > -30.0);
  set_bypass(e, 0U, 0U, 1.0);
  pull(e, l, r, quarter); // 0.25 … 0.5 s: the dry sine on both sides (a mono source, a stereo insert)
  uint32_t differ = 0U;
  for (uint32_t i = 512U; i < quarter; ++i) {
    differ += l[i] != sine_at(quarter + i) || r[i] != sine_at(quarter + i);
  }
  CHECK_MSG(differ == 0U, "%u samples after the fade are not the dry input", differ);
  pull(e, l, r, quarter); // 0.5 … 0.75 s: the input stopped; bypassed, no tail
  CHECK_MSG(test_peak_db(l, quarter) < -300.0 && test_peak_db(r, quarter) < -300.0, "after the input: %.1f dB",
            test_peak_db(l, quarter));
  set_bypass(e, 0U, 0U, 0.0);
  pull(e, l, r, quarter); // 0.75 … 1 s: back in, on silence
  CHECK_MSG(test_peak_db(l, quarter) < -300.0 && test_peak_db(r, quarter) < -300.0,
            "put back, the reverb plays %.1f dB of what it held", test_peak_db(l, quarter));
  mixdown_engine_free(e);
  mixdown_session_free(s);
  free(l);
  free(r);
}

/* ------------------------------------------------------------------------ */
/* The address, live control, the take                                       */

static const char control_yaml[] = "mixdown: 1\nsample_rate: 48000\n"
                                   "tracks:\n  - {name: a, file: bd.wav, inserts: [{type: eq}, " COMP "}]}\n"
                                   "master: {inserts: [{type: limiter, bypass: true}]}\n";

static void
test_bypass_is_addressed_and_moved_live(void)
{
  test_write_dc(test_path("bd.wav"), 0.5f, 2.0, 1U, RATE);
  MixdownSession* s = test_open_yaml(control_yaml);
  if (!s) {
    return;
  }
  CHECK(!s->nodes[0].inserts[1].bypass && s->nodes[1].inserts[0].bypass);
  // The document: its own place in the insert's mapping, its value.
  MdAddress      a;
  MdAddressValue v;
  char           note[400], text[400];
  CHECK(md_address_resolve(s, "/master/insert/limiter/bypass", &a, note, sizeof note));
  CHECK(a.owner == MD_OWNER_INSERT_KEY && a.param == &md_insert_params[MD_INSERT_BYPASS] && a.node == 1U &&
        a.index == 0U && a.depth == 4U && a.path[1].key && !strcmp(a.path[1].key, "inserts") && !a.path[2].key &&
        a.path[2].index == 0U && a.path[3].key && !strcmp(a.path[3].key, "bypass"));
  CHECK(md_address_read(s, &a, &v) && v.set && v.number == 1.0);
  md_address_format(s, &a, text, sizeof text);
  CHECK_MSG(!strcmp(text, "/master/insert/1/bypass"), "%s", text);
  CHECK(!md_address_resolve(s, "/track/a/insert/2/bypass/points", &a, note, sizeof note) &&
        strstr(note, "not automatable"));
  CHECK(!md_address_resolve(s, "/track/a/insert/2/bypas", &a, note, sizeof note) &&
        strstr(note, "did you mean `bypass`"));
  // Live control (OSC, the console): a switch, 0 or 1.
  MdCommand    cmd;
  const double on = 0.7, nan_value = NAN;
  CHECK(md_control_parse(s, "/track/a/insert/compressor/bypass", &on, 1U, &cmd, note, sizeof note));
  CHECK(cmd.kind == MD_COMMAND_LIVE && cmd.change.kind == MD_LIVE_BYPASS && cmd.change.node == 0U &&
        cmd.change.index == 1U && cmd.change.value == 1.0);
  md_control_address(s, &cmd.change, text, sizeof text);
  CHECK_MSG(!strcmp(text, "/track/a/insert/2/bypass"), "%s", text);
  CHECK(md_control_param(s, &cmd.change) == &md_insert_params[MD_INSERT_BYPASS]);
  CHECK(!md_control_parse(s, "/track/a/insert/1/bypass", &nan_value, 1U, &cmd, note, sizeof note) &&
        strstr(note, "not a number"));
  mixdown_session_free(s);
}

static void
test_take_writes_the_last_bypass(void)
{
  test_write_dc(test_path("bd.wav"), 0.5f, 2.0, 1U, RATE);
  const char* path = test_path("bypass.yaml");
  FILE*       f    = fopen(path, "wb");
  if (!f) {
    CHECK(false);
    return;
  }
  fputs(control_yaml, f);
  fclose(f);
  MixdownSession* s = NULL;
  CHECK(mixdown_session_open_file(path, NULL, NULL, &s) == MIXDOWN_SUCCESS);
  if (!s) {
    return;
  }
  MdRecorder*         rec     = md_recorder_new(RATE);
  const MdAppliedMove moves[] = {{{MD_LIVE_BYPASS, 0U, 1U, 0U, 1.0}, 24000},
                                 {{MD_LIVE_BYPASS, 0U, 1U, 0U, 0.0}, 36000},
                                 {{MD_LIVE_BYPASS, 0U, 1U, 0U, 1.0}, 48000},
                                 {{MD_LIVE_BYPASS, 1U, 0U, 0U, 0.0}, 48000}};
  char                why[512];
  MdRecordReport      report = {0};
  CHECK(md_recorder_keep_session(rec, s, why, sizeof why) == MIXDOWN_SUCCESS);
  for (size_t k = 0U; k < sizeof moves / sizeof moves[0]; ++k) {
    CHECK(md_recorder_add(rec, &moves[k]));
  }
  const char* take = test_path("bypass-take.yaml");
  CHECK_MSG(md_recorder_write(rec, s, RATE, 256.0 / RATE, take, &report, why, sizeof why) == MIXDOWN_SUCCESS, "%s",
            why);
  md_recorder_free(rec);
  mixdown_session_free(s);
  CHECK_MSG(report.constants == 2U && report.envelopes == 0U && report.refused == 0U && report.unplaced == 0U,
            "constants %zu envelopes %zu refused %zu unplaced %zu", report.constants, report.envelopes,
            report.refused, report.unplaced);
  CHECK_MSG(!strcmp(report.note, "/track/a/insert/2/bypass moved 3 times: written as its last value, true, from the "
                                 "start; /master/insert/1/bypass moved 1 time: written as its last value, false, "
                                 "from the start"),
            "%s", report.note);
  MixdownSession* t = NULL;
  CHECK(mixdown_session_open_file(take, NULL, NULL, &t) == MIXDOWN_SUCCESS);
  if (t) {
    CHECK(t->nodes[0].inserts[1].bypass && !t->nodes[0].inserts[0].bypass && !t->nodes[1].inserts[0].bypass);
  }
  mixdown_session_free(t);
}

/* ------------------------------------------------------------------------ */
/* Live insert read-outs through a headless player                           */

static const char meter_yaml[] = "mixdown: 1\nsample_rate: 48000\n"
                                 "tracks:\n  - {name: a, file: bm.wav, inserts: [{type: eq}, "
                                 "{type: compressor, threshold_db: -30, ratio: 4, knee_db: 0}]}\n";

// The offline insert meter: gain_reduction_db's extreme over a render.
static double
offline_gain_reduction(const MixdownSession* s)
{
  MixdownEngine* e = NULL;
  char           why[400];
  if (mixdown_engine_new(s, &e, why, sizeof why)) {
    test_fail(__FILE__, __LINE__, "engine: %s", why);
    return 0.0;
  }
  float    l[4096], r[4096];
  uint32_t got = 0U;
  while (mixdown_engine_pull(e, l, r, 4096U, &got) == MIXDOWN_SUCCESS && got) {
  }
  MixdownMeterReport m   = {0};
  double             out = 0.0;
  for (uint32_t k = 0U; k < mixdown_engine_meter_count(e); ++k) {
    if (mixdown_engine_meter(e, k, &m) == MIXDOWN_SUCCESS && !strcmp(m.meter, "gain_reduction_db")) {
      out = m.extreme;
    }
  }
  mixdown_engine_free(e);
  return out;
}

static void
run_periods(MdPlayer* p, int periods)
{
  float left[256], right[256];
  for (int k = 0; k < periods; ++k) {
    md_player_process(p, left, right, 256U);
  }
}

// The last insert snapshot queued (after `periods` more periods).
static bool
last_insert_snapshot(MdPlayer* p, int periods, float* values)
{
  float strips[4];
  bool  any = false;
  run_periods(p, periods);
  while (md_player_take_meters(p, MD_METERS_MAIN, strips)) {
    CHECK(md_player_take_insert_meters(p, MD_METERS_MAIN, values)); // queued in pairs
    any = true;
  }
  return any;
}

static void
test_live_insert_meters_match_the_offline_meter(void)
{
  if (!mixdown_has_feature(MIXDOWN_FEATURE_JACK)) {
    test_skip("this build has no live player (meson -Djack=disabled)");
  }
  test_write_sine(test_path("bm.wav"), 440.0, 0.5, 3.0, 1U, RATE); // -6 dBFS: 24 dB over the threshold
  MixdownSession* s = test_open_yaml(meter_yaml);
  if (!s) {
    return;
  }
  const double          offline = offline_gain_reduction(s);
  const MdPlayerOptions options = {.client_name = "test", .record = true, .meter_hz = 20.0, .headless = true,
                                   .headless_period = 256U};
  MixdownStatus         st      = MIXDOWN_SUCCESS;
  char                  why[512];
  MdPlayer*             p       = md_player_new(s, &options, &st, why, sizeof why);
  CHECK_MSG(p && !md_player_start(p, why, sizeof why), "headless player: %s", why);
  if (!p) {
    mixdown_session_free(s);
    return;
  }
  // The listing: the compressor's two read-outs (the EQ has none).
  MdInsertMeterInfo info;
  CHECK(md_player_insert_meter_count(p) == 2U);
  CHECK(md_player_insert_meter_info(p, 0U, &info) && info.node == 0U && info.insert == 1U && info.meter == 0U &&
        !strcmp(info.name, "gain_reduction_db"));
  CHECK(md_player_insert_meter_info(p, 1U, &info) && !strcmp(info.name, "auto_makeup_db"));
  CHECK(!md_player_insert_meter_info(p, 2U, &info));
  // Rolling (the disk thread fills first), then 1 s in: steady.
  MdPlayerStatus status = {0};
  for (int k = 0; k < 5000 && status.position_s < 1.0; ++k) {
    md_sleep_seconds(0.0005);
    run_periods(p, 1);
    md_player_status(p, &status);
  }
  float values[2] = {0.0F, 0.0F};
  CHECK(last_insert_snapshot(p, 20, values));
  CHECK_MSG(offline < -15.0 && fabs((double)values[0] - offline) <= 0.1,
            "live gain reduction %.3f dB, offline %.3f dB", (double)values[0], offline);
  CHECK(values[1] == 0.0F); // no auto makeup
  // Bypassed, it does not run: no gain reduction.
  const double on = 1.0;
  MdCommand    cmd;
  CHECK(md_control_parse(s, "/track/a/insert/2/bypass", &on, 1U, &cmd, why, sizeof why) && md_player_send(p, &cmd));
  last_insert_snapshot(p, 20, values);
  CHECK(last_insert_snapshot(p, 20, values));
  CHECK_MSG(values[0] == 0.0F, "bypassed: %.3f dB", (double)values[0]);
  MdAppliedMove move;
  bool          taken = false;
  while (md_player_take_move(p, &move)) {
    taken = taken || (move.change.kind == MD_LIVE_BYPASS && move.change.index == 1U && move.change.value == 1.0);
  }
  CHECK(taken);
  md_player_free(p);
  mixdown_session_free(s);
}

const TestCase bypass_tests[] = {
  {"bypass: true nulls against no insert, latency kept, and against a pure delay", test_bypass_true_nulls_against_none_with_latency_kept},
  {"bypass: false renders the bytes of a session without it", test_bypass_false_renders_the_same_bytes},
  {"bypass: live crossfade steps no more than the signal; bypassed is the input", test_live_bypass_crossfades_without_a_click},
  {"bypass: a reverb bypassed live stops, its tail cut; put back, it starts from silence", test_live_bypassed_reverb_tail_is_cut_and_not_replayed},
  {"bypass: addressed in the document and moved by live control", test_bypass_is_addressed_and_moved_live},
  {"bypass: a take writes the last bypass of each insert, with a note", test_take_writes_the_last_bypass},
  {"bypass: live insert read-outs equal the offline meter; bypassed reads 0", test_live_insert_meters_match_the_offline_meter},
  {NULL, NULL},
};
