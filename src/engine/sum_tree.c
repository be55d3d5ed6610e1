// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/sum_tree.h"

#include "platform/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint32_t     first; ///< Its inputs: first … first + count - 1
  uint32_t     count;
  uint32_t     left;  ///< Children (node indices), when count > 1
  uint32_t     right;
  char         key[MD_CACHE_KEY_CHARS]; ///< "" when it cannot be cached
  MdCacheFile* cache; ///< Read (hit) or being written
  bool         hit;
} MdSumNode;

struct MdSumTree {
  MdSumNode*       nodes; ///< [0] is the root
  uint32_t         n_nodes;
  uint32_t         leaves;
  uint32_t         levels;  ///< Scratch levels: the depth of the tree
  float**          scratch; ///< [level * 2 + channel]: a right child's sum
  bool*            covered; ///< Per input
  uint32_t         sums_read;
  uint32_t         leaves_covered;
  double           cache_seconds;
  const MdKernels* kernels;
};

static uint32_t
build(MdSumTree* t, uint32_t first, uint32_t count)
{
  const uint32_t index = t->n_nodes++;
  MdSumNode*     node  = &t->nodes[index];
  node->first          = first;
  node->count          = count;
  if (count > 1U) {
    const uint32_t left_count = count - count / 2U; // the larger half first
    const uint32_t left       = build(t, first, left_count);
    const uint32_t right      = build(t, first + left_count, count - left_count);
    node->left                = left; // the node array never moves: allocated whole
    node->right               = right;
  }
  return index;
}

MdSumTree*
md_sum_tree_new(uint32_t leaves, uint32_t max_frames, const MdKernels* kernels)
{
  MdSumTree* t = calloc(1U, sizeof(MdSumTree));
  if (!t || !leaves) {
    free(t);
    return NULL;
  }
  t->leaves  = leaves;
  t->kernels = kernels;
  for (uint32_t span = 1U; span < leaves; span *= 2U) {
    ++t->levels;
  }
  t->nodes   = calloc(2U * (size_t)leaves - 1U, sizeof(MdSumNode));
  t->covered = calloc(leaves, sizeof(bool));
  t->scratch = calloc(2U * (size_t)t->levels + 1U, sizeof(float*));
  if (!t->nodes || !t->covered || !t->scratch) {
    md_sum_tree_free(t);
    return NULL;
  }
  for (uint32_t i = 0U; i < 2U * t->levels; ++i) {
    if (!(t->scratch[i] = calloc(max_frames, sizeof(float)))) {
      md_sum_tree_free(t);
      return NULL;
    }
  }
  build(t, 0U, leaves);
  return t;
}

void
md_sum_tree_free(MdSumTree* t)
{
  if (!t) {
    return;
  }
  for (uint32_t i = 0U; t->nodes && i < t->n_nodes; ++i) {
    md_cache_close(t->nodes[i].cache);
  }
  for (uint32_t i = 0U; t->scratch && i < 2U * t->levels; ++i) {
    free(t->scratch[i]);
  }
  free(t->scratch);
  free(t->covered);
  free(t->nodes);
  free(t);
}

// A node's key from its children's: a change anywhere below changes it.
static void
make_keys(MdSumTree* t, uint32_t index, const MdSumInput* inputs)
{
  MdSumNode* node = &t->nodes[index];
  if (node->count == 1U) {
    snprintf(node->key, sizeof node->key, "%s", inputs[node->first].key);
    return;
  }
  make_keys(t, node->left, inputs);
  make_keys(t, node->right, inputs);
  const char* left  = t->nodes[node->left].key;
  const char* right = t->nodes[node->right].key;
  if (!left[0] || !right[0]) {
    node->key[0] = '\0';
    return;
  }
  MdRecipe recipe = {0};
  md_recipe_add(&recipe, "sum %s %s\n", left, right);
  if (!recipe.failed) {
    md_cache_key(&recipe, node->key);
  }
  md_recipe_free(&recipe);
}

