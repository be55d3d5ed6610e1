// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `pitch_shift`: a fixed transposition of a monophonic voice or instrument
// by semitones and cents, on the same PSOLA machinery as `pitch_correct`
// (psola.h): formants stay in place; unvoiced sounds pass unshifted.

#include "dsp/pitch_shift.h"

#include "dsp/psola.h"

#include <math.h>
#include <stdlib.h>

enum { PS_SEMITONES, PS_CENTS, PS_N_PARAMS };

static const MdParam ps_params[PS_N_PARAMS] = {
  [PS_SEMITONES] = MD_NUMBER("semitones", "st", "Transposition", -12.0, 12.0, 0.0, 0.0f),
  [PS_CENTS]     = MD_NUMBER("cents", "cent", "Fine transposition", -100.0, 100.0, 0.0, 0.0f),
};

typedef struct {
  uint32_t channels;
  double   v[PS_N_PARAMS];
  MdPsola* psola;
} PitchShift;

static double
ps_ratio(void* owner, const MdPitchFrame* frame)
{
  const PitchShift* self = owner;
  (void)frame;
  return exp2((100.0 * self->v[PS_SEMITONES] + self->v[PS_CENTS]) / 1200.0);
}

static void*
ps_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  PitchShift* self = calloc(1U, sizeof(PitchShift));
  if (self) {
    self->channels = channels;
    for (uint32_t i = 0U; i < PS_N_PARAMS; ++i) {
      self->v[i] = values[i];
    }
  }
  return self;
}

static MixdownStatus
ps_prepare(void* state, double sample_rate_hz, uint32_t max_frames)
{
  PitchShift* self = state;
  (void)max_frames;
  md_psola_destroy(self->psola);
  self->psola = md_psola_create(self->channels, sample_rate_hz, 60.0, 1000.0, ps_ratio, self);
  return self->psola ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

static void
ps_destroy(void* state)
{
  PitchShift* self = state;
  md_psola_destroy(self->psola);
  free(self);
}

static void
ps_set_param(void* state, uint32_t id, double value)
{
  PitchShift* self = state;
  if (id < PS_N_PARAMS) {
    self->v[id] = value; // takes effect at the next 5 ms hop
  }
}

static void
ps_process(void* state, const MdBlock* block)
{
  PitchShift* self = state;
  md_psola_process(self->psola, block->in, block->out, block->frames);
}

static void
ps_reset(void* state)
{
  PitchShift* self = state;
  md_psola_reset(self->psola);
}

static uint32_t
ps_latency(const void* state)
{
  const PitchShift* self = state;
  return self->psola ? md_psola_latency(self->psola) : 0U;
}

const MdProcessorClass md_pitch_shift_class = {
  .name        = "pitch_shift",
  .description = "Transposition by semitones and cents (formant-keeping PSOLA)",
  .params      = ps_params,
  .n_params    = PS_N_PARAMS,
  .create      = ps_create,
  .prepare     = ps_prepare,
  .destroy     = ps_destroy,
  .set_param   = ps_set_param,
  .process     = ps_process,
  .reset       = ps_reset,
  .latency     = ps_latency,
  .tail        = md_processor_no_frames,
};
