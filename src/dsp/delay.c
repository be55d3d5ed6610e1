// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `delay`: a stereo feedback delay.
//
//   in → delay line (time_ms, glides) → lowcut/highcut in the feedback loop
//   → × feedback back into the line; ping_pong sends the mono sum into the
//   left line and crosses the feedback left → right → left.
//
// The delay time glides over 50 ms and is read with cubic (Hermite)
// interpolation, so automating it bends the pitch like tape instead of
// clicking; at a whole number of frames the read is exact, so echoes land
// on the frame.  `time: "1/8."` (a note value) is turned into time_ms by the
// session with its tempo.

#include "dsp/delay.h"

#include "dsp/smooth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { DL_TIME_MS, DL_TIME, DL_FEEDBACK, DL_MIX, DL_PING_PONG, DL_LOWCUT_HZ, DL_HIGHCUT_HZ, DL_N_PARAMS };

static const MdParam dl_params[DL_N_PARAMS] = {
  [DL_TIME_MS]   = MD_NUMBER("time_ms", "ms", "Delay time", 1.0, 4000.0, 250.0, 50.0f),
  [DL_TIME]      = MD_NOTE("time", "Delay time as a note value with the session tempo", DL_TIME_MS),
  [DL_FEEDBACK]  = MD_NUMBER("feedback", "", "Share of the echo fed back", 0.0, 0.98, 0.35, 20.0f),
  [DL_MIX]       = MD_NUMBER("mix", "", "Dry/wet", 0.0, 1.0, 0.3, 20.0f),
  [DL_PING_PONG] = MD_BOOL("ping_pong", "Echoes alternate left and right", 0.0),
  [DL_LOWCUT_HZ]    = MD_NUMBER("lowcut", "Hz", "High-pass in the feedback loop", 10.0, 2000.0, 20.0, 0.0f),
  [DL_HIGHCUT_HZ]   = MD_NUMBER("highcut", "Hz", "Low-pass in the feedback loop", 1000.0, 22000.0, 20000.0, 0.0f),
};

#define DL_MAX_S 4.0

typedef struct {
  uint32_t   channels;
  double     rate_hz;
  double     v[DL_N_PARAMS];
  float*     line[2];
  uint32_t   size_frames;
  uint32_t   pos;
  MdSmoothed time_frames; ///< The delay, gliding
  MdSmoothed feedback, mix;
  double     hp_coef, lp_coef;
  double     hp_state[2], lp_state[2];
  uint32_t   quiet_frames; ///< Frames since a sample written into the line was not +0.0 (up to size)
} Delay;

static uint32_t
dl_output_channels(const MdProcessorClass* cls, uint32_t in_channels)
{
  (void)cls;
  (void)in_channels;
  return 2U; // echoes have a stereo image (and ping-pong needs one)
}

static void
design(Delay* d)
{
  // One-pole TPT filters: g = tan(π f / rate); G = g / (1 + g).
  const double hp = tan(M_PI * fmin(d->v[DL_LOWCUT_HZ], 0.45 * d->rate_hz) / d->rate_hz);
  const double lp = tan(M_PI * fmin(d->v[DL_HIGHCUT_HZ], 0.45 * d->rate_hz) / d->rate_hz);
  d->hp_coef      = hp / (1.0 + hp);
  d->lp_coef      = lp / (1.0 + lp);
}

static void*
dl_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  Delay* d = calloc(1U, sizeof(Delay));
  if (d) {
    d->channels = channels;
    memcpy(d->v, values, sizeof d->v);
  }
  return d;
}

static MixdownStatus
dl_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  Delay* d = state;
  (void)max_frames;
  d->rate_hz     = rate_hz;
  d->size_frames = (uint32_t)(DL_MAX_S * rate_hz) + 8U;
  for (int c = 0; c < 2; ++c) {
    if (!(d->line[c] = calloc(d->size_frames, sizeof(float)))) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  md_smoothed_init(&d->time_frames, d->v[DL_TIME_MS] * 0.001 * rate_hz, rate_hz, dl_params[DL_TIME_MS].smoothing_ms);
  md_smoothed_init(&d->feedback, d->v[DL_FEEDBACK], rate_hz, dl_params[DL_FEEDBACK].smoothing_ms);
  md_smoothed_init(&d->mix, d->v[DL_MIX], rate_hz, dl_params[DL_MIX].smoothing_ms);
  design(d);
  d->quiet_frames = d->size_frames; // the line starts empty
  return MIXDOWN_SUCCESS;
}

static void
dl_destroy(void* state)
{
  Delay* d = state;
  free(d->line[0]);
  free(d->line[1]);
  free(d);
}

static void
dl_set_param(void* state, uint32_t id, double value)
{
  Delay* d = state;
  if (id >= DL_N_PARAMS || id == DL_TIME) {
    return;
  }
  d->v[id] = value;
  switch (id) {
  case DL_TIME_MS: md_smoothed_set(&d->time_frames, value * 0.001 * d->rate_hz); break;
  case DL_FEEDBACK: md_smoothed_set(&d->feedback, value); break;
  case DL_MIX: md_smoothed_set(&d->mix, value); break;
  case DL_LOWCUT_HZ:
  case DL_HIGHCUT_HZ: design(d); break;
  default: break;
  }
}

