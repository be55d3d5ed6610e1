// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `compressor`: feed-forward, soft knee, log-domain detector.
//
//   key (input, or an external sidechain) → optional key high-pass
//   → level (peak |x|, or RMS over rms_ms) per channel, in dB
//   → static curve (dynamics.h: Giannoulis et al. 2012) → gain change
//   → stereo link (link·min over channels + (1 - link)·own)
//   → attack/release smoothing of the gain change, in dB
//   → makeup → applied to the input delayed by lookahead_ms
//
// attack_ms and release_ms are time constants: after a step in level, the
// gain change covers 1 - 1/e (63 %) of its way in attack_ms (more
// reduction) or release_ms (less).  auto_makeup adds the textbook makeup,
// -curve(0 dBFS): a full-scale input comes out at full scale.

#include "dsp/compressor.h"

#include "dsp/dynamics.h"
#include "dsp/kernels/kernels.h"
#include "dsp/smooth.h"

#include <stdlib.h>

enum {
  COMP_THRESHOLD_DB,
  COMP_RATIO,
  COMP_ATTACK_MS,
  COMP_RELEASE_MS,
  COMP_KNEE_DB,
  COMP_MAKEUP_DB,
  COMP_AUTO_MAKEUP,
  COMP_LOOKAHEAD_MS,
  COMP_DETECTOR,
  COMP_RMS_MS,
  COMP_LINK,
  COMP_MIX,
  COMP_SIDECHAIN,
  COMP_SIDECHAIN_HPF_HZ,
  COMP_N_PARAMS
};

static const char* const detectors[] = {"peak", "rms", NULL};

static const MdParam comp_params[COMP_N_PARAMS] = {
  [COMP_THRESHOLD_DB]     = MD_NUMBER("threshold_db", "dB", "Level where compression starts (knee centre)",
                                   -80.0, 0.0, -18.0, 0.0f),
  [COMP_RATIO]         = MD_NUMBER("ratio", "", "Input dB over threshold per output dB", 1.0, 100.0, 4.0, 0.0f),
  [COMP_ATTACK_MS]        = MD_NUMBER("attack_ms", "ms", "Time constant (63 %) of gain reduction", 0.0, 500.0,
                                   10.0, 0.0f),
  [COMP_RELEASE_MS]       = MD_NUMBER("release_ms", "ms", "Time constant (63 %) of recovery", 1.0, 5000.0,
                                   100.0, 0.0f),
  [COMP_KNEE_DB]          = MD_NUMBER("knee_db", "dB", "Width of the soft knee", 0.0, 24.0, 6.0, 0.0f),
  [COMP_MAKEUP_DB]        = MD_NUMBER("makeup_db", "dB", "Gain after compression", -24.0, 48.0, 0.0, 20.0f),
  [COMP_AUTO_MAKEUP]   = MD_BOOL("auto_makeup", "Add -curve(0 dBFS) of makeup", 0.0),
  [COMP_LOOKAHEAD_MS]     = MD_FIXED_NUMBER("lookahead_ms", "ms", "Delay of the audio against the detector "
                                   "(reported as latency)", 0.0, 20.0, 0.0, "it sets the compressor's latency"),
  [COMP_DETECTOR]      = MD_FIXED_CHOICE("detector", "", "Level detector", detectors, 2, 0.0,
                                         "the detector is chosen when the compressor is built"),
  [COMP_RMS_MS]        = MD_NUMBER("rms_ms", "ms", "Averaging time of the RMS detector", 1.0, 300.0, 10.0, 0.0f),
  [COMP_LINK]          = MD_NUMBER("link", "", "Stereo link: 0 independent … 1 fully linked", 0.0, 1.0, 1.0, 0.0f),
  [COMP_MIX]           = MD_NUMBER("mix", "", "Dry/wet (parallel compression)", 0.0, 1.0, 1.0, 20.0f),
  [COMP_SIDECHAIN]     = MD_NODE("sidechain", "Track or bus whose signal (pre-fader) keys the compressor"),
  [COMP_SIDECHAIN_HPF_HZ] = MD_NUMBER("sidechain_hpf", "Hz", "High-pass on the key (0: off)", 0.0, 2000.0, 0.0, 0.0f),
};

static const MdMeter comp_meters[] = {
  {"gain_reduction_db", "Most gain reduction in the last block (≤ 0)"},
  // So that a render can say how much auto_makeup added when a strip clips.
  {"auto_makeup_db", "Makeup gain auto_makeup adds (0 when off)"},
};

