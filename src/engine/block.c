// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// One block of the mix in plan order, and pulling the mix block by block
// (the first `latency` frames of the timeline are the master path's delay
// and are dropped).  The engine knows nothing of any one processor: it
// drives them through MdProcessorClass and feeds automation to them
// through set_param().
// Thread: audio (the pull's calling thread; the read-outs at the end:
// any thread between pulls).

#include "engine/engine_internal.h"

#include "platform/clock.h"
#include "platform/fpu.h"

#include <stdio.h>
#include <string.h>

// A node's non-finite note of this block, merged in plan order.
static void
merge_note(MixdownEngine* e, MdEngineNode* node, uint32_t bank)
{
  char* fader = node->fader_notes[node->parallel ? bank : 0U];
  char* note  = node->notes[node->parallel ? bank : 0U];
  if (fader[0] && !note[0] && !e->non_finite_where[0]) {
    snprintf(e->non_finite_where, sizeof e->non_finite_where, "%s", fader);
  }
  fader[0] = '\0';
  if (!note[0]) {
    return;
  }
  if (!node->first_note[0]) {
    snprintf(node->first_note, sizeof node->first_note, "%s", note);
  }
  if (!e->non_finite_where[0]) {
    snprintf(e->non_finite_where, sizeof e->non_finite_where, "%s", note);
  }
  note[0] = '\0';
}

