// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The engine measured on rendered audio: summing, gain, pan laws, routing,
// mute and solo, automation, resampling, latency compensation, the NaN
// guard, clips, and the written file (formats, dither, determinism).

#include "support.h"

#include "finish/finish.h"
#include "io/writer.h"
#include "session/model.h"

#include <sndfile.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RATE 48000U

static void
write_noise(const char* path, double seconds, uint32_t channels, uint32_t seed)
{
  const uint32_t frames = (uint32_t)(seconds * RATE);
  float*         data   = malloc((size_t)frames * channels * sizeof(float));
  uint32_t       x      = seed;
  for (uint32_t i = 0U; i < frames * channels; ++i) {
    x ^= x << 13U;
    x ^= x >> 17U;
    x ^= x << 5U;
    data[i] = (float)((double)x / 4294967296.0 - 0.5) * 0.5f;
  }
  test_write_wav(path, data, frames, channels, RATE);
  free(data);
}

static float*
read_channel(const char* path, uint32_t channel, uint64_t* frames)
{
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  if (!f) {
    return NULL;
  }
  float* all = malloc((size_t)info.frames * (size_t)info.channels * sizeof(float));
  float* out = malloc((size_t)info.frames * sizeof(float) + 1U);
  sf_readf_float(f, all, info.frames);
  sf_close(f);
  for (sf_count_t i = 0; i < info.frames; ++i) {
    out[i] = all[i * info.channels + (sf_count_t)channel];
  }
  free(all);
  *frames = (uint64_t)info.frames;
  return out;
}

static void
test_two_tracks_sum_exactly(void)
{
  write_noise(test_path("n1.wav"), 1.0, 2U, 1U);
  write_noise(test_path("n2.wav"), 1.0, 2U, 2U);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: n1.wav}\n  - {name: b, file: n2.wav}\n", &m)) {
    return;
  }
  uint64_t n  = 0U;
  float*   a  = read_channel(test_path("n1.wav"), 0U, &n);
  float*   b  = read_channel(test_path("n2.wav"), 0U, &n);
  float*   ar = read_channel(test_path("n1.wav"), 1U, &n);
  float*   br = read_channel(test_path("n2.wav"), 1U, &n);
  CHECK(m.frames == n);
  uint64_t wrong = 0U;
  for (uint64_t i = 0U; i < n && i < m.frames; ++i) {
    wrong += m.left[i] != a[i] + b[i] || m.right[i] != ar[i] + br[i];
  }
  CHECK_MSG(wrong == 0U, "%llu frames differ from the exact sum", (unsigned long long)wrong);
  free(a);
  free(b);
  free(ar);
  free(br);
  test_mix_free(&m);
}

// -6 dB of gain is 10^(-6/20) = 0.50119: -6.00 dB.  (Halving is -6.02 dB.)
static void
test_gain_minus_6(void)
{
  test_write_sine(test_path("s.wav"), 1000.0, 0.5, 1.0, 2U, RATE);
  TestMix m;
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s.wav, gain_db: -6}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames) - test_db(0.5 / sqrt(2.0)), -6.00, 0.005);
    CHECK_NEAR(test_rms_db(m.right, m.frames) - test_db(0.5 / sqrt(2.0)), -6.00, 0.005);
    test_mix_free(&m);
  }
}

static void
test_mono_pan_laws(void)
{
  test_write_sine(test_path("m.wav"), 1000.0, 0.5, 1.0, 1U, RATE);
  const double reference = test_db(0.5 / sqrt(2.0));
  const struct {
    const char* law;
    double      db;
  } laws[] = {{"0", 0.0}, {"-3", -3.01}, {"-4.5", -4.515}, {"-6", -6.02}};
  for (size_t i = 0U; i < 4U; ++i) {
    char yaml[256];
    snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: a, file: m.wav, pan_law: %s}\n", laws[i].law);
    TestMix m;
    if (test_render_yaml(yaml, &m)) {
      CHECK_NEAR(test_rms_db(m.left, m.frames) - reference, laws[i].db, 0.005);
      CHECK_NEAR(test_rms_db(m.right, m.frames) - reference, laws[i].db, 0.005);
      test_mix_free(&m);
    }
  }
  TestMix m;
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: m.wav, pan: -1}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames) - reference, 0.0, 0.005);
    CHECK(test_peak_db(m.right, m.frames) == -HUGE_VAL); // exactly silent
    test_mix_free(&m);
  }
}

static void
test_sends_and_buses(void)
{
  test_write_sine(test_path("s.wav"), 1000.0, 0.5, 1.0, 2U, RATE);
  const double ref = test_db(0.5 / sqrt(2.0));
  TestMix      m;
  // Fader down: a pre-fader send still carries the track at its level.
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s.wav, gain_db: -144,\n"
                       "     sends: [{to: fx, level_db: -10, pre_fader: true}]}\n"
                       "buses:\n  - {name: fx, gain_db: -2}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames) - ref, -12.0, 0.01);
    test_mix_free(&m);
  }
  // …and a post-fader send follows the fader down to silence.
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s.wav, gain_db: -144,\n"
                       "     sends: [{to: fx, level_db: -10}]}\n"
                       "buses:\n  - {name: fx}\n", &m)) {
    CHECK(test_peak_db(m.left, m.frames) == -HUGE_VAL);
    test_mix_free(&m);
  }
  // Nested group buses multiply; a send adds in parallel to the dry path.
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s.wav, output: inner, gain_db: -1,\n"
                       "     sends: [{to: fx, level_db: -144}]}\n"
                       "buses:\n  - {name: inner, output: outer, gain_db: -2}\n"
                       "  - {name: outer, gain_db: -3}\n  - {name: fx}\n"
                       "master: {gain_db: -4}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames) - ref, -10.0, 0.01);
    test_mix_free(&m);
  }
  // Dry at unity plus a post-fader send at 0 dB: twice the amplitude (+6.02 dB).
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s.wav, sends: [{to: fx}]}\n"
                       "buses:\n  - {name: fx}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames) - ref, 6.0206, 0.005);
    test_mix_free(&m);
  }
}

static void
test_mute_and_solo(void)
{
  test_write_sine(test_path("s1.wav"), 1000.0, 0.5, 1.0, 2U, RATE);
  test_write_sine(test_path("s2.wav"), 1500.0, 0.25, 1.0, 2U, RATE);
  const double ref1 = test_db(0.5 / sqrt(2.0));
  const double ref2 = test_db(0.25 / sqrt(2.0));
  TestMix      m;
  // A muted track is silent, and so are its sends.
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s1.wav, mute: true, sends: [{to: fx, pre_fader: true}]}\n"
                       "  - {name: b, file: s2.wav}\nbuses:\n  - {name: fx}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames), ref2, 0.01);
    test_mix_free(&m);
  }
  // Solo one track: only it is heard.
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s1.wav, solo: true}\n"
                       "  - {name: b, file: s2.wav}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames), ref1, 0.01);
    test_mix_free(&m);
  }
  // A soloed track routed through a bus: the bus stays audible, the other
  // track on the same bus goes silent.
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s1.wav, solo: true, output: grp}\n"
                       "  - {name: b, file: s2.wav, output: grp}\nbuses:\n  - {name: grp, gain_db: -6}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames), ref1 - 6.0, 0.01);
    test_mix_free(&m);
  }
  // Soloing a bus keeps the tracks that feed it.
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: s1.wav, output: grp}\n"
                       "  - {name: b, file: s2.wav}\nbuses:\n  - {name: grp, solo: true}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames), ref1, 0.01);
    test_mix_free(&m);
  }
}

