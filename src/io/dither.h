// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Types only (any thread).

#ifndef MD_DITHER_H
#define MD_DITHER_H

/// How the writer reduces the word length of integer outputs.
typedef enum {
  MD_DITHER_TPDF,   ///< Triangular dither, ±1 LSB: flat noise, no distortion
  MD_DITHER_SHAPED, ///< TPDF plus error feedback that moves the noise out of 1–6 kHz
  MD_DITHER_NONE,   ///< Rounding only
} MdDither;

#endif
