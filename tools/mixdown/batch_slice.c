// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Which items a `batch run` renders.  Shards are contiguous blocks, not
// every N-th item: plan sorts items so that neighbours share sources, and
// a block keeps them on one machine (one cache fill).  `status` uses the
// same rule to name the shards that are missing something.

#include "batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

BatchSlice
batch_shard(size_t k, size_t n_shards, size_t n_items)
{
  // ⌊k·M/N⌋ as k·⌊M/N⌋ + ⌊k·(M mod N)/N⌋: k·M itself may overflow, k·(M mod N) < N² cannot
  // (N ≤ BATCH_MAX_SHARDS).
  const size_t q = n_items / n_shards, r = n_items % n_shards;
  BatchSlice   s = {k * q + k * r / n_shards, (k + 1U) * q + (k + 1U) * r / n_shards};
  return s;
}

bool
batch_parse_count(const char* text, size_t* out)
{
  char* end = NULL;
  errno     = 0;
  if (!text || text[0] < '0' || text[0] > '9') {
    return false;
  }
  const unsigned long long x = strtoull(text, &end, 10);
  if (errno || *end || x > (unsigned long long)SIZE_MAX / 2U) {
    return false;
  }
  *out = (size_t)x;
  return true;
}

// "A<sep>B" into two counts.
static bool
parse_pair(const char* text, char separator, size_t* a, size_t* b)
{
  const char* mark = strchr(text, separator);
  if (!mark || (size_t)(mark - text) >= 32U) {
    return false;
  }
  char first[32];
  memcpy(first, text, (size_t)(mark - text));
  first[mark - text] = '\0';
  return batch_parse_count(first, a) && batch_parse_count(mark + 1, b);
}

bool
batch_parse_shard(const char* text, size_t* k, size_t* n_shards)
{
  // (no scheduler runs more than a million tasks of one job: Slurm's MaxArraySize is 4 000 001 at most)
  return parse_pair(text, '/', k, n_shards) && *n_shards > 0U && *n_shards <= BATCH_MAX_SHARDS && *k < *n_shards;
}

bool
batch_parse_range(const char* text, size_t* first, size_t* end)
{
  return parse_pair(text, ':', first, end) && *first < *end;
}
