// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The mix report as a picture (cairo, PNG): the waveform overview, the
// momentary and short-term loudness over time against the target, for a
// session every strip's short-term loudness over time (so that a duck
// shows), the long-term average spectrum in 1/3 octaves (FFTW, Welch) in
// dBFS, and a level chart of every strip (a session) or channel (a file)
// with its values written out.  Layout: plot.h; axis ticks: axis.c.

#include "report/plot.h"

#include "finish/finish.h"
#include "io/atomic_file.h"
#include "io/measure.h"
#include "mixdown.h"
#include "report/axis.h"
#include "session/model.h"

#include <cairo.h>
#include <fftw3.h>
#include <sndfile.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PANEL_X       20.0
#define PANEL_W       1560.0
#define TIME_LEFT_PX  56.0  // level labels left of a time panel's area
#define TIME_LEGEND_PX 190.0 // legend column right of it
#define TIME_TOP_PX   42.0  // title, then the bar labels
#define TIME_BOTTOM_PX 26.0 // the seconds labels
#define COLUMNS       1314  // waveform columns: one per pixel of a time area
#define FFT_SIZE      8192
#define N_BANDS       30    // 1/3 octaves from 25 Hz to 20 kHz
#define MAX_BARS      48
#define MAX_LINES     12    // strips drawn over time (the loudest, if more)
#define LOUDNESS_FLOOR_LUFS (-60.0)
#define SPECTRUM_RANGE_DB   80.0
#define SINE_DBFS     3.0103 // a full-scale sine's mean square is 1/2: it reads 0 dBFS

// Partial windows at the start read low (libebur128 fills them with
// zeros): the series are drawn from their first full window.
#define FIRST_MOMENTARY  3U  // point i ends at (i + 1) × 100 ms; 400 ms
#define FIRST_SHORT_TERM 29U // 3 s

typedef struct {
  char    name[24];
  double* short_term; ///< LUFS every 100 ms
  size_t  n;
} PlotLine;

typedef struct {
  char        name[24];
  double      value;  ///< Bar: loudness (LUFS) or RMS (dBFS)
  double      peak;   ///< Tick: sample peak (dBFS)
  const char* unit;   ///< Of `value`
} PlotBar;

typedef struct {
  double         rate_hz;
  uint32_t       series_step_frames; ///< Frames between loudness readings (io/measure.c's)
  uint64_t       total_frames;       ///< Expected frames (for the columns and the time axis)
  uint64_t       seen_frames;
  uint32_t       channels;       ///< Measured channels (interleaved input)
  uint32_t       lanes;          ///< Waveform lanes: the first one or two channels
  float          lo[2][COLUMNS], hi[2][COLUMNS];
  MdMeasure*     measure;        ///< Levels and the loudness series
  float*         fft_in;         ///< Mono sum, FFT_SIZE
  uint32_t       fft_fill;
  fftwf_complex* fft_out;
  fftwf_plan     plan;
  double         power[FFT_SIZE / 2 + 1];
  uint64_t       segments;
  float          window[FFT_SIZE];
  double         window_power;   ///< Σ w², to turn bin powers into mean squares
  double         bar_s;          ///< Seconds per bar (0: no tempo)
  bool           file;           ///< Channels of a file, not strips of a session
  bool           finished;       ///< The mix finished as render finishes it (strips: before)
  PlotBar        bars[MAX_BARS];
  int            n_bars;
  uint32_t       bars_left_out;
  PlotLine       lines[MAX_LINES];
  uint32_t       n_lines;
  uint32_t       lines_left_out;
} PlotData;

static bool
plot_data_init(PlotData* d, double rate, uint64_t total, uint32_t channels)
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
static bool
plot_data_restart(PlotData* d)
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

static void
plot_data_free(PlotData* d)
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
static void
plot_data_add(PlotData* d, const float* frames, uint32_t n)
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
/* Layout                                                                    */

void
md_plot_layout(bool strips, MdPlotLayout* l)
{
  const double half_w = (PANEL_W - 10.0) / 2.0;
  l->waveform         = (MdPlotBox){PANEL_X, 50, PANEL_W, 220};
  l->loudness         = (MdPlotBox){PANEL_X, 280, PANEL_W, strips ? 260 : 570};
  l->strips           = (MdPlotBox){PANEL_X, strips ? 550 : 850, PANEL_W, strips ? 300 : 0};
  l->spectrum         = (MdPlotBox){PANEL_X, 860, half_w, 360};
  l->levels           = (MdPlotBox){PANEL_X + half_w + 10.0, 860, half_w, 360};
}

