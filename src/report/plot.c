// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The mix report as a picture (cairo, PNG): the waveform overview, the
// momentary and short-term loudness over time against the target, the
// long-term average spectrum in 1/3 octaves (FFTW, Welch), and a level
// chart of every strip (a session) or channel (a file).

#include "io/measure.h"
#include "mixdown.h"

#include <cairo.h>
#include <fftw3.h>
#include <sndfile.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_WIDTH   1600
#define PLOT_HEIGHT  1000
#define COLUMNS      1400  // waveform columns
#define FFT_SIZE     8192
#define N_BANDS      30    // 1/3 octaves from 25 Hz to 20 kHz
#define MAX_BARS     48

typedef struct {
  double      rate;
  uint64_t    total;              ///< Expected frames (for the columns)
  uint64_t    seen;
  float       lo[2][COLUMNS], hi[2][COLUMNS];
  MdMeasure*  measure;            ///< Levels and the loudness series
  float*      fft_in;             ///< Mono mix, FFT_SIZE
  uint32_t    fft_fill;
  fftwf_complex* fft_out;
  fftwf_plan  plan;
  double      power[FFT_SIZE / 2 + 1];
  uint64_t    segments;
  float       window[FFT_SIZE];
  // Bars: strips of a session, or channels of a file.
  char        bar_name[MAX_BARS][24];
  double      bar_loudness[MAX_BARS];
  double      bar_peak[MAX_BARS];
  int         n_bars;
} PlotData;

static bool
plot_data_init(PlotData* d, double rate, uint64_t total)
{
  memset(d, 0, sizeof *d);
  d->rate    = rate;
  d->total   = total ? total : 1U;
  d->measure = md_measure_new(2U, rate, MD_MEASURE_SERIES);
  d->fft_in  = fftwf_alloc_real(FFT_SIZE);
  d->fft_out = fftwf_alloc_complex(FFT_SIZE / 2 + 1);
  if (!d->measure || !d->fft_in || !d->fft_out) {
    return false;
  }
  d->plan = fftwf_plan_dft_r2c_1d(FFT_SIZE, d->fft_in, d->fft_out, FFTW_ESTIMATE);
  for (int i = 0; i < FFT_SIZE; ++i) {
    d->window[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / FFT_SIZE)); // Hann
  }
  for (int c = 0; c < 2; ++c) {
    for (int k = 0; k < COLUMNS; ++k) {
      d->lo[c][k] = d->hi[c][k] = 0.0f;
    }
  }
  return d->plan != NULL;
}

static void
plot_data_free(PlotData* d)
{
  if (d->plan) {
    fftwf_destroy_plan(d->plan);
  }
  fftwf_free(d->fft_in);
  fftwf_free(d->fft_out);
  md_measure_free(d->measure);
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

static void
plot_data_add(PlotData* d, const float* left, const float* right, uint32_t n)
{
  const float* const planar[2] = {left, right};
  md_measure_add_planar(d->measure, planar, n);
  for (uint32_t i = 0U; i < n; ++i) {
    const uint64_t column = (d->seen + i) * COLUMNS / d->total;
    if (column < COLUMNS) {
      for (int c = 0; c < 2; ++c) {
        const float x = planar[c][i];
        d->lo[c][column] = fminf(d->lo[c][column], x);
        d->hi[c][column] = fmaxf(d->hi[c][column], x);
      }
    }
    d->fft_in[d->fft_fill++] = 0.5f * (left[i] + right[i]);
    if (d->fft_fill == FFT_SIZE) {
      spectrum_segment(d);
    }
  }
  d->seen += n;
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */

typedef struct {
  double x, y, w, h;
} Box;

static void
text(cairo_t* cr, double x, double y, double size, const char* s)
{
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s);
}

static void
panel(cairo_t* cr, const Box* b, const char* title)
{
  cairo_set_source_rgb(cr, 0.12, 0.13, 0.16);
  cairo_rectangle(cr, b->x, b->y, b->w, b->h);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.85, 0.86, 0.9);
  text(cr, b->x + 8, b->y + 18, 14, title);
}

