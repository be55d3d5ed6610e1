// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/measure.h"

#include <ebur128.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MD_MEASURE_CHUNK 1024U

struct MdMeasure {
  uint32_t       channels;
  ebur128_state* meter;
  uint64_t       frames;
  double         peak[MD_MEASURE_MAX_CHANNELS];
  double         sum[MD_MEASURE_MAX_CHANNELS];
  double         sum_sq[MD_MEASURE_MAX_CHANNELS];
  double         sum_lr;
  uint64_t       clipped;
  bool           light;      ///< MD_MEASURE_LIGHT: integrated loudness only
  uint32_t       step;       ///< Frames between loudness readings (100 ms)
  uint32_t       since_step;
  double         momentary_max;
  double         short_term_max;
  bool           keep_series;
  double*        momentary;
  double*        short_term;
  size_t         n_series, series_capacity;
  float          chunk[MD_MEASURE_CHUNK * MD_MEASURE_MAX_CHANNELS];
};

static double
to_db(double linear)
{
  return linear > 0.0 ? 20.0 * log10(linear) : -HUGE_VAL;
}

MdMeasure*
md_measure_new(uint32_t channels, double rate, unsigned flags)
{
  if (channels < 1U || channels > MD_MEASURE_MAX_CHANNELS) {
    return NULL;
  }
  MdMeasure* m = calloc(1U, sizeof(MdMeasure));
  if (!m) {
    return NULL;
  }
  m->channels       = channels;
  m->step           = (uint32_t)(rate / 10.0);
  m->momentary_max  = -HUGE_VAL;
  m->short_term_max = -HUGE_VAL;
  m->light          = flags & MD_MEASURE_LIGHT;
  m->keep_series    = flags & MD_MEASURE_SERIES;
  // A light meter keeping the series reads momentary and short-term
  // loudness too, but still skips true peak (4× oversampling) and range.
  const int series  = m->keep_series ? EBUR128_MODE_M | EBUR128_MODE_S : 0;
  const int modes   = m->light ? EBUR128_MODE_I | series
                               : EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_M |
                                   EBUR128_MODE_S;
  m->meter          = ebur128_init(channels, (unsigned long)rate, modes);
  if (!m->meter) {
    free(m);
    return NULL;
  }
  return m;
}

void
md_measure_free(MdMeasure* m)
{
  if (m) {
    ebur128_destroy(&m->meter);
    free(m->momentary);
    free(m->short_term);
    free(m);
  }
}

// Every 100 ms: the highest momentary and short-term loudness, and the series.
static void
read_loudness(MdMeasure* m)
{
  if (m->light && !m->keep_series) {
    return;
  }
  double momentary  = -HUGE_VAL;
  double short_term = -HUGE_VAL;
  ebur128_loudness_momentary(m->meter, &momentary);
  ebur128_loudness_shortterm(m->meter, &short_term);
  // The first 400 ms (3 s) are partial windows: not a reading yet.
  if (m->frames >= 4U * m->step) {
    m->momentary_max = fmax(m->momentary_max, momentary);
  }
  if (m->frames >= 30U * m->step) {
    m->short_term_max = fmax(m->short_term_max, short_term);
  }
  if (!m->keep_series) {
    return;
  }
  if (m->n_series == m->series_capacity) {
    const size_t bigger = m->series_capacity ? 2U * m->series_capacity : 1024U;
    double*      a      = realloc(m->momentary, bigger * sizeof(double));
    if (a) {
      m->momentary = a;
    }
    double* b = realloc(m->short_term, bigger * sizeof(double));
    if (b) {
      m->short_term = b;
    }
    if (!a || !b) {
      m->keep_series = false; // out of memory: the series stops, the levels go on
      return;
    }
    m->series_capacity = bigger;
  }
  m->momentary[m->n_series]  = momentary;
  m->short_term[m->n_series] = short_term;
  ++m->n_series;
}

