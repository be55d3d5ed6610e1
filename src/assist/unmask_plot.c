// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The pair × band matrix of unmask --plot, drawn with cairo (see
// unmask_plot.h): rows are pairs (masker → masked), columns critical bands
// labelled by their edges in Hz, cells shaded from white (nothing masked)
// to dark red (every present cell masked), with the percentage written in
// cells where it is at least 1 %.

#include "unmask_plot.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>

enum { CELL_W = 34, CELL_H = 26, LEFT = 190, TOP = 56, BOTTOM = 70, RIGHT = 24 };

bool
unmask_plot_available(void)
{
  return true;
}

// White → yellow → red → dark red as the share grows.
static void
shade(cairo_t* cr, double percent)
{
  const double x = fmin(fmax(percent / 100.0, 0.0), 1.0);
  if (x < 0.5) {
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0 - 1.6 * x);
  } else {
    cairo_set_source_rgb(cr, 1.0 - 0.6 * (x - 0.5), 1.0 - 1.8 * (x - 0.5), 0.2 - 0.4 * (x - 0.5));
  }
}

static void
hz_label(char* out, size_t size, double hz)
{
  if (hz >= 1000.0) {
    snprintf(out, size, "%.3gk", hz / 1000.0);
  } else {
    snprintf(out, size, "%.0f", hz);
  }
}

static void
draw_columns(cairo_t* cr, const UnmaskPlot* p, int height)
{
  cairo_set_font_size(cr, 10.0);
  for (uint32_t b = 0; b <= p->n_bands; ++b) {
    char label[32];
    hz_label(label, sizeof label, p->edges_hz[b]);
    cairo_save(cr);
    cairo_move_to(cr, LEFT + b * CELL_W + 3, TOP + p->n_rows * CELL_H + 6);
    cairo_rotate(cr, M_PI / 2.0);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_show_text(cr, label);
    cairo_restore(cr);
  }
  cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
  cairo_move_to(cr, LEFT, height - 8);
  cairo_show_text(cr, "critical band edges, Hz");
}

static void
draw_rows(cairo_t* cr, const UnmaskPlot* p)
{
  for (uint32_t r = 0; r < p->n_rows; ++r) {
    cairo_set_font_size(cr, 11.0);
    cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
    cairo_move_to(cr, 8, TOP + r * CELL_H + CELL_H * 0.65);
    cairo_show_text(cr, p->row_labels[r]);
    for (uint32_t b = 0; b < p->n_bands; ++b) {
      const double v = p->percent[(size_t)r * p->n_bands + b];
      shade(cr, v);
      cairo_rectangle(cr, LEFT + b * CELL_W, TOP + r * CELL_H, CELL_W, CELL_H);
      cairo_fill_preserve(cr);
      cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
      cairo_set_line_width(cr, 0.5);
      cairo_stroke(cr);
      if (v >= 1.0) {
        char text[16];
        snprintf(text, sizeof text, "%.0f", v);
        cairo_set_font_size(cr, 9.0);
        cairo_set_source_rgb(cr, v > 60.0 ? 1.0 : 0.0, v > 60.0 ? 1.0 : 0.0, v > 60.0 ? 1.0 : 0.0);
        cairo_move_to(cr, LEFT + b * CELL_W + 5, TOP + r * CELL_H + CELL_H * 0.65);
        cairo_show_text(cr, text);
      }
    }
  }
}

MixdownStatus
unmask_plot_write(const UnmaskPlot* p, const char* png_path, char* message, size_t message_size)
{
  const uint32_t rows   = p->n_rows ? p->n_rows : 1U;
  const int      width  = LEFT + (int)p->n_bands * CELL_W + RIGHT;
  const int      height = TOP + (int)rows * CELL_H + BOTTOM;
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t*         cr      = cairo_create(surface);
  cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 13.0);
  cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
  cairo_move_to(cr, 8, 20);
  cairo_show_text(cr, p->title ? p->title : "masking");
  cairo_set_font_size(cr, 10.0);
  cairo_move_to(cr, 8, 38);
  cairo_show_text(cr, "% of the masked track's present cells in each band where that masker dominates the threshold");
  if (p->n_rows) {
    draw_rows(cr, p);
  } else {
    cairo_move_to(cr, LEFT, TOP + CELL_H * 0.65);
    cairo_show_text(cr, "nothing masked");
  }
  draw_columns(cr, p, height);
  cairo_destroy(cr);
  const cairo_status_t st = cairo_surface_write_to_png(surface, png_path);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) {
    if (message && message_size) {
      snprintf(message, message_size, "--plot %s: cannot write it (%s)", png_path, cairo_status_to_string(st));
    }
    return MIXDOWN_ERR_IO;
  }
  return MIXDOWN_SUCCESS;
}
