// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/queue.h"

#include <stdlib.h>
#include <string.h>

bool
md_queue_init(MdQueue* q, size_t item_size, uint32_t capacity)
{
  uint32_t n = 1U;
  while (n < capacity) {
    n <<= 1U;
  }
  q->items     = calloc(n, item_size);
  q->item_size = item_size;
  q->capacity  = n;
  atomic_init(&q->head, 0U);
  atomic_init(&q->tail, 0U);
  return q->items != NULL;
}

void
md_queue_free(MdQueue* q)
{
  free(q->items);
  q->items = NULL;
}

bool
md_queue_push(MdQueue* q, const void* item)
{
  const uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
  const uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
  if (head - tail == q->capacity) {
    return false;
  }
  memcpy(q->items + (head & (q->capacity - 1U)) * q->item_size, item, q->item_size);
  atomic_store_explicit(&q->head, head + 1U, memory_order_release); // the item before the count
  return true;
}

bool
md_queue_pop(MdQueue* q, void* item)
{
  const uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
  const uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
  if (head == tail) {
    return false;
  }
  memcpy(item, q->items + (tail & (q->capacity - 1U)) * q->item_size, q->item_size);
  atomic_store_explicit(&q->tail, tail + 1U, memory_order_release); // done reading before the slot is reused
  return true;
}
