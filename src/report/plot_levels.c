// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The level chart of the report picture: a bar per strip (a session) or
// channel (a file), with its values written out.  Control thread.

#include "report/plot_internal.h"

#include <math.h>
#include <stdio.h>

void
md_plot_draw_levels(cairo_t* cr, const PlotData* d, const Box* b)
{
  md_plot_panel(cr, b,
        d->file       ? "channels: RMS (bar) and sample peak (tick), dBFS; last row: the file's loudness (LUFS)"
        : d->finished ? "strips: integrated loudness (bar, LUFS), sample peak (tick, dBFS); before finishing"
                      : "strips: integrated loudness (bar, LUFS) and sample peak (tick, dBFS)");
  const Box    a     = md_plot_levels_area(b);
  const double floor_db = LOUDNESS_FLOOR_LUFS;
  md_plot_set_grid_colour(cr);
  cairo_set_line_width(cr, 0.6);
  for (double db = floor_db; db <= 0.0; db += 10.0) {
    const double x = round(md_plot_map(db, floor_db, 0.0, a.x, a.x + a.w)) + 0.5;
    cairo_move_to(cr, x, a.y);
    cairo_line_to(cr, x, a.y + a.h + 4.0);
  }
  cairo_stroke(cr);
  md_plot_set_label_colour(cr);
  for (double db = floor_db; db <= 0.0; db += 10.0) {
    char label[16];
    snprintf(label, sizeof label, "%.0f", db);
    md_plot_text_aligned(cr, md_plot_map(db, floor_db, 0.0, a.x, a.x + a.w), a.y + a.h + 17.0, 11.0, ALIGN_CENTRE, label);
  }
  md_plot_text_aligned(cr, a.x - 24.0, a.y + a.h + 17.0, 11.0, ALIGN_RIGHT, "dB");
  const double row  = fmin(24.0, a.h / (d->n_bars ? d->n_bars : 1));
  const double font = fmin(12.0, row * 0.8);
  for (int i = 0; i < d->n_bars; ++i) {
    const PlotBar* bar = &d->bars[i];
    const double   y   = a.y + i * row;
    if (isfinite(bar->value)) {
      cairo_set_source_rgb(cr, 0.4, 0.85, 0.55);
      cairo_rectangle(cr, a.x, y + 2, md_plot_map(bar->value, floor_db, 0.0, 0.0, a.w), row - 4);
      cairo_fill(cr);
    }
    if (isfinite(bar->peak)) {
      const double x = md_plot_map(bar->peak, floor_db, 0.0, a.x, a.x + a.w);
      cairo_set_source_rgb(cr, bar->peak >= 0.0 ? 1.0 : 0.95, bar->peak >= 0.0 ? 0.2 : 0.8, 0.3);
      cairo_rectangle(cr, x - 1.5, y, 3, row);
      cairo_fill(cr);
    }
    char value[24], peak[24], both[64];
    md_plot_format_db(value, sizeof value, bar->value);
    md_plot_format_db(peak, sizeof peak, bar->peak);
    snprintf(both, sizeof both, "%s %s, peak %s", value, bar->unit, peak);
    cairo_set_source_rgb(cr, 0.85, 0.86, 0.9);
    md_plot_text(cr, b->x + 8, y + row * 0.5 + font * 0.35, font, bar->name);
    md_plot_text(cr, a.x + a.w + 10.0, y + row * 0.5 + font * 0.35, font, both);
  }
  if (d->bars_left_out) {
    char more[48];
    snprintf(more, sizeof more, "+%u more not shown", d->bars_left_out);
    md_plot_set_label_colour(cr);
    md_plot_text(cr, b->x + 8, b->y + b->h - 8, 11.0, more);
  }
}