static void
open_node(MdSumTree* t, uint32_t index, const MdCacheSpec* files, const MdSumInput* inputs)
{
  MdSumNode* node = &t->nodes[index];
  if (node->count == 1U) {
    return; // an input: cached, if at all, by its owner
  }
  if (node->key[0]) {
    bool fresh = true;
    for (uint32_t i = 0U; i < node->count; ++i) {
      fresh = fresh && !inputs[node->first + i].reused;
    }
    MdCacheSpec spec   = *files;
    spec.kind          = MD_CACHE_SUM;
    spec.channels      = 2U;
    spec.n_meters      = 0U;
    spec.write_on_miss = fresh;
    spec.verify        = true; // read at once if found: checked at once (a damaged one is a miss)
    char message[256];
    node->cache = md_cache_open(&spec, node->key, &node->hit, message, sizeof message);
  }
  if (node->hit) {
    md_cache_touch(node->cache);
    ++t->sums_read;
    t->leaves_covered += node->count;
    memset(t->covered + node->first, 1, node->count * sizeof(bool));
    return;
  }
  open_node(t, node->left, files, inputs);
  open_node(t, node->right, files, inputs);
}

void
md_sum_tree_open_cache(MdSumTree* t, const MdCacheSpec* files, const MdSumInput* inputs)
{
  make_keys(t, 0U, inputs);
  open_node(t, 0U, files, inputs);
}

bool
md_sum_tree_covered(const MdSumTree* t, uint32_t leaf)
{
  return t->covered[leaf];
}

double
md_sum_tree_cache_seconds(const MdSumTree* t)
{
  return t->cache_seconds;
}

void
md_sum_tree_cache_stats(const MdSumTree* t, uint32_t* sums_read, uint32_t* leaves_covered)
{
  *sums_read      = t->sums_read;
  *leaves_covered = t->leaves_covered;
}

// out = the node's sum.  `level` is the first scratch level free for it.
static MixdownStatus
sum_node(MdSumTree* t, uint32_t index, float* const* out, uint32_t n, uint32_t level, MdSumLeaf add_leaf,
         void* user)
{
  MdSumNode* node = &t->nodes[index];
  if (node->hit) {
    const double start     = md_clock_seconds();
    const float* planes[2] = {NULL, NULL};
    if (md_cache_view(node->cache, planes, n)) {
      return MIXDOWN_ERR_IO;
    }
    memcpy(out[0], planes[0], n * sizeof(float));
    memcpy(out[1], planes[1], n * sizeof(float));
    md_cache_release(node->cache);
    t->cache_seconds += md_clock_seconds() - start;
    return MIXDOWN_SUCCESS;
  }
  if (node->count == 1U) {
    memset(out[0], 0, n * sizeof(float));
    memset(out[1], 0, n * sizeof(float));
    add_leaf(user, node->first, out, n);
    return MIXDOWN_SUCCESS;
  }
  MixdownStatus st = sum_node(t, node->left, out, n, level, add_leaf, user);
  if (st) {
    return st;
  }
  const MdSumNode* right = &t->nodes[node->right];
  if (right->count == 1U) {
    // Added straight in: the same bits as adding (0 + x), because a sum
    // of terms that starts from +0 is never -0 (round to nearest).
    add_leaf(user, right->first, out, n);
  } else {
    float* const partial[2] = {t->scratch[2U * level], t->scratch[2U * level + 1U]};
    if ((st = sum_node(t, node->right, partial, n, level + 1U, add_leaf, user))) {
      return st;
    }
    t->kernels->mix_add(out[0], partial[0], 1.0F, n);
    t->kernels->mix_add(out[1], partial[1], 1.0F, n);
  }
  if (node->cache) {
    const double start = md_clock_seconds();
    if (md_cache_write(node->cache, (const float* const*)out, n)) {
      md_cache_close(node->cache); // a full disk costs the cache, not the render
      node->cache = NULL;
    }
    t->cache_seconds += md_clock_seconds() - start;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_sum_tree_sum(MdSumTree* t, float* const* out, uint32_t n, MdSumLeaf add_leaf, void* user)
{
  return sum_node(t, 0U, out, n, 0U, add_leaf, user);
}

void
md_sum_tree_commit(MdSumTree* t)
{
  const MdCacheExtras none = {0};
  for (uint32_t i = 0U; i < t->n_nodes; ++i) {
    MdSumNode* node = &t->nodes[i];
    if (node->cache && !node->hit) {
      md_cache_commit(node->cache, &none); // a failure costs the cache, not the render
      md_cache_close(node->cache);
      node->cache = NULL;
    }
  }
}
