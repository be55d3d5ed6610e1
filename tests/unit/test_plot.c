// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The report picture, measured on its pixels: every panel holds drawing in
// its own colour; the time axes carry labels at the seconds ticks (and the
// bar ticks when there is a tempo); the spectrum's dB scale puts a −6 dBFS
// sine at −6; the level chart writes its values; a ducked music bed's own
// line dips during the voice (and the engine's per-strip loudness series
// says by how much); a file's level chart is headed "channels".

#include "support.h"

#include "report/axis.h"
#include "report/plot.h"

#include <cairo.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U

static const int panel_rgb[3] = {31, 33, 41}; // plot.c's panel ground: 0.12, 0.13, 0.16

static void
pixel(cairo_surface_t* s, int x, int y, int rgb[3])
{
  const unsigned char* data = cairo_image_surface_get_data(s);
  const uint32_t       px   = *(const uint32_t*)(data + y * cairo_image_surface_get_stride(s) + x * 4);
  rgb[0]                    = (int)((px >> 16U) & 0xFFU);
  rgb[1]                    = (int)((px >> 8U) & 0xFFU);
  rgb[2]                    = (int)(px & 0xFFU);
}

static bool
near(const int rgb[3], int r, int g, int b, int tolerance)
{
  return abs(rgb[0] - r) < tolerance && abs(rgb[1] - g) < tolerance && abs(rgb[2] - b) < tolerance;
}

// Fraction of the pixels in a rectangle close to colour (r, g, b).
static double
coverage(cairo_surface_t* s, MdPlotBox box, int r, int g, int b)
{
  long hits = 0, all = 0;
  for (int y = (int)box.y; y < (int)(box.y + box.h); ++y) {
    for (int x = (int)box.x; x < (int)(box.x + box.w); ++x) {
      int rgb[3];
      pixel(s, x, y, rgb);
      hits += near(rgb, r, g, b, 40);
      ++all;
    }
  }
  return all ? (double)hits / (double)all : 0.0;
}

// Pixels in a rectangle that are not the panel's ground (text, mostly).
static long
ink(cairo_surface_t* s, double x0, double y0, double x1, double y1)
{
  long hits = 0;
  for (int y = (int)y0; y < (int)y1; ++y) {
    for (int x = (int)x0; x < (int)x1; ++x) {
      int rgb[3];
      pixel(s, x, y, rgb);
      hits += !near(rgb, panel_rgb[0], panel_rgb[1], panel_rgb[2], 60);
    }
  }
  return hits;
}

static cairo_surface_t*
load_png(const char* path)
{
  cairo_surface_t* s = cairo_image_surface_create_from_png(path);
  CHECK_MSG(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "%s does not load", path);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return NULL;
  }
  CHECK(cairo_image_surface_get_width(s) == MD_PLOT_WIDTH && cairo_image_surface_get_height(s) == MD_PLOT_HEIGHT);
  return s;
}

static MdPlotBox
inset(MdPlotBox b, double by)
{
  return (MdPlotBox){b.x + by, b.y + by, b.w - 2.0 * by, b.h - 2.0 * by};
}

// Every panel holds drawing in its own colour, not just a background.
static void
check_panels(cairo_surface_t* s, bool strips)
{
  MdPlotLayout l;
  md_plot_layout(strips, &l);
  const MdPlotBox wave_area = md_plot_time_area(&l.waveform);
  const MdPlotBox loud_area = md_plot_time_area(&l.loudness);
  const double    wave      = coverage(s, wave_area, 89, 178, 255);  // first channel, blue
  const double    loudness  = coverage(s, loud_area, 102, 230, 128); // short-term, green
  const double    spectrum  = coverage(s, md_plot_spectrum_area(&l.spectrum), 115, 191, 242);
  const double    levels    = coverage(s, md_plot_levels_area(&l.levels), 102, 217, 140);
  CHECK_MSG(wave > 0.02, "waveform panel %.3f covered", wave);
  CHECK_MSG(loudness > 0.001, "loudness panel %.4f covered", loudness);
  CHECK_MSG(spectrum > 0.2, "spectrum panel %.3f covered", spectrum);
  CHECK_MSG(levels > 0.02, "level panel %.3f covered", levels);
}