MdPlotBox
md_plot_time_area(const MdPlotBox* p)
{
  return (MdPlotBox){p->x + TIME_LEFT_PX, p->y + TIME_TOP_PX, p->w - TIME_LEFT_PX - TIME_LEGEND_PX,
                     p->h - TIME_TOP_PX - TIME_BOTTOM_PX};
}

MdPlotBox
md_plot_spectrum_area(const MdPlotBox* p)
{
  return (MdPlotBox){p->x + 56, p->y + 34, p->w - 72, p->h - 78};
}

MdPlotBox
md_plot_levels_area(const MdPlotBox* p)
{
  return (MdPlotBox){p->x + 120, p->y + 34, p->w - 330, p->h - 68};
}

void
md_plot_title_origin(const MdPlotBox* p, double* x, double* y)
{
  *x = p->x + 8;
  *y = p->y + 18;
}

void
md_plot_strip_colour(uint32_t k, double rgb[3])
{
  // Twelve hues far enough apart to tell lines apart on a dark ground.
  static const double palette[MAX_LINES][3] = {
    {0.36, 0.62, 1.00}, {1.00, 0.60, 0.25}, {0.45, 0.88, 0.45}, {0.95, 0.35, 0.45},
    {0.72, 0.52, 1.00}, {0.95, 0.88, 0.30}, {0.25, 0.85, 0.85}, {1.00, 0.55, 0.85},
    {0.70, 0.55, 0.38}, {0.80, 0.80, 0.80}, {0.60, 1.00, 0.80}, {0.55, 0.40, 0.95},
  };
  memcpy(rgb, palette[k % MAX_LINES], 3U * sizeof(double));
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */

typedef MdPlotBox Box;

enum { ALIGN_LEFT, ALIGN_CENTRE, ALIGN_RIGHT };

static void
text(cairo_t* cr, double x, double y, double size, const char* s)
{
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s);
}

static void
text_aligned(cairo_t* cr, double x, double y, double size, int align, const char* s)
{
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  const double shift = align == ALIGN_CENTRE ? e.x_advance / 2.0 : align == ALIGN_RIGHT ? e.x_advance : 0.0;
  cairo_move_to(cr, x - shift, y);
  cairo_show_text(cr, s);
}

static void
set_label_colour(cairo_t* cr)
{
  cairo_set_source_rgb(cr, 0.72, 0.74, 0.8);
}

static void
set_grid_colour(cairo_t* cr)
{
  cairo_set_source_rgb(cr, 0.26, 0.28, 0.34);
}

static void
panel(cairo_t* cr, const Box* b, const char* title)
{
  cairo_set_source_rgb(cr, 0.12, 0.13, 0.16);
  cairo_rectangle(cr, b->x, b->y, b->w, b->h);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.85, 0.86, 0.9);
  double x = 0.0, y = 0.0;
  md_plot_title_origin(b, &x, &y);
  text(cr, x, y, MD_PLOT_TITLE_PX, title);
}

static double
map(double v, double lo, double hi, double a, double b)
{
  const double t = (v - lo) / (hi - lo);
  return a + (b - a) * fmax(0.0, fmin(1.0, t));
}

static void
format_db(char* out, size_t size, double db)
{
  if (isfinite(db)) {
    snprintf(out, size, "%.1f", db);
  } else {
    snprintf(out, size, "-inf");
  }
}

// The time axis under a time panel's area (seconds: grid lines and
// labels) and, with a tempo, above it (bars: ticks and labels).
static void
draw_time_axis(cairo_t* cr, const Box* a, double duration_s, double bar_s)
{
  const double step_s = md_axis_time_step(duration_s, a->w, 64.0);
  set_grid_colour(cr);
  cairo_set_line_width(cr, 1.0);
  for (double k = 0.0; k * step_s <= duration_s * (1.0 + 1e-9); k += 1.0) {
    const double x = round(a->x + a->w * k * step_s / duration_s) + 0.5;
    cairo_move_to(cr, x, a->y);
    cairo_line_to(cr, x, a->y + a->h + 4.0);
  }
  cairo_stroke(cr);
  set_label_colour(cr);
  for (double k = 0.0; k * step_s <= duration_s * (1.0 + 1e-9); k += 1.0) {
    char label[24];
    md_axis_time_label(k * step_s, step_s, duration_s, label, sizeof label);
    // A clock label at 0 starts at the axis, clear of the unit left of it.
    const int align = k == 0.0 && strlen(label) > 3U ? ALIGN_LEFT : ALIGN_CENTRE;
    text_aligned(cr, a->x + a->w * k * step_s / duration_s, a->y + a->h + 17.0, 11.0, align, label);
  }
  text_aligned(cr, a->x - 14.0, a->y + a->h + 17.0, 11.0, ALIGN_RIGHT,
               duration_s >= 3600.0 ? "h:m:s" : duration_s >= 60.0 ? "m:s" : "s");
  if (!(bar_s > 0.0)) {
    return;
  }
  const uint32_t bar_step = md_axis_bar_step(bar_s, duration_s, a->w, 44.0);
  cairo_set_source_rgb(cr, 0.95, 0.78, 0.42); // bars apart from seconds: amber
  for (uint32_t bar = 1U; (bar - 1U) * bar_s <= duration_s * (1.0 + 1e-9); bar += bar_step) {
    const double x = round(a->x + a->w * (bar - 1U) * bar_s / duration_s) + 0.5;
    cairo_move_to(cr, x, a->y - 4.0);
    cairo_line_to(cr, x, a->y);
  }
  cairo_stroke(cr);
  for (uint32_t bar = 1U; (bar - 1U) * bar_s <= duration_s * (1.0 + 1e-9); bar += bar_step) {
    char label[16];
    snprintf(label, sizeof label, "%u", bar);
    text_aligned(cr, a->x + a->w * (bar - 1U) * bar_s / duration_s, a->y - 6.0, 11.0, ALIGN_CENTRE, label);
  }
  text_aligned(cr, a->x - 14.0, a->y - 6.0, 11.0, ALIGN_RIGHT, "bar");
}