// A DC source makes the output the gain itself.
static void
test_automation_breakpoints(void)
{
  test_write_dc(test_path("dc.wav"), 1.0f, 2.0, 2U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - name: a\n    file: dc.wav\n"
                        "    gain_db: {points: [[0.5, -40], [1.0, 0], [1.5, -20]], curve: linear}\n", &m)) {
    return;
  }
  CHECK_NEAR(m.left[24000], 0.01, 1e-6);
  CHECK_NEAR(m.left[48000], 1.0, 1e-6);
  CHECK_NEAR(m.left[72000], 0.1, 1e-6);
  uint64_t top = 0U;
  for (uint64_t i = 0U; i < m.frames; ++i) {
    top = m.left[i] > m.left[top] ? i : top;
  }
  CHECK_MSG(top >= 47999U && top <= 48001U, "peak of the ramp at frame %llu, expected 48000 ± 1",
            (unsigned long long)top);
  test_mix_free(&m);
}

// A 10 ms fade from 0 to -60 dB on a 1 kHz tone nulls against the ideal
// continuous fade: a block-stepped (zipper) gain would leave a residual.
static void
test_fast_fade_has_no_zipper(void)
{
  test_write_sine(test_path("t.wav"), 1000.0, 0.5, 0.2, 1U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - name: a\n    file: t.wav\n    pan_law: 0\n"
                        "    gain_db: {points: [[0.05, 0], [0.06, -60]]}\n", &m)) {
    return;
  }
  double residual = 0.0;
  double signal   = 0.0;
  for (uint64_t i = 2400U; i < 2880U + 480U; ++i) {
    const double t       = (double)i / RATE;
    const double gain_db = t <= 0.05 ? 0.0 : t >= 0.06 ? -60.0 : -60.0 * (t - 0.05) / 0.01;
    const double ideal   = (float)(0.5 * sin(2.0 * M_PI * 1000.0 * i / RATE)) * pow(10.0, gain_db / 20.0);
    residual += (m.left[i] - ideal) * (m.left[i] - ideal);
    signal += ideal * ideal;
  }
  const double null_db = 10.0 * log10(residual / signal);
  CHECK_MSG(null_db < -100.0, "fade residual %.1f dB against the ideal curve", null_db);
  test_mix_free(&m);
}

static void
test_resampled_source_keeps_pitch_and_length(void)
{
  test_write_sine(test_path("r44.wav"), 1000.0, 0.5, 2.0, 1U, 44100U);
  TestMix m;
  if (test_render_yaml("mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: a, file: r44.wav}\n", &m)) {
    CHECK_MSG(m.frames >= 95999U && m.frames <= 96001U, "%llu frames", (unsigned long long)m.frames);
    CHECK_NEAR(test_frequency(m.left + 4800, m.frames - 9600U, RATE), 1000.0, 0.1);
    CHECK_NEAR(test_rms_db(m.left + 4800, m.frames - 9600U), test_db(0.5 / sqrt(2.0)) - 3.0103, 0.01);
    test_mix_free(&m);
  }
}

/* A processor that only delays, by LATENCY frames, and says so. */
#define LATENCY 100U
typedef struct {
  uint32_t channels;
  float    line[2][LATENCY];
  uint32_t pos;
} DelayProc;

static void*
delay_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  (void)values;
  DelayProc* d = calloc(1U, sizeof(DelayProc));
  if (d) {
    d->channels = channels;
  }
  return d;
}
static MixdownStatus
delay_prepare(void* s, double rate, uint32_t max)
{
  (void)s, (void)rate, (void)max;
  return MIXDOWN_SUCCESS;
}
static void
delay_process(void* s, const MdBlock* b)
{
  const float* const* in  = b->in;
  float* const*       out = b->out;
  const uint32_t      n   = b->frames;
  DelayProc*          d   = s;
  uint32_t   pos = d->pos;
  for (uint32_t c = 0U; c < d->channels; ++c) {
    pos = d->pos;
    for (uint32_t i = 0U; i < n; ++i) {
      const float x = in[c][i];
      out[c][i]     = d->line[c][pos];
      d->line[c][pos] = x;
      pos           = (pos + 1U) % LATENCY;
    }
  }
  d->pos = pos;
}
static void
noop_set(void* s, uint32_t id, double v)
{
  (void)s, (void)id, (void)v;
}
static void
delay_reset(void* s)
{
  DelayProc* d = s;
  memset(d->line, 0, sizeof d->line);
}
static uint32_t
delay_latency(const void* s)
{
  (void)s;
  return LATENCY;
}
static uint32_t
no_tail(const void* s)
{
  (void)s;
  return 0U;
}
static const MdProcessorClass delay_class = {
  .name = "test-delay", .create = delay_create, .prepare = delay_prepare, .destroy = free,
  .set_param = noop_set, .process = delay_process, .reset = delay_reset, .latency = delay_latency,
  .tail = no_tail};

/* A processor that emits NaN once, at frame 1000 of its life (its state is
   a DelayProc whose `pos` counts frames). */
static void
nan_process(void* s, const MdBlock* b)
{
  const float* const* in  = b->in;
  float* const*       out = b->out;
  const uint32_t      n   = b->frames;
  DelayProc*          p   = s;
  for (uint32_t c = 0U; c < p->channels; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      out[c][i] = p->pos + i == 1000U ? NAN : in[c][i];
    }
  }
  p->pos += n;
}
static void
nan_reset(void* s)
{
  (void)s;
}
static const MdProcessorClass nan_class = {
  .name = "test-nan", .create = delay_create, .prepare = delay_prepare, .destroy = free,
  .set_param = noop_set, .process = nan_process, .reset = nan_reset, .latency = no_tail, .tail = no_tail};

// Parses `yaml` and replaces the first insert of node `node` with `cls`.
static bool
render_with_class(const char* yaml, size_t node, const MdProcessorClass* cls, TestMix* m)
{
  memset(m, 0, sizeof *m);
  MixdownSession* s = test_open_yaml(yaml);
  if (!s) {
    return false;
  }
  s->nodes[node].inserts[0].cls = cls;
  const bool ok                 = test_render_session(s, m);
  mixdown_session_free(s);
  return ok;
}

