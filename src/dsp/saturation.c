// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `saturation`: a waveshaper run at 8× the rate, so that its harmonics do
// not fold back into the audio band.
//
//   in × drive → 8× up (polyphase, 481-tap Kaiser sinc) → shaper →
//   8× down (the same filter) → DC blocker (tube) → × output → mix with the
//   dry signal, delayed to match.
//
// Shapers: soft = tanh; tape = (2/π)·atan(π/2·x), a gentler knee; tube =
// tanh(x + 0.25) − tanh(0.25), asymmetric, so even harmonics; hard = clip
// to ±1.  The filters' delay is 60 frames at the base rate (both filters
// are symmetric, 240 frames at 8× each): reported as latency.

#include "dsp/saturation.h"

#include "dsp/smooth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { SAT_DRIVE_DB, SAT_MODE, SAT_MIX, SAT_OUTPUT_DB, SAT_N_PARAMS };

static const char* const modes[] = {"tape", "tube", "soft", "hard", NULL};
enum { MODE_TAPE, MODE_TUBE, MODE_SOFT, MODE_HARD };

static const MdParam sat_params[SAT_N_PARAMS] = {
  [SAT_DRIVE_DB]  = MD_NUMBER("drive_db", "dB", "Gain into the shaper", -12.0, 48.0, 6.0, 20.0f),
  [SAT_MODE]   = MD_CHOICE("mode", "", "Shaper", modes, 4, MODE_TAPE),
  [SAT_MIX]    = MD_NUMBER("mix", "", "Dry/wet", 0.0, 1.0, 1.0, 20.0f),
  [SAT_OUTPUT_DB] = MD_NUMBER("output_db", "dB", "Gain after the shaper", -48.0, 24.0, 0.0, 20.0f),
};

#define OS       8                  // oversampling factor
#define TAPS     481                // filter length at the 8× rate (odd: linear phase)
#define PER      ((TAPS + OS - 1) / OS) // taps per polyphase branch (25)
#define LATENCY  ((TAPS - 1) / OS)  // (240 + 240) / 8 = 60 frames
#define TUBE_BIAS 0.25
// Frames of +0.0 input after which every history holds +0.0 only: the
// interpolator's, then the shaped samples', then the dry delay's.
#define QUIET_FRAMES (PER + (TAPS + OS - 1) / OS + LATENCY)

typedef struct {
  uint32_t   channels;
  double     rate_hz;
  double     v[SAT_N_PARAMS];
  /// The low-pass at 0.45·base rate (unity DC gain; ×OS for interpolation)
  /// laid out for the loops that use it: per interpolation phase its taps
  /// phase, phase + 8, … oldest-first (zero past the end), and the
  /// decimator's taps oldest-first.
  float      interp[OS][PER];
  float      decim[TAPS];
  /// Base-rate input history for the interpolator, and the 8×-rate shaped
  /// samples for the decimator: each written twice, at i and i + length,
  /// so that the filters read one contiguous run (no index wraps).
  float      in_hist[2][2 * PER];
  uint32_t   in_pos;
  float      os_hist[2][2 * TAPS];
  uint32_t   os_pos;
  float      dry[2][LATENCY];      ///< Dry signal, delayed to line up
  uint32_t   dry_pos;
  double     dc_x[2], dc_y[2];     ///< DC blocker (tube mode)
  double     dc_coef;
  MdSmoothed drive_linear, mix, output_linear;
  uint32_t   quiet_frames;         ///< Frames since an input sample was not +0.0 (up to QUIET_FRAMES)
} Saturation;