// Horizontal grid lines every 10 LU from the floor to 0 LUFS, labelled.
static void
draw_lufs_scale(cairo_t* cr, const Box* a)
{
  set_grid_colour(cr);
  cairo_set_line_width(cr, 0.6);
  for (double level = LOUDNESS_FLOOR_LUFS; level <= 0.0; level += 10.0) {
    const double y = round(map(level, LOUDNESS_FLOOR_LUFS, 0.0, a->y + a->h, a->y)) + 0.5;
    cairo_move_to(cr, a->x, y);
    cairo_line_to(cr, a->x + a->w, y);
  }
  cairo_stroke(cr);
  set_label_colour(cr);
  for (double level = LOUDNESS_FLOOR_LUFS; level <= 0.0; level += 10.0) {
    char label[16];
    snprintf(label, sizeof label, "%.0f", level);
    text_aligned(cr, a->x - 8.0, map(level, LOUDNESS_FLOOR_LUFS, 0.0, a->y + a->h, a->y) + 4.0, 11.0, ALIGN_RIGHT,
                 label);
  }
}

// Entry `row` of a time panel's legend: a short line in the series' style.
static void
legend_entry(cairo_t* cr, const Box* a, int row, const double rgb[3], double width, bool dashed, const char* label)
{
  const double x = a->x + a->w + 16.0;
  const double y = a->y + 8.0 + 18.0 * row;
  const double dashes[] = {6.0, 4.0};
  cairo_set_dash(cr, dashes, dashed ? 2 : 0, 0.0);
  cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width(cr, width);
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, x + 22.0, y);
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0.0);
  set_label_colour(cr);
  text(cr, x + 30.0, y + 4.0, 11.0, label);
}

static double
duration_s(const PlotData* d)
{
  return (double)(d->seen_frames > d->total_frames ? d->seen_frames : d->total_frames) / d->rate_hz;
}

// A loudness series as a line: point i at the end of its window, from
// point `first` (the first full window); gaps where it is silent or below
// the floor.
static void
draw_series(cairo_t* cr, const PlotData* d, const Box* a, const double* lufs, size_t n, size_t first)
{
  const double length_s = duration_s(d);
  bool         pen      = false;
  for (size_t i = first; i < n; ++i) {
    const double t_s = (double)(i + 1U) * d->series_step_frames / d->rate_hz;
    if (t_s > length_s || !isfinite(lufs[i]) || lufs[i] < LOUDNESS_FLOOR_LUFS) {
      pen = false;
      continue;
    }
    const double x = a->x + a->w * t_s / length_s;
    const double y = map(lufs[i], LOUDNESS_FLOOR_LUFS, 0.0, a->y + a->h, a->y);
    pen ? cairo_line_to(cr, x, y) : cairo_move_to(cr, x, y);
    pen = true;
  }
  cairo_stroke(cr);
}

static const char*
channel_name(uint32_t c, uint32_t channels, char* buf, size_t size)
{
  if (channels == 1U) {
    return "mono";
  }
  if (channels == 2U) {
    return c ? "right" : "left";
  }
  snprintf(buf, size, "channel %u", c + 1U);
  return buf;
}

