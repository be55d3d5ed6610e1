// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `reverb`: an 8-line feedback delay network (Jot).
//
//   in → predelay → diffusion into 8 delay lines → each line: one-pole
//   absorption (its gain sets the decay, its pole the damping) → 8×8
//   Householder feedback (lossless, dense) → back into the lines.
//
// Each line of length d frames loses 60 dB in decay_s seconds: its gain is
// g = 10^(-3 d / (rate · decay_s)), applied at mid frequencies (the
// absorption filter is normalised to that gain at 700 Hz); `damping` lowers
// the pole so highs die faster.  Two of the lines are modulated by slow
// sine LFOs (±0.2 ms, fractional reads) so modes do not ring metallic.
// Left and right take the lines with two orthogonal sign patterns: a
// decorrelated stereo tail; `width` blends them.  `size` scales the line
// lengths (early density and room size).
//
// With `impulse: FILE` it is a convolution reverb instead: the impulse
// response (mono or stereo, any rate, converted to the render rate) runs
// through partitioned FFT convolution (convolver.c) with a latency of 4096
// frames, reported, the dry signal delayed to match; `predelay_ms`,
// `width` and `mix` apply, the FDN parameters do not.

#include "dsp/reverb.h"

#include "dsp/convolver.h"
#include "dsp/smooth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { RV_DECAY_S, RV_PREDELAY_MS, RV_SIZE, RV_DAMPING, RV_WIDTH, RV_MIX, RV_IMPULSE, RV_N_PARAMS };

static const MdParam rv_params[RV_N_PARAMS] = {
  [RV_DECAY_S]    = MD_NUMBER("decay_s", "s", "Mid-frequency RT60", 0.1, 30.0, 2.0, 0.0f),
  [RV_PREDELAY_MS] = MD_NUMBER("predelay_ms", "ms", "Delay before the reverb starts", 0.0, 500.0, 0.0, 0.0f),
  [RV_SIZE]     = MD_NUMBER("size", "", "Room size: scales the delay lines", 0.3, 2.0, 1.0, 0.0f),
  [RV_DAMPING]  = MD_NUMBER("damping", "", "How much faster the highs decay: 0 none … 1 dark", 0.0, 1.0, 0.5, 0.0f),
  [RV_WIDTH]    = MD_NUMBER("width", "", "Stereo width of the tail: 0 mono … 1 wide", 0.0, 1.0, 1.0, 20.0f),
  [RV_MIX]      = MD_NUMBER("mix", "", "Dry/wet", 0.0, 1.0, 0.3, 20.0f),
  [RV_IMPULSE]  = MD_FILE("impulse", "Impulse response: a convolution reverb instead of the FDN"),
};

#define CONV_BLOCK 4096U // partition size: the convolution's latency

#define LINES      8
#define MAX_SIZE   2.0
#define MOD_DEPTH  0.0002 // seconds of delay-length modulation
#define MID_HZ     700.0

// Mutually prime lengths in ms (at size 1), spread over 1:2.5 so modes
// interleave and the echo density builds fast.
static const double line_ms[LINES] = {29.71, 37.11, 41.13, 43.67, 53.93, 59.21, 67.73, 73.99};

typedef struct {
  uint32_t channels;
  double   rate_hz;
  double   v[RV_N_PARAMS];
  float*   predelay;     ///< Mono predelay line
  uint32_t predelay_len_frames, predelay_pos, predelay_frames;
  float*   line[LINES];  ///< Delay lines
  uint32_t capacity_frames[LINES];
  uint32_t pos[LINES];
  double   length_frames[LINES]; ///< Current lengths
  double   gain[LINES];          ///< Absorption: b0 (DC path scale) and pole
  double   pole[LINES];
  double   lp_state[LINES];
  double   lfo_phase, lfo_step;
  MdSmoothed width, mix;
  // Convolution mode
  float*       ir[2];          ///< The impulse response (NULL: FDN mode)
  uint32_t     ir_channels;
  uint64_t     ir_frames;
  MdConvolver* conv[2];
  float*       pre_r;          ///< Right predelay line (stereo in, stereo IR)
  float*       dry_line[2];    ///< Dry delayed by the convolution's latency
  uint32_t     dry_pos;
  float*       scratch[2];     ///< max_frames
} Reverb;