// Labels under a time area at every seconds tick, and above it at every
// bar tick when `bar_s` > 0 (and nothing there without a tempo).
static void
check_time_axis(cairo_surface_t* s, const MdPlotBox* panel, double length_s, double bar_s, const char* what)
{
  const MdPlotBox a      = md_plot_time_area(panel);
  const double    step_s = md_axis_time_step(length_s, a.w, 64.0);
  int             ticks  = 0;
  for (double t = 0.0; t <= length_s; t += step_s, ++ticks) {
    const double x     = a.x + a.w * t / length_s;
    const long   label = ink(s, x - 10.0, a.y + a.h + 7.0, x + 10.0, a.y + a.h + 20.0);
    CHECK_MSG(label > 8, "%s: no seconds label at %.1f s (%ld pixels)", what, t, label);
  }
  CHECK_MSG(ticks >= 5, "%s: %d seconds ticks over %.1f s", what, ticks, length_s);
  // Between two labels there is room: the ticks are not crowded.
  const double gap_px = a.w * step_s / length_s;
  CHECK_MSG(gap_px >= 64.0 && gap_px < 200.0, "%s: ticks %.0f px apart", what, gap_px);
  const long above = ink(s, a.x - 8.0, a.y - 16.0, a.x + a.w + 8.0, a.y - 5.0);
  if (!(bar_s > 0.0)) {
    CHECK_MSG(above == 0, "%s: %ld pixels of bar labels without a tempo", what, above);
    return;
  }
  for (double t = 0.0; t <= length_s; t += bar_s) {
    const double x     = a.x + a.w * t / length_s;
    const long   label = ink(s, x - 8.0, a.y - 16.0, x + 8.0, a.y - 5.0);
    CHECK_MSG(label > 8, "%s: no bar label at %.1f s (%ld pixels)", what, t, label);
  }
}

// A time panel's line in colour `rgb` at time `t_s`, read back in LUFS
// on the panel's scale, −60 … 0 (NaN where the colour is not found).
static double
line_lufs(cairo_surface_t* s, const MdPlotBox* panel, double length_s, const double rgb[3], double t_s)
{
  const MdPlotBox a = md_plot_time_area(panel);
  const int       x = (int)(a.x + a.w * t_s / length_s);
  double          y_sum = 0.0;
  int             n     = 0;
  for (int y = (int)a.y; y < (int)(a.y + a.h); ++y) {
    int px[3];
    pixel(s, x, y, px);
    if (near(px, (int)(rgb[0] * 255), (int)(rgb[1] * 255), (int)(rgb[2] * 255), 25)) {
      y_sum += y + 0.5;
      ++n;
    }
  }
  return n ? -60.0 * (y_sum / n - a.y) / a.h : NAN;
}

// Whether `panel`'s title begins with `word`: the title band, thresholded,
// against `word` drawn the way plot.c draws titles.
static bool
title_begins_with(cairo_surface_t* png, const MdPlotBox* panel, const char* word)
{
  double x = 0.0, y = 0.0;
  md_plot_title_origin(panel, &x, &y);
  cairo_surface_t* ref = cairo_image_surface_create(CAIRO_FORMAT_RGB24, MD_PLOT_WIDTH, MD_PLOT_HEIGHT);
  cairo_t*         cr  = cairo_create(ref);
  cairo_set_source_rgb(cr, panel_rgb[0] / 255.0, panel_rgb[1] / 255.0, panel_rgb[2] / 255.0);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, MD_PLOT_TITLE_PX);
  cairo_set_source_rgb(cr, 0.85, 0.86, 0.9);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, word, &extents);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, word);
  cairo_destroy(cr);
  cairo_surface_flush(ref);
  long same = 0, inked = 0;
  for (int py = (int)(y - 14.0); py < (int)(y + 4.0); ++py) {
    for (int px = (int)x; px < (int)(x + extents.x_advance - 1.0); ++px) {
      int a[3], b[3];
      pixel(png, px, py, a);
      pixel(ref, px, py, b);
      const bool ink_a = !near(a, panel_rgb[0], panel_rgb[1], panel_rgb[2], 60);
      const bool ink_b = !near(b, panel_rgb[0], panel_rgb[1], panel_rgb[2], 60);
      same += ink_a == ink_b;
      inked += ink_b;
    }
  }
  const long all = (long)(18 * (int)(extents.x_advance - 1.0));
  cairo_surface_destroy(ref);
  return inked > 20 && same >= all - 2;
}

