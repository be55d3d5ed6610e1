// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The counter-based generator of `mixdown batch plan` (batch_random.c):
// values keyed by (seed, item id, address), never by order.

#ifndef MIXDOWN_BATCH_RANDOM_H
#define MIXDOWN_BATCH_RANDOM_H

#include <stdint.h>

typedef struct {
  uint64_t key;
} BatchRandom;

/// The stream of one (seed, id, address).
BatchRandom batch_random_key(uint64_t seed, const char* id, const char* address);

/// Draw number `draw` of the stream, uniform in [0, 1) (53 bits).
double batch_random_uniform(BatchRandom key, uint32_t draw);

/// A standard normal value from draws 0 and 1 (Box–Muller).
double batch_random_normal(BatchRandom key);

#endif
