// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The report picture: the PNG has the promised size, and each of its four
// panels holds drawing in its own colour, not just a background.

#include "support.h"

#include <cairo.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Fraction of the pixels in a rectangle close to colour (r, g, b).
static double
coverage(cairo_surface_t* s, int x0, int y0, int w, int h, int r, int g, int b)
{
  const unsigned char* data   = cairo_image_surface_get_data(s);
  const int            stride = cairo_image_surface_get_stride(s);
  long                 hits   = 0;
  for (int y = y0; y < y0 + h; ++y) {
    for (int x = x0; x < x0 + w; ++x) {
      const uint32_t px = *(const uint32_t*)(data + y * stride + x * 4);
      const int      pr = (int)((px >> 16U) & 0xFFU), pg = (int)((px >> 8U) & 0xFFU), pb = (int)(px & 0xFFU);
      hits += abs(pr - r) < 40 && abs(pg - g) < 40 && abs(pb - b) < 40;
    }
  }
  return (double)hits / ((double)w * h);
}

static void
check_png(const char* path, bool strips)
{
  cairo_surface_t* s = cairo_image_surface_create_from_png(path);
  CHECK_MSG(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "%s does not load", path);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return;
  }
  CHECK(cairo_image_surface_get_width(s) == 1600 && cairo_image_surface_get_height(s) == 1000);
  const double wave     = coverage(s, 30, 80, 1540, 200, 89, 178, 255);   // left channel, blue
  const double loudness = coverage(s, 60, 340, 1500, 260, 102, 230, 128); // short-term, green
  const double spectrum = coverage(s, 30, 650, 740, 300, 115, 191, 242);  // bars, light blue
  const double levels   = coverage(s, 960, 650, 600, 300, 102, 217, 140); // bars, green
  CHECK_MSG(wave > 0.02, "waveform panel %.3f covered", wave);
  CHECK_MSG(loudness > 0.001, "loudness panel %.4f covered", loudness);
  CHECK_MSG(spectrum > 0.2, "spectrum panel %.3f covered", spectrum);
  CHECK_MSG(levels > (strips ? 0.05 : 0.02), "level panel %.3f covered", levels);
  cairo_surface_destroy(s);
}

static void
test_session_and_file_plots(void)
{
  uint32_t seed = 3U;
  float*   x    = malloc(48000U * 6U * 2U * sizeof(float));
  for (uint32_t i = 0U; i < 48000U * 6U; ++i) {
    const double n = test_noise(&seed) * 0.3;
    x[2U * i]      = (float)(n + 0.3 * sin(i * 0.05));
    x[2U * i + 1U] = (float)(n - 0.2 * sin(i * 0.11));
  }
  test_write_wav(test_path("p.wav"), x, 48000U * 6U, 2U, 48000U);
  free(x);
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: a, file: p.wav, output: g}\n"
                                     "  - {name: b, file: p.wav, gain_db: -12}\nbuses:\n  - {name: g}\n"
                                     "master: {loudness: streaming}\n");
  if (!s) {
    return;
  }
  char message[256] = "";
  CHECK_MSG(mixdown_plot_session(s, test_path("session.png"), mixdown_session_loudness_target(s), message,
                                 sizeof message) == MIXDOWN_SUCCESS, "%s", message);
  mixdown_session_free(s);
  check_png(test_path("session.png"), true);
  CHECK_MSG(mixdown_plot_file(test_path("p.wav"), test_path("file.png"), -23.0, message, sizeof message) ==
              MIXDOWN_SUCCESS, "%s", message);
  check_png(test_path("file.png"), false);
  CHECK(mixdown_plot_file(test_path("p.wav"), test_path("no/such/dir/x.png"), -23.0, message, sizeof message) ==
        MIXDOWN_ERR_IO);
}

const TestCase plot_tests[] = {
  {"plot: session and file reports are drawn, every panel filled", test_session_and_file_plots},
  {NULL, NULL},
};