// A music bed (noise and chords, 12 s) on a bus whose compressor the voice
// keys (4 … 9 s), 120 BPM in 4/4 (bars of 2 s).
static const char* const ducking_yaml =
  "mixdown: 1\nsample_rate: 48000\ntempo: 120\ntime_signature: 4/4\n"
  "tracks:\n"
  "  - {name: music, file: music.wav, output: bed}\n"
  "  - {name: voice, file: voice.wav}\n"
  "buses:\n"
  "  - name: bed\n"
  "    inserts:\n"
  "      - {type: compressor, sidechain: voice, threshold_db: -40, ratio: 20, attack_ms: 5, release_ms: 150}\n";

static void
write_ducking_sources(void)
{
  const uint32_t frames = 12U * RATE;
  float*         x      = malloc(2U * frames * sizeof(float));
  uint32_t       seed   = 7U;
  for (uint32_t i = 0U; i < frames; ++i) {
    const double t     = (double)i / RATE;
    const double chord = sin(2.0 * M_PI * 220.0 * t) + sin(2.0 * M_PI * 277.2 * t) + sin(2.0 * M_PI * 329.6 * t);
    const double n     = test_noise(&seed);
    x[2U * i]          = (float)(0.08 * chord + 0.05 * n);
    x[2U * i + 1U]     = (float)(0.08 * chord - 0.05 * n);
  }
  test_write_wav(test_path("music.wav"), x, frames, 2U, RATE);
  for (uint32_t i = 0U; i < frames; ++i) {
    const double t = (double)i / RATE;
    // "Syllables": a 180 Hz buzz, four per second, between 4 and 9 s.
    const double envelope = t >= 4.0 && t < 9.0 ? 0.6 + 0.4 * sin(2.0 * M_PI * 4.0 * t) : 0.0;
    x[i]                  = (float)(0.3 * envelope * sin(2.0 * M_PI * 180.0 * t));
  }
  test_write_wav(test_path("voice.wav"), x, frames, 1U, RATE);
  free(x);
}

// Short-term loudness at `t_s` (the window ending there) of a series.
static double
at(const double* series, size_t n, double t_s)
{
  const size_t i = (size_t)lround(t_s * 10.0) - 1U;
  return i < n ? series[i] : NAN;
}

