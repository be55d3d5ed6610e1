// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `chorus`: up to four voices, each the input delayed by a base 12 ms plus
// depth_ms × a sine LFO at rate_hz, the LFOs spread evenly in phase.
// `spread` sends the voices alternately left and right and offsets each
// side's LFO by up to a quarter turn: 0 is a mono chorus, 1 a wide one.
// Delays are read with cubic interpolation (no zipper in the modulation).

#include "dsp/chorus.h"

#include "dsp/smooth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { CH_RATE_HZ, CH_DEPTH_MS, CH_VOICES, CH_MIX, CH_SPREAD, CH_N_PARAMS };

static const MdParam ch_params[CH_N_PARAMS] = {
  [CH_RATE_HZ]   = MD_NUMBER("rate_hz", "Hz", "LFO rate", 0.01, 10.0, 0.8, 0.0f),
  [CH_DEPTH_MS]  = MD_NUMBER("depth_ms", "ms", "LFO depth (delay swing either way)", 0.0, 10.0, 2.0, 20.0f),
  [CH_VOICES] = MD_NUMBER("voices", "", "Voices (1 … 4)", 1.0, 4.0, 2.0, 0.0f),
  [CH_MIX]    = MD_NUMBER("mix", "", "Dry/wet", 0.0, 1.0, 0.5, 20.0f),
  [CH_SPREAD] = MD_NUMBER("spread", "", "Stereo spread of the voices", 0.0, 1.0, 1.0, 20.0f),
};

#define CH_BASE_MS 12.0
#define CH_MAX_MS  (CH_BASE_MS + 10.0 + 1.0)

typedef struct {
  uint32_t   channels;
  double     rate_hz;
  double     v[CH_N_PARAMS];
  float*     line;
  uint32_t   size_frames, pos;
  double     phase;
  MdSmoothed depth, mix, spread;
} Chorus;

static uint32_t
ch_output_channels(const MdProcessorClass* cls, uint32_t in_channels)
{
  (void)cls;
  (void)in_channels;
  return 2U;
}

static void*
ch_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  Chorus* c = calloc(1U, sizeof(Chorus));
  if (c) {
    c->channels = channels;
    memcpy(c->v, values, sizeof c->v);
  }
  return c;
}

static MixdownStatus
ch_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  Chorus* c = state;
  (void)max_frames;
  c->rate_hz     = rate_hz;
  c->size_frames = (uint32_t)(CH_MAX_MS * 0.001 * rate_hz) + 8U;
  if (!(c->line = calloc(c->size_frames, sizeof(float)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  md_smoothed_init(&c->depth, c->v[CH_DEPTH_MS], rate_hz, ch_params[CH_DEPTH_MS].smoothing_ms);
  md_smoothed_init(&c->mix, c->v[CH_MIX], rate_hz, ch_params[CH_MIX].smoothing_ms);
  md_smoothed_init(&c->spread, c->v[CH_SPREAD], rate_hz, ch_params[CH_SPREAD].smoothing_ms);
  return MIXDOWN_SUCCESS;
}

static void
ch_destroy(void* state)
{
  Chorus* c = state;
  free(c->line);
  free(c);
}

static void
ch_set_param(void* state, uint32_t id, double value)
{
  Chorus* c = state;
  if (id >= CH_N_PARAMS) {
    return;
  }
  c->v[id] = value;
  if (id == CH_DEPTH_MS) {
    md_smoothed_set(&c->depth, value);
  } else if (id == CH_MIX) {
    md_smoothed_set(&c->mix, value);
  } else if (id == CH_SPREAD) {
    md_smoothed_set(&c->spread, value);
  }
}

static double
read_cubic(const Chorus* c, double delay)
{
  double p = (double)c->pos - delay;
  if (p < 0.0) {
    p += c->size_frames;
  }
  const uint32_t i  = (uint32_t)p;
  const double   t  = p - i;
  const uint32_t n  = c->size_frames;
  const double   y0 = c->line[(i + n - 1U) % n], y1 = c->line[i % n];
  const double   y2 = c->line[(i + 1U) % n], y3 = c->line[(i + 2U) % n];
  const double   a  = 0.5 * (y3 - y0) + 1.5 * (y1 - y2);
  const double   b  = y0 - 2.5 * y1 + 2.0 * y2 - 0.5 * y3;
  const double   d  = 0.5 * (y2 - y0);
  return ((a * t + b) * t + d) * t + y1;
}

static void
ch_process(void* state, const MdBlock* blk)
{
  Chorus*        c      = state;
  const uint32_t voices = (uint32_t)lround(c->v[CH_VOICES]);
  const double   step   = 2.0 * M_PI * c->v[CH_RATE_HZ] / c->rate_hz;
  const double   base   = CH_BASE_MS * 0.001 * c->rate_hz;
  for (uint32_t n = 0U; n < blk->frames; ++n) {
    const double in_l = blk->in[0][n];
    const double in_r = blk->in[c->channels > 1U ? 1 : 0][n];
    c->line[c->pos]   = (float)(0.5 * (in_l + in_r));
    const double depth  = md_smoothed_next(&c->depth) * 0.001 * c->rate_hz;
    const double mix    = md_smoothed_next(&c->mix);
    const double spread = md_smoothed_next(&c->spread);
    double       wet[2] = {0.0, 0.0};
    for (uint32_t k = 0U; k < voices; ++k) {
      const double phase = c->phase + 2.0 * M_PI * k / voices;
      // Each voice sounds on both sides; spread leans it to one side and
      // shifts the other side's LFO by up to a quarter turn.
      const double left  = read_cubic(c, base + depth * sin(phase));
      const double right = read_cubic(c, base + depth * sin(phase + spread * M_PI_2));
      const double lean  = k % 2U ? -spread : spread;
      wet[0] += left * (1.0 + lean) * 0.5;
      wet[1] += right * (1.0 - lean) * 0.5;
    }
    const double scale = 2.0 / voices; // a voice at the centre is unity
    c->pos             = c->pos + 1U == c->size_frames ? 0U : c->pos + 1U;
    c->phase += step;
    if (c->phase > 2.0 * M_PI) {
      c->phase -= 2.0 * M_PI;
    }
    blk->out[0][n] = (float)(in_l * (1.0 - mix) + wet[0] * scale * mix);
    blk->out[1][n] = (float)(in_r * (1.0 - mix) + wet[1] * scale * mix);
  }
}

static void
ch_reset(void* state)
{
  Chorus* c = state;
  memset(c->line, 0, c->size_frames * sizeof(float));
}

static uint32_t
ch_tail(const void* state)
{
  const Chorus* c = state;
  return (uint32_t)(CH_MAX_MS * 0.001 * c->rate_hz);
}

const MdProcessorClass md_chorus_class = {
  .name            = "chorus",
  .description     = "Chorus: up to four modulated voices, spread in stereo",
  .params          = ch_params,
  .n_params        = CH_N_PARAMS,
  .output_channels = ch_output_channels,
  .create          = ch_create,
  .prepare         = ch_prepare,
  .destroy         = ch_destroy,
  .set_param       = ch_set_param,
  .process         = ch_process,
  .reset           = ch_reset,
  .latency         = md_processor_no_frames,
  .tail            = ch_tail,
};
