// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The dither an output file is written with: chosen by the session
// (`output: {dither: …}`, session/model.h) and applied by the writer
// (io/writer.h), so it lives below both.  Types only (any thread).

#ifndef MD_UTIL_DITHER_H
#define MD_UTIL_DITHER_H

/// How the writer reduces the word length of integer outputs.
typedef enum {
  MD_DITHER_TPDF,   ///< Triangular dither, ±1 LSB: flat noise, no distortion
  MD_DITHER_SHAPED, ///< TPDF plus error feedback that moves the noise out of 1–6 kHz
  MD_DITHER_NONE,   ///< Rounding only
} MdDither;

#endif