static double
bessel_i0(double x)
{
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 40; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

static void
design_filter(Saturation* s)
{
  // Kaiser-windowed sinc, β = 8 (about -80 dB in the stop band), from a
  // pass band to 0.417 of the base rate (20 kHz at 48 kHz) to a stop band
  // from 0.5 (Nyquist): every harmonic above Nyquist is removed before it
  // can fold back.  Cut-off (mid transition) 0.458 of the base rate.
  const double fc   = 0.458 / OS; // cycles per 8×-rate sample
  const double beta = 8.0;
  double       sum  = 0.0;
  float        h[TAPS];
  for (int k = 0; k < TAPS; ++k) {
    const double m   = k - (TAPS - 1) / 2.0;
    const double x   = 2.0 * fc * m;
    const double sinc = m == 0.0 ? 1.0 : sin(M_PI * x) / (M_PI * x);
    const double r   = m / ((TAPS - 1) / 2.0);
    const double w   = bessel_i0(beta * sqrt(fmax(0.0, 1.0 - r * r))) / bessel_i0(beta);
    h[k]          = (float)(2.0 * fc * sinc * w);
    sum += h[k];
  }
  for (int k = 0; k < TAPS; ++k) {
    h[k] = (float)(h[k] / sum);
  }
  for (int phase = 0; phase < OS; ++phase) {
    for (int j = 0; j < PER; ++j) {
      const int k                      = phase + j * OS;
      s->interp[phase][PER - 1 - j]    = k < TAPS ? h[k] : 0.0F;
    }
  }
  for (int k = 0; k < TAPS; ++k) {
    s->decim[TAPS - 1 - k] = h[k];
  }
}

// Σ a[i]·b[i] in double, as eight interleaved partial sums: one running sum
// would make every addition wait for the one before.
static double
dot(const float* a, const float* b, int n)
{
  double lane[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  int    i       = 0;
  for (; i + 8 <= n; i += 8) {
    for (int l = 0; l < 8; ++l) {
      lane[l] += (double)a[i + l] * (double)b[i + l];
    }
  }
  for (; i < n; ++i) {
    lane[0] += (double)a[i] * (double)b[i];
  }
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

static double
shape(int mode, double x)
{
  switch (mode) {
  case MODE_TAPE: return (2.0 / M_PI) * atan(M_PI_2 * x);
  case MODE_TUBE: return tanh(x + TUBE_BIAS) - tanh(TUBE_BIAS);
  case MODE_HARD: return x > 1.0 ? 1.0 : x < -1.0 ? -1.0 : x;
  default: break;
  }
  return tanh(x);
}

static void*
sat_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  Saturation* s = calloc(1U, sizeof(Saturation));
  if (s) {
    s->channels = channels;
    memcpy(s->v, values, sizeof s->v);
  }
  return s;
}

static MixdownStatus
sat_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  Saturation* s = state;
  (void)max_frames;
  s->rate_hz = rate_hz;
  s->dc_coef = exp(-2.0 * M_PI * 5.0 / rate_hz);
  design_filter(s);
  md_smoothed_init(&s->drive_linear, pow(10.0, s->v[SAT_DRIVE_DB] / 20.0), rate_hz, sat_params[SAT_DRIVE_DB].smoothing_ms);
  md_smoothed_init(&s->mix, s->v[SAT_MIX], rate_hz, sat_params[SAT_MIX].smoothing_ms);
  md_smoothed_init(&s->output_linear, pow(10.0, s->v[SAT_OUTPUT_DB] / 20.0), rate_hz, sat_params[SAT_OUTPUT_DB].smoothing_ms);
  s->quiet_frames = QUIET_FRAMES; // the histories start empty
  return MIXDOWN_SUCCESS;
}

static void
sat_destroy(void* state)
{
  free(state);
}

static void
sat_set_param(void* state, uint32_t id, double value)
{
  Saturation* s = state;
  if (id >= SAT_N_PARAMS) {
    return;
  }
  s->v[id] = value;
  if (id == SAT_DRIVE_DB) {
    md_smoothed_set(&s->drive_linear, pow(10.0, value / 20.0));
  } else if (id == SAT_MIX) {
    md_smoothed_set(&s->mix, value);
  } else if (id == SAT_OUTPUT_DB) {
    md_smoothed_set(&s->output_linear, pow(10.0, value / 20.0));
  }
}

// One base-rate frame of channel c through up-sampling, shaper and
// down-sampling; `x` is the driven input.
static double
oversampled(Saturation* s, int c, double x, int mode)
{
  // The interpolator's input: the newest at in_hist[c][in_pos] (and its
  // copy); `inputs` are the last PER, oldest first.
  s->in_hist[c][s->in_pos] = s->in_hist[c][s->in_pos + PER] = (float)x;
  const float* inputs = &s->in_hist[c][s->in_pos + 1U];
  for (int phase = 0; phase < OS; ++phase) {
    // Polyphase: output sample `phase` of this frame uses taps phase, phase+8, …
    const double   y    = dot(s->interp[phase], inputs, PER);
    const uint32_t at   = (s->os_pos + (uint32_t)phase) % TAPS;
    const float    wave = (float)shape(mode, y * OS);
    s->os_hist[c][at]        = wave;
    s->os_hist[c][at + TAPS] = wave;
  }
  // Decimate: one output per 8 shaped samples, taken at this frame's phase
  // 0, so the delay is a whole (TAPS - 1) / 8 frames; the last TAPS shaped
  // samples up to it, oldest first.
  return dot(s->decim, &s->os_hist[c][s->os_pos + 1U], TAPS);
}

static void
sat_process(void* state, const MdBlock* b)
{
  Saturation* s    = state;
  const int   mode = (int)s->v[SAT_MODE];
  for (uint32_t n = 0U; n < b->frames; ++n) {
    const double drive  = md_smoothed_next(&s->drive_linear);
    const double mix    = md_smoothed_next(&s->mix);
    const double output = md_smoothed_next(&s->output_linear);
    bool quiet = true;
    for (uint32_t c = 0U; c < s->channels; ++c) {
      const double in  = b->in[c][n];
      quiet            = quiet && in == 0.0 && !signbit(in);
      double       wet = oversampled(s, (int)c, in * drive, mode);
      if (mode == MODE_TUBE) { // the bias leaves DC: a 5 Hz high-pass takes it out
        double y = wet - s->dc_x[c] + s->dc_coef * s->dc_y[c];
        // Its decay would take minutes to reach zero: below -400 dB it is
        // zero (and -0.0 becomes +0.0), so that silence can rest.
        y          = fabs(y) < 1e-20 ? 0.0 : y;
        s->dc_x[c] = wet;
        s->dc_y[c] = y;
        wet        = y;
      }
      const double dry            = s->dry[c][s->dry_pos];
      s->dry[c][s->dry_pos]       = (float)in;
      b->out[c][n]                = (float)(dry * (1.0 - mix) + wet * output * mix);
    }
    s->in_pos       = (s->in_pos + 1U) % PER;
    s->os_pos       = (s->os_pos + OS) % TAPS;
    s->dry_pos      = (s->dry_pos + 1U) % LATENCY;
    s->quiet_frames = !quiet ? 0U : s->quiet_frames < QUIET_FRAMES ? s->quiet_frames + 1U : QUIET_FRAMES;
  }
}

// At rest when the input has been +0.0 long enough for every history to
// hold +0.0 only (their positions then do not matter), the DC blocker is
// at zero and no parameter glides: silence in gives +0.0 out.
static bool
sat_idle(const void* state)
{
  const Saturation* s = state;
  bool              dc_at_rest = true;
  for (uint32_t c = 0U; c < s->channels; ++c) {
    dc_at_rest = dc_at_rest && s->dc_x[c] == 0.0 && s->dc_y[c] == 0.0;
  }
  return s->quiet_frames >= QUIET_FRAMES && dc_at_rest && md_smoothed_settled(&s->drive_linear) &&
         md_smoothed_settled(&s->mix) && md_smoothed_settled(&s->output_linear);
}

static void
sat_reset(void* state)
{
  Saturation* s = state;
  memset(s->in_hist, 0, sizeof s->in_hist);
  memset(s->os_hist, 0, sizeof s->os_hist);
  memset(s->dry, 0, sizeof s->dry);
  memset(s->dc_x, 0, sizeof s->dc_x);
  memset(s->dc_y, 0, sizeof s->dc_y);
  s->quiet_frames = QUIET_FRAMES;
}

static uint32_t
sat_latency(const void* state)
{
  (void)state;
  return LATENCY;
}

const MdProcessorClass md_saturation_class = {
  .name        = "saturation",
  .description = "Saturation: tape, tube, soft or hard, 8× oversampled",
  .params      = sat_params,
  .n_params    = SAT_N_PARAMS,
  .create      = sat_create,
  .prepare     = sat_prepare,
  .destroy     = sat_destroy,
  .set_param   = sat_set_param,
  .process     = sat_process,
  .reset       = sat_reset,
  .latency     = sat_latency,
  .tail        = md_processor_no_frames,
  .idle        = sat_idle,
};