static double
map(double v, double lo, double hi, double a, double b)
{
  const double t = (v - lo) / (hi - lo);
  return a + (b - a) * fmax(0.0, fmin(1.0, t));
}

static void
draw_waveform(cairo_t* cr, const PlotData* d, const Box* b)
{
  panel(cr, b, "waveform (left above, right below)");
  const double colors[2][3] = {{0.35, 0.7, 1.0}, {1.0, 0.6, 0.3}};
  for (int c = 0; c < 2; ++c) {
    const double mid  = b->y + 30 + (b->h - 40) * (c ? 0.75 : 0.25);
    const double half = (b->h - 40) * 0.24;
    cairo_set_source_rgb(cr, colors[c][0], colors[c][1], colors[c][2]);
    for (int k = 0; k < COLUMNS; ++k) {
      const double x = b->x + 10 + (b->w - 20) * k / COLUMNS;
      cairo_move_to(cr, x, mid - d->hi[c][k] * half);
      cairo_line_to(cr, x, mid - d->lo[c][k] * half + 0.5);
    }
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
  }
}

static void
draw_loudness(cairo_t* cr, const PlotData* d, const Box* b, double target)
{
  panel(cr, b, "loudness over time: momentary (thin), short-term (thick), target (dashed) — LUFS");
  size_t        n = 0U;
  const double* m = md_measure_momentary(d->measure, &n);
  const double* s = md_measure_short_term(d->measure, &n);
  const double  lo = -60.0, hi = 0.0;
  cairo_set_source_rgb(cr, 0.3, 0.32, 0.38);
  for (double level = lo; level <= hi; level += 10.0) {
    const double y = map(level, lo, hi, b->y + b->h - 10, b->y + 30);
    cairo_move_to(cr, b->x + 40, y);
    cairo_line_to(cr, b->x + b->w - 10, y);
    char label[16];
    snprintf(label, sizeof label, "%.0f", level);
    text(cr, b->x + 6, y + 4, 11, label);
  }
  cairo_set_line_width(cr, 0.5);
  cairo_stroke(cr);
  const double* series[2] = {m, s};
  for (int k = 0; k < 2 && n > 1U; ++k) {
    cairo_set_source_rgb(cr, k ? 0.4 : 0.55, k ? 0.9 : 0.6, k ? 0.5 : 0.7);
    cairo_set_line_width(cr, k ? 2.5 : 1.0);
    bool pen = false;
    for (size_t i = 0U; i < n; ++i) {
      const double x = b->x + 40 + (b->w - 50) * (double)i / (double)(n - 1U);
      if (!isfinite(series[k][i]) || series[k][i] < lo) {
        pen = false;
        continue;
      }
      const double y = map(series[k][i], lo, hi, b->y + b->h - 10, b->y + 30);
      pen ? cairo_line_to(cr, x, y) : cairo_move_to(cr, x, y);
      pen = true;
    }
    cairo_stroke(cr);
  }
  const double dashes[] = {8.0, 6.0};
  cairo_set_dash(cr, dashes, 2, 0.0);
  cairo_set_source_rgb(cr, 1.0, 0.35, 0.35);
  cairo_set_line_width(cr, 1.5);
  const double y = map(target, lo, hi, b->y + b->h - 10, b->y + 30);
  cairo_move_to(cr, b->x + 40, y);
  cairo_line_to(cr, b->x + b->w - 10, y);
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0.0);
}

