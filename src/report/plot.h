// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Where the report picture (plot.c) puts its panels, and the colours of its
// per-strip lines: shared with the tests that look at the pixels.
//
// From top to bottom: the heading; the waveform; the mix's loudness over
// time; for a session, every strip's short-term loudness over time (a file
// gives its room to the loudness panel); then the spectrum beside the level
// chart.  The time panels share one time axis (seconds below, bars above
// when the session has a tempo) and keep a legend column on their right.
//
// Thread: control.

#ifndef MD_PLOT_H
#define MD_PLOT_H

#include <stdbool.h>
#include <stdint.h>

#define MD_PLOT_WIDTH    1600
#define MD_PLOT_HEIGHT   1240
#define MD_PLOT_TITLE_PX 14.0 ///< Font size of a panel's title

typedef struct {
  double x, y, w, h;
} MdPlotBox;

typedef struct {
  MdPlotBox waveform;
  MdPlotBox loudness;
  MdPlotBox strips; ///< Zero height for a file
  MdPlotBox spectrum;
  MdPlotBox levels;
} MdPlotLayout;

/// The panels of a session's picture (`strips`) or a file's.
void md_plot_layout(bool strips, MdPlotLayout* layout);

/// Where a time panel draws its data: the time axis' labels lie below it
/// (seconds) and above it (bars), the level labels left of it, the legend
/// right of it.
MdPlotBox md_plot_time_area(const MdPlotBox* panel);

/// Where the spectrum's bars go: dB labels left, Hz labels below.
MdPlotBox md_plot_spectrum_area(const MdPlotBox* panel);

/// Where the level chart's bars go: names left, values right, dB below.
MdPlotBox md_plot_levels_area(const MdPlotBox* panel);

/// Where a panel's title starts (the baseline of its first letter).
void md_plot_title_origin(const MdPlotBox* panel, double* x, double* y);

/// Colour of strip line `k` (red, green, blue in 0…1).
void md_plot_strip_colour(uint32_t k, double rgb[3]);

#endif
