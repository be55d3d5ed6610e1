// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// unmask --plot in a build without cairo (meson -Dreport=disabled): the
// same entry points, refusing with a message (see src/meson.build).

#include "unmask_plot.h"

#include <stdio.h>

bool
unmask_plot_available(void)
{
  return false;
}

MixdownStatus
unmask_plot_write(const UnmaskPlot* plot, const char* png_path, char* message, size_t message_size)
{
  (void)plot;
  (void)png_path;
  if (message && message_size) {
    snprintf(message, message_size, "this build has no plots: rebuild with -Dreport=enabled");
  }
  return MIXDOWN_ERR_BAD_ARG;
}