static void
draw_waveform(cairo_t* cr, const PlotData* d, const Box* b)
{
  panel(cr, b,
        d->lanes == 1U       ? "waveform"
        : d->channels == 2U ? "waveform (left above, right below)"
                            : "waveform (first channel above, second below)");
  const Box    a          = md_plot_time_area(b);
  const double colors[2][3] = {{0.35, 0.7, 1.0}, {1.0, 0.6, 0.3}};
  const double lane_h     = a.h / d->lanes;
  draw_time_axis(cr, &a, duration_s(d), d->bar_s);
  for (uint32_t c = 0U; c < d->lanes; ++c) {
    const double mid  = a.y + lane_h * (c + 0.5);
    const double half = lane_h * 0.46;
    set_grid_colour(cr);
    cairo_move_to(cr, a.x, mid);
    cairo_line_to(cr, a.x + a.w, mid);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, colors[c][0], colors[c][1], colors[c][2]);
    for (int k = 0; k < COLUMNS; ++k) {
      const double x = a.x + k + 0.5;
      cairo_move_to(cr, x, mid - fminf(d->hi[c][k], 1.0f) * half);
      cairo_line_to(cr, x, mid - fmaxf(d->lo[c][k], -1.0f) * half + 0.5);
    }
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    char name[24];
    legend_entry(cr, &a, (int)c, colors[c], 3.0, false, channel_name(c, d->channels, name, sizeof name));
  }
}

static void
draw_loudness(cairo_t* cr, const PlotData* d, const Box* b, double target)
{
  panel(cr, b, "loudness of the mix over time (LUFS)");
  const Box a = md_plot_time_area(b);
  draw_time_axis(cr, &a, duration_s(d), d->bar_s);
  draw_lufs_scale(cr, &a);
  size_t        n = 0U;
  const double* m = md_measure_momentary(d->measure, &n);
  const double* s = md_measure_short_term(d->measure, &n);
  static const double momentary_rgb[3] = {0.55, 0.6, 0.7}, short_rgb[3] = {0.4, 0.9, 0.5},
                      target_rgb[3]    = {1.0, 0.35, 0.35};
  cairo_set_source_rgb(cr, momentary_rgb[0], momentary_rgb[1], momentary_rgb[2]);
  cairo_set_line_width(cr, 1.0);
  draw_series(cr, d, &a, m, n, FIRST_MOMENTARY);
  cairo_set_source_rgb(cr, short_rgb[0], short_rgb[1], short_rgb[2]);
  cairo_set_line_width(cr, 2.5);
  draw_series(cr, d, &a, s, n, FIRST_SHORT_TERM);
  const double dashes[] = {8.0, 6.0};
  cairo_set_dash(cr, dashes, 2, 0.0);
  cairo_set_source_rgb(cr, target_rgb[0], target_rgb[1], target_rgb[2]);
  cairo_set_line_width(cr, 1.5);
  const double y = map(target, LOUDNESS_FLOOR_LUFS, 0.0, a.y + a.h, a.y);
  cairo_move_to(cr, a.x, y);
  cairo_line_to(cr, a.x + a.w, y);
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0.0);
  char target_label[32];
  snprintf(target_label, sizeof target_label, "target %.1f", target);
  legend_entry(cr, &a, 0, momentary_rgb, 1.0, false, "momentary (400 ms)");
  legend_entry(cr, &a, 1, short_rgb, 2.5, false, "short-term (3 s)");
  legend_entry(cr, &a, 2, target_rgb, 1.5, true, target_label);
}

static void
draw_strips(cairo_t* cr, const PlotData* d, const Box* b)
{
  panel(cr, b,
        d->finished ? "short-term loudness (3 s) of every track and bus after its fader, before finishing (LUFS)"
                    : "short-term loudness (3 s) of every track and bus after its fader (LUFS)");
  const Box a = md_plot_time_area(b);
  draw_time_axis(cr, &a, duration_s(d), d->bar_s);
  draw_lufs_scale(cr, &a);
  for (uint32_t k = 0U; k < d->n_lines; ++k) {
    double rgb[3];
    md_plot_strip_colour(k, rgb);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 2.0);
    draw_series(cr, d, &a, d->lines[k].short_term, d->lines[k].n, FIRST_SHORT_TERM);
    legend_entry(cr, &a, (int)k, rgb, 2.0, false, d->lines[k].name);
  }
  if (d->lines_left_out) {
    char more[48];
    snprintf(more, sizeof more, "+%u quieter not drawn", d->lines_left_out);
    set_label_colour(cr);
    text(cr, a.x + a.w + 16.0, a.y + 12.0 + 18.0 * d->n_lines, 11.0, more);
  }
}

