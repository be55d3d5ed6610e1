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
#include "dsp/smooth.h"

#include <stdlib.h>

enum {
  COMP_THRESHOLD,
  COMP_RATIO,
  COMP_ATTACK,
  COMP_RELEASE,
  COMP_KNEE,
  COMP_MAKEUP,
  COMP_AUTO_MAKEUP,
  COMP_LOOKAHEAD,
  COMP_DETECTOR,
  COMP_RMS_MS,
  COMP_LINK,
  COMP_MIX,
  COMP_SIDECHAIN,
  COMP_SIDECHAIN_HPF,
  COMP_N_PARAMS
};

static const char* const detectors[] = {"peak", "rms", NULL};

static const MdParam comp_params[COMP_N_PARAMS] = {
  [COMP_THRESHOLD]     = MD_NUMBER("threshold_db", "dB", "Level where compression starts (knee centre)",
                                   -80.0, 0.0, -18.0, 0.0f),
  [COMP_RATIO]         = MD_NUMBER("ratio", "", "Input dB over threshold per output dB", 1.0, 100.0, 4.0, 0.0f),
  [COMP_ATTACK]        = MD_NUMBER("attack_ms", "ms", "Time constant (63 %) of gain reduction", 0.0, 500.0,
                                   10.0, 0.0f),
  [COMP_RELEASE]       = MD_NUMBER("release_ms", "ms", "Time constant (63 %) of recovery", 1.0, 5000.0,
                                   100.0, 0.0f),
  [COMP_KNEE]          = MD_NUMBER("knee_db", "dB", "Width of the soft knee", 0.0, 24.0, 6.0, 0.0f),
  [COMP_MAKEUP]        = MD_NUMBER("makeup_db", "dB", "Gain after compression", -24.0, 48.0, 0.0, 20.0f),
  [COMP_AUTO_MAKEUP]   = MD_BOOL("auto_makeup", "Add -curve(0 dBFS) of makeup", 0.0),
  [COMP_LOOKAHEAD]     = MD_NUMBER("lookahead_ms", "ms", "Delay of the audio against the detector "
                                   "(reported as latency)", 0.0, 20.0, 0.0, 0.0f),
  [COMP_DETECTOR]      = MD_CHOICE("detector", "", "Level detector", detectors, 2, 0.0),
  [COMP_RMS_MS]        = MD_NUMBER("rms_ms", "ms", "Averaging time of the RMS detector", 1.0, 300.0, 10.0, 0.0f),
  [COMP_LINK]          = MD_NUMBER("link", "", "Stereo link: 0 independent … 1 fully linked", 0.0, 1.0, 1.0, 0.0f),
  [COMP_MIX]           = MD_NUMBER("mix", "", "Dry/wet (parallel compression)", 0.0, 1.0, 1.0, 20.0f),
  [COMP_SIDECHAIN]     = MD_NODE("sidechain", "Track or bus whose signal (pre-fader) keys the compressor"),
  [COMP_SIDECHAIN_HPF] = MD_NUMBER("sidechain_hpf", "Hz", "High-pass on the key (0: off)", 0.0, 2000.0, 0.0, 0.0f),
};

static const MdMeter comp_meters[] = {
  {"gain_reduction_db", "Most gain reduction in the last block (≤ 0)"},
};

typedef struct {
  uint32_t    channels;
  double      rate;
  double      v[COMP_N_PARAMS];
  double      attack_coef;
  double      release_coef;
  double      rms_coef;
  double      auto_makeup_db;
  double      quiet_level;    ///< Linear level surely below the knee: no log() needed
  MdSmoothed  makeup;  ///< Linear makeup gain
  MdSmoothed  mix;
  MdKeyFilter key_filter;
  MdDelay     lookahead;
  double      mean_square[2]; ///< RMS detector state
  double      gr_db[2];       ///< Smoothed gain change per channel
  double      block_min_gr;   ///< Meter
} Compressor;

static void
update_coefs(Compressor* c)
{
  c->attack_coef    = md_time_coef(c->v[COMP_ATTACK], c->rate);
  c->release_coef   = md_time_coef(c->v[COMP_RELEASE], c->rate);
  c->rms_coef       = md_time_coef(c->v[COMP_RMS_MS], c->rate);
  c->auto_makeup_db = c->v[COMP_AUTO_MAKEUP] >= 0.5
                        ? -md_compressor_curve_db(0.0, c->v[COMP_THRESHOLD], c->v[COMP_RATIO], c->v[COMP_KNEE])
                        : 0.0;
  // A hair under the knee's foot, so rounding cannot change a decision.
  c->quiet_level = pow(10.0, (c->v[COMP_THRESHOLD] - 0.5 * c->v[COMP_KNEE]) / 20.0) * (1.0 - 1e-9);
}