static void
draw_spectrum(cairo_t* cr, const PlotData* d, const Box* b)
{
  panel(cr, b, "long-term average spectrum, 1/3 octaves (dB)");
  double bands[N_BANDS];
  double top = -HUGE_VAL;
  for (int j = 0; j < N_BANDS; ++j) {
    const double centre = 25.0 * pow(2.0, j / 3.0);
    const double lo     = centre * pow(2.0, -1.0 / 6.0);
    const double hi     = centre * pow(2.0, 1.0 / 6.0);
    double       sum    = 0.0;
    for (int k = 1; k <= FFT_SIZE / 2; ++k) {
      const double f = k * d->rate / FFT_SIZE;
      if (f >= lo && f < hi) {
        sum += d->power[k];
      }
    }
    bands[j] = d->segments && sum > 0.0 ? 10.0 * log10(sum / d->segments) : -HUGE_VAL;
    top      = fmax(top, bands[j]);
  }
  const double bar_w = (b->w - 20) / N_BANDS;
  for (int j = 0; j < N_BANDS; ++j) {
    const double rel = isfinite(bands[j]) ? bands[j] - top : -90.0;
    const double h   = map(rel, -72.0, 0.0, 0.0, b->h - 60);
    cairo_set_source_rgb(cr, 0.45, 0.75, 0.95);
    cairo_rectangle(cr, b->x + 10 + j * bar_w + 1, b->y + b->h - 25 - h, bar_w - 2, h);
    cairo_fill(cr);
    if (j % 3 == 0) {
      char label[16];
      const double centre = 25.0 * pow(2.0, j / 3.0);
      if (centre >= 1000.0) {
        snprintf(label, sizeof label, "%.3gk", centre / 1000.0);
      } else {
        snprintf(label, sizeof label, "%.0f", centre);
      }
      cairo_set_source_rgb(cr, 0.8, 0.8, 0.85);
      text(cr, b->x + 10 + j * bar_w, b->y + b->h - 8, 10, label);
    }
  }
}

static void
draw_levels(cairo_t* cr, const PlotData* d, const Box* b)
{
  panel(cr, b, "levels: integrated loudness (bar, LUFS) and peak (tick, dBFS)");
  const double row = fmin(24.0, (b->h - 40) / (d->n_bars ? d->n_bars : 1));
  for (int i = 0; i < d->n_bars; ++i) {
    const double y = b->y + 30 + i * row;
    cairo_set_source_rgb(cr, 0.85, 0.86, 0.9);
    text(cr, b->x + 8, y + row * 0.7, fmin(12.0, row * 0.8), d->bar_name[i]);
    const double x0 = b->x + 140;
    const double w  = b->w - 160;
    if (isfinite(d->bar_loudness[i])) {
      cairo_set_source_rgb(cr, 0.4, 0.85, 0.55);
      cairo_rectangle(cr, x0, y + 2, map(d->bar_loudness[i], -60.0, 0.0, 0.0, w), row - 4);
      cairo_fill(cr);
    }
    if (isfinite(d->bar_peak[i])) {
      const double x = x0 + map(d->bar_peak[i], -60.0, 0.0, 0.0, w);
      cairo_set_source_rgb(cr, d->bar_peak[i] >= 0.0 ? 1.0 : 0.95, d->bar_peak[i] >= 0.0 ? 0.2 : 0.8, 0.3);
      cairo_rectangle(cr, x - 1.5, y, 3, row);
      cairo_fill(cr);
    }
  }
}

static MixdownStatus
draw(const PlotData* d, const char* title, double target, const char* png, char* message, size_t size)
{
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, PLOT_WIDTH, PLOT_HEIGHT);
  cairo_t*         cr      = cairo_create(surface);
  cairo_set_source_rgb(cr, 0.07, 0.08, 0.1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  MixdownLevels l;
  md_measure_levels(d->measure, &l);
  char heading[512];
  snprintf(heading, sizeof heading, "%s   —   %.1f LUFS integrated, LRA %.1f LU, true peak %.1f dBTP, %.1f s",
           title, l.integrated_lufs, l.loudness_range_lu, l.true_peak_dbtp, (double)d->seen / d->rate);
  cairo_set_source_rgb(cr, 0.95, 0.95, 0.97);
  text(cr, 20, 32, 20, heading);
  const Box wave = {20, 50, PLOT_WIDTH - 40, 250};
  const Box loud = {20, 310, PLOT_WIDTH - 40, 300};
  const Box spec = {20, 620, (PLOT_WIDTH - 50) / 2.0, 360};
  const Box bars = {30 + (PLOT_WIDTH - 50) / 2.0, 620, (PLOT_WIDTH - 50) / 2.0, 360};
  draw_waveform(cr, d, &wave);
  draw_loudness(cr, d, &loud, target);
  draw_spectrum(cr, d, &spec);
  draw_levels(cr, d, &bars);
  cairo_destroy(cr);
  const cairo_status_t st = cairo_surface_write_to_png(surface, png);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) {
    snprintf(message, size, "cannot write `%s`: %s", png, cairo_status_to_string(st));
    return MIXDOWN_ERR_IO;
  }
  return MIXDOWN_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Public entry points                                                       */

