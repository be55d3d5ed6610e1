// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `eq`: a parametric equaliser of up to 16 bands — highpass and lowpass
// (Butterworth, 6 … 48 dB/oct), low and high shelf, bell, notch, bandpass.
//
// Each band is designed as its analog prototype, matched to the digital
// domain (filter_design.c: no cramping near Nyquist) and run as trapezoidal
// state-variable filters in double precision (svf.h: safe under fast
// automation, quiet at 20 Hz).  Frequency, gain and Q glide per sample
// (frequency in octaves) and the band is redesigned every 16 frames while
// they move.  A bell or shelf at 0 dB is skipped, so a flat EQ is bit-exact.

#include "dsp/eq.h"

#include "dsp/filter_design.h"
#include "dsp/kernels/kernels.h"
#include "dsp/smooth.h"
#include "dsp/svf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EQ_MAX_BANDS    16U
#define EQ_MAX_SECTIONS 4U  // 48 dB/oct: four second-order sections
#define EQ_REDESIGN     16U // frames between redesigns while gliding
#define EQ_GLIDE_MS     20.0f

typedef enum {
  BAND_HIGHPASS,
  BAND_LOWPASS,
  BAND_LOWSHELF,
  BAND_HIGHSHELF,
  BAND_BELL,
  BAND_NOTCH,
  BAND_BANDPASS,
} BandType;

static const char* const band_types[] = {"highpass", "lowpass", "lowshelf", "highshelf",
                                         "bell",     "notch",   "bandpass", NULL};
static const char* const slopes[]     = {"6", "12", "18", "24", "36", "48", NULL};
static const unsigned    slope_order[] = {1U, 2U, 3U, 4U, 6U, 8U};

enum { FIELD_TYPE, FIELD_FREQ_HZ, FIELD_GAIN_DB, FIELD_Q, FIELD_SLOPE_DB_PER_OCTAVE, N_FIELDS };

static const MdParam band_fields[N_FIELDS] = {
  [FIELD_TYPE]  = MD_FIXED_CHOICE("type", "", "Band type", band_types, 7, BAND_BELL,
                                  "a band's shape is set when the EQ is built"),
  [FIELD_FREQ_HZ]  = MD_NUMBER("freq", "Hz", "Frequency (cut-off, centre or shelf mid-point)", 10.0,
                            40000.0, 1000.0, EQ_GLIDE_MS),
  [FIELD_GAIN_DB]  = MD_NUMBER("gain_db", "dB", "Gain of bells and shelves", -36.0, 36.0, 0.0, EQ_GLIDE_MS),
  [FIELD_Q]     = MD_NUMBER("q", "", "Width of bells, notches and bandpasses; shelf slope; "
                            "resonance of high/low-pass", 0.1, 40.0, 0.7071, EQ_GLIDE_MS),
  [FIELD_SLOPE_DB_PER_OCTAVE] = MD_FIXED_CHOICE("slope", "dB/oct", "High/low-pass slope", slopes, 6, 1.0,
                                                "a band's shape is set when the EQ is built"),
};

enum { EQ_BANDS, EQ_N_PARAMS };

static const MdParam eq_params[EQ_N_PARAMS] = {
  [EQ_BANDS] = MD_LIST("bands", "Filter bands, applied in order", band_fields, N_FIELDS, EQ_MAX_BANDS),
};

#define EQ_N_VALUES (1U + EQ_MAX_BANDS * N_FIELDS)

typedef struct {
  BandType   type;
  unsigned   order;      ///< High/low-pass order (slope / 6)
  MdSmoothed log2_freq;  ///< Glides in octaves
  MdSmoothed gain_db;
  MdSmoothed q;
  bool       active;     ///< False for a 0 dB bell or shelf: bit-exact bypass
  unsigned   n_sections;
  MdSvfCoefs sections[EQ_MAX_SECTIONS];
  MdSvfState state[2][EQ_MAX_SECTIONS]; ///< [channel][section]
} EqBand;

typedef struct {
  uint32_t channels;
  uint32_t n_bands;
  const MdKernels* kernels;
  uint32_t max_frames;
  float*   scratch;  ///< The idle right lane of a mono track's cascade
  double   rate_hz;
  double   values[EQ_N_VALUES];
  EqBand   bands[EQ_MAX_BANDS];
} EqProc;

static double
band_value(const EqProc* eq, uint32_t band, uint32_t field)
{
  return eq->values[md_list_slot(&eq_params[EQ_BANDS], band, field)];
}