static uint32_t
rv_output_channels(const MdProcessorClass* cls, uint32_t in_channels)
{
  (void)cls;
  (void)in_channels;
  return 2U; // a reverb makes space: always stereo out
}

// Line gains and damping poles from decay, size, damping.
static void
design(Reverb* r)
{
  const double decay = r->v[RV_DECAY_S];
  const double w     = 2.0 * M_PI * MID_HZ / r->rate_hz;
  for (int i = 0; i < LINES; ++i) {
    r->length_frames[i] = line_ms[i] * 0.001 * r->v[RV_SIZE] * r->rate_hz;
    // Gain per pass for -60 dB after decay seconds, at mid frequencies.
    const double target = pow(10.0, -3.0 * r->length_frames[i] / (r->rate_hz * decay));
    // One-pole lowpass y = b·x + p·y: more damping, a higher pole.  The
    // highs' extra loss per pass grows with the line's share of the decay.
    double p = fmin(0.95, r->v[RV_DAMPING] * (1.0 - target) * 3.0 + 0.02 * r->v[RV_DAMPING]);
    // |b / (1 - p e^{-jw})| = target at MID_HZ; the gain below MID_HZ is
    // higher, so the pole backs off until the loop stays under 1 at DC.
    double mag = sqrt(1.0 - 2.0 * p * cos(w) + p * p);
    while (p > 1e-4 && target * mag / (1.0 - p) > 0.9995) {
      p *= 0.8;
      mag = sqrt(1.0 - 2.0 * p * cos(w) + p * p);
    }
    r->pole[i] = p;
    r->gain[i] = target * mag;
  }
  r->predelay_frames = (uint32_t)lround(r->v[RV_PREDELAY_MS] * 0.001 * r->rate_hz);
}

static void*
rv_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  Reverb* r = calloc(1U, sizeof(Reverb));
  if (r) {
    r->channels = channels;
    memcpy(r->v, values, sizeof r->v);
  }
  return r;
}

static void
rv_destroy(void* state)
{
  Reverb* r = state;
  for (int i = 0; i < LINES; ++i) {
    free(r->line[i]);
  }
  for (int c = 0; c < 2; ++c) {
    free(r->ir[c]);
    md_convolver_free(r->conv[c]);
    free(r->dry_line[c]);
    free(r->scratch[c]);
  }
  free(r->pre_r);
  free(r->predelay);
  free(r);
}