// A latent insert on one of two parallel paths: the engine delays the other
// path to match, so the dry copy and the inverted latent copy null.
static void
test_latency_compensation_nulls(void)
{
  write_noise(test_path("ln.wav"), 1.0, 2U, 7U);
  TestMix m;
  if (render_with_class("mixdown: 1\ntracks:\n  - {name: late, file: ln.wav, output: bus, inserts: [{type: gain}]}\n"
                        "  - {name: dry, file: ln.wav, invert: true, sends: [{to: fx, level_db: -144}]}\n"
                        "buses:\n  - {name: bus}\n  - {name: fx}\n",
                        0U, &delay_class, &m)) {
    CHECK(m.frames == RATE); // the master path's latency is removed: the mix keeps its length
    CHECK_MSG(test_peak_db(m.left, m.frames) == -HUGE_VAL && test_peak_db(m.right, m.frames) == -HUGE_VAL,
              "residual peak %.1f dB", test_peak_db(m.left, m.frames));
    test_mix_free(&m);
  }
  // The latent path alone comes out aligned with the timeline.
  if (render_with_class("mixdown: 1\ntracks:\n  - {name: late, file: ln.wav, inserts: [{type: gain}]}\n",
                        0U, &delay_class, &m)) {
    uint64_t n   = 0U;
    float*   src = read_channel(test_path("ln.wav"), 0U, &n);
    CHECK(m.frames == n && !memcmp(src, m.left, n * sizeof(float)));
    free(src);
    test_mix_free(&m);
  }
}

static void
test_nan_is_contained(void)
{
  test_write_sine(test_path("s.wav"), 1000.0, 0.5, 0.5, 2U, RATE);
  TestMix m;
  if (render_with_class("mixdown: 1\ntracks:\n  - {name: a, file: s.wav, inserts: [{type: gain}]}\n"
                        "  - {name: b, file: s.wav}\n",
                        0U, &nan_class, &m)) {
    uint64_t bad = 0U;
    for (uint64_t i = 0U; i < m.frames; ++i) {
      bad += !isfinite(m.left[i]) || !isfinite(m.right[i]);
    }
    CHECK(bad == 0U);
    CHECK_MSG(m.non_finite == 2U, "%llu non-finite samples counted, expected 2",
              (unsigned long long)m.non_finite);
    // …and reported with the track, the insert and the time (frame 1000).
    CHECK_MSG(strstr(m.non_finite_where, "`a`, insert 1 (test-nan) at 0.0") != NULL, "%s", m.non_finite_where);
    test_mix_free(&m);
  }
}

// Finite sources, infinite results: 3e38 through a +24 dB fader (a lazy
// track, whose gain is applied on the way into the master, and the same
// track with an automated fader, which writes its own post-fader signal),
// and two of them summed in a bus.  The guard after every node silences
// the overflow and names the stage; the mix holds finite samples only,
// and both fader paths give the same bytes.
static void
test_overflow_is_contained(void)
{
  test_write_dc(test_path("huge.wav"), 3.0e38f, 0.5, 1U, RATE);
  test_write_sine(test_path("s.wav"), 1000.0, 0.5, 0.5, 2U, RATE);
  static const char* const sessions[3] = {
    "mixdown: 1\ntracks:\n  - {name: big, file: huge.wav, gain_db: 24}\n  - {name: s, file: s.wav}\n",
    "mixdown: 1\ntracks:\n  - {name: big, file: huge.wav, gain_db: {points: [[0, 24], [1, 24]]}}\n"
    "  - {name: s, file: s.wav}\n",
    "mixdown: 1\ntracks:\n  - {name: x, file: huge.wav, output: b}\n  - {name: y, file: huge.wav, output: b}\n"
    "  - {name: s, file: s.wav}\nbuses:\n  - {name: b}\n",
  };
  static const char* const where[3] = {"track `big`, fader at 0.000 s", "track `big`, fader at 0.000 s",
                                       "bus `b`, sum of its inputs at 0.000 s"};
  TestMix mixes[2];
  for (int k = 0; k < 3; ++k) {
    TestMix m;
    if (!test_render_yaml(sessions[k], &m)) {
      continue;
    }
    uint64_t bad = 0U;
    for (uint64_t i = 0U; i < m.frames; ++i) {
      bad += !isfinite(m.left[i]) || !isfinite(m.right[i]);
    }
    CHECK_MSG(bad == 0U, "session %d: %llu frames not finite", k, (unsigned long long)bad);
    CHECK_MSG(m.non_finite == 2U * 24000U, "session %d: %llu non-finite samples counted", k,
              (unsigned long long)m.non_finite);
    CHECK_MSG(strstr(m.non_finite_where, where[k]) != NULL, "session %d: %s", k, m.non_finite_where);
    // The sine track is still there: the guard silenced the overflow only.
    CHECK_NEAR(m.left[100], 0.5 * sin(2.0 * M_PI * 1000.0 * 100.0 / RATE), 1e-6);
    if (k < 2) {
      mixes[k] = m;
    } else {
      test_mix_free(&m);
    }
  }
  if (mixes[0].frames == mixes[1].frames) {
    CHECK(!memcmp(mixes[0].left, mixes[1].left, mixes[0].frames * sizeof(float)));
  }
  test_mix_free(&mixes[0]);
  test_mix_free(&mixes[1]);
}

// A ramp source (value = frame / 48000) shows exactly which source frame
// plays where.
static void
test_clip_placement_and_fades(void)
{
  const uint32_t n    = RATE;
  float*         ramp = malloc(n * sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    ramp[i] = (float)i / (float)RATE;
  }
  test_write_wav(test_path("ramp.wav"), ramp, n, 1U, RATE);
  free(ramp);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - name: a\n    pan_law: 0\n    clips:\n"
                        "      - {file: ramp.wav, start: 0.5, offset: 0.25, length: 0.5, gain_db: -6.0206,\n"
                        "         fade_in: 0.01, fade_out: 0.1}\n", &m)) {
    return;
  }
  CHECK(m.frames == RATE); // ends at 0.5 + 0.5 s
  CHECK(m.left[23999] == 0.0f);
  CHECK(m.left[24000] == 0.0f); // the fade-in starts from silence
  CHECK_NEAR(m.left[24000 + 480], 0.5 * (0.25 + 0.01), 1e-6); // fade done: clip gain × source
  CHECK_NEAR(m.left[24000 + 240], 0.5 * (0.25 + 0.005) * 0.5, 1e-6); // raised cosine: half way, half gain
  CHECK_NEAR(m.left[24000 + 12000], 0.5 * 0.5, 1e-6);
  CHECK_NEAR(m.left[47999 - 2400], 0.5 * (0.25 + (23999.0 - 2400.0) / RATE) * 0.5, 1e-4);
  CHECK(fabs(m.left[47999]) < 1e-4); // the fade-out ends in silence
  test_mix_free(&m);
}