typedef struct {
  uint32_t    channels;
  double      rate_hz;
  double      v[COMP_N_PARAMS];
  double      attack_coef;
  double      release_coef;
  double      rms_coef;
  double      auto_makeup_db;
  MdSmoothed  makeup_linear;
  MdSmoothed  mix;
  MdKeyFilter key_filter;
  MdDelay     lookahead;
  double      mean_square[2];  ///< RMS detector state
  double      gr_db[2];        ///< Smoothed gain change per channel
  double      block_min_gr_db; ///< Meter
  const MdKernels* kernels;
  uint32_t    max_frames;
  double*     level_db[2];    ///< Per block: detector level, then gain change, then gain
} Compressor;

static void
update_coefs(Compressor* c)
{
  c->attack_coef    = md_time_coef(c->v[COMP_ATTACK_MS], c->rate_hz);
  c->release_coef   = md_time_coef(c->v[COMP_RELEASE_MS], c->rate_hz);
  c->rms_coef       = md_time_coef(c->v[COMP_RMS_MS], c->rate_hz);
  const MdCurveShape curve = md_compressor_curve_shape(c->v[COMP_THRESHOLD_DB], c->v[COMP_RATIO], c->v[COMP_KNEE_DB]);
  c->auto_makeup_db        = c->v[COMP_AUTO_MAKEUP] >= 0.5 ? -md_compressor_curve_fast(&curve, 0.0) : 0.0;
}

static double
makeup_gain(const Compressor* c)
{
  return pow(10.0, (c->v[COMP_MAKEUP_DB] + c->auto_makeup_db) / 20.0);
}

double
md_compressor_static_db(const double* values, double in_db)
{
  const MdCurveShape curve =
      md_compressor_curve_shape(values[COMP_THRESHOLD_DB], values[COMP_RATIO], values[COMP_KNEE_DB]);
  const double auto_makeup_db = values[COMP_AUTO_MAKEUP] >= 0.5 ? -md_compressor_curve_fast(&curve, 0.0) : 0.0;
  const double makeup         = pow(10.0, (values[COMP_MAKEUP_DB] + auto_makeup_db) / 20.0);
  const double gain           = md_gain_of_db(md_compressor_curve_fast(&curve, in_db));
  const double wet            = values[COMP_MIX];
  return in_db + 20.0 * log10(fabs(1.0 - wet + wet * (gain * makeup)));
}

static void*
comp_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  Compressor* c = calloc(1U, sizeof(Compressor));
  if (c) {
    c->channels = channels;
    memcpy(c->v, values, sizeof c->v);
  }
  return c;
}

static MixdownStatus
comp_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  Compressor* c = state;
  c->rate_hz    = rate_hz;
  c->kernels    = md_kernels();
  c->max_frames = max_frames;
  for (uint32_t ch = 0U; ch < c->channels; ++ch) {
    free(c->level_db[ch]);
    if (!(c->level_db[ch] = malloc(max_frames * sizeof(double)))) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  update_coefs(c);
  md_smoothed_init(&c->makeup_linear, makeup_gain(c), rate_hz, comp_params[COMP_MAKEUP_DB].smoothing_ms);
  md_smoothed_init(&c->mix, c->v[COMP_MIX], rate_hz, comp_params[COMP_MIX].smoothing_ms);
  md_key_filter_design(&c->key_filter, c->v[COMP_SIDECHAIN_HPF_HZ], rate_hz, 1);
  return md_delay_init(&c->lookahead, (uint32_t)lround(c->v[COMP_LOOKAHEAD_MS] * 0.001 * rate_hz))
           ? MIXDOWN_ERR_NO_MEM
           : MIXDOWN_SUCCESS;
}

static void
comp_destroy(void* state)
{
  Compressor* c = state;
  md_delay_free(&c->lookahead);
  free(c->level_db[0]);
  free(c->level_db[1]);
  free(c);
}

static void
comp_set_param(void* state, uint32_t id, double value)
{
  Compressor* c = state;
  if (id >= COMP_N_PARAMS || id == COMP_LOOKAHEAD_MS || id == COMP_DETECTOR || id == COMP_SIDECHAIN) {
    return; // fixed: they change latency or routing
  }
  c->v[id] = value;
  if (id == COMP_SIDECHAIN_HPF_HZ) {
    md_key_filter_design(&c->key_filter, value, c->rate_hz, 1);
  }
  update_coefs(c);
  md_smoothed_set(&c->makeup_linear, makeup_gain(c));
  md_smoothed_set(&c->mix, c->v[COMP_MIX]);
}