static void
add_bar(PlotData* d, const char* name, double loudness, double peak)
{
  if (d->n_bars < MAX_BARS) {
    snprintf(d->bar_name[d->n_bars], sizeof d->bar_name[0], "%s", name);
    d->bar_loudness[d->n_bars] = loudness;
    d->bar_peak[d->n_bars]     = peak;
    ++d->n_bars;
  }
}

static void
collect_strip(void* user, const MixdownNodeLevels* l)
{
  add_bar(user, l->name, l->post_fader.integrated_lufs, l->post_fader.peak_dbfs);
}

MixdownStatus
mixdown_plot_session(const MixdownSession* session, const char* png, double target_lufs, char* message,
                     size_t message_size)
{
  MixdownEngine* engine = NULL;
  MixdownStatus  st     = mixdown_engine_new(session, &engine, message, message_size);
  if (st) {
    return st;
  }
  PlotData* d = malloc(sizeof(PlotData));
  float     left[4096], right[4096];
  if (!d || !plot_data_init(d, mixdown_session_sample_rate(session), mixdown_engine_length(engine)) ||
      mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_SUMMARY)) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t got = 1U; !st && got;) {
    if ((st = mixdown_engine_pull(engine, left, right, 4096U, &got))) {
      snprintf(message, message_size, "%s", mixdown_engine_message(engine));
    } else {
      plot_data_add(d, left, right, got);
    }
  }
  for (uint32_t k = 0U; !st && k < mixdown_engine_node_count(engine); ++k) {
    MixdownNodeLevels l;
    if (mixdown_engine_node_levels(engine, k, &l) == MIXDOWN_SUCCESS) {
      collect_strip(d, &l);
    }
  }
  if (!st) {
    st = draw(d, "mix", target_lufs, png, message, message_size);
  }
  if (d) {
    plot_data_free(d);
  }
  free(d);
  mixdown_engine_free(engine);
  return st;
}

MixdownStatus
mixdown_plot_file(const char* path, const char* png, double target_lufs, char* message, size_t message_size)
{
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(path, SFM_READ, &info);
  if (!file) {
    snprintf(message, message_size, "cannot open `%s`: %s", path, sf_strerror(NULL));
    return MIXDOWN_ERR_IO;
  }
  PlotData*     d   = malloc(sizeof(PlotData));
  const int     ch  = info.channels;
  float*        buf = malloc(4096U * (size_t)ch * sizeof(float));
  float         left[4096], right[4096];
  MixdownStatus st  = MIXDOWN_SUCCESS;
  if (!d || !buf || !plot_data_init(d, info.samplerate, (uint64_t)info.frames)) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  }
  sf_count_t got = 0;
  while (!st && (got = sf_readf_float(file, buf, 4096)) > 0) {
    for (sf_count_t i = 0; i < got; ++i) {
      left[i]  = buf[i * ch];
      right[i] = buf[i * ch + (ch > 1 ? 1 : 0)];
    }
    plot_data_add(d, left, right, (uint32_t)got);
  }
  sf_close(file);
  if (!st) {
    double peak_l = 0.0, rms_l = 0.0, peak_r = 0.0, rms_r = 0.0;
    md_measure_channel(d->measure, 0U, &peak_l, &rms_l);
    md_measure_channel(d->measure, 1U, &peak_r, &rms_r);
    MixdownLevels l;
    md_measure_levels(d->measure, &l);
    add_bar(d, "left (RMS)", rms_l, peak_l);
    add_bar(d, "right (RMS)", rms_r, peak_r);
    add_bar(d, "mix", l.integrated_lufs, l.peak_dbfs);
    const char* name = strrchr(path, '/');
    st               = draw(d, name ? name + 1 : path, target_lufs, png, message, message_size);
  }
  if (d) {
    plot_data_free(d);
  }
  free(d);
  free(buf);
  return st;
}