static void
test_automated_insert_parameter(void)
{
  write_noise(test_path("st.wav"), 1.0, 2U, 9U);
  TestMix m;
  if (test_render_yaml("mixdown: 1\ntracks:\n  - name: a\n    file: st.wav\n"
                       "    inserts: [{type: stereo, width: {points: [[0.2, 1], [0.4, 0]]}}]\n", &m)) {
    double diff_early = 0.0;
    double diff_late  = 0.0;
    for (uint64_t i = 0U; i < 4800U; ++i) {
      diff_early += fabs(m.left[i] - m.right[i]);
      diff_late += fabs(m.left[RATE - 4800U + i] - m.right[RATE - 4800U + i]);
    }
    CHECK(diff_early > 100.0);
    CHECK_MSG(diff_late < 1e-3, "still %g of side signal at width 0", diff_late);
    test_mix_free(&m);
  }
}

static void
test_explicit_length(void)
{
  test_write_sine(test_path("s.wav"), 1000.0, 0.5, 1.0, 2U, RATE);
  TestMix m;
  if (test_render_yaml("mixdown: 1\nlength: 1.5\ntracks:\n  - {name: a, file: s.wav}\n", &m)) {
    CHECK(m.frames == 72000U);
    CHECK(test_peak_db(m.left + RATE, 24000U) == -HUGE_VAL);
    test_mix_free(&m);
  }
}

static MixdownStatus
render_file(const char* yaml, const char* out, MixdownSampleFormat format, uint32_t rate,
            MixdownRenderReport* report)
{
  MixdownSession* s = NULL;
  if (mixdown_session_open_string(yaml, strlen(yaml), "<t>", test_dir(), NULL, NULL, &s)) {
    test_fail(__FILE__, __LINE__, "session rejected");
    return MIXDOWN_ERR_SESSION;
  }
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = out, .format = format, .output_rate = rate};
  const MixdownStatus  st  = mixdown_render(s, &opt, report);
  mixdown_session_free(s);
  return st;
}

static bool
same_bytes(const char* a, const char* b)
{
  FILE* fa = fopen(a, "rb");
  FILE* fb = fopen(b, "rb");
  bool  same = fa && fb;
  while (same) {
    const int ca = fgetc(fa);
    const int cb = fgetc(fb);
    same         = ca == cb;
    if (ca == EOF || cb == EOF) {
      break;
    }
  }
  if (fa) {
    fclose(fa);
  }
  if (fb) {
    fclose(fb);
  }
  return same;
}

static const char* const mix_yaml =
  "mixdown: 1\ntracks:\n  - {name: a, file: n1.wav, pan: -0.3, sends: [{to: fx, level_db: -6}]}\n"
  "  - {name: b, file: m.wav, gain_db: {points: [[0, -20], [0.8, 0]], curve: smooth}}\n"
  "buses:\n  - {name: fx, inserts: [{type: stereo, width: 1.5, mono_below: 120}]}\n";

