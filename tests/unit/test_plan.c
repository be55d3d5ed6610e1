// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The routing plan (src/engine/graph.c, through engine/graph.h): run order,
// latency at each node's input and output with the delays that align
// edges and keys, tails, and audibility under mute and solo; and, through
// a render, that a track behind a 64-frame latency meets a dry copy of
// itself sample for sample.

#include "engine/graph.h"
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Node indices: tracks, then buses, then the master.  `late` is declared
// before `early`, which feeds it: the plan must not follow declaration order.
//   a ──────────────→ late → master
//   b → early ──────↗
//   c (send to fx) → master;  fx → master
static const char* const routing_yaml =
  "mixdown: 1\n"
  "tracks:\n"
  "  - {name: a, file: p.wav, output: late}\n"
  "  - {name: b, file: p.wav, output: early}\n"
  "  - {name: c, file: p.wav, sends: [{to: fx, level_db: -6}]}\n"
  "buses:\n"
  "  - {name: late}\n"
  "  - {name: early, output: late}\n"
  "  - {name: fx}\n";
enum { A, B, C, LATE, EARLY, FX, MASTER, N_NODES };

static MixdownSession*
open_routing(void)
{
  test_write_dc(test_path("p.wav"), 0.25f, 0.1, 1U, 48000U);
  MixdownSession* s = test_open_yaml(routing_yaml);
  if (s && s->n_nodes != N_NODES) {
    test_fail(__FILE__, __LINE__, "%zu nodes, expected %d", s->n_nodes, N_NODES);
    mixdown_session_free(s);
    return NULL;
  }
  return s;
}

static uint32_t
position_of(const MdPlan* plan, uint32_t node)
{
  for (uint32_t k = 0U; k < N_NODES; ++k) {
    if (plan->order[k] == node) {
      return k;
    }
  }
  return UINT32_MAX;
}

typedef struct {
  const MdPlan* plan;
  unsigned      edges;
  unsigned      backwards;
} EdgeCheck;

static void
check_edge(uint32_t from, uint32_t to, void* user)
{
  EdgeCheck* c = user;
  ++c->edges;
  if (position_of(c->plan, from) >= position_of(c->plan, to)) {
    ++c->backwards;
    test_fail(__FILE__, __LINE__, "node %u runs at %u, after %u it feeds (at %u)", from, position_of(c->plan, from),
              to, position_of(c->plan, to));
  }
}

static void
test_every_node_runs_after_its_sources(void)
{
  MixdownSession* s = open_routing();
  if (!s) {
    return;
  }
  const uint32_t zero32[N_NODES] = {0};
  const uint64_t zero64[N_NODES] = {0};
  // The key link: c keys an insert of a (c must run before a).
  const MdKeyLink key = {A, C, 0U};
  MdPlan          plan;
  CHECK(md_plan_build(s, zero32, zero64, &key, 1U, &plan) == MIXDOWN_SUCCESS);
  if (plan.order) {
    EdgeCheck check = {&plan, 0U, 0U};
    for (uint32_t i = 0U; i < N_NODES; ++i) {
      md_plan_for_each_edge(s, i, check_edge, &check);
    }
    CHECK_MSG(check.edges == 7U, "%u edges, expected 7 (6 outputs and a send)", check.edges);
    CHECK(position_of(&plan, C) < position_of(&plan, A));
    // Kahn's algorithm from the sources in index order: a fixed order,
    // and so a fixed summing order.
    const uint32_t expected[N_NODES] = {B, C, EARLY, FX, A, LATE, MASTER};
    for (uint32_t k = 0U; k < N_NODES; ++k) {
      CHECK_MSG(plan.order[k] == expected[k], "position %u: node %u, expected %u", k, plan.order[k], expected[k]);
    }
  }
  md_plan_free(&plan);
  CHECK(plan.order == NULL && plan.audible == NULL);
  mixdown_session_free(s);
}

