// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A lock-free ring of audio frames (stereo, or three planes for a track
// whose mono clips travel apart: engine/clip.h) between exactly one writer thread
// and one reader thread.  Positions count frames since the ring was made
// (they never wrap in practice: 2^64 frames), so "how much is there" is a
// subtraction, and each side owns the counter it advances.

#ifndef MD_RING_H
#define MD_RING_H

#include "util/realtime.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
  float*           data[3];        ///< One plane per channel, `capacity` frames each
  uint32_t         planes;         ///< 2, or 3
  uint32_t         capacity;       ///< Frames per plane, a power of two (named in the unit tests)
  _Atomic uint64_t written_frames; ///< Frames the writer has made available
  _Atomic uint64_t read_frames;    ///< Frames the reader is done with
} MdRing;

/// A stereo ring of at least `frames` frames (rounded up to a power of two).
bool md_ring_init(MdRing* ring, uint32_t frames);
/// …of `planes` (2 or 3) channels.
bool md_ring_init_planes(MdRing* ring, uint32_t frames, uint32_t planes);
void md_ring_free(MdRing* ring);

/// Writer: frames that may be written now.
MD_REALTIME uint32_t md_ring_space(MdRing* ring);
/// Writer: appends `n` frames (at most md_ring_space()) from `in` (one
/// buffer per plane).
MD_REALTIME void md_ring_write(MdRing* ring, const float* const* in, uint32_t n);

/// Reader: copies `n` frames from absolute position `at` (which must still
/// be in the ring: md_ring_read_pos() <= at and at + n <= written) into
/// `out` (`channels` planes; a mono reader gets the first plane).
MD_REALTIME void md_ring_peek(const MdRing* ring, uint64_t at, float* const* out, uint32_t channels, uint32_t n);
/// Reader: done with every frame before `pos` (never past what is written).
MD_REALTIME void md_ring_release(MdRing* ring, uint64_t pos);

#endif
