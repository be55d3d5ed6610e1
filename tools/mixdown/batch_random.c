// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The counter-based generator of `mixdown batch plan`: every drawn value is
// a pure function of (seed, item id, address, draw number), so an item's
// values never depend on the order of the items, their count, the shard
// or the machine.  The key is the 64-bit FNV-1a hash of the three; each
// draw is SplitMix64's finaliser over key + draw × the golden ratio (a
// bijection with good avalanche: neighbouring counters give unrelated
// outputs).

#include "batch_random.h"

#include <math.h>
#include <string.h>

static uint64_t
fnv1a(uint64_t hash, const void* bytes, size_t length)
{
  const unsigned char* p = bytes;
  for (size_t i = 0U; i < length; ++i) {
    hash ^= p[i];
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

static uint64_t
splitmix64(uint64_t x)
{
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

BatchRandom
batch_random_key(uint64_t seed, const char* id, const char* address)
{
  uint64_t hash = 0xcbf29ce484222325ULL;
  unsigned char le[8];
  for (int i = 0; i < 8; ++i) {
    le[i] = (unsigned char)(seed >> (8 * i)); // the same bytes on every machine
  }
  hash = fnv1a(hash, le, sizeof le);
  hash = fnv1a(hash, id, strlen(id) + 1U); // the terminator separates id from address
  hash = fnv1a(hash, address, strlen(address) + 1U);
  return (BatchRandom){splitmix64(hash)};
}

double
batch_random_uniform(BatchRandom key, uint32_t draw)
{
  const uint64_t bits = splitmix64(key.key + (uint64_t)(draw + 1U) * 0x9e3779b97f4a7c15ULL);
  return (double)(bits >> 11) * 0x1.0p-53; // 53 bits: [0, 1)
}

double
batch_random_normal(BatchRandom key)
{
  // Box–Muller from draws 0 and 1; 1 - u keeps the logarithm's argument in (0, 1].
  const double u1 = 1.0 - batch_random_uniform(key, 0U);
  const double u2 = batch_random_uniform(key, 1U);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}