// Band j's level in dBFS (a full-scale sine reads 0): the mean square of
// the mono sum within the band, from the Welch average of bin powers
// (Parseval; one-sided, so twice the bins; the window's Σ w² divided out).
static double
band_dbfs(const PlotData* d, int j)
{
  const double centre = 1000.0 * pow(2.0, (j - 16) / 3.0); // band 16 is 1 kHz
  const double lo     = centre * pow(2.0, -1.0 / 6.0);
  const double hi     = centre * pow(2.0, 1.0 / 6.0);
  double       sum    = 0.0;
  for (int k = 1; k <= FFT_SIZE / 2; ++k) {
    const double f = k * d->rate_hz / FFT_SIZE;
    if (f >= lo && f < hi) {
      sum += d->power[k];
    }
  }
  if (!d->segments || !(sum > 0.0)) {
    return -HUGE_VAL;
  }
  const double mean_square = 2.0 * sum / ((double)d->segments * FFT_SIZE * d->window_power);
  return 10.0 * log10(mean_square) + SINE_DBFS;
}

static void
draw_spectrum(cairo_t* cr, const PlotData* d, const Box* b)
{
  panel(cr, b, "long-term average spectrum, 1/3 octaves (dBFS; a full-scale sine reads 0)");
  const Box a = md_plot_spectrum_area(b);
  double    bands[N_BANDS];
  double    loudest = -HUGE_VAL;
  for (int j = 0; j < N_BANDS; ++j) {
    bands[j] = band_dbfs(d, j);
    loudest  = fmax(loudest, bands[j]);
  }
  // The scale: the loudest band under the top line, 80 dB down.
  const double top    = isfinite(loudest) ? 10.0 * ceil(loudest / 10.0) : 0.0;
  const double bottom = top - SPECTRUM_RANGE_DB;
  set_grid_colour(cr);
  cairo_set_line_width(cr, 0.6);
  for (double db = bottom; db <= top; db += 10.0) {
    const double y = round(map(db, bottom, top, a.y + a.h, a.y)) + 0.5;
    cairo_move_to(cr, a.x, y);
    cairo_line_to(cr, a.x + a.w, y);
  }
  cairo_stroke(cr);
  set_label_colour(cr);
  for (double db = bottom; db <= top; db += 10.0) {
    char label[16];
    snprintf(label, sizeof label, "%.0f", db);
    text_aligned(cr, a.x - 8.0, map(db, bottom, top, a.y + a.h, a.y) + 4.0, 11.0, ALIGN_RIGHT, label);
  }
  const double bar_w = a.w / N_BANDS;
  cairo_set_source_rgb(cr, 0.45, 0.75, 0.95);
  for (int j = 0; j < N_BANDS; ++j) {
    const double y = map(bands[j], bottom, top, a.y + a.h, a.y);
    cairo_rectangle(cr, a.x + j * bar_w + 1, y, bar_w - 2, a.y + a.h - y);
  }
  cairo_fill(cr);
  // The octave bands' nominal centres (ISO 266), every third band.
  static const char* const octaves[] = {"31.5", "63", "125", "250", "500", "1k", "2k", "4k", "8k", "16k"};
  set_label_colour(cr);
  for (int o = 0; o < 10; ++o) {
    const int j = 1 + 3 * o;
    text_aligned(cr, a.x + (j + 0.5) * bar_w, a.y + a.h + 16.0, 11.0, ALIGN_CENTRE, octaves[o]);
  }
  text_aligned(cr, a.x - 8.0, a.y + a.h + 16.0, 11.0, ALIGN_RIGHT, "Hz");
}