static MixdownStatus
rv_load(void* state, const float* const* channels, uint32_t n_channels, uint64_t frames)
{
  Reverb* r = state;
  r->ir_channels = n_channels;
  r->ir_frames   = frames;
  for (uint32_t c = 0U; c < n_channels && c < 2U; ++c) {
    if (!(r->ir[c] = malloc((frames ? frames : 1U) * sizeof(float)))) {
      return MIXDOWN_ERR_NO_MEM;
    }
    memcpy(r->ir[c], channels[c], frames * sizeof(float));
  }
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
prepare_convolution(Reverb* r, uint32_t max_frames)
{
  for (int c = 0; c < 2; ++c) {
    r->conv[c]     = md_convolver_new(r->ir[r->ir_channels > 1U ? c : 0], r->ir_frames, CONV_BLOCK);
    r->dry_line[c] = calloc(CONV_BLOCK, sizeof(float));
    r->scratch[c]  = calloc(max_frames, sizeof(float));
    if (!r->conv[c] || !r->dry_line[c] || !r->scratch[c]) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return (r->pre_r = calloc(r->predelay_len_frames, sizeof(float))) ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

static MixdownStatus
rv_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  Reverb* r = state;
  r->rate_hz             = rate_hz;
  r->predelay_len_frames = (uint32_t)(0.5 * rate_hz) + 2U;
  r->predelay            = calloc(r->predelay_len_frames, sizeof(float));
  if (!r->predelay) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (int i = 0; i < LINES; ++i) {
    r->capacity_frames[i] = (uint32_t)(line_ms[i] * 0.001 * MAX_SIZE * rate_hz + MOD_DEPTH * rate_hz) + 4U;
    if (!(r->line[i] = calloc(r->capacity_frames[i], sizeof(float)))) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  r->lfo_step = 2.0 * M_PI * 0.31 / rate_hz;
  md_smoothed_init(&r->width, r->v[RV_WIDTH], rate_hz, rv_params[RV_WIDTH].smoothing_ms);
  md_smoothed_init(&r->mix, r->v[RV_MIX], rate_hz, rv_params[RV_MIX].smoothing_ms);
  design(r);
  return r->ir[0] ? prepare_convolution(r, max_frames) : MIXDOWN_SUCCESS;
}

static void
rv_set_param(void* state, uint32_t id, double value)
{
  Reverb* r = state;
  if (id >= RV_N_PARAMS) {
    return;
  }
  r->v[id] = value;
  if (id == RV_WIDTH) {
    md_smoothed_set(&r->width, value);
  } else if (id == RV_MIX) {
    md_smoothed_set(&r->mix, value);
  } else {
    design(r);
  }
}

// Reads line i `delay` frames back, linearly interpolated.
static double
tap(const Reverb* r, int i, double delay)
{
  double p = (double)r->pos[i] - delay;
  while (p < 0.0) {
    p += r->capacity_frames[i];
  }
  const uint32_t a    = (uint32_t)p;
  const double   frac = p - a;
  const uint32_t b    = a + 1U == r->capacity_frames[i] ? 0U : a + 1U;
  return r->line[i][a] * (1.0 - frac) + r->line[i][b] * frac;
}

// Convolution mode: predelay → convolution per output side → width, mix
// against the dry signal delayed by the convolution's latency.
static void
convolution_process(Reverb* r, const MdBlock* blk)
{
  const bool     stereo = r->channels > 1U && r->ir_channels > 1U; // true stereo: L→L, R→R
  const uint32_t n      = blk->frames;
  for (uint32_t i = 0U; i < n; ++i) {
    const double l = blk->in[0][i];
    const double rr = blk->in[r->channels > 1U ? 1 : 0][i];
    uint32_t     read = (r->predelay_pos + r->predelay_len_frames - r->predelay_frames) % r->predelay_len_frames;
    r->predelay[r->predelay_pos] = (float)(stereo ? l : 0.5 * (l + rr));
    r->pre_r[r->predelay_pos]    = (float)rr;
    r->scratch[0][i]             = r->predelay[read];
    r->scratch[1][i]             = stereo ? r->pre_r[read] : r->predelay[read];
    r->predelay_pos              = r->predelay_pos + 1U == r->predelay_len_frames ? 0U : r->predelay_pos + 1U;
  }
  md_convolver_process(r->conv[0], r->scratch[0], r->scratch[0], n);
  md_convolver_process(r->conv[1], r->scratch[1], r->scratch[1], n);
  for (uint32_t i = 0U; i < n; ++i) {
    const double dry_l          = r->dry_line[0][r->dry_pos];
    const double dry_r          = r->dry_line[1][r->dry_pos];
    r->dry_line[0][r->dry_pos]  = blk->in[0][i];
    r->dry_line[1][r->dry_pos]  = blk->in[r->channels > 1U ? 1 : 0][i];
    r->dry_pos                  = r->dry_pos + 1U == CONV_BLOCK ? 0U : r->dry_pos + 1U;
    const double width          = md_smoothed_next(&r->width);
    const double mix            = md_smoothed_next(&r->mix);
    const double wl = r->scratch[0][i], wr = r->scratch[1][i];
    blk->out[0][i] = (float)(dry_l * (1.0 - mix) + mix * (0.5 * (1.0 + width) * wl + 0.5 * (1.0 - width) * wr));
    blk->out[1][i] = (float)(dry_r * (1.0 - mix) + mix * (0.5 * (1.0 + width) * wr + 0.5 * (1.0 - width) * wl));
  }
}

static void
rv_process(void* state, const MdBlock* blk)
{
  Reverb* r = state;
  if (r->conv[0]) {
    convolution_process(r, blk);
    return;
  }
  // Output signs: two orthogonal rows of an 8×8 Hadamard matrix.
  static const double left_sign[LINES]  = {1, 1, 1, 1, 1, 1, 1, 1};
  static const double right_sign[LINES] = {1, -1, 1, -1, 1, -1, 1, -1};
  for (uint32_t n = 0U; n < blk->frames; ++n) {
    const double dry_l = blk->in[0][n];
    const double dry_r = blk->in[r->channels > 1U ? 1 : 0][n];
    // Predelay (exact, in frames).
    r->predelay[r->predelay_pos] = (float)(0.5 * (dry_l + dry_r));
    uint32_t read                = r->predelay_pos + r->predelay_len_frames - r->predelay_frames;
    read %= r->predelay_len_frames;
    const double input = r->predelay[read];
    r->predelay_pos    = r->predelay_pos + 1U == r->predelay_len_frames ? 0U : r->predelay_pos + 1U;
    // Line outputs, through their absorption filters.
    r->lfo_phase += r->lfo_step;
    if (r->lfo_phase > 2.0 * M_PI) {
      r->lfo_phase -= 2.0 * M_PI;
    }
    double out[LINES];
    double sum = 0.0;
    for (int i = 0; i < LINES; ++i) {
      double d = r->length_frames[i];
      if (i == 2) {
        d += MOD_DEPTH * r->rate_hz * sin(r->lfo_phase);
      } else if (i == 5) {
        d += MOD_DEPTH * r->rate_hz * cos(r->lfo_phase * 1.37);
      }
      const double x = tap(r, i, d);
      r->lp_state[i] = r->gain[i] * x + r->pole[i] * r->lp_state[i];
      out[i]         = r->lp_state[i];
      sum += out[i];
    }
    // Householder feedback: y = x - (2/N)·Σx, lossless and fully mixing.
    const double fold = 2.0 / LINES * sum;
    double       wet_l = 0.0, wet_r = 0.0;
    for (int i = 0; i < LINES; ++i) {
      r->line[i][r->pos[i]] = (float)(out[i] - fold + input * (i & 1 ? -0.5 : 0.5));
      r->pos[i]             = r->pos[i] + 1U == r->capacity_frames[i] ? 0U : r->pos[i] + 1U;
      wet_l += left_sign[i] * out[i];
      wet_r += right_sign[i] * out[i];
    }
    wet_l *= 0.5;
    wet_r *= 0.5;
    const double width = md_smoothed_next(&r->width);
    const double mix   = md_smoothed_next(&r->mix);
    const double l     = 0.5 * (1.0 + width) * wet_l + 0.5 * (1.0 - width) * wet_r;
    const double rr    = 0.5 * (1.0 + width) * wet_r + 0.5 * (1.0 - width) * wet_l;
    blk->out[0][n]     = (float)(dry_l * (1.0 - mix) + l * mix);
    blk->out[1][n]     = (float)(dry_r * (1.0 - mix) + rr * mix);
  }
  for (int i = 0; i < LINES; ++i) {
    if (fabs(r->lp_state[i]) < 1e-20) {
      r->lp_state[i] = 0.0;
    }
  }
}

static void
rv_reset(void* state)
{
  Reverb* r = state;
  for (int i = 0; i < LINES; ++i) {
    memset(r->line[i], 0, r->capacity_frames[i] * sizeof(float));
    r->lp_state[i] = 0.0;
  }
  memset(r->predelay, 0, r->predelay_len_frames * sizeof(float));
  for (int c = 0; c < 2 && r->conv[0]; ++c) {
    md_convolver_reset(r->conv[c]);
    memset(r->dry_line[c], 0, CONV_BLOCK * sizeof(float));
  }
  if (r->pre_r) {
    memset(r->pre_r, 0, r->predelay_len_frames * sizeof(float));
  }
}

static uint32_t
rv_latency(const void* state)
{
  const Reverb* r = state;
  return r->conv[0] ? CONV_BLOCK : 0U;
}

// Until -72 dB: 1.2 × the decay, plus the predelay.
static uint32_t
rv_tail(const void* state)
{
  const Reverb* r = state;
  if (r->conv[0]) {
    return (uint32_t)(r->ir_frames + (uint64_t)(r->v[RV_PREDELAY_MS] * 0.001 * r->rate_hz));
  }
  return (uint32_t)((1.2 * r->v[RV_DECAY_S] + r->v[RV_PREDELAY_MS] * 0.001) * r->rate_hz);
}

const MdProcessorClass md_reverb_class = {
  .name            = "reverb",
  .description     = "Reverb: modulated 8-line feedback delay network, or convolution with `impulse`",
  .params          = rv_params,
  .n_params        = RV_N_PARAMS,
  .output_channels = rv_output_channels,
  .create          = rv_create,
  .load            = rv_load,
  .prepare         = rv_prepare,
  .destroy         = rv_destroy,
  .set_param       = rv_set_param,
  .process         = rv_process,
  .reset           = rv_reset,
  .latency         = rv_latency,
  .tail            = rv_tail,
};
