// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The bus sum tree: its order of addition (the one every render uses), and
// its partial sums kept in, and read back from, a cache folder.

#include "engine/sum_tree.h"
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define FRAMES 64U

typedef struct {
  const float* values; ///< Input i is the constant values[i] on both channels…
  uint32_t     asked;  ///< …and how often an input was asked for
} Inputs;

static void
add_constant(void* user, uint32_t leaf, float* const* out, uint32_t n)
{
  Inputs* in = user;
  ++in->asked;
  for (int c = 0; c < 2; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      out[c][i] += in->values[leaf] * (c ? 0.5F : 1.0F);
    }
  }
}

static float
sum_once(MdSumTree* tree, Inputs* in)
{
  float  left[FRAMES], right[FRAMES];
  float* out[2] = {left, right};
  CHECK(md_sum_tree_sum(tree, out, FRAMES, add_constant, in) == MIXDOWN_SUCCESS);
  CHECK(left[FRAMES - 1U] == left[0] && right[0] == 0.5F * left[0]);
  return left[0];
}

// Float addition is not associative: with these five inputs the order
// decides the result.  In order from the left the sum is 1; in the tree
// ((x0 + x1) + x2) + (x3 + x4) — the larger half on the left — it is 0;
// with the smaller half on the left, (x0 + x1) + (x2 + (x3 + x4)), it is 2.
static void
test_order_is_the_fixed_tree(void)
{
  const float values[5] = {1.0F, 1.0F, 1e8F, -1e8F, 1.0F};
  float       in_order  = 0.0F;
  for (int i = 0; i < 5; ++i) {
    in_order += values[i];
  }
  CHECK(in_order == 1.0F);
  MdSumTree* tree = md_sum_tree_new(5U, FRAMES, md_kernels());
  Inputs     in   = {values, 0U};
  CHECK(tree && sum_once(tree, &in) == ((values[0] + values[1]) + values[2]) + (values[3] + values[4]));
  CHECK(tree && sum_once(tree, &in) == 0.0F);
  CHECK(in.asked == 10U);
  md_sum_tree_free(tree);
  // One input: itself.
  MdSumTree* one = md_sum_tree_new(1U, FRAMES, md_kernels());
  CHECK(one && sum_once(one, &in) == 1.0F);
  md_sum_tree_free(one);
}

static uint32_t
count_files(const char* dir, const char* ending)
{
  uint32_t n = 0U;
  DIR*     d = opendir(dir);
  for (struct dirent* entry; d && (entry = readdir(d));) {
    const size_t len = strlen(entry->d_name), end = strlen(ending);
    n += len > end && !strcmp(entry->d_name + len - end, ending);
  }
  if (d) {
    closedir(d);
  }
  return n;
}

// One render of 4 blocks with the cache: keys per input, which inputs
// were reused.  Returns the sum; *sums_read / *covered as the tree saw.
static float
cached_render(const char* dir, const MdSumInput* inputs, const float* values, uint32_t* sums_read,
              uint32_t* covered, uint32_t* asked)
{
  MdSumTree*        tree  = md_sum_tree_new(8U, FRAMES, md_kernels());
  const MdCacheSpec files = {.dir = dir, .frames = 4U * FRAMES, .write_on_miss = true};
  Inputs            in    = {values, 0U};
  float             sum   = 0.0F;
  CHECK(tree != NULL);
  if (!tree) {
    return 0.0F;
  }
  md_sum_tree_open_cache(tree, &files, inputs);
  for (int block = 0; block < 4; ++block) {
    sum = sum_once(tree, &in);
  }
  md_sum_tree_commit(tree);
  md_sum_tree_cache_stats(tree, sums_read, covered);
  *asked = in.asked;
  md_sum_tree_free(tree);
  return sum;
}

static void
test_partial_sums_in_the_cache(void)
{
  const char*  dir = test_path("sumcache");
  float        values[8];
  MdSumInput   inputs[8];
  uint32_t     sums = 0U, covered = 0U, asked = 0U;
  for (int i = 0; i < 8; ++i) {
    values[i] = 0.1F * (float)(i + 1);
    snprintf(inputs[i].key, sizeof inputs[i].key, "%032d", i);
    inputs[i].reused = false;
  }
  CHECK(mkdir(dir, 0777) == 0);
  // Cold: every input summed, every node of two or more written (7).
  const float cold = cached_render(dir, inputs, values, &sums, &covered, &asked);
  CHECK(sums == 0U && covered == 0U && asked == 4U * 8U && count_files(dir, ".mds") == 7U);
  // Warm: the root is read, no input is asked for.
  for (int i = 0; i < 8; ++i) {
    inputs[i].reused = true;
  }
  CHECK(cached_render(dir, inputs, values, &sums, &covered, &asked) == cold);
  CHECK_MSG(sums == 1U && covered == 8U && asked == 0U, "warm: %u sums, %u covered, %u asked", sums, covered, asked);
  // Input 6 changes: its sibling 7 is asked for, the sums [0, 4) and [4, 6)
  // are read, and no sum is written (its other inputs were reused).
  snprintf(inputs[6].key, sizeof inputs[6].key, "%032d", 66);
  values[6]        = 0.75F;
  inputs[6].reused = false;
  const float changed = cached_render(dir, inputs, values, &sums, &covered, &asked);
  CHECK_MSG(sums == 2U && covered == 6U && asked == 4U * 2U, "changed: %u sums, %u covered, %u asked", sums, covered,
            asked);
  CHECK(count_files(dir, ".mds") == 7U && count_files(dir, ".partial") == 0U);
  // The same bits as summing without a cache.
  MdSumTree* plain = md_sum_tree_new(8U, FRAMES, md_kernels());
  Inputs     in    = {values, 0U};
  CHECK(plain && sum_once(plain, &in) == changed);
  md_sum_tree_free(plain);
  // An input that cannot be cached ("" key): nothing above it is.
  inputs[0].key[0] = '\0';
  cached_render(dir, inputs, values, &sums, &covered, &asked);
  // [2, 4) and [4, 6) are read; [0, 4), [0, 2) and the root are not cached.
  CHECK_MSG(sums == 2U && covered == 4U, "uncacheable input 0: %u sums, %u covered", sums, covered);
}

const TestCase sum_tree_tests[] = {
  {"sum tree: inputs add in the fixed pairwise order, not from the left", test_order_is_the_fixed_tree},
  {"sum tree: partial sums cached, read instead of their inputs, same bits", test_partial_sums_in_the_cache},
  {NULL, NULL},
};
