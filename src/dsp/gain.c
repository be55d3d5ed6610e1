// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `gain`: a trim with polarity switch.  The gain glides per sample, so fast
// automation makes no zipper noise; once settled it is a plain multiply.

#include "dsp/db.h"
#include "dsp/gain.h"
#include "dsp/smooth.h"

#include <stdlib.h>

enum { GAIN_DB, GAIN_INVERT, GAIN_N_PARAMS };

static const MdParam gain_params[GAIN_N_PARAMS] = {
  [GAIN_DB]     = MD_NUMBER("gain_db", "dB", "Gain (-144 dB is silence)", -144.0, 48.0, 0.0, 20.0f),
  [GAIN_INVERT] = MD_BOOL("invert", "Invert polarity", 0.0),
};

typedef struct {
  uint32_t   channels;
  double     initial[GAIN_N_PARAMS];
  MdSmoothed gain_linear; ///< Polarity included
} MdGainProc;

static double
signed_gain(double gain_db, double invert)
{
  const double gain = md_db_to_gain(gain_db);
  return invert >= 0.5 ? -gain : gain;
}

static void*
gain_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  MdGainProc* self = calloc(1U, sizeof(MdGainProc));
  if (self) {
    self->channels = channels;
    for (uint32_t i = 0U; i < GAIN_N_PARAMS; ++i) {
      self->initial[i] = values[i];
    }
  }
  return self;
}

static MixdownStatus
gain_prepare(void* state, double sample_rate_hz, uint32_t max_frames)
{
  MdGainProc* self = state;
  (void)max_frames;
  md_smoothed_init(&self->gain_linear, signed_gain(self->initial[GAIN_DB], self->initial[GAIN_INVERT]),
                   sample_rate_hz, gain_params[GAIN_DB].smoothing_ms);
  return MIXDOWN_SUCCESS;
}

static void
gain_destroy(void* state)
{
  free(state);
}

static void
gain_set_param(void* state, uint32_t id, double value)
{
  MdGainProc* self = state;
  if (id < GAIN_N_PARAMS) {
    self->initial[id] = value;
    md_smoothed_set(&self->gain_linear, signed_gain(self->initial[GAIN_DB], self->initial[GAIN_INVERT]));
  }
}

static void
gain_process(void* state, const MdBlock* block)
{
  MdGainProc* self = state;
  for (uint32_t c = 0U; c < self->channels; ++c) {
    MdSmoothed   gain = self->gain_linear; // every channel follows the same ramp
    const float* in   = block->in[c];
    float*       out  = block->out[c];
    for (uint32_t i = 0U; i < block->frames; ++i) {
      out[i] = (float)(in[i] * md_smoothed_next(&gain));
    }
    if (c + 1U == self->channels) {
      self->gain_linear = gain;
    }
  }
}

// At rest once the gain has stopped gliding: no other state.
static bool
gain_idle(const void* state)
{
  const MdGainProc* self = state;
  return md_smoothed_settled(&self->gain_linear);
}

static void
gain_reset(void* state)
{
  (void)state; // no history
}

const MdProcessorClass md_gain_class = {
  .name        = "gain",
  .description = "Trim gain and polarity",
  .params      = gain_params,
  .n_params    = GAIN_N_PARAMS,
  .create      = gain_create,
  .prepare     = gain_prepare,
  .destroy     = gain_destroy,
  .set_param   = gain_set_param,
  .process     = gain_process,
  .idle        = gain_idle,
  .reset       = gain_reset,
  .latency     = md_processor_no_frames,
  .tail        = md_processor_no_frames,
};
