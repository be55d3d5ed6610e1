// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `limiter`: lookahead brick-wall limiter.
//
// For every input frame the detector finds the peak (of all channels; with
// true_peak, also the three points between this frame and the next,
// interpolated 4× as in ITU-R BS.1770-4) and the gain that would bring it
// to the ceiling, g[n] = min(1, ceiling / peak[n]).  The gain applied is
//
//   hold[n] = min(g[n-L-2H+1 … n])            (L = lookahead frames)
//   a[n]    = box_{L/2}(box_{L/2}(hold))[n]   (an S-shaped fade over L)
//
// The hold windows of the L-1 values a[n] averages all contain frames
// n-L-H+1-H … n-L+1 (H = 0 for sample peaks), so delaying the audio by
// L-1+H frames (plus the interpolator's look-ahead) puts each frame — and,
// with true_peak, its H neighbours each side — under a gain at most the
// one it needs.  Release is a one-pole glide up (release_ms time constant)
// that never rises above a[n].  A final clamp removes the last rounding
// ulp, so the sample peak never exceeds the ceiling.  Once settled on a
// steady tone the gain is constant: no distortion.

#include "dsp/limiter.h"

#include "dsp/dynamics.h"
#include "dsp/true_peak.h"

#include <stdlib.h>
#include <string.h>

enum { LIM_CEILING_DB, LIM_RELEASE_MS, LIM_LOOKAHEAD_MS, LIM_TRUE_PEAK, LIM_N_PARAMS };

static const MdParam lim_params[LIM_N_PARAMS] = {
  [LIM_CEILING_DB]   = MD_NUMBER("ceiling_db", "dB", "Highest output level", -40.0, 0.0, -1.0, 0.0f),
  [LIM_RELEASE_MS]   = MD_NUMBER("release_ms", "ms", "Time constant (63 %) of recovery", 1.0, 2000.0, 50.0, 0.0f),
  [LIM_LOOKAHEAD_MS] = MD_FIXED_NUMBER("lookahead_ms", "ms", "Time the gain has to come down (reported as latency)",
                              0.1, 20.0, 5.0, "it sets the limiter's latency"),
  [LIM_TRUE_PEAK] = MD_FIXED_BOOL("true_peak", "Limit 4×-oversampled true peaks (ITU-R BS.1770-4)", 0.0,
                                  "it sets the limiter's latency"),
};

static const MdMeter lim_meters[] = {
  {"gain_reduction_db", "Most gain reduction in the last block (≤ 0)"},
};

// 4× interpolator for true-peak detection (dsp/true_peak.h): the shape
// meters built on ITU-R BS.1770-4 and libebur128 use, so that what the
// limiter holds is what they measure.
#define TP_TAPS_HALF MD_TRUE_PEAK_TAPS_HALF
#define TP_TAPS      MD_TRUE_PEAK_TAPS
#define TP_PHASES    MD_TRUE_PEAK_PHASES
// An inter-sample peak is built from the frames around it; if they get
// different gains, it moves.  With true_peak each frame's gain also covers
// the TP_SPREAD frames either side (the sinc's main lobes).
#define TP_SPREAD 6

typedef struct {
  uint32_t channels;
  double   rate_hz;
  double   v[LIM_N_PARAMS];
  double   ceiling_linear;
  double   release_coef;
  bool     true_peak;
  uint32_t lookahead_frames; ///< L, the lookahead in frames (even, ≥ 2)
  uint32_t spread_frames;    ///< H: frames either side a true-peak gain also covers
  uint32_t hold_frames;      ///< L + 2H, the hold window
  uint32_t delay_frames;     ///< Audio delay: L - 1 + H (+ TP_TAPS_HALF with true_peak)
  double   tp_coefs[TP_PHASES][TP_TAPS];
  float*   history[2];    ///< Recent input per channel, for the interpolator (TP_TAPS)
  uint32_t history_pos;
  double*  gains;         ///< g of the last L + 2H frames, at frame % (L + 2H)
  // Monotonic deque (frame numbers, gains rising) for the sliding minimum.
  uint64_t* deque;        ///< L + 1 slots
  uint32_t  deque_head, deque_tail;
  uint64_t  frame;        ///< Frames seen
  uint32_t  gain_slot;    ///< frame % (L + 2H), kept without a division
  double*   box1;         ///< Ring for the first box filter (L/2)
  double*   box2;         ///< … and the second
  double    box1_sum, box2_sum;
  uint32_t  box_pos;
  double    gain_linear;  ///< Released gain applied now
  MdDelay   audio;
  double    block_min_gain; ///< Meter
} Limiter;

double
md_limiter_static_db(const double* values, double in_db)
{
  return in_db < values[LIM_CEILING_DB] ? in_db : values[LIM_CEILING_DB];
}

