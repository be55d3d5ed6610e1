// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Private to src/report/plot*.c: the picture's constants, the data it is
// drawn from, and the functions its files share.  Thread: control.

#ifndef MD_PLOT_INTERNAL_H
#define MD_PLOT_INTERNAL_H

#include "report/plot.h"

#include "io/measure.h"
#include "mixdown.h"

#include <cairo.h>
#include <fftw3.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

typedef MdPlotBox Box;

enum { ALIGN_LEFT, ALIGN_CENTRE, ALIGN_RIGHT };

// plot_axes.c: drawing helpers and axes
double md_plot_map(double v, double lo, double hi, double a, double b);
void md_plot_text(cairo_t* cr, double x, double y, double size, const char* s);
void md_plot_text_aligned(cairo_t* cr, double x, double y, double size, int align, const char* s);
void md_plot_set_label_colour(cairo_t* cr);
void md_plot_set_grid_colour(cairo_t* cr);
void md_plot_panel(cairo_t* cr, const Box* b, const char* title);
void md_plot_format_db(char* out, size_t size, double db);
void md_plot_draw_time_axis(cairo_t* cr, const Box* a, double duration_s, double bar_s);
void md_plot_draw_lufs_scale(cairo_t* cr, const Box* a);
void md_plot_legend_entry(cairo_t* cr, const Box* a, int row, const double rgb[3], double width, bool dashed, const char* label);

// plot_data.c
bool md_plot_data_init(PlotData* d, double rate, uint64_t total, uint32_t channels);
bool md_plot_data_restart(PlotData* d);
void md_plot_data_free(PlotData* d);
void md_plot_data_add(PlotData* d, const float* frames, uint32_t n);
void md_plot_add_bar(PlotData* d, const char* name, double value, double peak, const char* unit);
MixdownStatus md_plot_collect_strips(PlotData* d, const MixdownEngine* engine);

// the panes
const char* md_plot_channel_name(uint32_t c, uint32_t channels, char* buf, size_t size);
void md_plot_draw_waveform(cairo_t* cr, const PlotData* d, const Box* b);
void md_plot_draw_loudness(cairo_t* cr, const PlotData* d, const Box* b, double target);
void md_plot_draw_strips(cairo_t* cr, const PlotData* d, const Box* b);
void md_plot_draw_spectrum(cairo_t* cr, const PlotData* d, const Box* b);
void md_plot_draw_levels(cairo_t* cr, const PlotData* d, const Box* b);

#endif