static double
makeup_gain(const Compressor* c)
{
  return pow(10.0, (c->v[COMP_MAKEUP] + c->auto_makeup_db) / 20.0);
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
comp_prepare(void* state, double rate, uint32_t max_frames)
{
  Compressor* c = state;
  (void)max_frames;
  c->rate = rate;
  update_coefs(c);
  md_smoothed_init(&c->makeup, makeup_gain(c), rate, comp_params[COMP_MAKEUP].smoothing_ms);
  md_smoothed_init(&c->mix, c->v[COMP_MIX], rate, comp_params[COMP_MIX].smoothing_ms);
  md_key_filter_design(&c->key_filter, c->v[COMP_SIDECHAIN_HPF], rate, 1);
  return md_delay_init(&c->lookahead, (uint32_t)lround(c->v[COMP_LOOKAHEAD] * 0.001 * rate))
           ? MIXDOWN_ERR_NO_MEM
           : MIXDOWN_SUCCESS;
}

static void
comp_destroy(void* state)
{
  Compressor* c = state;
  md_delay_free(&c->lookahead);
  free(c);
}

static void
comp_set_param(void* state, uint32_t id, double value)
{
  Compressor* c = state;
  if (id >= COMP_N_PARAMS || id == COMP_LOOKAHEAD || id == COMP_DETECTOR || id == COMP_SIDECHAIN) {
    return; // fixed: they change latency or routing
  }
  c->v[id] = value;
  if (id == COMP_SIDECHAIN_HPF) {
    md_key_filter_design(&c->key_filter, value, c->rate, 1);
  }
  update_coefs(c);
  md_smoothed_set(&c->makeup, makeup_gain(c));
  md_smoothed_set(&c->mix, c->v[COMP_MIX]);
}

// Below the knee the curve is flat at 0 dB whatever the level: any level
// under it will do, and saves the logarithm.
#define QUIET_DB (-400.0)

// Detector level of channel `ch` for frame `i`, in dB.
static double
detect(Compressor* c, const MdBlock* b, uint32_t ch, uint32_t i)
{
  double key = b->in[ch][i];
  if (b->key && b->key_channels == 1U) {
    key = b->key[0][i]; // a mono key keys every channel
  } else if (b->key && c->channels == 2U) {
    key = b->key[ch][i];
  } else if (b->key) {
    key = fmax(fabs(b->key[0][i]), fabs(b->key[1][i])); // stereo key, mono input: the louder side
  }
  key = md_key_filter_tick(&c->key_filter, ch, key);
  if (c->v[COMP_DETECTOR] >= 0.5) {
    c->mean_square[ch] = key * key + c->rms_coef * (c->mean_square[ch] - key * key);
    if (c->mean_square[ch] < c->quiet_level * c->quiet_level) {
      return QUIET_DB;
    }
    return 0.5 * MD_DB_PER_NEPER * log(c->mean_square[ch] > 1e-20 ? c->mean_square[ch] : 1e-20);
  }
  return fabs(key) < c->quiet_level ? QUIET_DB : md_level_db(fabs(key));
}

static void
comp_process(void* state, const MdBlock* b)
{
  Compressor*    c        = state;
  const uint32_t channels = c->channels;
  const double   link     = c->v[COMP_LINK];
  c->block_min_gr         = 0.0;
  for (uint32_t i = 0U; i < b->frames; ++i) {
    double target[2] = {0.0, 0.0};
    double linked    = 0.0;
    for (uint32_t ch = 0U; ch < channels; ++ch) {
      target[ch] = md_compressor_curve_db(detect(c, b, ch, i), c->v[COMP_THRESHOLD], c->v[COMP_RATIO],
                                          c->v[COMP_KNEE]);
      linked     = fmin(linked, target[ch]);
    }
    const double makeup = md_smoothed_next(&c->makeup);
    const double wet    = md_smoothed_next(&c->mix);
    for (uint32_t ch = 0U; ch < channels; ++ch) {
      const double want = link * linked + (1.0 - link) * target[ch];
      const double coef = want < c->gr_db[ch] ? c->attack_coef : c->release_coef;
      c->gr_db[ch]      = want + coef * (c->gr_db[ch] - want);
      c->block_min_gr   = fmin(c->block_min_gr, c->gr_db[ch]);
      const double dry  = md_delay_tick(&c->lookahead, ch, b->in[ch][i]);
      // No reduction (most of the time on most tracks) needs no exp().
      const double gain = (c->gr_db[ch] == 0.0 ? 1.0 : md_gain_of_db(c->gr_db[ch])) * makeup;
      b->out[ch][i]     = (float)(dry * (1.0 - wet + wet * gain));
    }
    md_delay_advance(&c->lookahead);
  }
  for (uint32_t ch = 0U; ch < channels; ++ch) {
    md_svf_flush(&c->key_filter.state[ch]);
    if (fabs(c->gr_db[ch]) < 1e-12) {
      c->gr_db[ch] = 0.0;
    }
  }
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
  return c->lookahead.length;
}

static double
comp_read_meter(const void* state, uint32_t id)
{
  const Compressor* c = state;
  (void)id;
  return c->block_min_gr;
}

const MdProcessorClass md_compressor_class = {
  .name        = "compressor",
  .description = "Feed-forward soft-knee compressor with sidechain, lookahead and stereo link",
  .params      = comp_params,
  .n_params    = COMP_N_PARAMS,
  .meters      = comp_meters,
  .n_meters    = 1U,
  .create      = comp_create,
  .prepare     = comp_prepare,
  .destroy     = comp_destroy,
  .set_param   = comp_set_param,
  .process     = comp_process,
  .reset       = comp_reset,
  .latency     = comp_latency,
  .tail        = md_processor_no_frames,
  .read_meter  = comp_read_meter,
};