static void
test_renders_are_byte_identical(void)
{
  write_noise(test_path("n1.wav"), 1.0, 2U, 1U);
  test_write_sine(test_path("m.wav"), 440.0, 0.5, 1.0, 1U, RATE);
  MixdownRenderReport r = {.size = sizeof r};
  CHECK(render_file(mix_yaml, test_path("one.wav"), MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_SUCCESS);
  CHECK(render_file(mix_yaml, test_path("two.wav"), MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_SUCCESS);
  CHECK(same_bytes(test_path("one.wav"), test_path("two.wav")));
  CHECK(render_file(mix_yaml, test_path("one.flac"), MIXDOWN_FORMAT_PCM_24, 44100U, &r) == MIXDOWN_SUCCESS);
  CHECK(render_file(mix_yaml, test_path("two.flac"), MIXDOWN_FORMAT_PCM_24, 44100U, &r) == MIXDOWN_SUCCESS);
  CHECK(same_bytes(test_path("one.flac"), test_path("two.flac")));
}

// Every output format reads back as the float render to within its LSB
// (plus ±1 LSB of TPDF dither).
static void
test_output_formats(void)
{
  write_noise(test_path("n1.wav"), 1.0, 2U, 1U);
  test_write_sine(test_path("m.wav"), 440.0, 0.5, 1.0, 1U, RATE);
  MixdownRenderReport r = {.size = sizeof r};
  CHECK(render_file(mix_yaml, test_path("ref.wav"), MIXDOWN_FORMAT_FLOAT, 0U, &r) == MIXDOWN_SUCCESS);
  uint64_t n   = 0U;
  float*   ref = read_channel(test_path("ref.wav"), 0U, &n);
  const struct {
    const char*         name;
    MixdownSampleFormat format;
    int                 subtype;
    int                 major;
    double              lsb;
  } cases[] = {
    {"f16.wav", MIXDOWN_FORMAT_PCM_16, SF_FORMAT_PCM_16, SF_FORMAT_WAV, 1.0 / 32768.0},
    {"f24.wav", MIXDOWN_FORMAT_PCM_24, SF_FORMAT_PCM_24, SF_FORMAT_WAV, 1.0 / 8388608.0},
    {"f32.wav", MIXDOWN_FORMAT_PCM_32, SF_FORMAT_PCM_32, SF_FORMAT_WAV, 1.0 / 2147483648.0},
    {"f16.flac", MIXDOWN_FORMAT_PCM_16, SF_FORMAT_PCM_16, SF_FORMAT_FLAC, 1.0 / 32768.0},
    {"f24.flac", MIXDOWN_FORMAT_PCM_24, SF_FORMAT_PCM_24, SF_FORMAT_FLAC, 1.0 / 8388608.0},
  };
  for (size_t k = 0U; k < sizeof cases / sizeof cases[0]; ++k) {
    const char* path = test_path(cases[k].name);
    CHECK(render_file(mix_yaml, path, cases[k].format, 0U, &r) == MIXDOWN_SUCCESS);
    SF_INFO  info = {0};
    SNDFILE* f    = sf_open(path, SFM_READ, &info);
    CHECK_MSG(f != NULL, "%s unreadable", cases[k].name);
    if (!f) {
      continue;
    }
    sf_close(f);
    CHECK_MSG((info.format & SF_FORMAT_SUBMASK) == cases[k].subtype &&
              (info.format & SF_FORMAT_TYPEMASK) == cases[k].major && info.channels == 2 &&
              info.samplerate == (int)RATE,
              "%s: format %x", cases[k].name, info.format);
    uint64_t got = 0U;
    float*   x   = read_channel(path, 0U, &got);
    CHECK(got == n);
    double worst = 0.0;
    for (uint64_t i = 0U; i < n && i < got; ++i) {
      worst = fmax(worst, fabs((double)x[i] - ref[i]));
    }
    CHECK_MSG(worst <= 1.5 * cases[k].lsb + 1e-9, "%s: off by %.3g LSB", cases[k].name, worst / cases[k].lsb);
    free(x);
  }
  free(ref);
}

// TPDF dither of ±1 LSB on digital silence: the output takes -1, 0, +1 LSB
// with probabilities ⅛, ¾, ⅛, an RMS of ½ LSB = -96.33 dBFS at 16 bits.
static void
test_dither_noise_floor(void)
{
  test_write_dc(test_path("zero.wav"), 0.0f, 4.0, 2U, RATE);
  const char*         yaml = "mixdown: 1\ntracks:\n  - {name: a, file: zero.wav}\n";
  MixdownRenderReport r    = {.size = sizeof r};
  CHECK(render_file(yaml, test_path("d16.wav"), MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_SUCCESS);
  uint64_t n = 0U;
  float*   x = read_channel(test_path("d16.wav"), 0U, &n);
  double   mean = 0.0;
  for (uint64_t i = 0U; i < n; ++i) {
    mean += x[i];
  }
  CHECK_NEAR(test_rms_db(x, n), -96.33, 0.2);
  CHECK_NEAR(mean / (double)n * 32768.0, 0.0, 0.01);
  free(x);
  const char* undithered = "mixdown: 1\ntracks:\n  - {name: a, file: zero.wav}\noutput: {dither: none}\n";
  CHECK(render_file(undithered, test_path("u16.wav"), MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_SUCCESS);
  x = read_channel(test_path("u16.wav"), 0U, &n);
  CHECK(test_peak_db(x, n) == -HUGE_VAL);
  free(x);
}

// Mean power of `x` at frequencies from `lo` to `hi` Hz (Goertzel), in dB.
static double
band_power_db(const float* x, uint64_t n, double lo, double hi)
{
  double sum   = 0.0;
  int    count = 0;
  for (double f = lo; f <= hi; f += (hi - lo) / 24.0, ++count) {
    const double w = 2.0 * cos(2.0 * M_PI * f / RATE);
    double       s1 = 0.0, s2 = 0.0;
    for (uint64_t i = 0U; i < n; ++i) {
      const double s0 = x[i] + w * s1 - s2;
      s2              = s1;
      s1              = s0;
    }
    sum += (s1 * s1 + s2 * s2 - w * s1 * s2) / (double)n;
  }
  return 10.0 * log10(sum / count);
}

// Noise-shaped dither moves the 16-bit noise out of 1-6 kHz (at least 6 dB
// below flat TPDF there), at the cost of more noise near Nyquist.
static void
test_shaped_dither(void)
{
  test_write_dc(test_path("zero.wav"), 0.0f, 2.0, 2U, RATE);
  MixdownRenderReport r = {.size = sizeof r};
  CHECK(render_file("mixdown: 1\ntracks:\n  - {name: a, file: zero.wav}\n", test_path("flat.wav"),
                    MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_SUCCESS);
  CHECK(render_file("mixdown: 1\ntracks:\n  - {name: a, file: zero.wav}\noutput: {dither: shaped}\n",
                    test_path("shaped.wav"), MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_SUCCESS);
  uint64_t n = 0U;
  float*   flat   = read_channel(test_path("flat.wav"), 0U, &n);
  float*   shaped = read_channel(test_path("shaped.wav"), 0U, &n);
  const double mid_gain  = band_power_db(shaped, n, 1000.0, 6000.0) - band_power_db(flat, n, 1000.0, 6000.0);
  const double high_gain = band_power_db(shaped, n, 15000.0, 22000.0) - band_power_db(flat, n, 15000.0, 22000.0);
  CHECK_MSG(mid_gain < -6.0, "1-6 kHz noise only %.1f dB below flat TPDF", mid_gain);
  CHECK_MSG(high_gain > 6.0, "noise near Nyquist %.1f dB (expected raised)", high_gain);
  CHECK(test_peak_db(shaped, n) < -60.0); // still a few LSB
  free(flat);
  free(shaped);
}

// Tags from the session's `output` read back from WAV and FLAC.
static void
test_metadata(void)
{
  test_write_sine(test_path("s.wav"), 440.0, 0.5, 0.5, 2U, RATE);
  const char* formats[] = {"tagged.wav", "tagged.flac"};
  for (int k = 0; k < 2; ++k) {
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "mixdown: 1\ntracks:\n  - {name: a, file: s.wav}\n"
             "output: {file: %s, bits: 16, title: Night Drive, artist: The Mixers, album: Demos,\n"
             "         date: \"2026\", comment: final mix, track: \"7\"}\n",
             formats[k]);
    MixdownSession* s = test_open_yaml(yaml);
    if (!s) {
      continue;
    }
    MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path(formats[k])};
    CHECK(mixdown_render(s, &opt, NULL) == MIXDOWN_SUCCESS);
    mixdown_session_free(s);
    SF_INFO  info = {0};
    SNDFILE* f    = sf_open(test_path(formats[k]), SFM_READ, &info);
    CHECK(f != NULL);
    if (f) {
      const char* title  = sf_get_string(f, SF_STR_TITLE);
      const char* artist = sf_get_string(f, SF_STR_ARTIST);
      const char* soft   = sf_get_string(f, SF_STR_SOFTWARE);
      CHECK_MSG(title && !strcmp(title, "Night Drive"), "%s: title %s", formats[k], title ? title : "(none)");
      CHECK_MSG(artist && !strcmp(artist, "The Mixers"), "%s: artist", formats[k]);
      CHECK_MSG(soft && strstr(soft, "mixdown"), "%s: software", formats[k]);
      sf_close(f);
    }
  }
}

static void
test_output_rate_conversion(void)
{
  test_write_sine(test_path("k.wav"), 1000.0, 0.5, 2.0, 2U, RATE);
  MixdownRenderReport r = {.size = sizeof r};
  CHECK(render_file("mixdown: 1\ntracks:\n  - {name: a, file: k.wav}\n", test_path("o44.wav"),
                    MIXDOWN_FORMAT_FLOAT, 44100U, &r) == MIXDOWN_SUCCESS);
  uint64_t n = 0U;
  float*   x = read_channel(test_path("o44.wav"), 1U, &n);
  CHECK_MSG(n >= 88199U && n <= 88201U, "%llu frames at 44.1 kHz", (unsigned long long)n);
  if (x && n > 8820U) {
    CHECK_NEAR(test_frequency(x + 4410, n - 8820U, 44100.0), 1000.0, 0.1);
  }
  CHECK(r.sample_rate == 44100U);
  free(x);
  // Up to 192 kHz: the converter hands the encoder four times a chunk.
  CHECK(render_file("mixdown: 1\ntracks:\n  - {name: a, file: k.wav}\n", test_path("o192.wav"),
                    MIXDOWN_FORMAT_PCM_24, 192000U, &r) == MIXDOWN_SUCCESS);
  x = read_channel(test_path("o192.wav"), 0U, &n);
  CHECK_MSG(n >= 383999U && n <= 384001U, "%llu frames at 192 kHz", (unsigned long long)n);
  if (x && n > 38400U) {
    CHECK_NEAR(test_frequency(x + 19200, n - 38400U, 192000.0), 1000.0, 0.1);
  }
  free(x);
}

static void
test_refuses_to_overwrite_a_source(void)
{
  test_write_sine(test_path("src.wav"), 1000.0, 0.5, 0.5, 2U, RATE);
  struct stat before;
  stat(test_path("src.wav"), &before);
  MixdownRenderReport r = {.size = sizeof r};
  CHECK(render_file("mixdown: 1\ntracks:\n  - {name: a, file: src.wav}\n", test_path("src.wav"),
                    MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_ERR_BAD_ARG);
  CHECK(strstr(r.message, "source") != NULL);
  struct stat after;
  stat(test_path("src.wav"), &after);
  CHECK(before.st_size == after.st_size && before.st_mtime == after.st_mtime);
}

static void
test_unwritable_output_leaves_nothing(void)
{
  test_write_sine(test_path("src.wav"), 1000.0, 0.5, 0.5, 2U, RATE);
  const char*         yaml = "mixdown: 1\ntracks:\n  - {name: a, file: src.wav}\n";
  MixdownRenderReport r    = {.size = sizeof r};
  // A folder that cannot be made: an I/O error naming it.
  CHECK(render_file(yaml, "/proc/mixdown-no-such/out.wav", MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_ERR_IO);
  CHECK_MSG(strstr(r.message, "/proc/mixdown-no-such") != NULL, "%s", r.message);
  // A folder through a file: refused before anything is made.
  CHECK(render_file(yaml, test_path("src.wav/out.wav"), MIXDOWN_FORMAT_PCM_16, 0U, &r) == MIXDOWN_ERR_BAD_ARG);
  // Missing folders are made, all levels, and removed again when the
  // render fails (here: interrupted before the first block).
  MixdownSession* s = NULL;
  CHECK(mixdown_session_open_string(yaml, strlen(yaml), "<t>", test_dir(), NULL, NULL, &s) == MIXDOWN_SUCCESS);
  volatile int         stop = 1;
  MixdownRenderOptions opt  = {.size = sizeof opt, .output_path = test_path("made/a/b/out.wav"), .cancel = &stop};
  CHECK(s && mixdown_render(s, &opt, &r) == MIXDOWN_ERR_INTERRUPTED);
  struct stat st;
  CHECK_MSG(stat(test_path("made"), &st) != 0, "a failed render left the folders it made");
  opt.cancel = NULL;
  CHECK(s && mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS);
  CHECK(stat(test_path("made/a/b/out.wav"), &st) == 0 && st.st_size > 0);
  mixdown_session_free(s);
}

static void
test_render_report(void)
{
  test_write_sine(test_path("s.wav"), 1000.0, 0.5, 1.0, 2U, RATE);
  MixdownRenderReport r = {.size = sizeof r};
  CHECK(render_file("mixdown: 1\ntracks:\n  - {name: a, file: s.wav}\n", test_path("rep.wav"),
                    MIXDOWN_FORMAT_FLOAT, 0U, &r) == MIXDOWN_SUCCESS);
  CHECK(r.frames == RATE);
  CHECK_NEAR(r.length_s, 1.0, 1e-9);
  CHECK_NEAR(r.peak_dbfs, -6.02, 0.01);
  CHECK_NEAR(r.true_peak_dbtp, -6.02, 0.1);
  // EBU Tech 3341: a stereo 1 kHz sine at -23 dBFS reads -23.0 LUFS; so at
  // -6.02 dBFS it reads -6.02 LUFS.
  CHECK_NEAR(r.loudness_lufs, -6.02, 0.1);
  CHECK_NEAR(r.correlation, 1.0, 1e-9); // identical sides

}

// A source replaced between check and render (here: mono became 6
// channels) is a clear decode error, not a buffer overrun.
static void
test_source_changed_on_disk(void)
{
  test_write_sine(test_path("swap.wav"), 440.0, 0.5, 0.5, 1U, RATE);
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: a, file: swap.wav}\n");
  if (!s) {
    return;
  }
  test_write_sine(test_path("swap.wav"), 440.0, 0.5, 0.5, 6U, RATE);
  MixdownEngine* e = NULL;
  char           message[256];
  CHECK(mixdown_engine_new(s, &e, message, sizeof message) == MIXDOWN_SUCCESS);
  mixdown_session_free(s);
  float    l[1024], r[1024];
  uint32_t got = 0U;
  CHECK(mixdown_engine_pull(e, l, r, 1024U, &got) == MIXDOWN_ERR_DECODE);
  CHECK_MSG(strstr(mixdown_engine_message(e), "6 channels") != NULL, "%s", mixdown_engine_message(e));
  mixdown_engine_free(e);
}

// A source cut short on disk while it plays (here: after the first
// second of four) is a clear decode error naming the track, the file and
// the time its audio ran out: never silence passed off as the mix.
static void
test_source_truncated_while_playing(void)
{
  test_write_sine(test_path("cut.wav"), 440.0, 0.5, 4.0, 1U, RATE);
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: lead, clips: [{file: cut.wav, start: 0.5}]}\n");
  if (!s) {
    return;
  }
  MixdownEngine* e = NULL;
  char           message[256];
  CHECK(mixdown_engine_new(s, &e, message, sizeof message) == MIXDOWN_SUCCESS);
  mixdown_session_free(s);
  static float  l[48000], r[48000];
  uint32_t      got = 0U;
  MixdownStatus st  = mixdown_engine_pull(e, l, r, 48000U, &got);
  CHECK(st == MIXDOWN_SUCCESS && got == 48000U);
  // 2 s of the file's 4 (a float WAV: a 44-byte header, 4 bytes a frame).
  CHECK(truncate(test_path("cut.wav"), 44 + 2 * RATE * 4) == 0);
  while (st == MIXDOWN_SUCCESS && got) {
    st = mixdown_engine_pull(e, l, r, 48000U, &got);
  }
  CHECK_MSG(st == MIXDOWN_ERR_DECODE, "status %d", (int)st);
  const char* m = mixdown_engine_message(e);
  CHECK_MSG(strstr(m, "track `lead`") && strstr(m, "cut.wav") && strstr(m, "truncated") && strstr(m, "2.500 s"),
            "%s", m);
  mixdown_engine_free(e);
}

// The finishing stage reads a premaster; one holding +Inf (only the API
// can write one: the engine's guard keeps them out of a mix) is refused
// with the reason, not normalised as if it were silence.
static MixdownStatus
keep_nothing(void* ctx, char* message, size_t message_size)
{
  (void)ctx, (void)message, (void)message_size;
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
write_nothing(void* ctx, const float* left, const float* right, uint32_t n, char* message, size_t message_size)
{
  (void)ctx, (void)left, (void)right, (void)n, (void)message, (void)message_size;
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
end_nothing(void* ctx, double* loudness, double* peak, char* message, size_t message_size)
{
  (void)ctx, (void)message, (void)message_size;
  *loudness = -HUGE_VAL;
  *peak     = -HUGE_VAL;
  return MIXDOWN_SUCCESS;
}

static void
drop_nothing(void* ctx)
{
  (void)ctx;
}

static void
test_finishing_refuses_an_infinite_mix(void)
{
  MdPremaster* p = NULL;
  char         message[256];
  if (md_premaster_open(NULL, RATE, RATE, &p, message, sizeof message) != MIXDOWN_SUCCESS) {
    test_fail(__FILE__, __LINE__, "%s", message);
    return;
  }
  static float left[RATE], right[RATE];
  for (uint32_t i = 0U; i < RATE; ++i) {
    left[i] = right[i] = (float)(0.25 * sin(i * 0.05));
  }
  left[RATE / 2U] = INFINITY;
  CHECK(md_premaster_write(p, left, right, RATE, message, sizeof message) == MIXDOWN_SUCCESS);
  const MdFinishSink sink = {keep_nothing, write_nothing, end_nothing, keep_nothing, drop_nothing, NULL};
  const MdFinishGoal goal = {.normalize = true, .target_lufs = -14.0, .limit = true, .ceiling_db = -1.0};
  MdFinishResult     result;
  message[0]             = '\0';
  const MixdownStatus st = md_finish(p, &goal, &sink, NULL, NULL, NULL, &result, message, sizeof message);
  CHECK_MSG(st == MIXDOWN_ERR_DECODE, "status %d", (int)st);
  CHECK_MSG(strstr(message, "1 infinite or NaN sample") && strstr(message, "0.500 s") && !strstr(message, "silent"),
            "%s", message);
  md_premaster_free(p);
}

// The writer is the last guard: infinite samples handed to it (only the
// API can: the engine silences them after every node) reach a float file
// as the largest float of their sign, a NaN as silence, and its note says
// where.
static void
test_writer_keeps_files_finite(void)
{
  MdWriter* w = NULL;
  char      message[256];
  if (md_writer_open(test_path("edge.wav"), MIXDOWN_FORMAT_FLOAT, MD_DITHER_NONE, RATE, 0U, RATE, &w, message,
                     sizeof message) != MIXDOWN_SUCCESS) {
    test_fail(__FILE__, __LINE__, "%s", message);
    return;
  }
  static float left[RATE], right[RATE];
  left[RATE / 4U]  = INFINITY;
  right[RATE / 4U] = -INFINITY;
  left[RATE / 2U]  = NAN;
  CHECK(md_writer_write(w, left, right, RATE, message, sizeof message) == MIXDOWN_SUCCESS);
  const char* note = md_writer_note(w);
  CHECK_MSG(strstr(note, "output stage") && strstr(note, "0.250 s"), "%s", note);
  MdWriterStats stats;
  CHECK(md_writer_commit(w, &stats, message, sizeof message) == MIXDOWN_SUCCESS);
  uint64_t n = 0U;
  float*   l = read_channel(test_path("edge.wav"), 0U, &n);
  float*   r = read_channel(test_path("edge.wav"), 1U, &n);
  CHECK(n == RATE && l && r);
  if (l && r && n == RATE) {
    CHECK(l[RATE / 4U] == FLT_MAX && r[RATE / 4U] == -FLT_MAX && l[RATE / 2U] == 0.0f);
  }
  free(l);
  free(r);
}

// Blocks given to and skipped by each of `types` (render --stats'
// columns), rendering `session` once more.
static void
count_blocks(MixdownSession* session, const char* const* types, int n_types, uint64_t* skipped, uint64_t* blocks)
{
  MixdownEngine* engine = NULL;
  char           message[512];
  memset(skipped, 0, (size_t)n_types * sizeof *skipped);
  memset(blocks, 0, (size_t)n_types * sizeof *blocks);
  if (mixdown_engine_new(session, &engine, message, sizeof message) != MIXDOWN_SUCCESS) {
    test_fail(__FILE__, __LINE__, "%s", message);
    return;
  }
  float    left[4096], right[4096];
  uint32_t got = 0U;
  while (mixdown_engine_pull(engine, left, right, 4096U, &got) == MIXDOWN_SUCCESS && got) {
  }
  for (uint32_t k = 0U; k < mixdown_engine_time_count(engine); ++k) {
    MixdownTimeReport t;
    if (mixdown_engine_time(engine, k, &t) != MIXDOWN_SUCCESS) {
      continue;
    }
    for (int i = 0; i < n_types; ++i) {
      if (!strcmp(t.what, types[i])) {
        skipped[i] = t.skipped;
        blocks[i]  = t.blocks;
      }
    }
  }
  mixdown_engine_free(engine);
}

// Silence is free, and exact: a loud clip, three seconds of nothing, loud
// again.  The EQ and compressor sit out most of the silent blocks once
// their state has decayed to rest (--stats counts them), and
// test_render_session() holds the mix to the bytes of a render with
// skipping off.
static void
test_silence_is_skipped_exactly(void)
{
  test_write_sine(test_path("loud.wav"), 220.0, 0.8, 1.0, 2U, 48000U);
  MixdownSession* session = test_open_yaml(
    "mixdown: 1\nsample_rate: 48000\ntracks:\n  - name: a\n    clips:\n"
    "      - {file: loud.wav, start: 0}\n      - {file: loud.wav, start: 4}\n"
    "    inserts: [{type: eq, bands: [{type: highpass, freq: 80}, {type: bell, freq: 2000, gain_db: 3}]},\n"
    "              {type: compressor, threshold_db: -20, ratio: 4, release_ms: 50}, {type: gain, gain_db: -1},\n"
    "              {type: gate, threshold_db: -50}, {type: stereo, width: 1.4, mono_below: 120}, {type: deesser}]\n");
  TestMix m;
  if (!session || !test_render_session(session, &m)) {
    mixdown_session_free(session);
    return;
  }
  // Loud where the clips play, silent between.
  CHECK(test_rms_db(m.left + 4U * 48000U + 4800U, 24000U) > -20.0);
  CHECK(test_peak_db(m.left + 2U * 48000U, 48000U) < -200.0);
  static const char* const types[6] = {"eq", "compressor", "gain", "gate", "stereo", "deesser"};
  uint64_t                 skipped[6], blocks[6];
  count_blocks(session, types, 6, skipped, blocks);
  // 3 s of silence is 140 blocks.  The EQ's tail comes to rest within a
  // few; the compressor's release (50 ms time constant) takes ~1.5 s to
  // come within 1e-12 dB of no reduction, where it rests exactly, and
  // what follows it gets silence only from then on.
  const uint64_t at_least[6] = {120U, 50U, 50U, 50U, 50U, 50U};
  for (int i = 0; i < 6; ++i) {
    CHECK_MSG(skipped[i] >= at_least[i] && skipped[i] < blocks[i], "insert %d skipped %llu of %llu blocks", i,
              (unsigned long long)skipped[i], (unsigned long long)blocks[i]);
  }
  test_mix_free(&m);
  mixdown_session_free(session);
}

// The same for saturation (tape and tube: its histories, and the tube's DC
// blocker, come to rest) and delay (once its whole line is silent: with
// feedback, not within this test).  Six seconds of silence between two
// loud seconds; test_render_session() holds the mix to the bytes of a
// render with skipping off.
static void
test_silence_is_skipped_exactly_in_effects(void)
{
  test_write_sine(test_path("loud.wav"), 220.0, 0.8, 1.0, 2U, 48000U);
  MixdownSession* session = test_open_yaml(
    "mixdown: 1\nsample_rate: 48000\ntracks:\n"
    "  - name: a\n    clips: [{file: loud.wav, start: 0}, {file: loud.wav, start: 7}]\n"
    "    inserts: [{type: saturation, mode: tape, drive_db: 12},\n"
    "              {type: delay, time_ms: 100, feedback: 0, mix: 0.5, lowcut: 200, highcut: 8000}]\n"
    "  - name: b\n    clips: [{file: loud.wav, start: 0}, {file: loud.wav, start: 7}]\n"
    "    inserts: [{type: saturation, mode: tube, drive_db: 6},\n"
    "              {type: delay, time_ms: 150, feedback: 0.3, ping_pong: true}]\n");
  TestMix m;
  if (!session || !test_render_session(session, &m)) {
    mixdown_session_free(session);
    return;
  }
  CHECK(test_rms_db(m.left + 7U * 48000U + 4800U, 24000U) > -20.0);
  // 6 s of silence is 281 blocks per insert.  Tape rests ~150 frames after
  // its input falls silent, the tube once its DC blocker is below -400 dB
  // (~1.3 s); the delay without feedback a line's length (4 s) after its
  // last echo.
  static const char* const types[2] = {"saturation", "delay"};
  uint64_t                 skipped[2], blocks[2];
  count_blocks(session, types, 2, skipped, blocks);
  const uint64_t saturation = skipped[0];
  const uint64_t delay      = skipped[1];
  printf("    blocks skipped in 6 s of silence: saturation %llu of 2 × 281, delay %llu of 2 × 281\n",
         (unsigned long long)saturation, (unsigned long long)delay);
  CHECK_MSG(saturation >= 400U && saturation <= 2U * 281U, "saturation skipped %llu blocks",
            (unsigned long long)saturation);
  CHECK_MSG(delay >= 50U && delay <= 281U, "delay skipped %llu blocks", (unsigned long long)delay);
  test_mix_free(&m);
  mixdown_session_free(session);
}

// With several threads the helpers render the next block's tracks while
// a pull returns; reading meters and times between pulls must wait for
// them without rendering anything twice.
static void
test_read_outs_between_pulls_change_nothing(void)
{
  test_write_sine(test_path("ro1.wav"), 330.0, 0.7, 1.0, 2U, 48000U);
  test_write_sine(test_path("ro2.wav"), 550.0, 0.7, 1.0, 1U, 48000U);
  MixdownSession* session = test_open_yaml(
    "mixdown: 1\nsample_rate: 48000\ntracks:\n"
    "  - {name: a, file: ro1.wav, inserts: [{type: compressor, threshold_db: -30}]}\n"
    "  - {name: b, file: ro2.wav, inserts: [{type: eq, bands: [{type: bell, freq: 500, gain_db: 6}]}]}\n");
  TestMix plain;
  if (!session || !test_render_session(session, &plain)) {
    mixdown_session_free(session);
    return;
  }
  MixdownEngine* engine = NULL;
  char           message[512];
  CHECK(mixdown_engine_new(session, &engine, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(engine && mixdown_engine_set_threads(engine, 2U) == MIXDOWN_SUCCESS);
  float*   left  = calloc(plain.frames + 1U, sizeof(float));
  float*   right = calloc(plain.frames + 1U, sizeof(float));
  uint64_t done  = 0U;
  while (engine && done < plain.frames) {
    uint32_t got = 0U;
    if (mixdown_engine_pull(engine, left + done, right + done, 1000U, &got) || !got) {
      break;
    }
    done += got;
    MixdownMeterReport meter;
    MixdownTimeReport  time;
    mixdown_engine_meter(engine, 0U, &meter);
    mixdown_engine_time(engine, 0U, &time);
  }
  CHECK(done == plain.frames);
  CHECK(mixdown_engine_set_threads(engine, 1U) == MIXDOWN_ERR_BAD_ARG); // not mid-render
  CHECK(!memcmp(left, plain.left, plain.frames * sizeof(float)) &&
        !memcmp(right, plain.right, plain.frames * sizeof(float)));
  free(left);
  free(right);
  mixdown_engine_free(engine);
  test_mix_free(&plain);
  mixdown_session_free(session);
}

const TestCase engine_tests[] = {
  {"engine: meters read between pulls (2 threads) change nothing", test_read_outs_between_pulls_change_nothing},
  {"engine: silent blocks are skipped, exactly (same bytes as without)", test_silence_is_skipped_exactly},
  {"engine: saturation and delay rest on silence too, exactly", test_silence_is_skipped_exactly_in_effects},
  {"engine: a source changed on disk is a clear error", test_source_changed_on_disk},
  {"engine: a source truncated while it plays is an error naming it and the time", test_source_truncated_while_playing},
  {"finish: a premaster holding +Inf is refused with the reason, not called silent", test_finishing_refuses_an_infinite_mix},
  {"render: the writer clips infinities to the largest float and says where", test_writer_keeps_files_finite},
  {"engine: two tracks sum sample-exactly", test_two_tracks_sum_exactly},
  {"engine: gain_db -6 is -6.00 dB", test_gain_minus_6},
  {"engine: mono pan laws and hard left", test_mono_pan_laws},
  {"engine: sends pre/post fader and nested buses", test_sends_and_buses},
  {"engine: mute and solo", test_mute_and_solo},
  {"engine: automation reaches its breakpoints", test_automation_breakpoints},
  {"engine: fast fade has no zipper noise", test_fast_fade_has_no_zipper},
  {"engine: 44.1 kHz source keeps pitch and length", test_resampled_source_keeps_pitch_and_length},
  {"engine: latency compensation nulls parallel paths", test_latency_compensation_nulls},
  {"engine: NaN from a processor is contained", test_nan_is_contained},
  {"engine: Inf from a fader or a bus sum is contained and named", test_overflow_is_contained},
  {"engine: clip start, offset, length, gain, fades", test_clip_placement_and_fades},
  {"engine: automated insert parameter", test_automated_insert_parameter},
  {"engine: explicit length", test_explicit_length},
  {"render: byte-identical from run to run", test_renders_are_byte_identical},
  {"render: WAV 16/24/32 and FLAC 16/24 read back", test_output_formats},
  {"render: 16-bit TPDF dither noise floor", test_dither_noise_floor},
  {"render: output rate conversion", test_output_rate_conversion},
  {"render: noise-shaped dither", test_shaped_dither},
  {"render: WAV and FLAC metadata", test_metadata},
  {"render: refuses to overwrite a source", test_refuses_to_overwrite_a_source},
  {"render: unwritable output leaves nothing", test_unwritable_output_leaves_nothing},
  {"render: summary report", test_render_report},
  {NULL, NULL},
};