static void
test_latency_and_tails_flow_downstream(void)
{
  MixdownSession* s = open_routing();
  if (!s) {
    return;
  }
  uint32_t latency[N_NODES] = {0};
  uint64_t tail[N_NODES]    = {0};
  latency[A]                = 64U;
  latency[EARLY]            = 10U;
  latency[FX]               = 100U;
  tail[A]                   = 1000U;
  tail[EARLY]               = 5U;
  tail[LATE]                = 7U;
  MdPlan plan;
  CHECK(md_plan_build(s, latency, tail, NULL, 0U, &plan) == MIXDOWN_SUCCESS);
  if (plan.order) {
    CHECK(plan.latency_in[A] == 0U && plan.latency_out[A] == 64U);
    CHECK(plan.latency_in[EARLY] == 0U && plan.latency_out[EARLY] == 10U);
    CHECK_MSG(plan.latency_in[LATE] == 64U && plan.latency_out[LATE] == 64U, "late: %u → %u", plan.latency_in[LATE],
              plan.latency_out[LATE]);
    CHECK(plan.latency_out[FX] == 100U);
    CHECK_MSG(plan.latency_in[MASTER] == 100U, "master input latency %u", plan.latency_in[MASTER]);
    // Each edge's delay brings its source level with the slowest input.
    CHECK(md_plan_edge_delay(&plan, A, LATE) == 0U);
    CHECK(md_plan_edge_delay(&plan, EARLY, LATE) == 54U);
    CHECK(md_plan_edge_delay(&plan, LATE, MASTER) == 36U);
    CHECK(md_plan_edge_delay(&plan, C, MASTER) == 100U);
    CHECK(md_plan_edge_delay(&plan, C, FX) == 0U);
    CHECK(md_plan_edge_delay(&plan, FX, MASTER) == 0U);
    // Tails: the longest of the inputs, plus the node's own.
    CHECK(plan.tail_out[A] == 1000U && plan.tail_out[B] == 0U && plan.tail_out[EARLY] == 5U);
    CHECK_MSG(plan.tail_out[LATE] == 1007U, "late's tail %llu", (unsigned long long)plan.tail_out[LATE]);
    CHECK(plan.tail_out[MASTER] == 1007U);
  }
  md_plan_free(&plan);
  mixdown_session_free(s);
}

// A key later than the audio at its insert holds the host's input back
// until they meet; the key's own delay is then what remains.
static void
test_keys_arrive_aligned(void)
{
  MixdownSession* s = open_routing();
  if (!s) {
    return;
  }
  uint32_t latency[N_NODES] = {0};
  const uint64_t tail[N_NODES] = {0};
  latency[C]                = 64U;
  latency[A]                = 30U;
  const MdKeyLink late_key  = {A, C, 20U}; // the insert sits 20 frames into a's chain
  MdPlan          plan;
  CHECK(md_plan_build(s, latency, tail, &late_key, 1U, &plan) == MIXDOWN_SUCCESS);
  if (plan.order) {
    CHECK_MSG(plan.latency_in[A] == 44U, "a's input held back %u frames, expected 64 - 20", plan.latency_in[A]);
    CHECK(plan.latency_out[A] == 74U);
    CHECK(md_plan_key_delay(&plan, &late_key) == 0U);
  }
  md_plan_free(&plan);
  // A key earlier than the audio is delayed to meet it; the host waits for nothing.
  latency[C] = 0U;
  const MdKeyLink early_key = {A, C, 20U};
  CHECK(md_plan_build(s, latency, tail, &early_key, 1U, &plan) == MIXDOWN_SUCCESS);
  if (plan.order) {
    CHECK(plan.latency_in[A] == 0U);
    CHECK(md_plan_key_delay(&plan, &early_key) == 20U);
  }
  md_plan_free(&plan);
  mixdown_session_free(s);
}

// Audible sets, as an array of node indices, for md_plan_audible().
static unsigned
audible_mask(const MixdownSession* s, const MdPlan* plan, const bool* mute, const bool* solo)
{
  bool     marks[2 * N_NODES];
  bool     audible[N_NODES];
  unsigned mask = 0U;
  md_plan_audible(s, plan->order, mute, solo, marks, audible);
  for (unsigned i = 0U; i < N_NODES; ++i) {
    mask |= audible[i] ? 1U << i : 0U;
  }
  return mask;
}

