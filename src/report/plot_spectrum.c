// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The spectrum pane of the report picture: the long-term average in
// 1/3 octaves, in dBFS.  Control thread.

#include "report/plot_internal.h"

#include <math.h>
#include <stdio.h>

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

void
md_plot_draw_spectrum(cairo_t* cr, const PlotData* d, const Box* b)
{
  md_plot_panel(cr, b, "long-term average spectrum, 1/3 octaves (dBFS; a full-scale sine reads 0)");
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
  md_plot_set_grid_colour(cr);
  cairo_set_line_width(cr, 0.6);
  for (double db = bottom; db <= top; db += 10.0) {
    const double y = round(md_plot_map(db, bottom, top, a.y + a.h, a.y)) + 0.5;
    cairo_move_to(cr, a.x, y);
    cairo_line_to(cr, a.x + a.w, y);
  }
  cairo_stroke(cr);
  md_plot_set_label_colour(cr);
  for (double db = bottom; db <= top; db += 10.0) {
    char label[16];
    snprintf(label, sizeof label, "%.0f", db);
    md_plot_text_aligned(cr, a.x - 8.0, md_plot_map(db, bottom, top, a.y + a.h, a.y) + 4.0, 11.0, ALIGN_RIGHT, label);
  }
  const double bar_w = a.w / N_BANDS;
  cairo_set_source_rgb(cr, 0.45, 0.75, 0.95);
  for (int j = 0; j < N_BANDS; ++j) {
    const double y = md_plot_map(bands[j], bottom, top, a.y + a.h, a.y);
    cairo_rectangle(cr, a.x + j * bar_w + 1, y, bar_w - 2, a.y + a.h - y);
  }
  cairo_fill(cr);
  // The octave bands' nominal centres (ISO 266), every third band.
  static const char* const octaves[] = {"31.5", "63", "125", "250", "500", "1k", "2k", "4k", "8k", "16k"};
  md_plot_set_label_colour(cr);
  for (int o = 0; o < 10; ++o) {
    const int j = 1 + 3 * o;
    md_plot_text_aligned(cr, a.x + (j + 0.5) * bar_w, a.y + a.h + 16.0, 11.0, ALIGN_CENTRE, octaves[o]);
  }
  md_plot_text_aligned(cr, a.x - 8.0, a.y + a.h + 16.0, 11.0, ALIGN_RIGHT, "Hz");
}