static void
draw_levels(cairo_t* cr, const PlotData* d, const Box* b)
{
  panel(cr, b,
        d->file       ? "channels: RMS (bar) and sample peak (tick), dBFS; last row: the file's loudness (LUFS)"
        : d->finished ? "strips: integrated loudness (bar, LUFS), sample peak (tick, dBFS); before finishing"
                      : "strips: integrated loudness (bar, LUFS) and sample peak (tick, dBFS)");
  const Box    a     = md_plot_levels_area(b);
  const double floor_db = LOUDNESS_FLOOR_LUFS;
  set_grid_colour(cr);
  cairo_set_line_width(cr, 0.6);
  for (double db = floor_db; db <= 0.0; db += 10.0) {
    const double x = round(map(db, floor_db, 0.0, a.x, a.x + a.w)) + 0.5;
    cairo_move_to(cr, x, a.y);
    cairo_line_to(cr, x, a.y + a.h + 4.0);
  }
  cairo_stroke(cr);
  set_label_colour(cr);
  for (double db = floor_db; db <= 0.0; db += 10.0) {
    char label[16];
    snprintf(label, sizeof label, "%.0f", db);
    text_aligned(cr, map(db, floor_db, 0.0, a.x, a.x + a.w), a.y + a.h + 17.0, 11.0, ALIGN_CENTRE, label);
  }
  text_aligned(cr, a.x - 24.0, a.y + a.h + 17.0, 11.0, ALIGN_RIGHT, "dB");
  const double row  = fmin(24.0, a.h / (d->n_bars ? d->n_bars : 1));
  const double font = fmin(12.0, row * 0.8);
  for (int i = 0; i < d->n_bars; ++i) {
    const PlotBar* bar = &d->bars[i];
    const double   y   = a.y + i * row;
    if (isfinite(bar->value)) {
      cairo_set_source_rgb(cr, 0.4, 0.85, 0.55);
      cairo_rectangle(cr, a.x, y + 2, map(bar->value, floor_db, 0.0, 0.0, a.w), row - 4);
      cairo_fill(cr);
    }
    if (isfinite(bar->peak)) {
      const double x = map(bar->peak, floor_db, 0.0, a.x, a.x + a.w);
      cairo_set_source_rgb(cr, bar->peak >= 0.0 ? 1.0 : 0.95, bar->peak >= 0.0 ? 0.2 : 0.8, 0.3);
      cairo_rectangle(cr, x - 1.5, y, 3, row);
      cairo_fill(cr);
    }
    char value[24], peak[24], both[64];
    format_db(value, sizeof value, bar->value);
    format_db(peak, sizeof peak, bar->peak);
    snprintf(both, sizeof both, "%s %s, peak %s", value, bar->unit, peak);
    cairo_set_source_rgb(cr, 0.85, 0.86, 0.9);
    text(cr, b->x + 8, y + row * 0.5 + font * 0.35, font, bar->name);
    text(cr, a.x + a.w + 10.0, y + row * 0.5 + font * 0.35, font, both);
  }
  if (d->bars_left_out) {
    char more[48];
    snprintf(more, sizeof more, "+%u more not shown", d->bars_left_out);
    set_label_colour(cr);
    text(cr, b->x + 8, b->y + b->h - 8, 11.0, more);
  }
}

// cairo's PNG writer hands us the bytes; they go to a nameless file that
// takes the picture's name only once it is whole (io/atomic_file.c), so a
// killed or failed plot never leaves half a PNG or follows a planted link.
static cairo_status_t
png_to_fd(void* closure, const unsigned char* data, unsigned int length)
{
  const int fd = *(const int*)closure;
  while (length > 0U) {
    const ssize_t n = write(fd, data, length);
    if (n <= 0) {
      return CAIRO_STATUS_WRITE_ERROR;
    }
    data += n;
    length -= (unsigned int)n;
  }
  return CAIRO_STATUS_SUCCESS;
}

static MixdownStatus
write_png(cairo_surface_t* surface, const char* png, const char* temp_dir, char* message, size_t size)
{
  MdAtomicFile* file = NULL;
  MixdownStatus st   = md_atomic_open(png, 0U, temp_dir, &file, message, size);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  int                  fd     = md_atomic_fd(file);
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface, png_to_fd, &fd);
  if (status != CAIRO_STATUS_SUCCESS) {
    snprintf(message, size, "cannot write `%s`: %s", png, cairo_status_to_string(status));
    md_atomic_abort(file);
    return MIXDOWN_ERR_IO;
  }
  return md_atomic_commit(file, message, size);
}

static MixdownStatus
draw(const PlotData* d, const char* title, double target, const char* temp_dir, const char* png, char* message,
     size_t size)
{
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, MD_PLOT_WIDTH, MD_PLOT_HEIGHT);
  cairo_t*         cr      = cairo_create(surface);
  cairo_set_source_rgb(cr, 0.07, 0.08, 0.1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  MixdownLevels l;
  md_measure_levels(d->measure, &l);
  char         heading[512], lufs[16], peak[16], length[24];
  const double length_s = (double)d->seen_frames / d->rate_hz;
  format_db(lufs, sizeof lufs, l.integrated_lufs);
  format_db(peak, sizeof peak, l.true_peak_dbtp);
  if (length_s < 60.0) {
    snprintf(length, sizeof length, "%.1f s", length_s);
  } else {
    md_axis_time_label(length_s, 1.0, length_s, length, sizeof length);
  }
  snprintf(heading, sizeof heading, "%s   —   %s LUFS integrated, LRA %.1f LU, true peak %s dBTP, %s", title, lufs,
           l.loudness_range_lu, peak, length);
  cairo_set_source_rgb(cr, 0.95, 0.95, 0.97);
  text(cr, 20, 32, 20, heading);
  MdPlotLayout layout;
  md_plot_layout(!d->file, &layout);
  draw_waveform(cr, d, &layout.waveform);
  draw_loudness(cr, d, &layout.loudness, target);
  if (!d->file) {
    draw_strips(cr, d, &layout.strips);
  }
  draw_spectrum(cr, d, &layout.spectrum);
  draw_levels(cr, d, &layout.levels);
  cairo_destroy(cr);
  MixdownStatus st = write_png(surface, png, temp_dir, message, size);
  cairo_surface_destroy(surface);
  return st;
}

