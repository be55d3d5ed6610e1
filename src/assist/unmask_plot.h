// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The picture of `mixdown assist unmask --plot FILE.png`: the pair × band
// matrix of masking, one row per pair of tracks (masker → masked), one
// column per critical band, each cell shaded by the share of the masked
// track's present cells in that band that the masker covers.  Drawn with
// cairo (unmask_plot.c) when the build has plots (-Dreport=enabled), else
// refused with a message (unmask_plot_disabled.c): no #if in the caller.
//
// Thread: control.

#ifndef MD_ASSIST_UNMASK_PLOT_H
#define MD_ASSIST_UNMASK_PLOT_H

#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// What the matrix shows.
typedef struct {
  uint32_t           n_rows;      ///< Pairs, worst first
  const char* const* row_labels;  ///< "bass → vox"
  uint32_t           n_bands;     ///< Critical bands
  const double*      edges_hz;    ///< n_bands + 1
  const double*      percent;     ///< n_rows × n_bands: masked share, 0 … 100
  const char*        title;       ///< One line above the matrix
} UnmaskPlot;

/// Draws `plot` into `png_path` (already checked by
/// mixdown_check_plot_path()).  #MIXDOWN_ERR_BAD_ARG with a message when
/// this build has no plots; #MIXDOWN_ERR_IO when the file cannot be written.
MixdownStatus unmask_plot_write(const UnmaskPlot* plot, const char* png_path, char* message, size_t message_size);

/// Does this build draw plots?  (Checked before the analysis, so that
/// `--plot` in a build without cairo fails at once and writes nothing.)
bool unmask_plot_available(void);

#endif
