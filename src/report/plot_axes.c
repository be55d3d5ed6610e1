// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The report picture's layout (plot.h), and what every pane draws with:
// text, panels, the time axis, the loudness scale and legend entries.
// Control thread.

#include "report/plot_internal.h"

#include "report/axis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

void
md_plot_text(cairo_t* cr, double x, double y, double size, const char* s)
{
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s);
}

void
md_plot_text_aligned(cairo_t* cr, double x, double y, double size, int align, const char* s)
{
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  const double shift = align == ALIGN_CENTRE ? e.x_advance / 2.0 : align == ALIGN_RIGHT ? e.x_advance : 0.0;
  cairo_move_to(cr, x - shift, y);
  cairo_show_text(cr, s);
}

void
md_plot_set_label_colour(cairo_t* cr)
{
  cairo_set_source_rgb(cr, 0.72, 0.74, 0.8);
}

void
md_plot_set_grid_colour(cairo_t* cr)
{
  cairo_set_source_rgb(cr, 0.26, 0.28, 0.34);
}

void
md_plot_panel(cairo_t* cr, const Box* b, const char* title)
{
  cairo_set_source_rgb(cr, 0.12, 0.13, 0.16);
  cairo_rectangle(cr, b->x, b->y, b->w, b->h);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.85, 0.86, 0.9);
  double x = 0.0, y = 0.0;
  md_plot_title_origin(b, &x, &y);
  md_plot_text(cr, x, y, MD_PLOT_TITLE_PX, title);
}

double
md_plot_map(double v, double lo, double hi, double a, double b)
{
  const double t = (v - lo) / (hi - lo);
  return a + (b - a) * fmax(0.0, fmin(1.0, t));
}

void
md_plot_format_db(char* out, size_t size, double db)
{
  if (isfinite(db)) {
    snprintf(out, size, "%.1f", db);
  } else {
    snprintf(out, size, "-inf");
  }
}

// The time axis under a time panel's area (seconds: grid lines and
// labels) and, with a tempo, above it (bars: ticks and labels).
void
md_plot_draw_time_axis(cairo_t* cr, const Box* a, double duration_s, double bar_s)
{
  const double step_s = md_axis_time_step(duration_s, a->w, 64.0);
  md_plot_set_grid_colour(cr);
  cairo_set_line_width(cr, 1.0);
  for (double k = 0.0; k * step_s <= duration_s * (1.0 + 1e-9); k += 1.0) {
    const double x = round(a->x + a->w * k * step_s / duration_s) + 0.5;
    cairo_move_to(cr, x, a->y);
    cairo_line_to(cr, x, a->y + a->h + 4.0);
  }
  cairo_stroke(cr);
  md_plot_set_label_colour(cr);
  for (double k = 0.0; k * step_s <= duration_s * (1.0 + 1e-9); k += 1.0) {
    char label[24];
    md_axis_time_label(k * step_s, step_s, duration_s, label, sizeof label);
    // A clock label at 0 starts at the axis, clear of the unit left of it.
    const int align = k == 0.0 && strlen(label) > 3U ? ALIGN_LEFT : ALIGN_CENTRE;
    md_plot_text_aligned(cr, a->x + a->w * k * step_s / duration_s, a->y + a->h + 17.0, 11.0, align, label);
  }
  md_plot_text_aligned(cr, a->x - 14.0, a->y + a->h + 17.0, 11.0, ALIGN_RIGHT,
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
    md_plot_text_aligned(cr, a->x + a->w * (bar - 1U) * bar_s / duration_s, a->y - 6.0, 11.0, ALIGN_CENTRE, label);
  }
  md_plot_text_aligned(cr, a->x - 14.0, a->y - 6.0, 11.0, ALIGN_RIGHT, "bar");
}

// Horizontal grid lines every 10 LU from the floor to 0 LUFS, labelled.
void
md_plot_draw_lufs_scale(cairo_t* cr, const Box* a)
{
  md_plot_set_grid_colour(cr);
  cairo_set_line_width(cr, 0.6);
  for (double level = LOUDNESS_FLOOR_LUFS; level <= 0.0; level += 10.0) {
    const double y = round(md_plot_map(level, LOUDNESS_FLOOR_LUFS, 0.0, a->y + a->h, a->y)) + 0.5;
    cairo_move_to(cr, a->x, y);
    cairo_line_to(cr, a->x + a->w, y);
  }
  cairo_stroke(cr);
  md_plot_set_label_colour(cr);
  for (double level = LOUDNESS_FLOOR_LUFS; level <= 0.0; level += 10.0) {
    char label[16];
    snprintf(label, sizeof label, "%.0f", level);
    md_plot_text_aligned(cr, a->x - 8.0, md_plot_map(level, LOUDNESS_FLOOR_LUFS, 0.0, a->y + a->h, a->y) + 4.0, 11.0, ALIGN_RIGHT,
                 label);
  }
}

// Entry `row` of a time panel's legend: a short line in the series' style.
void
md_plot_legend_entry(cairo_t* cr, const Box* a, int row, const double rgb[3], double width, bool dashed, const char* label)
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
  md_plot_set_label_colour(cr);
  md_plot_text(cr, x + 30.0, y + 4.0, 11.0, label);
}