#define BIT(n) (1U << (n))

static void
test_audibility_under_mute_and_solo(void)
{
  MixdownSession* s = open_routing();
  if (!s) {
    return;
  }
  const uint32_t zero32[N_NODES] = {0};
  const uint64_t zero64[N_NODES] = {0};
  MdPlan         plan;
  CHECK(md_plan_build(s, zero32, zero64, NULL, 0U, &plan) == MIXDOWN_SUCCESS);
  if (plan.order) {
    const unsigned all = BIT(N_NODES) - 1U;
    for (unsigned i = 0U; i < N_NODES; ++i) {
      CHECK_MSG(plan.audible[i], "node %u silent in a session without mute or solo", i);
    }
    bool mute[N_NODES] = {0};
    bool solo[N_NODES] = {0};
    CHECK(audible_mask(s, &plan, mute, solo) == all);
    // Solo a track: it, and what it feeds, and the master.
    solo[B] = true;
    unsigned got = audible_mask(s, &plan, mute, solo);
    CHECK_MSG(got == (BIT(B) | BIT(EARLY) | BIT(LATE) | BIT(MASTER)), "solo b: %#x", got);
    // Solo a bus: it, what feeds it, what it feeds.
    solo[B]     = false;
    solo[EARLY] = true;
    got         = audible_mask(s, &plan, mute, solo);
    CHECK_MSG(got == (BIT(B) | BIT(EARLY) | BIT(LATE) | BIT(MASTER)), "solo early: %#x", got);
    // Solo the send bus: the track sending to it keeps sounding (through its output too).
    solo[EARLY] = false;
    solo[FX]    = true;
    got         = audible_mask(s, &plan, mute, solo);
    CHECK_MSG(got == (BIT(C) | BIT(FX) | BIT(MASTER)), "solo fx: %#x", got);
    // Mute wins over solo and over being fed by a soloed node.
    solo[FX]   = false;
    solo[A]    = true;
    mute[LATE] = true;
    got        = audible_mask(s, &plan, mute, solo);
    CHECK_MSG(got == (BIT(A) | BIT(MASTER)), "solo a, mute late: %#x", got);
    mute[A] = true;
    got     = audible_mask(s, &plan, mute, solo);
    CHECK_MSG(got == BIT(MASTER), "solo a, mute a and late: %#x", got);
  }
  md_plan_free(&plan);
  mixdown_session_free(s);
  // md_plan_build() reads the session's own mute and solo.
  test_write_dc(test_path("p.wav"), 0.25f, 0.1, 1U, 48000U);
  s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: a, file: p.wav, solo: true}\n  - {name: b, file: p.wav}\n"
                     "  - {name: c, file: p.wav, solo: true, mute: true}\n");
  if (s) {
    const uint32_t no_latency[4] = {0};
    const uint64_t no_tail[4]    = {0};
    CHECK(md_plan_build(s, no_latency, no_tail, NULL, 0U, &plan) == MIXDOWN_SUCCESS);
    if (plan.audible) {
      CHECK(plan.audible[0] && !plan.audible[1] && !plan.audible[2] && plan.audible[3]);
    }
    md_plan_free(&plan);
    mixdown_session_free(s);
  }
}

/* A processor that delays by exactly 64 frames and reports it. */
#define LATENCY_FRAMES 64U
typedef struct {
  uint32_t channels;
  uint32_t pos;
  float    line[2][LATENCY_FRAMES];
} Delay64;

