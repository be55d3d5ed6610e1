// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `gate`: noise gate and downward expander.
//
//   key (input or sidechain) → key high-pass / low-pass → peak level
//   (instant attack, 10 ms release) → open when the level reaches
//   threshold_db; once it falls below threshold_db - hysteresis_db, stay
//   open hold_ms more, then close.
//
// Closed, the gain follows the expander curve (x - T)·(ratio - 1), no
// lower than -range_db; ratio 100 (the default) is a gate.  The gain moves
// linearly in dB: from fully closed to open in attack_ms and from open to
// fully closed in release_ms, so the gate opens within its attack and
// closes in a smooth exponential fade, never a click.

#include "dsp/gate.h"

#include "dsp/dynamics.h"

#include <stdlib.h>
#include <string.h>

enum {
  GATE_THRESHOLD_DB,
  GATE_RANGE_DB,
  GATE_RATIO,
  GATE_ATTACK_MS,
  GATE_HOLD_MS,
  GATE_RELEASE_MS,
  GATE_HYSTERESIS_DB,
  GATE_SIDECHAIN,
  GATE_SIDECHAIN_HPF_HZ,
  GATE_SIDECHAIN_LPF_HZ,
  GATE_N_PARAMS
};

static const MdParam gate_params[GATE_N_PARAMS] = {
  [GATE_THRESHOLD_DB]     = MD_NUMBER("threshold_db", "dB", "Level that opens the gate", -100.0, 0.0, -40.0, 0.0f),
  [GATE_RANGE_DB]         = MD_NUMBER("range_db", "dB", "Attenuation when closed", 0.0, 120.0, 80.0, 0.0f),
  [GATE_RATIO]         = MD_NUMBER("ratio", "", "Expansion below the threshold (100: a gate)", 1.0, 100.0, 100.0, 0.0f),
  [GATE_ATTACK_MS]        = MD_NUMBER("attack_ms", "ms", "Time to open fully", 0.01, 200.0, 0.5, 0.0f),
  [GATE_HOLD_MS]          = MD_NUMBER("hold_ms", "ms", "Time kept open after the level falls", 0.0, 5000.0, 50.0, 0.0f),
  [GATE_RELEASE_MS]       = MD_NUMBER("release_ms", "ms", "Time to close fully", 1.0, 5000.0, 100.0, 0.0f),
  [GATE_HYSTERESIS_DB]    = MD_NUMBER("hysteresis_db", "dB", "How far below the threshold it closes", 0.0, 24.0, 3.0, 0.0f),
  [GATE_SIDECHAIN]     = MD_NODE("sidechain", "Track or bus whose signal (pre-fader) keys the gate"),
  [GATE_SIDECHAIN_HPF_HZ] = MD_NUMBER("sidechain_hpf", "Hz", "High-pass on the key (0: off)", 0.0, 20000.0, 0.0, 0.0f),
  [GATE_SIDECHAIN_LPF_HZ] = MD_NUMBER("sidechain_lpf", "Hz", "Low-pass on the key (0: off)", 0.0, 20000.0, 0.0, 0.0f),
};

static const MdMeter gate_meters[] = {
  {"gain_reduction_db", "Most attenuation in the last block (≤ 0)"},
};

#define GATE_DETECTOR_RELEASE_MS 10.0

typedef struct {
  uint32_t    channels;
  double      rate_hz;
  double      v[GATE_N_PARAMS];
  MdKeyFilter highpass;
  MdKeyFilter lowpass;
  double      detector_coef;
  double      level_linear; ///< Peak envelope of the key
  bool        open;
  uint32_t    hold_left_frames; ///< Frames of hold left
  double      gain_db;          ///< Applied gain (≤ 0)
  double      block_min_db;     ///< Meter
} Gate;

double
md_gate_static_db(const double* values, double in_db)
{
  const double threshold = values[GATE_THRESHOLD_DB];
  if (in_db >= threshold) {
    return in_db;
  }
  const double gain_db = fmax(-values[GATE_RANGE_DB], fmin(0.0, (in_db - threshold) * (values[GATE_RATIO] - 1.0)));
  return gain_db <= -120.0 ? -HUGE_VAL : in_db + gain_db;
}

static void*
gate_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  Gate* g = calloc(1U, sizeof(Gate));
  if (g) {
    g->channels = channels;
    memcpy(g->v, values, sizeof g->v);
  }
  return g;
}

static MixdownStatus
gate_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  Gate* g = state;
  (void)max_frames;
  g->rate_hz       = rate_hz;
  g->detector_coef = md_time_coef(GATE_DETECTOR_RELEASE_MS, rate_hz);
  g->gain_db       = -g->v[GATE_RANGE_DB]; // start closed: silence before the first hit
  md_key_filter_design(&g->highpass, g->v[GATE_SIDECHAIN_HPF_HZ], rate_hz, 1);
  md_key_filter_design(&g->lowpass, g->v[GATE_SIDECHAIN_LPF_HZ], rate_hz, 0);
  return MIXDOWN_SUCCESS;
}

static void
gate_destroy(void* state)
{
  free(state);
}

