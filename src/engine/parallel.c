// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Threads.  Tracks that no sidechain keys into ("parallel" tracks) depend
// on nothing but their own clips, so each block first renders all of them
// up to their edges, on a fixed pool of workers (pool.h), into buffers of
// their own; then, on the calling thread and in plan order, their edges
// feed the buses and every other node renders (block.c).  Meanwhile the
// helpers may already render the next block's parallel tracks into the
// other bank of buffers (look-ahead).  The sums happen in the same order
// whatever the thread count, so the output is the same to the bit with 1
// thread or 64.
// Thread: building the banks and workers on the control thread; the rest
// inside a pull (the calling thread and the helpers).

#include "engine/engine_internal.h"

#include "platform/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Read-outs (meters, levels, times) between pulls: the helpers may be
// rendering the next block's parallel tracks; let them finish first.
void
md_engine_settle(const MixdownEngine* e)
{
  if (e && e->ahead) {
    md_engine_finish_ahead((MixdownEngine*)e); // logically const: completes work already under way
  }
}

// Parallel tracks get insert, pre- and post-fader buffers of their own:
// they are all rendered before any of them feeds its edges.
MixdownStatus
md_engine_build_parallel(MixdownEngine* e)
{
  if (!(e->parallel = calloc(e->n_nodes, sizeof(uint32_t)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t k = 0U; k < e->n_nodes; ++k) {
    const uint32_t index = e->plan.order[k];
    MdEngineNode*  node  = &e->nodes[index];
    bool           keyed = false;
    for (size_t j = 0U; j < node->n_inserts; ++j) {
      keyed = keyed || node->inserts[j].key_node != MD_NO_NODE;
    }
    if (node->kind != MD_NODE_TRACK || keyed) {
      continue;
    }
    node->parallel               = true;
    e->parallel[e->n_parallel++] = index;
    const bool had_buf           = node->io.own_buf; // a key node's: it becomes bank 0…
    for (int c = 0; had_buf && c < 2; ++c) {
      node->io.bank_buf[0][c] = node->io.buf[c]; // …now, so that a failure below frees it with the banks
    }
    node->io.own_buf                = false;         // the banks own every buffer now
    // Only what the calling thread reads while the helpers render ahead
    // needs a second bank: the insert output of a sidechain key, the
    // pre-fader signal of a node with pre-fader sends, the post-fader one.
    const bool pre_sends = node->pre_sends;
    node->lazy.plain_sum      = md_engine_lazy_candidate(e, node);
    node->lazy.active      = node->lazy.plain_sum;
    for (int b = 0; b < 2 && node->lazy.active && (node->lazy.gain_linear[0] > 1.0f || node->lazy.gain_linear[1] > 1.0f); ++b) {
      for (int c = 0; c < 2; ++c) {
        if (!(node->lazy.safe[b][c] = md_engine_new_buffer())) {
          return MIXDOWN_ERR_NO_MEM;
        }
      }
    }
    for (int b = 0; b < 2; ++b) {
      for (int c = 0; c < 2; ++c) {
        node->io.bank_buf[b][c]  = b == 0 ? (had_buf ? node->io.bank_buf[0][c] : md_engine_new_buffer())
                                : node->is_key || node->lazy.active ? md_engine_new_buffer()
                                                                  : node->io.bank_buf[0][c];
        node->io.bank_pre[b][c]  = b == 0 || pre_sends ? md_engine_new_buffer() : node->io.bank_pre[0][c];
        node->io.bank_post[b][c] = node->lazy.active ? NULL : md_engine_new_buffer();
        if (!node->io.bank_buf[b][c] || !node->io.bank_pre[b][c] || (!node->lazy.active && !node->io.bank_post[b][c])) {
          return MIXDOWN_ERR_NO_MEM;
        }
      }
    }
    for (int c = 0; c < 2; ++c) {
      node->io.buf[c]  = node->io.bank_buf[0][c];
      node->io.pre[c]  = node->io.bank_pre[0][c];
      node->io.post[c] = node->io.bank_post[0][c];
    }
  }
  return MIXDOWN_SUCCESS;
}

static void
free_worker(MdWorker* w)
{
  free(w->clip_buf[0]);
  free(w->clip_buf[1]);
  free(w->mono_buf);
  free(w->scratch_a);
  free(w->scratch_b);
  free(w->dry_buf[0]);
  free(w->dry_buf[1]);
}

// `count` workers (0: none) and a pool of count - 1 helper threads.
MixdownStatus
md_engine_set_workers(MixdownEngine* e, uint32_t count)
{
  md_pool_free(e->pool);
  e->pool = NULL;
  for (uint32_t i = 0U; i < e->n_workers; ++i) {
    free_worker(&e->workers[i]);
  }
  free(e->workers);
  e->workers   = NULL;
  e->n_workers = 0U;
  if (!count) {
    return MIXDOWN_SUCCESS;
  }
  if (!(e->workers = calloc(count, sizeof(MdWorker)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  e->n_workers = count;
  for (uint32_t i = 0U; i < count; ++i) {
    MdWorker* w     = &e->workers[i];
    w->clip_buf[0]  = md_engine_new_buffer();
    w->clip_buf[1]  = md_engine_new_buffer();
    w->mono_buf     = md_engine_new_buffer();
    w->scratch_a    = calloc(MD_BLOCK_FRAMES, sizeof(double));
    w->scratch_b    = calloc(MD_BLOCK_FRAMES, sizeof(double));
    w->dry_buf[0]   = md_engine_new_buffer();
    w->dry_buf[1]   = md_engine_new_buffer();
    w->kernels      = md_kernels();
    if (!w->clip_buf[0] || !w->clip_buf[1] || !w->mono_buf || !w->scratch_a || !w->scratch_b || !w->dry_buf[0] ||
        !w->dry_buf[1]) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  if (count > 1U && !(e->pool = md_pool_new(count - 1U))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_engine_set_threads(MixdownEngine* e, uint32_t threads)
{
  if (!e || e->position_frame != 0) {
    return MIXDOWN_ERR_BAD_ARG; // only before the first pull
  }
  uint32_t count = threads ? threads : md_pool_cores();
  // More workers than parallel tracks would only wait.
  if (count > e->n_parallel) {
    count = e->n_parallel ? (uint32_t)e->n_parallel : 1U;
  }
  if (count == e->n_workers) {
    return MIXDOWN_SUCCESS;
  }
  const MixdownStatus st = md_engine_set_workers(e, count);
  if (st) {
    md_engine_set_workers(e, 1U);
  }
  return st;
}

uint32_t
mixdown_engine_threads(const MixdownEngine* e)
{
  return e ? e->n_workers : 0U;
}

// A pool job: take parallel tracks one by one until none are left.
static void
render_parallel_tracks(void* context, uint32_t worker)
{
  MixdownEngine* e     = context;
  MdWorker*      w     = &e->workers[worker];
  const double   start = md_clock_seconds();
  for (size_t k; !w->status && (k = atomic_fetch_add(&e->next_parallel, 1U)) < e->n_parallel;) {
    MdEngineNode*       node = &e->nodes[e->parallel[k]];
    const MixdownStatus st =
      node->cache.covered ? MIXDOWN_SUCCESS : md_engine_render_strip(e, w, node, e->block_start_frame, e->block_frames, e->block_bank);
    if (st) {
      w->status    = st;
      w->failed_at = k;
    } else if (atomic_fetch_add(&e->parallel_done, 1U) + 1U == e->n_parallel &&
               (w->status = md_engine_sum_prefixes(e, w, e->block_frames, e->block_bank))) {
      w->failed_at = k; // the last one done: all inputs are ready
    }
  }
  w->busy_seconds += md_clock_seconds() - start;
}

// Folds the workers' tallies into the engine; the failure that counts is
// the one earliest in plan order, as a single thread would have met it.
MixdownStatus
md_engine_merge_workers(MixdownEngine* e)
{
  MixdownStatus st    = MIXDOWN_SUCCESS;
  size_t        first = SIZE_MAX;
  for (uint32_t i = 0U; i < e->n_workers; ++i) {
    MdWorker* w = &e->workers[i];
    e->non_finite += w->non_finite;
    e->source_seconds += w->source_seconds;
    e->cache_seconds += w->cache_seconds;
    e->block_seconds += w->busy_seconds;
    w->non_finite = 0U;
    w->source_seconds = w->cache_seconds = w->busy_seconds = 0.0;
    if (w->status && w->failed_at < first) {
      first = w->failed_at;
      st    = w->status;
      snprintf(e->message, sizeof e->message, "%s", w->message);
    }
    w->status = MIXDOWN_SUCCESS;
  }
  return st;
}

// Sets the parallel tracks of the block at `t0` going: on the helpers only
// (the caller joins later), or, without a pool, right here.
void
md_engine_start_parallel(MixdownEngine* e, int64_t t0, uint32_t n, uint32_t bank, bool ahead)
{
  e->block_start_frame = t0;
  e->block_frames = n;
  e->block_bank   = bank;
  atomic_store(&e->next_parallel, 0U);
  atomic_store(&e->parallel_done, 0U);
  if (ahead) {
    md_pool_start(e->pool, render_parallel_tracks, e);
    e->ahead = true;
  } else if (e->pool) {
    md_pool_run(e->pool, render_parallel_tracks, e);
  } else {
    render_parallel_tracks(e, 0U);
  }
}

// Waits for (and helps with) parallel tracks started ahead, if any.
void
md_engine_finish_ahead(MixdownEngine* e)
{
  if (e->ahead) {
    md_pool_join(e->pool);
    e->ahead = false;
    e->ready = true; // the next block's parallel tracks are rendered: not again
  }
}