void
md_measure_add_interleaved(MdMeasure* m, const float* frames, uint32_t n)
{
  const uint32_t ch = m->channels;
  for (uint32_t done = 0U; done < n;) {
    // Feed libebur128 up to the next 100 ms mark, so readings land on it.
    uint32_t len = n - done;
    if (len > m->step - m->since_step) {
      len = m->step - m->since_step;
    }
    const float* x = frames + (size_t)done * ch;
    for (uint32_t i = 0U; i < len; ++i) {
      for (uint32_t c = 0U; c < ch; ++c) {
        const double v = x[(size_t)i * ch + c];
        const double a = fabs(v);
        m->peak[c]     = a > m->peak[c] ? a : m->peak[c];
        m->sum[c] += v;
        m->sum_sq[c] += v * v;
        m->clipped += a >= 1.0;
      }
      if (ch >= 2U) {
        m->sum_lr += (double)x[(size_t)i * ch] * x[(size_t)i * ch + 1U];
      }
    }
    ebur128_add_frames_float(m->meter, x, len);
    m->frames += len;
    m->since_step += len;
    done += len;
    if (m->since_step == m->step) {
      m->since_step = 0U;
      read_loudness(m);
    }
  }
}

void
md_measure_add_planar(MdMeasure* m, const float* const* channels, uint32_t n)
{
  for (uint32_t done = 0U; done < n;) {
    const uint32_t len = n - done < MD_MEASURE_CHUNK ? n - done : MD_MEASURE_CHUNK;
    for (uint32_t i = 0U; i < len; ++i) {
      for (uint32_t c = 0U; c < m->channels; ++c) {
        m->chunk[(size_t)i * m->channels + c] = channels[c][done + i];
      }
    }
    md_measure_add_interleaved(m, m->chunk, len);
    done += len;
  }
}

void
md_measure_levels(const MdMeasure* m, MixdownLevels* l)
{
  double peak = 0.0, sum_sq = 0.0, dc = 0.0, true_peak = 0.0;
  for (uint32_t c = 0U; c < m->channels; ++c) {
    double tp = 0.0;
    if (!m->light) {
      ebur128_true_peak(m->meter, c, &tp);
    }
    true_peak = fmax(true_peak, tp);
    peak      = fmax(peak, m->peak[c]);
    sum_sq += m->sum_sq[c];
    const double mean = m->frames ? m->sum[c] / (double)m->frames : 0.0;
    dc                = fabs(mean) > fabs(dc) ? mean : dc;
  }
  memset(l, 0, sizeof *l);
  l->peak_dbfs      = to_db(peak);
  l->rms_dbfs       = m->frames ? to_db(sqrt(sum_sq / ((double)m->frames * m->channels))) : -HUGE_VAL;
  l->true_peak_dbtp = m->light ? -HUGE_VAL : to_db(true_peak);
  l->dc_offset      = dc;
  l->clipped        = m->clipped;
  l->correlation    = 1.0;
  if (m->channels >= 2U && m->sum_sq[0] > 0.0 && m->sum_sq[1] > 0.0) {
    l->correlation = m->sum_lr / sqrt(m->sum_sq[0] * m->sum_sq[1]);
  }
  l->integrated_lufs     = -HUGE_VAL;
  l->loudness_range_lu   = 0.0;
  ebur128_loudness_global(m->meter, &l->integrated_lufs);
  if (!m->light) {
    ebur128_loudness_range(m->meter, &l->loudness_range_lu);
  }
  l->momentary_max_lufs  = m->momentary_max;
  l->short_term_max_lufs = m->short_term_max;
}

void
md_measure_channel(const MdMeasure* m, uint32_t c, double* peak_dbfs, double* rms_dbfs)
{
  *peak_dbfs = to_db(m->peak[c]);
  *rms_dbfs  = m->frames ? to_db(sqrt(m->sum_sq[c] / (double)m->frames)) : -HUGE_VAL;
}

uint64_t
md_measure_frames(const MdMeasure* m)
{
  return m->frames;
}

const double*
md_measure_momentary(const MdMeasure* m, size_t* n)
{
  *n = m->keep_series ? m->n_series : 0U;
  return m->keep_series ? m->momentary : NULL;
}

const double*
md_measure_short_term(const MdMeasure* m, size_t* n)
{
  *n = m->keep_series ? m->n_series : 0U;
  return m->keep_series ? m->short_term : NULL;
}