static void
gate_set_param(void* state, uint32_t id, double value)
{
  Gate* g = state;
  if (id >= GATE_N_PARAMS || id == GATE_SIDECHAIN) {
    return;
  }
  g->v[id] = value;
  if (id == GATE_SIDECHAIN_HPF_HZ) {
    md_key_filter_design(&g->highpass, value, g->rate_hz, 1);
  } else if (id == GATE_SIDECHAIN_LPF_HZ) {
    md_key_filter_design(&g->lowpass, value, g->rate_hz, 0);
  }
}

static double
key_peak(Gate* g, const MdBlock* b, uint32_t i)
{
  const uint32_t n    = b->key ? b->key_channels : g->channels;
  double         peak = 0.0;
  for (uint32_t c = 0U; c < n; ++c) {
    double x = b->key ? b->key[c][i] : b->in[c][i];
    x        = md_key_filter_tick(&g->lowpass, c, md_key_filter_tick(&g->highpass, c, x));
    peak     = fmax(peak, fabs(x));
  }
  return peak;
}

static void
gate_process(void* state, const MdBlock* b)
{
  Gate*        g         = state;
  const double range     = g->v[GATE_RANGE_DB];
  const double threshold = g->v[GATE_THRESHOLD_DB];
  const double open_step = range / fmax(g->v[GATE_ATTACK_MS] * 0.001 * g->rate_hz, 1.0);
  const double close_step = range / fmax(g->v[GATE_RELEASE_MS] * 0.001 * g->rate_hz, 1.0);
  const uint32_t hold    = (uint32_t)lround(g->v[GATE_HOLD_MS] * 0.001 * g->rate_hz);
  g->block_min_db        = 0.0;
  for (uint32_t i = 0U; i < b->frames; ++i) {
    const double peak = key_peak(g, b, i);
    g->level_linear   = peak > g->level_linear ? peak : peak + g->detector_coef * (g->level_linear - peak);
    const double level_db = md_level_db(g->level_linear);
    if (level_db >= threshold) {
      g->open             = true;
      g->hold_left_frames = hold;
    } else if (level_db < threshold - g->v[GATE_HYSTERESIS_DB]) {
      if (g->hold_left_frames) {
        --g->hold_left_frames;
      } else {
        g->open = false;
      }
    }
    const double target = g->open ? 0.0 : fmax(-range, fmin(0.0, (level_db - threshold) * (g->v[GATE_RATIO] - 1.0)));
    if (target > g->gain_db) {
      g->gain_db = fmin(target, g->gain_db + open_step);
    } else {
      g->gain_db = fmax(target, g->gain_db - close_step);
    }
    g->block_min_db   = fmin(g->block_min_db, g->gain_db);
    const double gain = g->gain_db <= -120.0 ? 0.0 : md_gain_of_db(g->gain_db);
    for (uint32_t c = 0U; c < g->channels; ++c) {
      b->out[c][i] = (float)(b->in[c][i] * gain);
    }
  }
  for (uint32_t c = 0U; c < 2U; ++c) {
    md_svf_flush(&g->highpass.state[c]);
    md_svf_flush(&g->lowpass.state[c]);
  }
  if (g->level_linear < MD_LEVEL_FLOOR) {
    g->level_linear = 0.0;
  }
}

// At rest when closed with an empty envelope, no hold left, the gain settled
// where silence puts it, and the key filters empty: silence in, silence out.
static bool
gate_idle(const void* state)
{
  const Gate*  g      = state;
  const double target = fmax(-g->v[GATE_RANGE_DB],
                             fmin(0.0, (md_level_db(0.0) - g->v[GATE_THRESHOLD_DB]) * (g->v[GATE_RATIO] - 1.0)));
  for (uint32_t c = 0U; c < 2U; ++c) {
    const MdSvfState* hp = &g->highpass.state[c];
    const MdSvfState* lp = &g->lowpass.state[c];
    if (hp->ic1 != 0.0 || hp->ic2 != 0.0 || lp->ic1 != 0.0 || lp->ic2 != 0.0) {
      return false;
    }
  }
  return g->level_linear == 0.0 && !g->open && g->hold_left_frames == 0U && g->gain_db == target;
}

static void
gate_reset(void* state)
{
  Gate* g = state;
  g->level_linear     = 0.0;
  g->open             = false;
  g->hold_left_frames = 0U;
  g->gain_db          = -g->v[GATE_RANGE_DB];
  memset(g->highpass.state, 0, sizeof g->highpass.state);
  memset(g->lowpass.state, 0, sizeof g->lowpass.state);
}

static double
gate_read_meter(const void* state, uint32_t id)
{
  const Gate* g = state;
  (void)id;
  return g->block_min_db;
}

const MdProcessorClass md_gate_class = {
  .name        = "gate",
  .description = "Noise gate / downward expander with hold, hysteresis and a filtered sidechain",
  .params      = gate_params,
  .n_params    = GATE_N_PARAMS,
  .meters      = gate_meters,
  .n_meters    = 1U,
  .create      = gate_create,
  .prepare     = gate_prepare,
  .destroy     = gate_destroy,
  .set_param   = gate_set_param,
  .process     = gate_process,
  .reset       = gate_reset,
  .idle        = gate_idle,
  .latency     = md_processor_no_frames,
  .tail        = md_processor_no_frames,
  .read_meter  = gate_read_meter,
};