static void*
delay_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls, (void)values;
  Delay64* d = calloc(1U, sizeof *d);
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
  Delay64* d   = s;
  uint32_t pos = d->pos;
  for (uint32_t c = 0U; c < d->channels; ++c) {
    pos = d->pos;
    for (uint32_t i = 0U; i < b->frames; ++i) {
      const float x   = b->in[c][i];
      b->out[c][i]    = d->line[c][pos];
      d->line[c][pos] = x;
      pos             = (pos + 1U) % LATENCY_FRAMES;
    }
  }
  d->pos = pos;
}
static void
delay_set(void* s, uint32_t id, double v)
{
  (void)s, (void)id, (void)v;
}
static void
delay_reset(void* s)
{
  Delay64* d = s;
  memset(d->line, 0, sizeof d->line);
}
static uint32_t
delay_latency(const void* s)
{
  (void)s;
  return LATENCY_FRAMES;
}
static const MdProcessorClass delay64_class = {
  .name = "test-delay-64", .create = delay_create, .prepare = delay_prepare, .destroy = free,
  .set_param = delay_set, .process = delay_process, .reset = delay_reset, .latency = delay_latency,
  .tail = md_processor_no_frames};

// Renders `yaml` with track 0's first insert made the 64-frame delay.
static bool
render_delayed(const char* yaml, TestMix* mix)
{
  memset(mix, 0, sizeof *mix);
  MixdownSession* s = test_open_yaml(yaml);
  if (!s) {
    return false;
  }
  s->nodes[0].inserts[0].cls = &delay64_class;
  const bool ok              = test_render_session(s, mix);
  mixdown_session_free(s);
  return ok;
}

static void
write_noise(const char* path, uint32_t frames)
{
  float*   x    = malloc(frames * sizeof(float));
  uint32_t seed = 17U;
  for (uint32_t i = 0U; x && i < frames; ++i) {
    x[i] = (float)(0.25 * test_noise(&seed));
  }
  test_write_wav(path, x, frames, 1U, 48000U);
  free(x);
}

// Both tracks straight into the master: the plan delays the dry one by the
// other's 64 frames.  Inverted, they null to the bit; in phase they add
// to +6.02 dB (misaligned noise would add to +3 dB).
static void
test_latent_track_aligns_with_a_dry_one(void)
{
  write_noise(test_path("n.wav"), 48000U);
  TestMix one, nulled, summed;
  const bool ok_one = render_delayed("mixdown: 1\ntracks:\n  - {name: late, file: n.wav, pan_law: 0, "
                                     "inserts: [{type: gain}]}\n", &one);
  const bool ok_null = render_delayed("mixdown: 1\ntracks:\n  - {name: late, file: n.wav, pan_law: 0, "
                                      "inserts: [{type: gain}]}\n"
                                      "  - {name: dry, file: n.wav, pan_law: 0, invert: true}\n", &nulled);
  const bool ok_sum = render_delayed("mixdown: 1\ntracks:\n  - {name: late, file: n.wav, pan_law: 0, "
                                     "inserts: [{type: gain}]}\n"
                                     "  - {name: dry, file: n.wav, pan_law: 0}\n", &summed);
  if (ok_one && ok_null && ok_sum) {
    CHECK_MSG(one.latency == LATENCY_FRAMES, "reported latency %u", one.latency);
    CHECK(one.frames == 48000U && nulled.frames == 48000U);
    CHECK_MSG(test_peak_db(nulled.left, nulled.frames) == -HUGE_VAL &&
                test_peak_db(nulled.right, nulled.frames) == -HUGE_VAL,
              "residual %.1f dB", test_peak_db(nulled.left, nulled.frames));
    const double gain_db = test_rms_db(summed.left, summed.frames) - test_rms_db(one.left, one.frames);
    CHECK_MSG(fabs(gain_db - 6.0206) < 0.001, "in phase: %+.4f dB over one track, expected +6.02", gain_db);
  }
  test_mix_free(&one);
  test_mix_free(&nulled);
  test_mix_free(&summed);
}

const TestCase plan_tests[] = {
  {"plan: every node runs after the nodes and keys that feed it, in a fixed order",
   test_every_node_runs_after_its_sources},
  {"plan: latency and tails flow downstream; edge delays align the inputs", test_latency_and_tails_flow_downstream},
  {"plan: a late key holds its host back, an early one is delayed", test_keys_arrive_aligned},
  {"plan: audibility under solo in place and mute", test_audibility_under_mute_and_solo},
  {"plan: a track behind a 64-frame insert nulls against a dry inverted copy, +6.02 dB in phase",
   test_latent_track_aligns_with_a_dry_one},
  {NULL, NULL},
};
