// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A build without plots (meson -Dreport=disabled; test_plot.c otherwise):
// the library says so, and every plot call fails with a message that says
// how to get them, writing nothing.

#include "support.h"

#include <string.h>
#include <unistd.h>

static void
test_plots_are_refused_with_a_reason(void)
{
  CHECK(!mixdown_has_feature(MIXDOWN_FEATURE_REPORT));
  test_write_sine(test_path("p.wav"), 440.0, 0.5, 0.5, 1U, 48000U);
  char message[256] = "";
  const MixdownStatus st = mixdown_plot_file(test_path("p.wav"), test_path("p.png"), -14.0, message, sizeof message);
  CHECK(st == MIXDOWN_ERR_BAD_ARG);
  CHECK_MSG(strstr(message, "no plots") && strstr(message, "-Dreport=enabled"), "message: %s", message);
  CHECK(access(test_path("p.png"), F_OK) != 0);
  MixdownSession* s = test_open_yaml("mixdown: 1\nsample_rate: 48000\ntracks:\n  - {name: a, file: p.wav}\n");
  CHECK(s);
  message[0] = '\0';
  CHECK(mixdown_plot_session(s, test_path("s.png"), -14.0, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  CHECK_MSG(strstr(message, "-Dreport=enabled"), "message: %s", message);
  CHECK(access(test_path("s.png"), F_OK) != 0);
  mixdown_session_free(s);
}

const TestCase plot_tests[] = {
  {"plot: a build without plots refuses them, saying so", test_plots_are_refused_with_a_reason},
  {NULL, NULL},
};