// The engine's per-strip series: the bed dips under the voice by what its
// compressor takes, the music track before it does not, and the series'
// highest full window is the level's short-term maximum.
static void
test_strip_series_show_a_duck(void)
{
  write_ducking_sources();
  MixdownSession* s = test_open_yaml(ducking_yaml);
  if (!s) {
    return;
  }
  char           message[256] = "";
  MixdownEngine* e            = NULL;
  CHECK(mixdown_engine_new(s, &e, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(mixdown_engine_enable_levels(e, MIXDOWN_LEVELS_SERIES) == MIXDOWN_SUCCESS);
  float left[1000], right[1000];
  for (uint32_t got = 1U; got;) {
    if (mixdown_engine_pull(e, left, right, 1000U, &got)) {
      CHECK_MSG(false, "%s", mixdown_engine_message(e));
      break;
    }
  }
  CHECK(mixdown_engine_node_count(e) == 4U); // music, voice, bed, master
  enum { MAX = 200 };
  double       music[MAX], bed[MAX], bed_m[MAX];
  const size_t n_music = mixdown_engine_node_loudness_series(e, 0U, NULL, music, MAX);
  const size_t n_bed   = mixdown_engine_node_loudness_series(e, 2U, bed_m, bed, MAX);
  CHECK_MSG(n_bed >= 119U && n_bed <= 121U, "%zu points for 12 s", n_bed);
  CHECK(n_music == n_bed);
  CHECK(mixdown_engine_node_loudness_series(e, 2U, NULL, NULL, 0U) == n_bed); // counting only
  const double before = at(bed, n_bed, 3.5), during = at(bed, n_bed, 8.5), after = at(bed, n_bed, 12.0);
  CHECK_MSG(before - during > 10.0, "bed: %.1f LUFS before the voice, %.1f under it", before, during);
  CHECK_MSG(fabs(after - before) < 1.0, "bed: %.1f LUFS after the voice, %.1f before", after, before);
  CHECK_MSG(fabs(at(music, n_music, 3.5) - at(music, n_music, 8.5)) < 0.5, "the music track itself moved");
  CHECK_MSG(before - at(bed_m, n_bed, 7.0) > 10.0, "momentary: %.1f under the voice", at(bed_m, n_bed, 7.0));
  double highest = -HUGE_VAL;
  for (size_t i = 29U; i < n_bed; ++i) {
    highest = fmax(highest, bed[i]);
  }
  MixdownNodeLevels l;
  CHECK(mixdown_engine_node_levels(e, 2U, &l) == MIXDOWN_SUCCESS);
  CHECK_NEAR(l.post_fader.short_term_max_lufs, highest, 1e-9);
  mixdown_engine_free(e);
  // Without the series, none is kept.
  CHECK(mixdown_engine_new(s, &e, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(mixdown_engine_enable_levels(e, MIXDOWN_LEVELS_SUMMARY) == MIXDOWN_SUCCESS);
  CHECK(mixdown_engine_pull(e, left, right, 1000U, &(uint32_t){0U}) == MIXDOWN_SUCCESS);
  CHECK(mixdown_engine_node_loudness_series(e, 2U, NULL, bed, MAX) == 0U);
  mixdown_engine_free(e);
  // A render cache keeps a track's levels, not its series: a track read
  // from the cache is measured afresh when a series is wanted.
  const double music_ducking = at(music, n_music, 8.5);
  for (int pass = 0; pass < 2; ++pass) {
    CHECK(mixdown_engine_new(s, &e, message, sizeof message) == MIXDOWN_SUCCESS);
    CHECK(mixdown_engine_set_cache(e, test_path("plot-cache")) == MIXDOWN_SUCCESS);
    CHECK(mixdown_engine_enable_levels(e, pass ? MIXDOWN_LEVELS_SERIES : MIXDOWN_LEVELS_SUMMARY) == MIXDOWN_SUCCESS);
    for (uint32_t got = 1U; got && !mixdown_engine_pull(e, left, right, 1000U, &got);) {
    }
    uint32_t hits = 0U, tracks = 0U;
    mixdown_engine_cache_hits(e, &hits, &tracks);
    CHECK_MSG(!pass || hits >= 1U, "the second render read %u tracks from the cache", hits);
    const size_t n = mixdown_engine_node_loudness_series(e, 0U, NULL, music, MAX);
    CHECK_MSG(pass ? n == n_music && at(music, n, 8.5) == music_ducking : n == 0U,
              "pass %d: %zu points of the cached track's series", pass, n);
    mixdown_engine_free(e);
  }
  mixdown_session_free(s);
}

// The picture of the ducking session: the bed's line (third colour) sits
// where the series says and dips during the voice; axes in seconds and
// bars on the three time panels; a value beside every level bar.
static void
test_session_plot(void)
{
  write_ducking_sources();
  MixdownSession* s = test_open_yaml(ducking_yaml);
  if (!s) {
    return;
  }
  char message[256] = "";
  CHECK_MSG(mixdown_plot_session(s, test_path("duck.png"), -16.0, message, sizeof message) == MIXDOWN_SUCCESS,
            "%s", message);
  mixdown_session_free(s);
  cairo_surface_t* png = load_png(test_path("duck.png"));
  if (!png) {
    return;
  }
  check_panels(png, true);
  MdPlotLayout l;
  md_plot_layout(true, &l);
  double bed_rgb[3], voice_rgb[3];
  md_plot_strip_colour(2U, bed_rgb);
  md_plot_strip_colour(1U, voice_rgb);
  const double before = line_lufs(png, &l.strips, 12.0, bed_rgb, 3.5);
  const double during = line_lufs(png, &l.strips, 12.0, bed_rgb, 8.5);
  CHECK_MSG(before - during > 10.0, "the bed's line: %.1f LUFS before the voice, %.1f under it", before, during);
  const double voice = line_lufs(png, &l.strips, 12.0, voice_rgb, 8.5);
  CHECK_MSG(isfinite(voice) && voice > during, "the voice's line at %.1f LUFS", voice);
  check_time_axis(png, &l.waveform, 12.0, 2.0, "waveform");
  check_time_axis(png, &l.loudness, 12.0, 2.0, "loudness");
  check_time_axis(png, &l.strips, 12.0, 2.0, "strips");
  // The legend names three lines (music, voice, bed) beside the strip panel.
  const MdPlotBox a = md_plot_time_area(&l.strips);
  for (int row = 0; row < 4; ++row) {
    const long legend = ink(png, a.x + a.w + 40.0, a.y + 18.0 * row, a.x + a.w + 150.0, a.y + 18.0 * row + 14.0);
    CHECK_MSG(row < 3 ? legend > 20 : legend == 0, "legend row %d: %ld pixels", row, legend);
  }
  // Values written right of the bars: one row per strip (4), then nothing.
  const MdPlotBox bars = md_plot_levels_area(&l.levels);
  for (int row = 0; row < 5; ++row) {
    const long value = ink(png, bars.x + bars.w + 8.0, bars.y + 24.0 * row, l.levels.x + l.levels.w - 4.0,
                           bars.y + 24.0 * row + 24.0);
    CHECK_MSG(row < 4 ? value > 100 : value == 0, "level row %d: %ld pixels of value", row, value);
  }
  CHECK_MSG(!title_begins_with(png, &l.levels, "channels:"), "a session's level chart says \"channels\"");
  CHECK_MSG(title_begins_with(png, &l.levels, "strips:"), "a session's level chart is not headed \"strips\"");
  cairo_surface_destroy(png);
}

// A session with a loudness target is drawn as render writes it: the mix
// 12 dB down is finished to −14 LUFS, and its short-term line sits there.
static void
test_finished_session_plot(void)
{
  write_ducking_sources();
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: music, file: music.wav, gain_db: -12}\n"
                                     "master: {loudness: streaming}\n");
  if (!s) {
    return;
  }
  char message[256] = "";
  CHECK_MSG(mixdown_plot_session(s, test_path("finished.png"), -14.0, message, sizeof message) == MIXDOWN_SUCCESS,
            "%s", message);
  mixdown_session_free(s);
  cairo_surface_t* png = load_png(test_path("finished.png"));
  if (!png) {
    return;
  }
  MdPlotLayout l;
  md_plot_layout(true, &l);
  static const double short_term_rgb[3] = {0.4, 0.9, 0.5};
  const double        mix               = line_lufs(png, &l.loudness, 12.0, short_term_rgb, 6.0);
  CHECK_MSG(fabs(mix - -14.0) < 1.0, "the finished mix's short-term line at %.1f LUFS", mix);
  double music_rgb[3];
  md_plot_strip_colour(0U, music_rgb);
  const double music = line_lufs(png, &l.strips, 12.0, music_rgb, 6.0);
  CHECK_MSG(music < -25.0, "the track's line (before finishing) at %.1f LUFS", music);
  cairo_surface_destroy(png);
}

// A file: a −6 dBFS sine at 1 kHz reads −6 on the spectrum's dB scale;
// seconds but no bars; the level chart is headed "channels" and has a row per channel and one for the loudness.
static void
test_file_plot(void)
{
  test_write_sine(test_path("sine.wav"), 1000.0, 0.5, 6.0, 2U, RATE);
  char message[256] = "";
  CHECK_MSG(mixdown_plot_file(test_path("sine.wav"), test_path("file.png"), -23.0, message, sizeof message) ==
              MIXDOWN_SUCCESS, "%s", message);
  cairo_surface_t* png = load_png(test_path("file.png"));
  if (!png) {
    return;
  }
  MdPlotLayout l;
  md_plot_layout(false, &l);
  check_time_axis(png, &l.waveform, 6.0, 0.0, "file waveform");
  check_time_axis(png, &l.loudness, 6.0, 0.0, "file loudness");
  // The 1 kHz band (the 17th of 30, from 25 Hz) reaches −6 dB on a scale
  // from 0 down to −80.
  const MdPlotBox a     = md_plot_spectrum_area(&l.spectrum);
  const int       x     = (int)(a.x + a.w / 30.0 * 16.5);
  double          top_y = NAN;
  for (int y = (int)a.y; y < (int)(a.y + a.h) && isnan(top_y); ++y) {
    int px[3];
    pixel(png, x, y, px);
    top_y = near(px, 115, 191, 242, 30) ? y : NAN;
  }
  const double db = -80.0 * (top_y - a.y) / a.h;
  CHECK_MSG(fabs(db - -6.02) < 0.5, "the 1 kHz band reads %.2f dB", db);
  // dB labels left of the grid (9 lines, 0 … −80), Hz labels below.
  for (int k = 0; k <= 8; ++k) {
    const double y = a.y + a.h * k / 8.0;
    CHECK_MSG(ink(png, a.x - 40.0, y - 6.0, a.x - 4.0, y + 6.0) > 8, "no dB label at %d dB", -10 * k);
  }
  CHECK_MSG(ink(png, a.x, a.y + a.h + 6.0, a.x + a.w, a.y + a.h + 20.0) > 150, "no Hz labels");
  // Rows: left, right, loudness; their values written.
  const MdPlotBox bars = md_plot_levels_area(&l.levels);
  for (int row = 0; row < 4; ++row) {
    const long value = ink(png, bars.x + bars.w + 8.0, bars.y + 24.0 * row, l.levels.x + l.levels.w - 4.0,
                           bars.y + 24.0 * row + 24.0);
    CHECK_MSG(row < 3 ? value > 100 : value == 0, "file level row %d: %ld pixels of value", row, value);
  }
  CHECK_MSG(title_begins_with(png, &l.levels, "channels:"), "a file's level chart is not headed \"channels\"");
  cairo_surface_destroy(png);
  CHECK(mixdown_plot_file(test_path("sine.wav"), test_path("plot-missing-folder/x.png"), -23.0, message, sizeof message) ==
        MIXDOWN_ERR_IO);
}

// Tick spacing from the length: labels at least 64 px apart, on steps a
// reader counts in; bars in powers of two; clock labels past a minute.
static void
test_axis_ticks(void)
{
  CHECK(md_axis_time_step(18.7, 1314.0, 64.0) == 1.0);
  CHECK(md_axis_time_step(12.0, 1314.0, 64.0) == 1.0);
  CHECK(md_axis_time_step(2.0, 1314.0, 64.0) == 0.1);
  CHECK(md_axis_time_step(180.0, 1314.0, 64.0) == 10.0);
  CHECK(md_axis_time_step(600.0, 1314.0, 64.0) == 30.0);
  CHECK(md_axis_time_step(3600.0, 1314.0, 64.0) == 300.0);
  CHECK(md_axis_time_step(4.0 * 3600.0, 1314.0, 64.0) == 900.0);
  CHECK(md_axis_bar_step(2.0, 18.7, 1314.0, 44.0) == 1U);
  CHECK(md_axis_bar_step(2.0, 3600.0, 1314.0, 44.0) == 64U);
  CHECK(md_axis_bar_step(1.0, 60.0, 1314.0, 44.0) == 4U);
  char label[32];
  md_axis_time_label(2.5, 0.5, 4.0, label, sizeof label);
  CHECK(!strcmp(label, "2.5"));
  md_axis_time_label(45.0, 5.0, 50.0, label, sizeof label);
  CHECK(!strcmp(label, "45"));
  md_axis_time_label(90.0, 30.0, 200.0, label, sizeof label);
  CHECK(!strcmp(label, "1:30"));
  md_axis_time_label(3720.0, 600.0, 7200.0, label, sizeof label);
  CHECK(!strcmp(label, "1:02:00"));
}

// A finished plot keeps its premaster in options.temp_dir: a folder that
// is not there fails the plot, naming it; an existing one draws it.
static void
test_plot_temp_dir(void)
{
  write_ducking_sources();
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: music, file: music.wav, gain_db: -12}\n"
                                     "master: {loudness: streaming}\n");
  if (!s) {
    return;
  }
  char missing[600];
  snprintf(missing, sizeof missing, "%s", test_path("plot-tmp-missing"));
  MixdownPlotOptions options = {.size = sizeof options, .target_lufs = -14.0, .temp_dir = missing};
  char               message[1024] = "";
  CHECK(mixdown_plot_session_with(s, test_path("tmp.png"), &options, message, sizeof message) == MIXDOWN_ERR_IO);
  CHECK_MSG(strstr(message, missing) != NULL, "the message does not name temp_dir: %s", message);
  options.temp_dir = test_dir();
  CHECK_MSG(mixdown_plot_session_with(s, test_path("tmp.png"), &options, message, sizeof message) == MIXDOWN_SUCCESS,
            "%s", message);
  CHECK(mixdown_plot_session_with(s, test_path("tmp.png"), NULL, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  mixdown_session_free(s);
}

const TestCase plot_tests[] = {
  {"plot: axis ticks from the length, bars in powers of two, clock labels", test_axis_ticks},
  {"plot: per-strip loudness series show a ducked bed's dip", test_strip_series_show_a_duck},
  {"plot: session picture: the duck drawn, axes in seconds and bars, level values", test_session_plot},
  {"plot: a session with a loudness target is drawn finished, as render writes it", test_finished_session_plot},
  {"plot: file picture: dBFS spectrum scale, channel chart headed channels", test_file_plot},
  {"plot: a finished plot's premaster goes to options.temp_dir", test_plot_temp_dir},
  {NULL, NULL},
};
