// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `deesser`: a split-band de-esser that works as a dynamic bell cut.
//
// A bandpass around `freq` (constant 0 dB peak, width `q`) isolates the
// sibilant band.  Its peak envelope (0.5 ms attack, 60 ms release) above
// threshold_db is reduced 4:1, never by more than range_db.  The output is
//
//   y = x + (g - 1)·band(x)
//
// so only the band is turned down, by g; with no sibilance g = 1 and the
// voice passes bit for bit.

#include "dsp/deesser.h"

#include "dsp/dynamics.h"

#include <stdlib.h>
#include <string.h>

enum { DS_FREQ_HZ, DS_THRESHOLD_DB, DS_RANGE_DB, DS_Q, DS_N_PARAMS };

static const MdParam ds_params[DS_N_PARAMS] = {
  [DS_FREQ_HZ]      = MD_NUMBER("freq", "Hz", "Centre of the sibilant band", 1000.0, 16000.0, 6500.0, 0.0f),
  [DS_THRESHOLD_DB] = MD_NUMBER("threshold_db", "dB", "Band level where reduction starts", -80.0, 0.0, -30.0, 0.0f),
  [DS_RANGE_DB]     = MD_NUMBER("range_db", "dB", "Most reduction of the band", 0.0, 40.0, 6.0, 0.0f),
  [DS_Q]         = MD_NUMBER("q", "", "Width of the band", 0.3, 8.0, 1.0, 0.0f),
};

static const MdMeter ds_meters[] = {
  {"gain_reduction_db", "Most reduction of the band in the last block (≤ 0)"},
};

#define DS_RATIO      4.0
#define DS_ATTACK_MS  0.5
#define DS_RELEASE_MS 60.0

typedef struct {
  uint32_t   channels;
  double     rate_hz;
  double     v[DS_N_PARAMS];
  MdSvfCoefs band;
  MdSvfState state[2];
  double     attack_coef, release_coef;
  double     envelope_linear; ///< Peak envelope of the band (linear, all channels)
  double     gr_db;           ///< Applied reduction (≤ 0)
  double     block_min_db;
} Deesser;

static void
design(Deesser* d)
{
  const MdAnalog  proto = md_proto_bandpass(d->v[DS_Q]);
  const MdDigital dig   = md_match(&proto, fmin(d->v[DS_FREQ_HZ], 0.45 * d->rate_hz), d->rate_hz, MD_MATCH_FAST);
  d->band               = md_svf_from_digital(&dig);
}

static void*
ds_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  Deesser* d = calloc(1U, sizeof(Deesser));
  if (d) {
    d->channels = channels;
    memcpy(d->v, values, sizeof d->v);
  }
  return d;
}

static MixdownStatus
ds_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  Deesser* d = state;
  (void)max_frames;
  d->rate_hz      = rate_hz;
  d->attack_coef  = md_time_coef(DS_ATTACK_MS, rate_hz);
  d->release_coef = md_time_coef(DS_RELEASE_MS, rate_hz);
  design(d);
  return MIXDOWN_SUCCESS;
}

static void
ds_destroy(void* state)
{
  free(state);
}

static void
ds_set_param(void* state, uint32_t id, double value)
{
  Deesser* d = state;
  if (id < DS_N_PARAMS) {
    d->v[id] = value;
    if (id == DS_FREQ_HZ || id == DS_Q) {
      design(d);
    }
  }
}

static void
ds_process(void* state, const MdBlock* b)
{
  Deesser* d = state;
  d->block_min_db = 0.0;
  for (uint32_t i = 0U; i < b->frames; ++i) {
    double band[2] = {0.0, 0.0};
    double peak    = 0.0;
    for (uint32_t c = 0U; c < d->channels; ++c) {
      band[c] = md_svf_tick(&d->band, &d->state[c], b->in[c][i]);
      peak    = fmax(peak, fabs(band[c]));
    }
    const double coef  = peak > d->envelope_linear ? d->attack_coef : d->release_coef;
    d->envelope_linear = peak + coef * (d->envelope_linear - peak);
    const double over  = md_level_db(d->envelope_linear) - d->v[DS_THRESHOLD_DB];
    d->gr_db           = over > 0.0 ? fmax(-d->v[DS_RANGE_DB], over / DS_RATIO - over) : 0.0;
    d->block_min_db    = fmin(d->block_min_db, d->gr_db);
    if (d->gr_db == 0.0) {
      for (uint32_t c = 0U; c < d->channels; ++c) {
        b->out[c][i] = b->in[c][i];
      }
      continue;
    }
    const double cut = md_gain_of_db(d->gr_db) - 1.0;
    for (uint32_t c = 0U; c < d->channels; ++c) {
      b->out[c][i] = (float)(b->in[c][i] + cut * band[c]);
    }
  }
  for (uint32_t c = 0U; c < 2U; ++c) {
    md_svf_flush(&d->state[c]);
  }
  if (d->envelope_linear < MD_LEVEL_FLOOR) {
    d->envelope_linear = 0.0;
  }
}

// At rest with an empty band filter and envelope (so no reduction).
static bool
ds_idle(const void* state)
{
  const Deesser* d = state;
  for (uint32_t c = 0U; c < 2U; ++c) {
    if (d->state[c].ic1 != 0.0 || d->state[c].ic2 != 0.0) {
      return false;
    }
  }
  return d->envelope_linear == 0.0 && d->gr_db == 0.0;
}

static void
ds_reset(void* state)
{
  Deesser* d = state;
  memset(d->state, 0, sizeof d->state);
  d->envelope_linear = 0.0;
  d->gr_db           = 0.0;
}

static double
ds_read_meter(const void* state, uint32_t id)
{
  const Deesser* d = state;
  (void)id;
  return d->block_min_db;
}

const MdProcessorClass md_deesser_class = {
  .name        = "deesser",
  .description = "Split-band de-esser (dynamic bell cut around freq)",
  .params      = ds_params,
  .n_params    = DS_N_PARAMS,
  .meters      = ds_meters,
  .n_meters    = 1U,
  .create      = ds_create,
  .prepare     = ds_prepare,
  .destroy     = ds_destroy,
  .set_param   = ds_set_param,
  .process     = ds_process,
  .reset       = ds_reset,
  .idle        = ds_idle,
  .latency     = md_processor_no_frames,
  .tail        = md_processor_no_frames,
  .read_meter  = ds_read_meter,
};
