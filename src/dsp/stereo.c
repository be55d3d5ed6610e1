// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `stereo`: mid/side width, and an optional mono bass below `mono_below`.
//
//   M = (L + R) / 2,  S = (L - R) / 2 · width,  L' = M + S,  R' = M - S
//
// The bass split is a 4th-order Linkwitz-Riley crossover (two cascaded
// Butterworth sections per band).  LR4 low + high sums to an all-pass, so
// the magnitude stays flat through the crossover; the low band is summed to
// mono and the high band gets the width.  On a mono input there is no image
// to change and the processor passes audio through untouched.

#include "dsp/biquad.h"
#include "dsp/smooth.h"
#include "dsp/stereo.h"

#include <stdlib.h>

enum { STEREO_WIDTH, STEREO_MONO_BELOW_HZ, STEREO_N_PARAMS };

static const MdParam stereo_params[STEREO_N_PARAMS] = {
  [STEREO_WIDTH]      = MD_NUMBER("width", "", "Stereo width: 0 mono, 1 unchanged, 2 wide", 0.0, 2.0,
                                  1.0, 20.0f),
  [STEREO_MONO_BELOW_HZ] = MD_NUMBER("mono_below", "Hz", "Sum to mono below this frequency (0: off)",
                                  0.0, 1000.0, 0.0, 0.0f),
};

#define BUTTERWORTH_Q 0.70710678118654752

typedef struct {
  uint32_t      channels;
  double        sample_rate_hz;
  double        values[STEREO_N_PARAMS];
  double        designed_freq_hz; ///< mono_below the crossover was designed for
  MdSmoothed    width;
  MdBiquadCoefs low, high;
  MdBiquadState low_state[2][2];  ///< [channel][section]
  MdBiquadState high_state[2][2]; ///< [channel][section]
} MdStereoProc;

static void*
stereo_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  MdStereoProc* self = calloc(1U, sizeof(MdStereoProc));
  if (self) {
    self->channels = channels;
    for (uint32_t i = 0U; i < STEREO_N_PARAMS; ++i) {
      self->values[i] = values[i];
    }
  }
  return self;
}

static void
design_crossover(MdStereoProc* self)
{
  const double freq      = self->values[STEREO_MONO_BELOW_HZ];
  self->designed_freq_hz = freq;
  if (freq > 0.0) {
    self->low  = md_biquad_lowpass(self->sample_rate_hz, freq, BUTTERWORTH_Q);
    self->high = md_biquad_highpass(self->sample_rate_hz, freq, BUTTERWORTH_Q);
  }
}

static MixdownStatus
stereo_prepare(void* state, double sample_rate_hz, uint32_t max_frames)
{
  MdStereoProc* self = state;
  (void)max_frames;
  self->sample_rate_hz = sample_rate_hz;
  md_smoothed_init(&self->width, self->values[STEREO_WIDTH], sample_rate_hz,
                   stereo_params[STEREO_WIDTH].smoothing_ms);
  design_crossover(self);
  return MIXDOWN_SUCCESS;
}

static void
stereo_destroy(void* state)
{
  free(state);
}

static void
stereo_set_param(void* state, uint32_t id, double value)
{
  MdStereoProc* self = state;
  if (id == STEREO_WIDTH) {
    self->values[id] = value;
    md_smoothed_set(&self->width, value);
  } else if (id == STEREO_MONO_BELOW_HZ) {
    self->values[id] = value; // redesigned at the next block
  }
}

static void
copy_through(const float* const* in, float* const* out, uint32_t channels, uint32_t frames)
{
  for (uint32_t c = 0U; c < channels; ++c) {
    if (in[c] != out[c]) {
      for (uint32_t i = 0U; i < frames; ++i) {
        out[c][i] = in[c][i];
      }
    }
  }
}

