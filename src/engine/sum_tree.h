// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A bus's inputs summed in a fixed pairwise tree, whose partial sums the
// render cache can keep.  Float addition is not associative, so the order
// of a sum is part of its result: the tree's shape depends only on the
// number of inputs (each node halves its range, the left half the larger),
// and every render — cached or not, on any number of threads — adds in
// that shape, so they all give the same bits.
//
// With a cache folder, every node of two or more inputs has a file whose
// key hashes its children's keys (a leaf's key is the caller's: the
// input's cache key with its gains).  A node whose file exists is read
// instead of summed, and the inputs below it are never looked at: when
// one track of 32 changes, its bus reads 4 sums and one track instead of
// 31 tracks.
// Thread: new, open_cache, commit and free on the control thread (commit:
// in the last pull); md_sum_tree_sum() on whichever helper finishes a
// block's parallel tracks (offline only).

#ifndef MD_SUM_TREE_H
#define MD_SUM_TREE_H

#include "dsp/kernels/kernels.h"
#include "engine/cache.h"
#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct MdSumTree MdSumTree;

/// What the cache knows of one input.
typedef struct {
  char key[MD_CACHE_KEY_CHARS]; ///< Its key ("" when it cannot be cached)
  bool reused;                  ///< Read from its own cache file in this render
} MdSumInput;

/// Adds input `leaf` into `out` (two planes of `frames`): dst += its signal.
typedef void (*MdSumLeaf)(void* user, uint32_t leaf, float* const* out, uint32_t frames);

/// A tree over `leaves` inputs (at least 1) for blocks of up to
/// `max_frames`; NULL when out of memory.
MdSumTree* md_sum_tree_new(uint32_t leaves, uint32_t max_frames, const MdKernels* kernels);
void       md_sum_tree_free(MdSumTree* tree);

/// Opens the cache files (folder, length and buffer from `files`), from the
/// top: a node found complete is read, and nothing below it is opened.
/// `inputs[i].key` is input i's key, or "" when it cannot be cached (no
/// node above it is then cached either).  A sum not found is written only
/// when none of its inputs is `reused` (read from its own cache file): a
/// first render writes every sum, a re-render after a change writes none
/// — writing costs several times what reading does, and the sums beside
/// the changed track's path, the ones a later change reads, are still
/// there.  A file that cannot be opened costs the cache, not the render.
void md_sum_tree_open_cache(MdSumTree* tree, const MdCacheSpec* files, const MdSumInput* inputs);

/// True when input `leaf` lies under a node read from the cache: its
/// signal is never asked for.
bool md_sum_tree_covered(const MdSumTree* tree, uint32_t leaf);
/// Time spent reading and writing the cache's sums (seconds).
double md_sum_tree_cache_seconds(const MdSumTree* tree);
/// Nodes read from the cache, and inputs they cover.
void md_sum_tree_cache_stats(const MdSumTree* tree, uint32_t* sums_read, uint32_t* leaves_covered);

/// out = the sum of every input, in the tree's order.
MixdownStatus md_sum_tree_sum(MdSumTree* tree, float* const* out, uint32_t frames, MdSumLeaf add_leaf,
                              void* user);

/// The whole render is done: the sums written are kept.
void md_sum_tree_commit(MdSumTree* tree);

#endif