// One block: the parallel tracks (started during the previous block, or
// now), then — while the helpers already start the next block's parallel
// tracks in the other bank — the edges and serial nodes in plan order.
static MixdownStatus
render_nodes(MixdownEngine* e, uint32_t n)
{
  const int64_t  t0   = e->position_frame;
  const uint32_t bank = (uint32_t)(e->block_index & 1U);
  if (!e->prefixes_built && md_engine_build_prefixes(e)) {
    md_engine_set_message(e, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  md_engine_finish_ahead(e);
  if (!e->ready) {
    md_engine_start_parallel(e, t0, n, bank, false);
  }
  e->ready         = false;
  MixdownStatus st = md_engine_merge_workers(e);
  if (st) {
    return st;
  }
  const uint64_t total = e->length_frames + e->latency_frames;
  const uint64_t next  = (uint64_t)t0 + n;
  // Stems are copied out of the nodes after the block: no look-ahead then.
  if (e->pool && !e->stems && next < total) {
    const uint32_t next_frames = total - next < e->block_size_frames ? (uint32_t)(total - next) : e->block_size_frames;
    md_engine_start_parallel(e, (int64_t)next, next_frames, bank ^ 1U, true);
  }
  const double start = md_clock_seconds();
  MdWorker*    w     = &e->workers[0];
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    MdEngineNode* bus = &e->nodes[i];
    for (int c = 0; bus->kind != MD_NODE_TRACK && c < 2; ++c) {
      if (bus->prefix.n_edges) {
        memcpy(bus->io.buf[c], bus->prefix.sum[bank][c], n * sizeof(float));
      } else {
        memset(bus->io.buf[c], 0, n * sizeof(float));
      }
    }
  }
  for (size_t k = 0U; k < e->n_nodes && !st; ++k) {
    MdEngineNode* node = &e->nodes[e->plan.order[k]];
    if (!node->parallel && (st = md_engine_render_strip(e, w, node, t0, n, bank))) {
      snprintf(e->message, sizeof e->message, "%s", w->message);
      break;
    }
    merge_note(e, node, bank);
    for (size_t j = 0U; j < node->n_edges; ++j) {
      MdEdge* ed = &e->edges[node->first_edge + j];
      if (!ed->in_prefix) {
        md_engine_feed_edge(e, w, ed, t0 - (int64_t)node->latency_out_frames, n, bank);
      }
    }
  }
  e->non_finite += w->non_finite;
  e->source_seconds += w->source_seconds;
  e->cache_seconds += w->cache_seconds;
  w->non_finite     = 0U;
  w->source_seconds = w->cache_seconds = 0.0;
  e->block_seconds += md_clock_seconds() - start;
  e->position_frame += n;
  ++e->block_index;
  if (!st && (uint64_t)e->position_frame == total) {
    md_engine_commit_cache(e);
  }
  return st;
}

MixdownStatus
mixdown_engine_pull_stems(MixdownEngine* e, float* left, float* right, float* const* stems,
                          uint32_t max_frames, uint32_t* frames_done)
{
  if (!e || !left || !right || !frames_done || (stems && !e->stems)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *frames_done             = 0U;
  const MdFpuState fpu     = md_fpu_enter_ftz();
  MixdownStatus    st      = MIXDOWN_SUCCESS;
  const MdEngineNode* master = &e->nodes[e->master];
  while (*frames_done < max_frames && e->delivered_frames < e->length_frames) {
    if (e->block_done_frames == e->block_length_frames) {
      // The timeline runs `latency` frames longer than the mix; those first
      // frames are the master path's delay and are dropped below.
      const int64_t total = (int64_t)(e->length_frames + e->latency_frames);
      const int64_t end   = total < e->render_limit_frame ? total : e->render_limit_frame;
      if (e->position_frame >= end) {
        break; // live: at the end of a loop, until md_engine_locate()
      }
      const int64_t left_to_render = end - e->position_frame;
      e->block_length_frames = left_to_render < e->block_size_frames ? (uint32_t)left_to_render : e->block_size_frames;
      e->block_done_frames   = 0U;
      if ((st = render_nodes(e, e->block_length_frames))) {
        break;
      }
      const int64_t block_start = e->position_frame - (int64_t)e->block_length_frames;
      if (block_start < e->drop_until_frame) {
        const int64_t drop   = e->drop_until_frame - block_start;
        e->block_done_frames = drop < e->block_length_frames ? (uint32_t)drop : e->block_length_frames;
        continue;
      }
    }
    uint32_t n = e->block_length_frames - e->block_done_frames;
    if (n > max_frames - *frames_done) {
      n = max_frames - *frames_done;
    }
    if (n > e->length_frames - e->delivered_frames) {
      n = (uint32_t)(e->length_frames - e->delivered_frames);
    }
    memcpy(left + *frames_done, master->io.post[0] + e->block_done_frames, n * sizeof(float));
    memcpy(right + *frames_done, master->io.post[1] + e->block_done_frames, n * sizeof(float));
    for (uint32_t k = 0U; stems && k < e->master; ++k) {
      memcpy(stems[2U * k] + *frames_done, e->nodes[k].stem.buf[0] + e->block_done_frames, n * sizeof(float));
      memcpy(stems[2U * k + 1U] + *frames_done, e->nodes[k].stem.buf[1] + e->block_done_frames, n * sizeof(float));
    }
    e->block_done_frames += n;
    e->delivered_frames += n;
    *frames_done += n;
  }
  md_fpu_leave(fpu);
  return st;
}

MixdownStatus
mixdown_engine_pull(MixdownEngine* e, float* left, float* right, uint32_t max_frames,
                    uint32_t* frames_done)
{
  return mixdown_engine_pull_stems(e, left, right, NULL, max_frames, frames_done);
}

uint64_t
mixdown_engine_length(const MixdownEngine* e)
{
  return e ? e->length_frames : 0U;
}

uint32_t
mixdown_engine_latency(const MixdownEngine* e)
{
  return e ? e->latency_frames : 0U;
}

const char*
mixdown_engine_message(const MixdownEngine* e)
{
  return e ? e->message : "";
}

uint64_t
mixdown_engine_non_finite_count(const MixdownEngine* e)
{
  return e ? e->non_finite : 0U;
}

const char*
mixdown_engine_non_finite_where(const MixdownEngine* e)
{
  return e ? e->non_finite_where : "";
}
