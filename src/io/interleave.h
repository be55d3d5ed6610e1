// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Planar left/right to the interleaved frames libsndfile and libebur128 take.
//
// Thread: any; no allocation (used by the writer and the premaster).

#ifndef MD_INTERLEAVE_H
#define MD_INTERLEAVE_H

#include <stdint.h>

static inline void
md_interleave_stereo(float* frames, const float* left, const float* right, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    frames[2U * i]      = left[i];
    frames[2U * i + 1U] = right[i];
  }
}

#endif
