// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/measure.h"

#include "dsp/block_stats.h"
#include "io/loudness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Interleaved frames are split into planar ones this many at a time, on the stack.
#define MD_MEASURE_CHUNK 256U

struct MdMeasure {
  uint32_t    channels;
  MdLoudness* loudness;
  uint64_t    frames;
  double      sum[MD_MEASURE_MAX_CHANNELS]; ///< Σ x (peaks and Σ x²: the loudness meter's)
  double      sum_lr;
  uint64_t    clipped;
  bool        light;       ///< MD_MEASURE_LIGHT: no true peak, range, DC or correlation
  bool        keep_series; ///< MD_MEASURE_SERIES
  double*     momentary;
  double*     short_term;
  size_t      n_series, series_capacity;
  // md_measure_scaled(): a meter of `twin_gain` times this one's signal,
  // fed by this one.  A twin does not own its loudness meter (its
  // source's does).
  MdMeasure* twin;
  double     twin_gain;
  bool       is_twin;
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
  m->channels    = channels;
  m->light       = flags & MD_MEASURE_LIGHT;
  m->keep_series = flags & MD_MEASURE_SERIES;
  m->loudness    = md_loudness_new(channels, rate, m->light ? 0U : MD_LOUDNESS_RANGE | MD_LOUDNESS_TRUE_PEAK);
  if (!m->loudness) {
    free(m);
    return NULL;
  }
  return m;
}

MdMeasure*
md_measure_scaled(MdMeasure* m, double gain)
{
  if (m->twin || m->is_twin) {
    return NULL; // one twin, of a meter that is not one itself
  }
  MdMeasure* twin = calloc(1U, sizeof(MdMeasure));
  if (!twin || !(twin->loudness = md_loudness_scaled(m->loudness, gain))) {
    free(twin);
    return NULL;
  }
  twin->channels = m->channels;
  twin->light    = m->light;
  twin->is_twin  = true;
  m->twin        = twin;
  m->twin_gain   = gain;
  return twin;
}

void
md_measure_free(MdMeasure* m)
{
  if (m) {
    md_measure_free(m->twin);
    if (!m->is_twin) {
      md_loudness_free(m->loudness); // a twin's is freed with its source's
    }
    free(m->momentary);
    free(m->short_term);
    free(m);
  }
}

// At every 100 ms mark: the momentary and short-term loudness, for plots.
static void
keep_reading(MdMeasure* m)
{
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
  m->momentary[m->n_series]  = md_loudness_momentary(m->loudness);
  m->short_term[m->n_series] = md_loudness_short_term(m->loudness);
  ++m->n_series;
}

// Adds to the loudness meter (which keeps the sample peaks and Σ x² too),
// fed up to each 100 ms mark when the series is kept, so that readings
// land on it.
static void
add_loudness(MdMeasure* m, const float* const* channels, uint32_t n)
{
  if (!m->keep_series) {
    md_loudness_add(m->loudness, channels, n);
    return;
  }
  for (uint32_t done = 0U; done < n;) {
    const uint32_t until = md_loudness_until_step(m->loudness);
    const uint32_t len   = n - done < until ? n - done : until;
    const float*   at[MD_MEASURE_MAX_CHANNELS];
    for (uint32_t c = 0U; c < m->channels; ++c) {
      at[c] = channels[c] + done;
    }
    md_loudness_add(m->loudness, at, len);
    done += len;
    if (len == until && m->keep_series) {
      keep_reading(m);
    }
  }
}

// The twin's tallies: its source's, scaled (its loudness meter is fed by
// its source's); clipped samples are those the gain would take to full
// scale.
static void
feed_twin(MdMeasure* m, const float* const* channels, uint32_t n)
{
  MdMeasure*   twin = m->twin;
  const double gain = m->twin_gain;
  twin->frames      = m->frames;
  for (uint32_t c = 0U; c < m->channels; ++c) {
    twin->sum[c] = m->sum[c] * gain;
    if (md_loudness_sample_peak(twin->loudness, c) >= 1.0) {
      twin->clipped += md_block_clipped_at(channels[c], n, (float)(1.0 / fabs(gain)));
    }
  }
  twin->sum_lr = m->sum_lr * gain * gain;
}