/* ------------------------------------------------------------------------ */
/* Collecting                                                                */

static void
add_bar(PlotData* d, const char* name, double value, double peak, const char* unit)
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
static MixdownStatus
collect_strips(PlotData* d, const MixdownEngine* engine)
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
      add_bar(d, l.name, l.post_fader.integrated_lufs, l.post_fader.peak_dbfs, "LUFS");
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

static const char*
base_name(const char* path)
{
  const char* slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* ------------------------------------------------------------------------ */
/* Public entry points                                                       */

// Adds planar stereo to `d` (which takes interleaved frames).
static void
plot_data_add_planar(PlotData* d, const float* left, const float* right, uint32_t n)
{
  enum { CHUNK = 1024 };
  float frames[2 * CHUNK];
  for (uint32_t done = 0U; done < n;) {
    const uint32_t len = n - done < CHUNK ? n - done : CHUNK;
    for (uint32_t i = 0U; i < len; ++i) {
      frames[2U * i]      = left[done + i];
      frames[2U * i + 1U] = right[done + i];
    }
    plot_data_add(d, frames, len);
    done += len;
  }
}

// Renders the whole mix: into the premaster when there is one (the
// picture is then drawn from the finished mix), else into `d`.  The
// strips are measured on the way.
static MixdownStatus
render_mix(PlotData* d, MixdownEngine* engine, MdPremaster* premaster, char* message, size_t message_size)
{
  enum { BLOCK = 4096 };
  float* left  = malloc(2U * BLOCK * sizeof(float));
  float* right = left ? left + BLOCK : NULL;
  if (!left) {
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t got = 1U; !st && got;) {
    if ((st = mixdown_engine_pull(engine, left, right, BLOCK, &got))) {
      snprintf(message, message_size, "%s", mixdown_engine_message(engine));
    } else if (premaster) {
      st = got ? md_premaster_write(premaster, left, right, got, message, message_size) : MIXDOWN_SUCCESS;
    } else {
      plot_data_add_planar(d, left, right, got);
    }
  }
  free(left);
  return st;
}

/* Finishing passes draw instead of writing: each starts the mix afresh. */

static MixdownStatus
sink_begin(void* ctx, char* message, size_t message_size)
{
  if (!plot_data_restart(ctx)) {
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
sink_write(void* ctx, const float* left, const float* right, uint32_t n, char* message, size_t message_size)
{
  (void)message;
  (void)message_size;
  plot_data_add_planar(ctx, left, right, n);
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
sink_end(void* ctx, double* loudness_lufs, double* true_peak_db, char* message, size_t message_size)
{
  (void)message;
  (void)message_size;
  const PlotData* d = ctx;
  MixdownLevels   l;
  md_measure_levels(d->measure, &l);
  *loudness_lufs = l.integrated_lufs;
  *true_peak_db  = l.true_peak_dbtp;
  return MIXDOWN_SUCCESS;
}

static void
sink_drop(void* ctx)
{
  (void)ctx; // the next pass's begin starts afresh
}


// The picture's heading names the session and the stage drawn.
static void
session_title(const MixdownSession* session, const MdFinishResult* finish, char* out, size_t size)
{
  const char* name = strrchr(session->file_name, '/');
  name             = name ? name + 1 : session->file_name;
  if (finish) {
    snprintf(out, size, "%s, finished as render writes it (gain %+.1f dB, limiter %.1f dB)", name, finish->gain_db,
             finish->limiter_db);
  } else {
    snprintf(out, size, "%s, the mix", name);
  }
}

MixdownStatus
mixdown_plot_session(const MixdownSession* session, const char* png, double target_lufs, char* message,
                     size_t message_size)
{
  const MixdownPlotOptions options = {.size = sizeof options, .target_lufs = target_lufs};
  return mixdown_plot_session_with(session, png, &options, message, message_size);
}

MixdownStatus
mixdown_plot_session_with(const MixdownSession* session, const char* png, const MixdownPlotOptions* options,
                          char* message, size_t message_size)
{
  if (!options) {
    snprintf(message, message_size, "invalid argument: no plot options");
    return MIXDOWN_ERR_BAD_ARG;
  }
  const double target_lufs = options->target_lufs;
  MixdownEngine* engine = NULL;
  MixdownStatus  st     = mixdown_engine_new(session, &engine, message, message_size);
  if (st) {
    return st;
  }
  const MdLoudness* target    = md_session_finish_target(session);
  MdPremaster*      premaster = NULL;
  PlotData*         d         = malloc(sizeof(PlotData));
  if (!d || !plot_data_init(d, mixdown_session_sample_rate(session), mixdown_engine_length(engine), 2U) ||
      mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_SERIES) || mixdown_engine_set_threads(engine, 0U)) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  } else if (target) {
    st = md_premaster_open(options->temp_dir, d->rate_hz, mixdown_engine_length(engine), &premaster, message,
                           message_size);
  }
  if (!st) {
    // A bar is beats_per_bar beats of the time signature's note value,
    // each 60 / tempo seconds.
    d->bar_s = session->tempo_bpm > 0.0 ? session->beats_per_bar * 60.0 / session->tempo_bpm : 0.0;
    st       = render_mix(d, engine, premaster, message, message_size);
  }
  if (!st && (st = collect_strips(d, engine))) {
    snprintf(message, message_size, "out of memory");
  }
  MdFinishResult finish = {0};
  if (!st && premaster) {
    const MdFinishGoal goal = {true, target->target_lufs, true, target->true_peak_db};
    const MdFinishSink sink = {sink_begin, sink_write, sink_end, NULL, sink_drop, d};
    st          = md_finish(premaster, &goal, &sink, NULL, NULL, NULL, &finish, message, message_size);
    d->finished = true;
  }
  if (!st) {
    char title[300];
    session_title(session, premaster ? &finish : NULL, title, sizeof title);
    st = draw(d, title, target_lufs, options->temp_dir, png, message, message_size);
  }
  md_premaster_free(premaster);
  if (d) {
    plot_data_free(d);
  }
  free(d);
  mixdown_engine_free(engine);
  return st;
}

// Reads the file into `d`: its first MD_MEASURE_MAX_CHANNELS channels.
static MixdownStatus
read_file_into(PlotData* d, SNDFILE* file, uint32_t channels, char* message, size_t message_size)
{
  enum { BLOCK = 4096 };
  const uint32_t used   = d->channels;
  float*         buf    = malloc((size_t)BLOCK * channels * sizeof(float));
  float*         packed = malloc((size_t)BLOCK * used * sizeof(float));
  if (!buf || !packed) {
    free(buf);
    free(packed);
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  sf_count_t got = 0;
  while ((got = sf_readf_float(file, buf, BLOCK)) > 0) {
    for (sf_count_t i = 0; i < got; ++i) {
      memcpy(packed + (size_t)i * used, buf + (size_t)i * channels, used * sizeof(float));
    }
    plot_data_add(d, packed, (uint32_t)got);
  }
  free(buf);
  free(packed);
  if (sf_error(file) != SF_ERR_NO_ERROR) {
    snprintf(message, message_size, "decoding failed: %s", sf_strerror(file));
    return MIXDOWN_ERR_DECODE;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_plot_file(const char* path, const char* png, double target_lufs, char* message, size_t message_size)
{
  const MixdownPlotOptions options = {.size = sizeof options, .target_lufs = target_lufs};
  return mixdown_plot_file_with(path, png, &options, message, message_size);
}

MixdownStatus
mixdown_plot_file_with(const char* path, const char* png, const MixdownPlotOptions* options, char* message,
                       size_t message_size)
{
  if (!options) {
    snprintf(message, message_size, "invalid argument: no plot options");
    return MIXDOWN_ERR_BAD_ARG;
  }
  const double target_lufs = options->target_lufs;
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(path, SFM_READ, &info);
  if (!file) {
    snprintf(message, message_size, "cannot open `%s`: %s", path, sf_strerror(NULL));
    return MIXDOWN_ERR_IO;
  }
  // Loudness has no standard weighting past 5.1: the first 8 channels.
  const uint32_t channels = (uint32_t)info.channels;
  const uint32_t used     = channels < MD_MEASURE_MAX_CHANNELS ? channels : MD_MEASURE_MAX_CHANNELS;
  PlotData*      d        = malloc(sizeof(PlotData));
  MixdownStatus  st       = MIXDOWN_SUCCESS;
  if (!d || !plot_data_init(d, info.samplerate, (uint64_t)info.frames, used)) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  }
  if (!st) {
    d->file = true;
    st      = read_file_into(d, file, channels, message, message_size);
  }
  sf_close(file);
  if (!st) {
    for (uint32_t c = 0U; c < used; ++c) {
      double peak = 0.0, rms = 0.0;
      char   name[24];
      md_measure_channel(d->measure, c, &peak, &rms);
      add_bar(d, channel_name(c, used, name, sizeof name), rms, peak, "dBFS RMS");
    }
    MixdownLevels l;
    md_measure_levels(d->measure, &l);
    add_bar(d, "loudness", l.integrated_lufs, l.peak_dbfs, "LUFS");
    st = draw(d, base_name(path), target_lufs, options->temp_dir, png, message, message_size);
  }
  if (d) {
    plot_data_free(d);
  }
  free(d);
  return st;
}
