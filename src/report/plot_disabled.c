// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The plots in a build without cairo (meson -Dreport=disabled): the public
// mixdown_plot_* functions exist and fail, saying that this build draws no
// plots, so callers need no #if.  Thread: control.

#include "mixdown.h"

#include <stdio.h>

static MixdownStatus
no_plots(char* message, size_t message_size)
{
  if (message && message_size) {
    snprintf(message, message_size, "this build of mixdown draws no plots (cairo): rebuild with meson -Dreport=enabled");
  }
  return MIXDOWN_ERR_BAD_ARG;
}

MixdownStatus
mixdown_plot_session(const MixdownSession* session, const char* png_path, double target_lufs, char* message,
                     size_t message_size)
{
  (void)session;
  (void)png_path;
  (void)target_lufs;
  return no_plots(message, message_size);
}

MixdownStatus
mixdown_plot_file(const char* path, const char* png_path, double target_lufs, char* message, size_t message_size)
{
  (void)path;
  (void)png_path;
  (void)target_lufs;
  return no_plots(message, message_size);
}

MixdownStatus
mixdown_plot_session_with(const MixdownSession* session, const char* png_path, const MixdownPlotOptions* options,
                          char* message, size_t message_size)
{
  (void)session;
  (void)png_path;
  (void)options;
  return no_plots(message, message_size);
}

MixdownStatus
mixdown_plot_file_with(const char* path, const char* png_path, const MixdownPlotOptions* options, char* message,
                       size_t message_size)
{
  (void)path;
  (void)png_path;
  (void)options;
  return no_plots(message, message_size);
}
