// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The machinery behind `pitch_correct` and `pitch_shift`: a streaming
// pitch-synchronous overlap-add (TD-PSOLA) shifter with its own YIN pitch
// tracker (yin.h).  The owner decides, once per analysis hop, the pitch ratio for
// the period just measured; the shifter does the rest.
//
// Why PSOLA: each grain is two periods of the input, windowed, so it keeps
// the vocal tract's resonances (the formants); only the spacing of the
// grains changes.  A corrected voice keeps its vowels instead of sounding
// chipmunked, which resampling-based shifters cannot do.  Unvoiced input
// (s, t, breath) is passed through untouched: the grains are laid back
// where they came from, which reconstructs the input exactly.
//
// Thread: md_psola_create/destroy control; the others on the audio thread
// (MD_REALTIME).

#ifndef MD_PSOLA_H
#define MD_PSOLA_H

#include "util/realtime.h"

#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

/// What the tracker heard over one hop.
typedef struct {
  bool   voiced;
  double period_frames; ///< Fundamental period (when voiced)
} MdPitchFrame;

/// The owner's decision for one hop: the pitch ratio to apply (1: none).
typedef double (*MdPsolaRatioFn)(void* owner, const MdPitchFrame* frame);

typedef struct MdPsola MdPsola;

/// Control: a shifter for `channels` channels at `sample_rate`, detecting
/// fundamentals from `min_hz` to `max_hz`.  NULL when out of memory.
MdPsola* md_psola_create(uint32_t channels, double sample_rate_hz, double min_hz, double max_hz,
                         MdPsolaRatioFn ratio_fn, void* owner);
void     md_psola_destroy(MdPsola* self);

/// Audio: shift `frames` frames (in and out may be the same buffers).
MD_REALTIME void md_psola_process(MdPsola* self, const float* const* in, float* const* out, uint32_t frames);

/// Audio: clear all history.
MD_REALTIME void md_psola_reset(MdPsola* self);

/// Frames of delay between input and output.
MD_REALTIME uint32_t md_psola_latency(const MdPsola* self);

/// The last hop's tracking (for meters).
MD_REALTIME MdPitchFrame md_psola_last_frame(const MdPsola* self);

#endif