// The key of channel `ch` for frame `i`: its own input, or the sidechain.
static double
key_sample(const Compressor* c, const MdBlock* b, uint32_t ch, uint32_t i)
{
  if (!b->key) {
    return b->in[ch][i];
  }
  if (b->key_channels == 1U) {
    return b->key[0][i]; // a mono key keys every channel
  }
  if (c->channels == 2U) {
    return b->key[ch][i];
  }
  return fmax(fabs(b->key[0][i]), fabs(b->key[1][i])); // stereo key, mono input: the louder side
}

// Detector level of channel `ch` for frames [from, from + n), linear, into
// c->level_db[ch]: the amplitude (peak) or the mean square (RMS).
static void
detect(Compressor* c, const MdBlock* b, uint32_t ch, uint32_t from, uint32_t n)
{
  double* level = c->level_db[ch];
  if (!b->key && c->key_filter.freq_hz <= 0.0 && c->v[COMP_DETECTOR] < 0.5) {
    const float* x = b->in[ch] + from;
    for (uint32_t i = 0U; i < n; ++i) {
      level[i] = fabs(x[i]);
    }
    return;
  }
  for (uint32_t i = 0U; i < n; ++i) {
    const double key = md_key_filter_tick(&c->key_filter, ch, key_sample(c, b, ch, from + i));
    if (c->v[COMP_DETECTOR] >= 0.5) {
      c->mean_square[ch] = key * key + c->rms_coef * (c->mean_square[ch] - key * key);
      level[i]           = c->mean_square[ch];
    } else {
      level[i] = fabs(key);
    }
  }
}

// Linear level to the gain change the static curve asks for, in place:
// one vectorised logarithm over the block, then the curve (branch-free,
// so this loop vectorises too).
static void
curve_of_levels(const Compressor* c, double* level, uint32_t n)
{
  if (c->v[COMP_DETECTOR] >= 0.5) {
    c->kernels->log_scaled(level, level, n, 0.5 * MD_DB_PER_NEPER, MD_LEVEL_FLOOR * MD_LEVEL_FLOOR);
  } else {
    c->kernels->log_scaled(level, level, n, MD_DB_PER_NEPER, MD_LEVEL_FLOOR);
  }
  const MdCurveShape curve = md_compressor_curve_shape(c->v[COMP_THRESHOLD_DB], c->v[COMP_RATIO], c->v[COMP_KNEE_DB]);
  for (uint32_t i = 0U; i < n; ++i) {
    level[i] = md_compressor_curve_fast(&curve, level[i]);
  }
}

// Mono, or fully linked stereo (the default) with both channels at one
// gain: the louder channel's level drives one gain change for both — the
// curve only falls with level, so this is the minimum of the two channels'
// curves.
static bool
linked_as_one(const Compressor* c)
{
  return c->channels == 1U || (c->v[COMP_LINK] >= 1.0 && c->gr_db[0] == c->gr_db[1]);
}

// Attack/release smoothing of the wanted gain change `x` (in place) from
// state *gr, and the block's meter.
static void
smooth(Compressor* c, double* x, uint32_t n, double* gr)
{
  c->kernels->attack_release(x, n, gr, c->attack_coef, c->release_coef);
  for (uint32_t i = 0U; i < n; ++i) {
    c->block_min_gr_db = md_min(c->block_min_gr_db, x[i]);
  }
}

// Gain change of the louder channel into c->level_db[0] (then [1] unused).
static void
gain_change_linked(Compressor* c, uint32_t n)
{
  double* level = c->level_db[0];
  if (c->channels == 2U) {
    const double* other = c->level_db[1];
    for (uint32_t i = 0U; i < n; ++i) {
      level[i] = md_max(level[i], other[i]);
    }
  }
  curve_of_levels(c, level, n);
  smooth(c, level, n, &c->gr_db[0]);
  c->gr_db[1] = c->gr_db[0];
}

// Stereo, partly linked or with its channels apart: each channel smooths
// towards link·(the louder channel's curve) + (1 - link)·(its own).
static void
gain_change_per_channel(Compressor* c, uint32_t n)
{
  double* const level[2] = {c->level_db[0], c->level_db[1]};
  curve_of_levels(c, level[0], n);
  curve_of_levels(c, level[1], n);
  const double link = c->v[COMP_LINK];
  for (uint32_t i = 0U; i < n; ++i) {
    const double linked = md_min(md_min(0.0, level[0][i]), level[1][i]);
    level[0][i]         = link * linked + (1.0 - link) * level[0][i];
    level[1][i]         = link * linked + (1.0 - link) * level[1][i];
  }
  smooth(c, level[0], n, &c->gr_db[0]);
  smooth(c, level[1], n, &c->gr_db[1]);
}