// Hermite-interpolated read `delay` frames behind the write position.
static double
read_line(const Delay* d, int c, double delay)
{
  double p = (double)d->pos - delay;
  if (p < 0.0) {
    p += d->size_frames;
  }
  const uint32_t i    = (uint32_t)p;
  const double   t    = p - i;
  const float*   x    = d->line[c];
  const uint32_t n    = d->size_frames;
  const double   xm1  = x[(i + n - 1U) % n];
  const double   x0   = x[i % n];
  const double   x1   = x[(i + 1U) % n];
  const double   x2   = x[(i + 2U) % n];
  const double   c1   = 0.5 * (x1 - xm1);
  const double   c2   = xm1 - 2.5 * x0 + 2.0 * x1 - 0.5 * x2;
  const double   c3   = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
  return ((c3 * t + c2) * t + c1) * t + x0;
}

// The loop filters: high-pass then low-pass (one-pole TPT each).
static double
loop_filter(Delay* d, int c, double x)
{
  const double v_hp = (x - d->hp_state[c]) * d->hp_coef;
  const double low  = v_hp + d->hp_state[c];
  d->hp_state[c]    = low + v_hp;
  const double high = x - low;
  const double v_lp = (high - d->lp_state[c]) * d->lp_coef;
  const double out  = v_lp + d->lp_state[c];
  d->lp_state[c]    = out + v_lp;
  return out;
}

static void
dl_process(void* state, const MdBlock* b)
{
  Delay*     d         = state;
  const bool ping_pong = d->v[DL_PING_PONG] >= 0.5;
  const bool lowcut    = d->v[DL_LOWCUT_HZ] > 10.0;
  const bool highcut   = d->v[DL_HIGHCUT_HZ] < 20000.0;
  for (uint32_t n = 0U; n < b->frames; ++n) {
    const double in_l  = b->in[0][n];
    const double in_r  = b->in[d->channels > 1U ? 1 : 0][n];
    const double delay = md_smoothed_next(&d->time_frames);
    const double fb    = md_smoothed_next(&d->feedback);
    const double mix   = md_smoothed_next(&d->mix);
    double       echo[2];
    for (int c = 0; c < 2; ++c) {
      echo[c] = read_line(d, c, delay);
    }
    double back[2] = {echo[0], echo[1]};
    for (int c = 0; c < 2; ++c) {
      if (lowcut || highcut) {
        back[c] = loop_filter(d, c, back[c]);
      }
    }
    if (ping_pong) {
      d->line[0][d->pos] = (float)(0.5 * (in_l + in_r) + fb * back[1]);
      d->line[1][d->pos] = (float)(fb * back[0]);
    } else {
      d->line[0][d->pos] = (float)(in_l + fb * back[0]);
      d->line[1][d->pos] = (float)(in_r + fb * back[1]);
    }
    const bool quiet = d->line[0][d->pos] == 0.0f && !signbit(d->line[0][d->pos]) &&
                       d->line[1][d->pos] == 0.0f && !signbit(d->line[1][d->pos]);
    d->quiet_frames  = !quiet ? 0U : d->quiet_frames < d->size_frames ? d->quiet_frames + 1U : d->size_frames;
    d->pos         = d->pos + 1U == d->size_frames ? 0U : d->pos + 1U;
    b->out[0][n]   = (float)(in_l * (1.0 - mix) + echo[0] * mix);
    b->out[1][n]   = (float)(in_r * (1.0 - mix) + echo[1] * mix);
  }
  for (int c = 0; c < 2; ++c) {
    if (fabs(d->hp_state[c]) < 1e-20) {
      d->hp_state[c] = 0.0;
    }
    if (fabs(d->lp_state[c]) < 1e-20) {
      d->lp_state[c] = 0.0;
    }
  }
}

static void
dl_reset(void* state)
{
  Delay* d = state;
  memset(d->line[0], 0, d->size_frames * sizeof(float));
  memset(d->line[1], 0, d->size_frames * sizeof(float));
  memset(d->hp_state, 0, sizeof d->hp_state);
  memset(d->lp_state, 0, sizeof d->lp_state);
  d->quiet_frames = d->size_frames;
}

// At rest when the whole line holds +0.0 (the last non-zero write is a
// line's length ago: where the write position stands then does not
// matter), the loop filters are at zero and nothing glides.  With
// feedback, echoes take until they fall below the smallest float (and
// are flushed) to get there.
static bool
dl_idle(const void* state)
{
  const Delay* d = state;
  return d->quiet_frames >= d->size_frames && d->hp_state[0] == 0.0 && d->hp_state[1] == 0.0 && d->lp_state[0] == 0.0 &&
         d->lp_state[1] == 0.0 && md_smoothed_settled(&d->time_frames) && md_smoothed_settled(&d->feedback) &&
         md_smoothed_settled(&d->mix);
}

// Echoes fall by `feedback` each repeat: until -72 dB.
static uint32_t
dl_tail(const void* state)
{
  const Delay* d       = state;
  const double fb      = fmax(d->v[DL_FEEDBACK], 1e-3);
  const double repeats = fmin(-72.0 / (20.0 * log10(fb)), 400.0);
  return (uint32_t)fmin((repeats + 1.0) * d->v[DL_TIME_MS] * 0.001 * d->rate_hz, 60.0 * d->rate_hz);
}

const MdProcessorClass md_delay_class = {
  .name            = "delay",
  .description     = "Stereo feedback delay: note values, ping-pong, filtered feedback, gliding time",
  .params          = dl_params,
  .n_params        = DL_N_PARAMS,
  .output_channels = dl_output_channels,
  .create          = dl_create,
  .prepare         = dl_prepare,
  .destroy         = dl_destroy,
  .set_param       = dl_set_param,
  .process         = dl_process,
  .reset           = dl_reset,
  .latency         = md_processor_no_frames,
  .tail            = dl_tail,
  .idle            = dl_idle,
};
