// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/ring.h"

#include <stdlib.h>
#include <string.h>

bool
md_ring_init(MdRing* ring, uint32_t frames)
{
  return md_ring_init_planes(ring, frames, 2U);
}

bool
md_ring_init_planes(MdRing* ring, uint32_t frames, uint32_t planes)
{
  uint32_t capacity = 1U;
  while (capacity < frames) {
    capacity <<= 1U;
  }
  ring->capacity = capacity;
  ring->planes   = planes < 3U ? 2U : 3U;
  bool ok        = true;
  for (uint32_t c = 0U; c < 3U; ++c) {
    ring->data[c] = c < ring->planes ? calloc(capacity, sizeof(float)) : NULL;
    ok            = ok && (c >= ring->planes || ring->data[c]);
  }
  atomic_init(&ring->written_frames, 0U);
  atomic_init(&ring->read_frames, 0U);
  return ok;
}

void
md_ring_free(MdRing* ring)
{
  for (int c = 0; c < 3; ++c) {
    free(ring->data[c]);
    ring->data[c] = NULL;
  }
}

uint32_t
md_ring_space(MdRing* ring)
{
  const uint64_t written_frames = atomic_load_explicit(&ring->written_frames, memory_order_relaxed);
  const uint64_t read_frames    = atomic_load_explicit(&ring->read_frames, memory_order_acquire);
  return ring->capacity - (uint32_t)(written_frames - read_frames);
}

// Copies `n` frames between a linear buffer and the ring at `pos`, in at
// most two pieces (the ring's end, then its start).
static void
copy_wrapped(float* ring_plane, uint32_t capacity, uint64_t pos, float* linear, uint32_t n, bool to_ring)
{
  const uint32_t at    = (uint32_t)(pos & (capacity - 1U));
  const uint32_t first = n < capacity - at ? n : capacity - at;
  if (to_ring) {
    memcpy(ring_plane + at, linear, first * sizeof(float));
    memcpy(ring_plane, linear + first, (n - first) * sizeof(float));
  } else {
    memcpy(linear, ring_plane + at, first * sizeof(float));
    memcpy(linear + first, ring_plane, (n - first) * sizeof(float));
  }
}

void
md_ring_write(MdRing* ring, const float* const* in, uint32_t n)
{
  const uint64_t written_frames = atomic_load_explicit(&ring->written_frames, memory_order_relaxed);
  for (uint32_t c = 0U; c < ring->planes; ++c) {
    copy_wrapped(ring->data[c], ring->capacity, written_frames, (float*)in[c], n, true);
  }
  atomic_store_explicit(&ring->written_frames, written_frames + n, memory_order_release); // the frames before the count
}

void
md_ring_peek(const MdRing* ring, uint64_t at, float* const* out, uint32_t channels, uint32_t n)
{
  for (uint32_t c = 0U; c < channels; ++c) {
    copy_wrapped(ring->data[c], ring->capacity, at, out[c], n, false);
  }
}

void
md_ring_release(MdRing* ring, uint64_t pos)
{
  const uint64_t written_frames = atomic_load_explicit(&ring->written_frames, memory_order_acquire);
  atomic_store_explicit(&ring->read_frames, pos < written_frames ? pos : written_frames, memory_order_release);
}