static void
process_frames(Compressor* c, const MdBlock* b, uint32_t from, uint32_t n)
{
  const uint32_t channels = c->channels;
  for (uint32_t ch = 0U; ch < channels; ++ch) {
    detect(c, b, ch, from, n);
  }
  const bool as_one = linked_as_one(c);
  if (as_one) {
    gain_change_linked(c, n);
  } else {
    gain_change_per_channel(c, n);
  }
  const double* gain[2] = {c->level_db[0], c->level_db[as_one || channels == 1U ? 0U : 1U]};
  for (uint32_t ch = 0U; ch < (as_one ? 1U : channels); ++ch) {
    c->kernels->exp_scaled(c->level_db[ch], c->level_db[ch], n, MD_DB_PER_NEPER); // exp(0) is exactly 1
  }
  if (md_smoothed_settled(&c->makeup_linear) && md_smoothed_settled(&c->mix) && !c->lookahead.length_frames) {
    // The common case, channel by channel with nothing per-frame but the
    // gain: the same arithmetic as below, in a loop that vectorises.
    const double makeup = c->makeup_linear.current;
    const double wet    = c->mix.current;
    for (uint32_t ch = 0U; ch < channels; ++ch) {
      const float* in  = b->in[ch] + from;
      float*       out = b->out[ch] + from;
      const double* g  = gain[ch];
      for (uint32_t i = 0U; i < n; ++i) {
        out[i] = (float)(in[i] * (1.0 - wet + wet * (g[i] * makeup)));
      }
    }
    return;
  }
  for (uint32_t i = 0U; i < n; ++i) {
    const double makeup = md_smoothed_next(&c->makeup_linear);
    const double wet    = md_smoothed_next(&c->mix);
    for (uint32_t ch = 0U; ch < channels; ++ch) {
      const double dry     = md_delay_tick(&c->lookahead, ch, b->in[ch][from + i]);
      b->out[ch][from + i] = (float)(dry * (1.0 - wet + wet * (gain[ch][i] * makeup)));
    }
    md_delay_advance(&c->lookahead);
  }
}

static void
comp_process(void* state, const MdBlock* b)
{
  Compressor* c      = state;
  c->block_min_gr_db = 0.0;
  for (uint32_t from = 0U; from < b->frames; from += c->max_frames) {
    process_frames(c, b, from, b->frames - from < c->max_frames ? b->frames - from : c->max_frames);
  }
  for (uint32_t ch = 0U; ch < c->channels; ++ch) {
    md_svf_flush(&c->key_filter.state[ch]);
    if (fabs(c->gr_db[ch]) < 1e-12) {
      c->gr_db[ch] = 0.0;
    }
  }
}

// At rest with no gain change, an empty detector, key filter and lookahead
// line, and makeup and mix settled: silence in, silence out, nothing moves.
static bool
comp_idle(const void* state)
{
  const Compressor* c = state;
  if (!md_smoothed_settled(&c->makeup_linear) || !md_smoothed_settled(&c->mix)) {
    return false;
  }
  for (uint32_t ch = 0U; ch < c->channels; ++ch) {
    const MdSvfState* key = &c->key_filter.state[ch];
    if (c->gr_db[ch] != 0.0 || c->mean_square[ch] != 0.0 || key->ic1 != 0.0 || key->ic2 != 0.0) {
      return false;
    }
    for (uint32_t i = 0U; i < c->lookahead.length_frames; ++i) {
      if (c->lookahead.line[ch][i] != 0.0f) {
        return false;
      }
    }
  }
  return true;
}

static void
comp_reset(void* state)
{
  Compressor* c = state;
  memset(c->mean_square, 0, sizeof c->mean_square);
  memset(c->gr_db, 0, sizeof c->gr_db);
  memset(c->key_filter.state, 0, sizeof c->key_filter.state);
  md_delay_clear(&c->lookahead);
}

static uint32_t
comp_latency(const void* state)
{
  const Compressor* c = state;
  return c->lookahead.length_frames;
}

static double
comp_read_meter(const void* state, uint32_t id)
{
  const Compressor* c = state;
  return id == 1U ? c->auto_makeup_db : c->block_min_gr_db;
}

const MdProcessorClass md_compressor_class = {
  .name        = "compressor",
  .description = "Feed-forward soft-knee compressor with sidechain, lookahead and stereo link",
  .params      = comp_params,
  .n_params    = COMP_N_PARAMS,
  .meters      = comp_meters,
  .n_meters    = 2U,
  .create      = comp_create,
  .prepare     = comp_prepare,
  .destroy     = comp_destroy,
  .set_param   = comp_set_param,
  .process     = comp_process,
  .reset       = comp_reset,
  .idle        = comp_idle,
  .latency     = comp_latency,
  .tail        = md_processor_no_frames,
  .read_meter  = comp_read_meter,
};