static void
stereo_process(void* state, const MdBlock* block)
{
  MdStereoProc*       self   = state;
  const float* const* in     = block->in;
  float* const*       out    = block->out;
  const uint32_t      frames = block->frames;
  if (self->channels != 2U) {
    copy_through(in, out, self->channels, frames);
    return;
  }
  if (self->values[STEREO_MONO_BELOW_HZ] != self->designed_freq_hz) {
    design_crossover(self);
  }
  const bool split = self->designed_freq_hz > 0.0;
  if (!split && md_smoothed_settled(&self->width) && self->width.current == 1.0) {
    copy_through(in, out, 2U, frames); // unity: bit-exact
    return;
  }
  MdSmoothed width = self->width;
  for (uint32_t i = 0U; i < frames; ++i) {
    double left  = in[0][i];
    double right = in[1][i];
    double bass  = 0.0;
    if (split) {
      const double low_l = md_biquad_tick(&self->low, &self->low_state[0][1],
                                          md_biquad_tick(&self->low, &self->low_state[0][0], left));
      const double low_r = md_biquad_tick(&self->low, &self->low_state[1][1],
                                          md_biquad_tick(&self->low, &self->low_state[1][0], right));
      left  = md_biquad_tick(&self->high, &self->high_state[0][1],
                             md_biquad_tick(&self->high, &self->high_state[0][0], left));
      right = md_biquad_tick(&self->high, &self->high_state[1][1],
                             md_biquad_tick(&self->high, &self->high_state[1][0], right));
      bass  = 0.5 * (low_l + low_r);
    }
    const double w    = md_smoothed_next(&width);
    const double mid  = 0.5 * (left + right);
    const double side = 0.5 * (left - right) * w;
    out[0][i]         = (float)(bass + mid + side);
    out[1][i]         = (float)(bass + mid - side);
  }
  self->width = width;
  for (uint32_t c = 0U; c < 2U; ++c) {
    for (uint32_t s = 0U; s < 2U; ++s) {
      md_biquad_flush(&self->low_state[c][s]);
      md_biquad_flush(&self->high_state[c][s]);
    }
  }
}

// At rest with the width settled, the crossover designed and its filters
// empty: no other state.
static bool
stereo_idle(const void* state)
{
  const MdStereoProc* self = state;
  if (!md_smoothed_settled(&self->width) || self->values[STEREO_MONO_BELOW_HZ] != self->designed_freq_hz) {
    return false;
  }
  for (int c = 0; c < 2; ++c) {
    for (int s = 0; s < 2; ++s) {
      if (self->low_state[c][s].s1 != 0.0 || self->low_state[c][s].s2 != 0.0 ||
          self->high_state[c][s].s1 != 0.0 || self->high_state[c][s].s2 != 0.0) {
        return false;
      }
    }
  }
  return true;
}

static void
stereo_reset(void* state)
{
  MdStereoProc* self = state;
  for (uint32_t c = 0U; c < 2U; ++c) {
    for (uint32_t s = 0U; s < 2U; ++s) {
      self->low_state[c][s] = (MdBiquadState){0.0, 0.0};
      self->high_state[c][s] = (MdBiquadState){0.0, 0.0};
    }
  }
}

static uint32_t
stereo_tail(const void* state)
{
  const MdStereoProc* self = state;
  // The crossover rings for a few periods of its frequency.
  return self->designed_freq_hz > 0.0 ? (uint32_t)(self->sample_rate_hz * 8.0 / self->designed_freq_hz) : 0U;
}

const MdProcessorClass md_stereo_class = {
  .name        = "stereo",
  .description = "Stereo width (mid/side) and mono bass (Linkwitz-Riley crossover)",
  .params      = stereo_params,
  .n_params    = STEREO_N_PARAMS,
  .create      = stereo_create,
  .prepare     = stereo_prepare,
  .destroy     = stereo_destroy,
  .set_param   = stereo_set_param,
  .process     = stereo_process,
  .reset       = stereo_reset,
  .idle        = stereo_idle,
  .latency     = md_processor_no_frames,
  .tail        = stereo_tail,
};