static void*
lim_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  Limiter* l = calloc(1U, sizeof(Limiter));
  if (l) {
    l->channels = channels;
    memcpy(l->v, values, sizeof l->v);
  }
  return l;
}

static void
lim_free_buffers(Limiter* l)
{
  free(l->history[0]);
  free(l->history[1]);
  free(l->gains);
  free(l->deque);
  free(l->box1);
  free(l->box2);
  md_delay_free(&l->audio);
}

static void
lim_reset(void* state)
{
  Limiter* l = state;
  for (int c = 0; c < 2; ++c) {
    memset(l->history[c], 0, TP_TAPS * sizeof(float));
  }
  for (uint32_t i = 0U; i < l->hold_frames; ++i) {
    l->gains[i] = 1.0;
  }
  for (uint32_t i = 0U; i < l->lookahead_frames / 2U; ++i) {
    l->box1[i] = l->box2[i] = 1.0;
  }
  l->box1_sum = l->box2_sum = (double)(l->lookahead_frames / 2U);
  l->deque_head = l->deque_tail = 0U;
  l->frame = 0U;
  l->gain_slot = 0U;
  l->history_pos = l->box_pos = 0U;
  l->gain_linear = 1.0;
  md_delay_clear(&l->audio);
}

static MixdownStatus
lim_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  Limiter* l = state;
  (void)max_frames;
  l->rate_hz                = rate_hz;
  l->ceiling_linear         = pow(10.0, l->v[LIM_CEILING_DB] / 20.0);
  l->release_coef           = md_time_coef(l->v[LIM_RELEASE_MS], rate_hz);
  l->true_peak              = l->v[LIM_TRUE_PEAK] >= 0.5;
  uint32_t lookahead_frames = (uint32_t)lround(l->v[LIM_LOOKAHEAD_MS] * 0.001 * rate_hz);
  l->lookahead_frames       = lookahead_frames < 2U ? 2U : lookahead_frames + (lookahead_frames % 2U);
  l->spread_frames          = l->true_peak ? TP_SPREAD : 0U;
  l->hold_frames            = l->lookahead_frames + 2U * l->spread_frames;
  l->delay_frames           = l->lookahead_frames - 1U + l->spread_frames + (l->true_peak ? TP_TAPS_HALF : 0U);
  md_true_peak_design(l->tp_coefs);
  l->history[0] = calloc(TP_TAPS, sizeof(float));
  l->history[1] = calloc(TP_TAPS, sizeof(float));
  l->gains      = calloc(l->hold_frames, sizeof(double));
  l->deque      = calloc(l->hold_frames + 1U, sizeof(uint64_t));
  l->box1       = calloc(l->lookahead_frames / 2U, sizeof(double));
  l->box2       = calloc(l->lookahead_frames / 2U, sizeof(double));
  if (!l->history[0] || !l->history[1] || !l->gains || !l->deque || !l->box1 || !l->box2 ||
      md_delay_init(&l->audio, l->delay_frames)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  lim_reset(l);
  return MIXDOWN_SUCCESS;
}

static void
lim_destroy(void* state)
{
  Limiter* l = state;
  lim_free_buffers(l);
  free(l);
}

static void
lim_set_param(void* state, uint32_t id, double value)
{
  Limiter* l = state;
  if (id == LIM_CEILING_DB) {
    l->v[id]          = value;
    l->ceiling_linear = pow(10.0, value / 20.0);
  } else if (id == LIM_RELEASE_MS) {
    l->v[id]         = value;
    l->release_coef  = md_time_coef(value, l->rate_hz);
  } // lookahead and true_peak change the latency: fixed
}

// Peak of all channels at the newest frame (sample peak), or — with true
// peak — of the interval centred TP_TAPS_HALF frames back.
static double
detect_peak(Limiter* l, const MdBlock* b, uint32_t i)
{
  double peak = 0.0;
  for (uint32_t c = 0U; c < l->channels; ++c) {
    const float x = b->in[c][i];
    if (!l->true_peak) {
      peak = md_max(peak, fabs(x)); // no NaN reaches here (the engine's guard)
      continue;
    }
    float* h              = l->history[c];
    h[l->history_pos]     = x;
    // The interval [m, m+1] with m = newest - TP_TAPS_HALF; tap k reads
    // frame m - TP_TAPS_HALF + 1 + k, i.e. the history from oldest to newest.
    const uint32_t oldest = (l->history_pos + 1U) % TP_TAPS;
    const float    left   = h[(oldest + TP_TAPS_HALF - 1U) % TP_TAPS];
    peak                  = fmax(peak, fabs(left));
    for (int p = 0; p < TP_PHASES; ++p) {
      double y = 0.0;
      for (int k = 0; k < TP_TAPS; ++k) {
        y += l->tp_coefs[p][k] * h[(oldest + (uint32_t)k) % TP_TAPS];
      }
      peak = fmax(peak, fabs(y));
    }
  }
  if (l->true_peak) {
    l->history_pos = (l->history_pos + 1U) % TP_TAPS;
  }
  return peak;
}

