// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What the report picture is drawn from (PlotData): the waveform's columns,
// the Welch spectrum, the loudness series, and, for a session, every
// strip's bar and line collected from the engine.  Control thread.

#include "report/plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
md_plot_data_init(PlotData* d, double rate, uint64_t total, uint32_t channels)
{
  memset(d, 0, sizeof *d);
  d->rate_hz            = rate;
  d->series_step_frames = (uint32_t)(rate / 10.0);
  d->total_frames       = total ? total : 1U;
  d->channels           = channels;
  d->lanes              = channels < 2U ? channels : 2U;
  d->measure            = md_measure_new(channels, rate, MD_MEASURE_SERIES);
  d->fft_in             = fftwf_alloc_real(FFT_SIZE);
  d->fft_out            = fftwf_alloc_complex(FFT_SIZE / 2 + 1);
  if (!d->measure || !d->fft_in || !d->fft_out) {
    return false;
  }
  d->plan = fftwf_plan_dft_r2c_1d(FFT_SIZE, d->fft_in, d->fft_out, FFTW_ESTIMATE);
  for (int i = 0; i < FFT_SIZE; ++i) {
    d->window[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / FFT_SIZE)); // Hann
    d->window_power += (double)d->window[i] * d->window[i];
  }
  return d->plan != NULL;
}

// Forgets the mix (not the strips): a finishing pass starts it again.
bool
md_plot_data_restart(PlotData* d)
{
  md_measure_free(d->measure);
  d->measure     = md_measure_new(d->channels, d->rate_hz, MD_MEASURE_SERIES);
  d->seen_frames = 0U;
  d->fft_fill    = 0U;
  d->segments    = 0U;
  memset(d->power, 0, sizeof d->power);
  memset(d->lo, 0, sizeof d->lo);
  memset(d->hi, 0, sizeof d->hi);
  return d->measure != NULL;
}

void
md_plot_data_free(PlotData* d)
{
  if (d->plan) {
    fftwf_destroy_plan(d->plan);
  }
  fftwf_free(d->fft_in);
  fftwf_free(d->fft_out);
  md_measure_free(d->measure);
  for (uint32_t k = 0U; k < d->n_lines; ++k) {
    free(d->lines[k].short_term);
  }
}

// Welch: Hann-windowed segments, half overlapping, power averaged.
static void
spectrum_segment(PlotData* d)
{
  float segment[FFT_SIZE];
  memcpy(segment, d->fft_in, sizeof segment);
  for (int i = 0; i < FFT_SIZE; ++i) {
    d->fft_in[i] = segment[i] * d->window[i];
  }
  fftwf_execute(d->plan);
  for (int k = 0; k <= FFT_SIZE / 2; ++k) {
    d->power[k] += (double)d->fft_out[k][0] * d->fft_out[k][0] + (double)d->fft_out[k][1] * d->fft_out[k][1];
  }
  ++d->segments;
  memcpy(d->fft_in, segment + FFT_SIZE / 2, (FFT_SIZE / 2) * sizeof(float)); // keep the second half
  d->fft_fill = FFT_SIZE / 2;
}

// `n` interleaved frames of d->channels channels.
void
md_plot_data_add(PlotData* d, const float* frames, uint32_t n)
{
  const uint32_t ch = d->channels;
  md_measure_add_interleaved(d->measure, frames, n);
  for (uint32_t i = 0U; i < n; ++i) {
    const float*   x      = frames + (size_t)i * ch;
    const uint64_t column = (d->seen_frames + i) * COLUMNS / d->total_frames;
    for (uint32_t c = 0U; c < d->lanes && column < COLUMNS; ++c) {
      d->lo[c][column] = fminf(d->lo[c][column], x[c]);
      d->hi[c][column] = fmaxf(d->hi[c][column], x[c]);
    }
    float sum = 0.0f;
    for (uint32_t c = 0U; c < ch; ++c) {
      sum += x[c];
    }
    d->fft_in[d->fft_fill++] = sum / (float)ch;
    if (d->fft_fill == FFT_SIZE) {
      spectrum_segment(d);
    }
  }
  d->seen_frames += n;
}

/* ------------------------------------------------------------------------ */
/* Collecting                                                                */

void
md_plot_add_bar(PlotData* d, const char* name, double value, double peak, const char* unit)
{
  if (d->n_bars == MAX_BARS) {
    ++d->bars_left_out;
    return;
  }
  PlotBar* bar = &d->bars[d->n_bars++];
  snprintf(bar->name, sizeof bar->name, "%s", name);
  bar->value = value;
  bar->peak  = peak;
  bar->unit  = unit;
}

// Which tracks and buses get a line over time: all of them, or the
// MAX_LINES loudest (integrated) when there are more; `chosen` is indexed
// by strip.
static void
choose_lines(const double* loudness, const bool* is_line, uint32_t n, bool* chosen)
{
  memset(chosen, 0, n * sizeof(bool));
  for (uint32_t pick = 0U; pick < MAX_LINES; ++pick) {
    int64_t best = -1;
    for (uint32_t k = 0U; k < n; ++k) {
      const bool louder = best < 0 || loudness[k] > loudness[best];
      if (is_line[k] && !chosen[k] && louder) {
        best = k;
      }
    }
    if (best < 0) {
      return;
    }
    chosen[best] = true;
  }
}

// The level chart's bars and, for the tracks and buses chosen, their
// short-term loudness over time.
MixdownStatus
md_plot_collect_strips(PlotData* d, const MixdownEngine* engine)
{
  const uint32_t n        = mixdown_engine_node_count(engine);
  double*        loudness = calloc(n ? n : 1U, sizeof(double));
  bool*          is_line  = calloc(n ? n : 1U, 2U * sizeof(bool));
  if (!loudness || !is_line) {
    free(loudness);
    free(is_line);
    return MIXDOWN_ERR_NO_MEM;
  }
  bool* chosen = is_line + n;
  for (uint32_t k = 0U; k < n; ++k) {
    MixdownNodeLevels l;
    if (mixdown_engine_node_levels(engine, k, &l) == MIXDOWN_SUCCESS) {
      md_plot_add_bar(d, l.name, l.post_fader.integrated_lufs, l.post_fader.peak_dbfs, "LUFS");
      loudness[k] = l.post_fader.integrated_lufs;
      is_line[k]  = l.is_bus != 2; // the master is the mix, drawn above
    }
  }
  choose_lines(loudness, is_line, n, chosen);
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t k = 0U; k < n && !st; ++k) {
    d->lines_left_out += is_line[k] && !chosen[k];
    if (!chosen[k]) {
      continue;
    }
    PlotLine*    line = &d->lines[d->n_lines++];
    const size_t max  = mixdown_engine_node_loudness_series(engine, k, NULL, NULL, 0U);
    MixdownNodeLevels l;
    mixdown_engine_node_levels(engine, k, &l);
    snprintf(line->name, sizeof line->name, "%s", l.name);
    line->short_term = malloc((max ? max : 1U) * sizeof(double));
    if (!line->short_term) {
      st = MIXDOWN_ERR_NO_MEM;
    } else {
      line->n = mixdown_engine_node_loudness_series(engine, k, NULL, line->short_term, max);
    }
  }
  free(loudness);
  free(is_line);
  return st;
}
