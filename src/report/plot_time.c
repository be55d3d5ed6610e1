// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The time panes of the report picture: the waveform, the mix's
// loudness against the target, and every strip's short-term loudness.
// Control thread.

#include "report/plot_internal.h"

#include <math.h>
#include <stdio.h>

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
    const double y = md_plot_map(lufs[i], LOUDNESS_FLOOR_LUFS, 0.0, a->y + a->h, a->y);
    pen ? cairo_line_to(cr, x, y) : cairo_move_to(cr, x, y);
    pen = true;
  }
  cairo_stroke(cr);
}

const char*
md_plot_channel_name(uint32_t c, uint32_t channels, char* buf, size_t size)
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

void
md_plot_draw_waveform(cairo_t* cr, const PlotData* d, const Box* b)
{
  md_plot_panel(cr, b,
        d->lanes == 1U       ? "waveform"
        : d->channels == 2U ? "waveform (left above, right below)"
                            : "waveform (first channel above, second below)");
  const Box    a          = md_plot_time_area(b);
  const double colors[2][3] = {{0.35, 0.7, 1.0}, {1.0, 0.6, 0.3}};
  const double lane_h     = a.h / d->lanes;
  md_plot_draw_time_axis(cr, &a, duration_s(d), d->bar_s);
  for (uint32_t c = 0U; c < d->lanes; ++c) {
    const double mid  = a.y + lane_h * (c + 0.5);
    const double half = lane_h * 0.46;
    md_plot_set_grid_colour(cr);
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
    md_plot_legend_entry(cr, &a, (int)c, colors[c], 3.0, false, md_plot_channel_name(c, d->channels, name, sizeof name));
  }
}

void
md_plot_draw_loudness(cairo_t* cr, const PlotData* d, const Box* b, double target)
{
  md_plot_panel(cr, b, "loudness of the mix over time (LUFS)");
  const Box a = md_plot_time_area(b);
  md_plot_draw_time_axis(cr, &a, duration_s(d), d->bar_s);
  md_plot_draw_lufs_scale(cr, &a);
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
  const double y = md_plot_map(target, LOUDNESS_FLOOR_LUFS, 0.0, a.y + a.h, a.y);
  cairo_move_to(cr, a.x, y);
  cairo_line_to(cr, a.x + a.w, y);
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0.0);
  char target_label[32];
  snprintf(target_label, sizeof target_label, "target %.1f", target);
  md_plot_legend_entry(cr, &a, 0, momentary_rgb, 1.0, false, "momentary (400 ms)");
  md_plot_legend_entry(cr, &a, 1, short_rgb, 2.5, false, "short-term (3 s)");
  md_plot_legend_entry(cr, &a, 2, target_rgb, 1.5, true, target_label);
}

void
md_plot_draw_strips(cairo_t* cr, const PlotData* d, const Box* b)
{
  md_plot_panel(cr, b,
        d->finished ? "short-term loudness (3 s) of every track and bus after its fader, before finishing (LUFS)"
                    : "short-term loudness (3 s) of every track and bus after its fader (LUFS)");
  const Box a = md_plot_time_area(b);
  md_plot_draw_time_axis(cr, &a, duration_s(d), d->bar_s);
  md_plot_draw_lufs_scale(cr, &a);
  for (uint32_t k = 0U; k < d->n_lines; ++k) {
    double rgb[3];
    md_plot_strip_colour(k, rgb);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 2.0);
    draw_series(cr, d, &a, d->lines[k].short_term, d->lines[k].n, FIRST_SHORT_TERM);
    md_plot_legend_entry(cr, &a, (int)k, rgb, 2.0, false, d->lines[k].name);
  }
  if (d->lines_left_out) {
    char more[48];
    snprintf(more, sizeof more, "+%u quieter not drawn", d->lines_left_out);
    md_plot_set_label_colour(cr);
    md_plot_text(cr, a.x + a.w + 16.0, a.y + 12.0 + 18.0 * d->n_lines, 11.0, more);
  }
}