// The gains ring slot of a frame in the window (now - frame < span),
// counted back from now's slot: per-sample divisions cost more than the
// rest of the limiter.
static uint32_t
slot_of(const Limiter* l, uint64_t frame, uint64_t now)
{
  const uint32_t back = (uint32_t)(now - frame);
  return l->gain_slot >= back ? l->gain_slot - back : l->gain_slot + l->hold_frames - back;
}

// Sliding minimum of g over the last L + 2H frames (monotonic deque).
static double
hold_min(Limiter* l, double g)
{
  const uint32_t span  = l->hold_frames;
  const uint32_t slots = span + 1U;
  const uint64_t now   = l->frame++;
  l->gains[l->gain_slot] = g;
  while (l->deque_head != l->deque_tail) {
    const uint32_t last = l->deque_tail == 0U ? slots - 1U : l->deque_tail - 1U;
    if (l->gains[slot_of(l, l->deque[last], now)] < g) {
      break;
    }
    l->deque_tail = last; // a later, lower gain makes it irrelevant
  }
  l->deque[l->deque_tail] = now;
  l->deque_tail           = l->deque_tail + 1U == slots ? 0U : l->deque_tail + 1U;
  while (l->deque[l->deque_head] + span <= now) {
    l->deque_head = l->deque_head + 1U == slots ? 0U : l->deque_head + 1U; // out of the window
  }
  const double min = l->gains[slot_of(l, l->deque[l->deque_head], now)];
  l->gain_slot     = l->gain_slot + 1U == span ? 0U : l->gain_slot + 1U;
  return min;
}

static double
smooth_boxes(Limiter* l, double hold)
{
  const uint32_t half    = l->lookahead_frames / 2U;
  const double   inverse = 1.0 / half; // two divisions a frame cost more than the rest of this
  l->box1_sum += hold - l->box1[l->box_pos];
  l->box1[l->box_pos] = hold;
  const double first  = l->box1_sum * inverse;
  l->box2_sum += first - l->box2[l->box_pos];
  l->box2[l->box_pos] = first;
  l->box_pos          = l->box_pos + 1U == half ? 0U : l->box_pos + 1U;
  return l->box2_sum * inverse;
}

static void
lim_process(void* state, const MdBlock* b)
{
  Limiter*     l       = state;
  const double ceiling = l->ceiling_linear;
  const float  clamp   = (float)ceiling;
  l->block_min_gain    = 1.0;
  for (uint32_t i = 0U; i < b->frames; ++i) {
    const double peak   = detect_peak(l, b, i);
    const double needed = peak > ceiling ? ceiling / peak : 1.0;
    // The box filters' running sums drift by rounding; never let that lift
    // the gain above what the hold asked for.
    const double hold   = hold_min(l, needed);
    const double smooth = md_min(1.0, smooth_boxes(l, hold));
    l->gain_linear      = smooth < l->gain_linear ? smooth : smooth + l->release_coef * (l->gain_linear - smooth);
    l->block_min_gain   = md_min(l->block_min_gain, l->gain_linear);
    for (uint32_t c = 0U; c < l->channels; ++c) {
      float y = (float)(md_delay_tick(&l->audio, c, b->in[c][i]) * l->gain_linear);
      y       = y > clamp ? clamp : y < -clamp ? -clamp : y;
      b->out[c][i] = y;
    }
    md_delay_advance(&l->audio);
  }
  if (1.0 - l->gain_linear < 1e-12) {
    l->gain_linear = 1.0;
  }
}

static uint32_t
lim_latency(const void* state)
{
  const Limiter* l = state;
  return l->delay_frames;
}

static double
lim_read_meter(const void* state, uint32_t id)
{
  const Limiter* l = state;
  (void)id;
  return 20.0 * log10(l->block_min_gain);
}

const MdProcessorClass md_limiter_class = {
  .name        = "limiter",
  .description = "Lookahead brick-wall limiter, sample or true peak (ITU-R BS.1770-4)",
  .params      = lim_params,
  .n_params    = LIM_N_PARAMS,
  .meters      = lim_meters,
  .n_meters    = 1U,
  .create      = lim_create,
  .prepare     = lim_prepare,
  .destroy     = lim_destroy,
  .set_param   = lim_set_param,
  .process     = lim_process,
  .reset       = lim_reset,
  .latency     = lim_latency,
  .tail        = md_processor_no_frames,
  .read_meter  = lim_read_meter,
};