void
md_measure_add_planar(MdMeasure* m, const float* const* channels, uint32_t n)
{
  add_loudness(m, channels, n);
  m->frames += n;
  // Clipped samples are counted only once a channel has reached full
  // scale; a light meter leaves out the DC offset and the correlation
  // (the summary shows neither).
  for (uint32_t c = 0U; c < m->channels; ++c) {
    if (md_loudness_sample_peak(m->loudness, c) >= 1.0) {
      m->clipped += md_block_clipped(channels[c], n);
    }
    if (!m->light) {
      m->sum[c] += md_block_sum(channels[c], n);
    }
  }
  if (!m->light && m->channels >= 2U) {
    m->sum_lr += md_block_sum_products(channels[0], channels[1], n);
  }
  if (m->twin) {
    feed_twin(m, channels, n);
  }
}

void
md_measure_add_interleaved(MdMeasure* m, const float* frames, uint32_t n)
{
  const uint32_t ch = m->channels;
  float          planar[MD_MEASURE_MAX_CHANNELS][MD_MEASURE_CHUNK];
  const float*   at[MD_MEASURE_MAX_CHANNELS];
  for (uint32_t c = 0U; c < ch; ++c) {
    at[c] = planar[c];
  }
  for (uint32_t done = 0U; done < n;) {
    const uint32_t len = n - done < MD_MEASURE_CHUNK ? n - done : MD_MEASURE_CHUNK;
    const float*   x   = frames + (size_t)done * ch;
    for (uint32_t i = 0U; i < len; ++i) {
      for (uint32_t c = 0U; c < ch; ++c) {
        planar[c][i] = x[(size_t)i * ch + c];
      }
    }
    md_measure_add_planar(m, at, len);
    done += len;
  }
}

void
md_measure_levels(const MdMeasure* m, MixdownLevels* l)
{
  double peak = 0.0, sum_sq = 0.0, dc = 0.0, true_peak = 0.0;
  for (uint32_t c = 0U; c < m->channels; ++c) {
    true_peak = fmax(true_peak, md_loudness_true_peak(m->loudness, c));
    peak      = fmax(peak, md_loudness_sample_peak(m->loudness, c));
    sum_sq += md_loudness_sum_squares(m->loudness, c);
    const double mean = m->frames ? m->sum[c] / (double)m->frames : 0.0;
    dc                = fabs(mean) > fabs(dc) ? mean : dc;
  }
  memset(l, 0, sizeof *l);
  l->peak_dbfs      = to_db(peak);
  l->rms_dbfs       = m->frames ? to_db(sqrt(sum_sq / ((double)m->frames * m->channels))) : -HUGE_VAL;
  l->true_peak_dbtp = m->light ? -HUGE_VAL : to_db(true_peak);
  l->dc_offset      = dc;
  l->clipped        = m->clipped;
  l->correlation    = m->light ? 0.0 : 1.0;
  const double left = md_loudness_sum_squares(m->loudness, 0U), right = md_loudness_sum_squares(m->loudness, 1U);
  if (!m->light && m->channels >= 2U && left > 0.0 && right > 0.0) {
    l->correlation = m->sum_lr / sqrt(left * right);
  }
  l->integrated_lufs   = md_loudness_integrated(m->loudness);
  l->loudness_range_lu = m->light ? 0.0 : md_loudness_range(m->loudness);
  // A light meter reports its maxima only with the series (as documented
  // for MIXDOWN_LEVELS_SUMMARY), though they cost nothing now.
  const bool maxima      = !m->light || m->keep_series;
  l->momentary_max_lufs  = maxima ? md_loudness_momentary_max(m->loudness) : -HUGE_VAL;
  l->short_term_max_lufs = maxima ? md_loudness_short_term_max(m->loudness) : -HUGE_VAL;
}

void
md_measure_channel(const MdMeasure* m, uint32_t c, double* peak_dbfs, double* rms_dbfs)
{
  *peak_dbfs = to_db(md_loudness_sample_peak(m->loudness, c));
  *rms_dbfs  = m->frames ? to_db(sqrt(md_loudness_sum_squares(m->loudness, c) / (double)m->frames)) : -HUGE_VAL;
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
