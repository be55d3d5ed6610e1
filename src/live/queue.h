// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A lock-free queue of fixed-size items between exactly one producer thread
// and one consumer thread: control moves to the audio thread, and what the
// audio thread did (applied moves, meters) back.  Push and pop copy; neither
// allocates, locks or waits, so both are safe on the audio thread.

#ifndef MD_QUEUE_H
#define MD_QUEUE_H

#include "util/realtime.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  unsigned char*   items;
  size_t           item_size;
  uint32_t         capacity; ///< A power of two
  _Atomic uint64_t head;     ///< Items pushed (producer writes)
  _Atomic uint64_t tail;     ///< Items popped (consumer writes)
} MdQueue;

/// A queue of at least `capacity` items of `item_size` bytes.
bool md_queue_init(MdQueue* queue, size_t item_size, uint32_t capacity);
void md_queue_free(MdQueue* queue);

/// Producer: copies `item` in; false (and nothing changes) when full.
MD_REALTIME bool md_queue_push(MdQueue* queue, const void* item);
/// Consumer: copies the oldest item out; false when empty.
MD_REALTIME bool md_queue_pop(MdQueue* queue, void* item);

#endif