static MdAnalog
band_prototype(const EqBand* b, double gain_db, double q, unsigned section)
{
  switch (b->type) {
  case BAND_HIGHPASS:
  case BAND_LOWPASS: {
    const bool high = b->type == BAND_HIGHPASS;
    if (b->order % 2U && section == 0U) {
      return high ? md_proto_highpass1() : md_proto_lowpass1();
    }
    const unsigned k        = b->order % 2U ? section - 1U : section;
    const unsigned n_second = b->order / 2U;
    double         section_q = md_butterworth_q(b->order, k);
    // `q` sets the resonance: the last (highest-Q) section scales with it,
    // so the default 0.7071 gives an exact Butterworth response.
    if (k + 1U == n_second) {
      section_q *= q / M_SQRT1_2;
    }
    return high ? md_proto_highpass2(section_q) : md_proto_lowpass2(section_q);
  }
  case BAND_LOWSHELF: return md_proto_lowshelf(gain_db, q);
  case BAND_HIGHSHELF: return md_proto_highshelf(gain_db, q);
  case BAND_BELL: return md_proto_bell(gain_db, q);
  case BAND_NOTCH: return md_proto_notch(q);
  case BAND_BANDPASS: break;
  }
  return md_proto_bandpass(q);
}

static bool
band_gliding(const EqBand* b)
{
  return !md_smoothed_settled(&b->log2_freq) || !md_smoothed_settled(&b->gain_db) ||
         !md_smoothed_settled(&b->q);
}

// The highest frequency a band is designed at (a fraction of the rate).
#define EQ_MAX_FREQ_OF_RATE 0.49

static void
design_band(const EqProc* eq, EqBand* b)
{
  const double freq    = fmin(exp2(b->log2_freq.current), EQ_MAX_FREQ_OF_RATE * eq->rate_hz);
  const double gain_db = b->gain_db.current;
  const double q       = b->q.current;
  const bool   has_gain = b->type == BAND_BELL || b->type == BAND_LOWSHELF || b->type == BAND_HIGHSHELF;
  b->active            = !has_gain || gain_db != 0.0 || !md_smoothed_settled(&b->gain_db);
  if (!b->active) {
    memset(b->state, 0, sizeof b->state); // a bypassed band starts clean next time
  }
  b->n_sections        = b->type == BAND_HIGHPASS || b->type == BAND_LOWPASS ? (b->order + 1U) / 2U : 1U;
  for (unsigned s = 0U; s < b->n_sections; ++s) {
    const MdAnalog  proto = band_prototype(b, gain_db, q, s);
    const MdDigital d     = md_match(&proto, freq, eq->rate_hz, band_gliding(b) ? MD_MATCH_FAST : MD_MATCH_BEST);
    b->sections[s]        = md_svf_from_digital(&d);
  }
}

void
md_eq_response_db(const double* values, double rate_hz, const double* freqs_hz, size_t n, double* out_db)
{
  for (size_t k = 0U; k < n; ++k) {
    out_db[k] = 0.0;
  }
  const uint32_t n_bands = (uint32_t)fmin(fmax(values[0], 0.0), EQ_MAX_BANDS);
  for (uint32_t i = 0U; i < n_bands; ++i) {
    const double* v = values + md_list_slot(&eq_params[EQ_BANDS], i, 0U);
    EqBand        b = {.type = (BandType)v[FIELD_TYPE], .order = slope_order[(size_t)v[FIELD_SLOPE_DB_PER_OCTAVE]]};
    const double  gain_db  = v[FIELD_GAIN_DB];
    const double  q        = fmax(v[FIELD_Q], 0.01);                             // as eq_set_param() keeps it
    const double  freq     = fmin(exp2(log2(fmax(v[FIELD_FREQ_HZ], 1.0))), EQ_MAX_FREQ_OF_RATE * rate_hz);
    const bool    has_gain = b.type == BAND_BELL || b.type == BAND_LOWSHELF || b.type == BAND_HIGHSHELF;
    if (has_gain && gain_db == 0.0) {
      continue; // skipped by the processor too
    }
    const unsigned sections = b.type == BAND_HIGHPASS || b.type == BAND_LOWPASS ? (b.order + 1U) / 2U : 1U;
    for (unsigned s = 0U; s < sections; ++s) {
      const MdAnalog  proto = band_prototype(&b, gain_db, q, s);
      const MdDigital d     = md_match(&proto, freq, rate_hz, MD_MATCH_BEST);
      for (size_t k = 0U; k < n; ++k) {
        const double magnitude = md_digital_magnitude(&d, 2.0 * M_PI * freqs_hz[k] / rate_hz);
        out_db[k] += 20.0 * log10(fmax(magnitude, 1e-15));
      }
    }
  }
}

