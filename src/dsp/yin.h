// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// YIN fundamental-period detection (de Cheveigné & Kawahara, 2002) for the
// pitch processors.  The difference function is computed through one FFT
// cross-correlation (d(τ) = e(0) + e(τ) − 2·r(τ)) rather than W·T direct
// differences: at a 60 Hz floor and 48 kHz the pitch shifter as a whole
// went from 17× to 285× real time (one core), with the same numbers.
//
// Thread: md_yin_create/destroy control; md_yin_period on the audio thread
// (MD_REALTIME: precomputed FFT plans, no allocation).

#ifndef MD_YIN_H
#define MD_YIN_H

#include "util/realtime.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct MdYin MdYin;

/// Control: a detector for periods of min_lag … max_lag frames; its windows
/// are 2 × max_lag frames.  NULL when out of memory.
MdYin* md_yin_create(uint32_t min_lag_frames, uint32_t max_lag_frames);
void   md_yin_destroy(MdYin* self);

/// Audio: the period of `window` (2 × max_lag frames), in frames, refined
/// between lags.  Returns false when the window is silent or not periodic
/// enough to call voiced.
MD_REALTIME bool md_yin_period(MdYin* self, const float* window, double* period_frames);

#endif