static void*
eq_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  EqProc* eq = calloc(1U, sizeof(EqProc));
  if (eq) {
    eq->channels = channels;
    memcpy(eq->values, values, sizeof eq->values);
    eq->n_bands = (uint32_t)values[0];
  }
  return eq;
}

static MixdownStatus
eq_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  EqProc* eq = state;
  eq->rate_hz    = rate_hz;
  eq->kernels    = md_kernels();
  eq->max_frames = max_frames ? max_frames : 1U;
  free(eq->scratch);
  if (!(eq->scratch = calloc(eq->max_frames, sizeof(float)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t i = 0U; i < eq->n_bands; ++i) {
    EqBand* b = &eq->bands[i];
    b->type   = (BandType)band_value(eq, i, FIELD_TYPE);
    b->order  = slope_order[(size_t)band_value(eq, i, FIELD_SLOPE_DB_PER_OCTAVE)];
    md_smoothed_init(&b->log2_freq, log2(band_value(eq, i, FIELD_FREQ_HZ)), rate_hz, EQ_GLIDE_MS);
    md_smoothed_init(&b->gain_db, band_value(eq, i, FIELD_GAIN_DB), rate_hz, EQ_GLIDE_MS);
    md_smoothed_init(&b->q, band_value(eq, i, FIELD_Q), rate_hz, EQ_GLIDE_MS);
    design_band(eq, b);
  }
  return MIXDOWN_SUCCESS;
}

static void
eq_destroy(void* state)
{
  EqProc* eq = state;
  free(eq->scratch);
  free(eq);
}

static void
eq_set_param(void* state, uint32_t id, double value)
{
  EqProc* eq = state;
  uint32_t band  = 0U;
  uint32_t field = 0U;
  if (!md_list_slot_place(&eq_params[EQ_BANDS], id, &band, &field)) {
    return; // the number of bands is fixed when the EQ is built
  }
  if (band >= eq->n_bands) {
    return;
  }
  EqBand* b = &eq->bands[band];
  switch (field) {
  case FIELD_FREQ_HZ: md_smoothed_set(&b->log2_freq, log2(fmax(value, 1.0))); break;
  case FIELD_GAIN_DB: md_smoothed_set(&b->gain_db, value); break;
  case FIELD_Q: md_smoothed_set(&b->q, fmax(value, 0.01)); break;
  default: return; // type and slope are fixed
  }
  design_band(eq, b);
}

static void
advance(MdSmoothed* s, uint32_t frames)
{
  for (uint32_t i = 0U; i < frames && !md_smoothed_settled(s); ++i) {
    md_smoothed_next(s);
  }
}

static void
run_band(EqBand* b, uint32_t channels, const float* const* in, float* const* out, uint32_t frames)
{
  for (uint32_t c = 0U; c < channels; ++c) {
    MdSvfState   st[EQ_MAX_SECTIONS];
    const float* x = in[c];
    float*       y = out[c];
    memcpy(st, b->state[c], sizeof st);
    for (uint32_t i = 0U; i < frames; ++i) {
      double v = x[i];
      for (unsigned s = 0U; s < b->n_sections; ++s) {
        v = md_svf_tick(&b->sections[s], &st[s], v);
      }
      y[i] = (float)v;
    }
    for (unsigned s = 0U; s < b->n_sections; ++s) {
      md_svf_flush(&st[s]);
    }
    memcpy(b->state[c], st, sizeof st);
  }
}

static void
copy_through(const MdBlock* block, uint32_t channels, uint32_t from, uint32_t frames)
{
  for (uint32_t c = 0U; c < channels; ++c) {
    if (block->in[c] != block->out[c]) {
      memcpy(block->out[c] + from, block->in[c] + from, frames * sizeof(float));
    }
  }
}

// While no band glides: every active band's sections as one cascade,
// both channels at once, through the vector kernel (a mono track runs in
// the left lane, the right lane idling on a scratch buffer).  False
// (nothing done) while a band glides: that path redesigns every 16 frames.
#define EQ_MAX_CASCADE (EQ_MAX_BANDS * EQ_MAX_SECTIONS)

static bool
run_cascade(EqProc* eq, const MdBlock* block)
{
  MdSvfStateSpace sections[EQ_MAX_CASCADE];
  double          state[EQ_MAX_CASCADE * 4U];
  uint32_t        n = 0U;
  for (uint32_t i = 0U; i < eq->n_bands; ++i) {
    const EqBand* b = &eq->bands[i];
    if (band_gliding(b)) {
      return false;
    }
    for (unsigned s = 0U; b->active && s < b->n_sections; ++s, ++n) {
      sections[n] = md_svf_state_space(&b->sections[s]);
      const MdSvfState* right = &b->state[eq->channels > 1U ? 1U : 0U][s];
      const double pair[4] = {b->state[0][s].ic1, b->state[0][s].ic2, right->ic1, right->ic2};
      memcpy(state + 4U * n, pair, sizeof pair);
    }
  }
  float* const right = eq->channels > 1U ? block->out[1] : eq->scratch;
  for (uint32_t done = 0U; done < block->frames; done += eq->max_frames) {
    const uint32_t len = block->frames - done < eq->max_frames ? block->frames - done : eq->max_frames;
    copy_through(block, eq->channels, done, len);
    eq->kernels->svf_cascade_stereo(sections, n, state, block->out[0] + done,
                                    eq->channels > 1U ? right + done : right, len);
  }
  n = 0U;
  for (uint32_t i = 0U; i < eq->n_bands; ++i) {
    EqBand* b = &eq->bands[i];
    for (unsigned s = 0U; b->active && s < b->n_sections; ++s, ++n) {
      b->state[0][s] = (MdSvfState){state[4U * n], state[4U * n + 1U]};
      if (eq->channels > 1U) {
        b->state[1][s] = (MdSvfState){state[4U * n + 2U], state[4U * n + 3U]};
      }
    }
  }
  return true;
}

static void
eq_process(void* state, const MdBlock* block)
{
  EqProc* eq = state;
  if (run_cascade(eq, block)) {
    return;
  }
  for (uint32_t done = 0U; done < block->frames; done += EQ_REDESIGN) {
    const uint32_t n = block->frames - done < EQ_REDESIGN ? block->frames - done : EQ_REDESIGN;
    copy_through(block, eq->channels, done, n);
    const float* in[2]  = {block->out[0] + done, eq->channels > 1U ? block->out[1] + done : NULL};
    float*       out[2] = {block->out[0] + done, eq->channels > 1U ? block->out[1] + done : NULL};
    for (uint32_t i = 0U; i < eq->n_bands; ++i) {
      EqBand* b = &eq->bands[i];
      if (band_gliding(b)) {
        advance(&b->log2_freq, n);
        advance(&b->gain_db, n);
        advance(&b->q, n);
        design_band(eq, b);
      }
      if (b->active) {
        run_band(b, eq->channels, in, out, n);
      }
    }
  }
}

// At rest when no band glides and every filter state is exactly zero
// (decayed state is flushed to zero: svf.h).
static bool
eq_idle(const void* state)
{
  const EqProc* eq = state;
  for (uint32_t i = 0U; i < eq->n_bands; ++i) {
    const EqBand* b = &eq->bands[i];
    if (band_gliding(b)) {
      return false;
    }
    for (uint32_t c = 0U; c < eq->channels; ++c) {
      for (unsigned s = 0U; s < b->n_sections; ++s) {
        if (b->state[c][s].ic1 != 0.0 || b->state[c][s].ic2 != 0.0) {
          return false;
        }
      }
    }
  }
  return true;
}

static void
eq_reset(void* state)
{
  EqProc* eq = state;
  for (uint32_t i = 0U; i < EQ_MAX_BANDS; ++i) {
    memset(eq->bands[i].state, 0, sizeof eq->bands[i].state);
  }
}

// Ringing dies within a few periods of the lowest band (more for high Q).
static uint32_t
eq_tail(const void* state)
{
  const EqProc* eq   = state;
  double        tail = 0.0;
  for (uint32_t i = 0U; i < eq->n_bands; ++i) {
    const double freq = exp2(eq->bands[i].log2_freq.target);
    const double q    = eq->bands[i].q.target;
    tail              = fmax(tail, (4.0 + 2.0 * q) * eq->rate_hz / freq);
  }
  return (uint32_t)fmin(tail, 10.0 * eq->rate_hz);
}

const MdProcessorClass md_eq_class = {
  .name        = "eq",
  .description = "Parametric EQ: matched, modulation-safe state-variable filters",
  .params      = eq_params,
  .n_params    = EQ_N_PARAMS,
  .create      = eq_create,
  .prepare     = eq_prepare,
  .destroy     = eq_destroy,
  .set_param   = eq_set_param,
  .process     = eq_process,
  .reset       = eq_reset,
  .idle        = eq_idle,
  .latency     = md_processor_no_frames,
  .tail        = eq_tail,
};
