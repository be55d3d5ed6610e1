// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Lazy tracks and the buses' prefix sums (see MdNodeLazy, MdBusPrefix):
// a plain-sum track's bus inputs are summed by the helpers in a fixed
// tree (sum_tree.c) once every parallel track of the block is done, and a
// lazy track never writes its post-fader signal.
// Thread: deciding and building on the control thread (before the first
// block); summing and guarding in a pull (helpers included).

#include "engine/engine_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  MixdownEngine*      e;
  const MdEngineNode* bus;
  uint32_t            bank;
} MdPrefixInputs;

bool
md_engine_lazy_candidate(const MixdownEngine* e, MdEngineNode* node)
{
  if (node->pan.envelope || node->gain_db.envelope || node->mute.envelope || node->pre_sends || !node->audible) {
    return false;
  }
  for (size_t j = 0U; j < node->n_edges; ++j) {
    const MdEdge* ed = &e->edges[node->first_edge + j];
    if (ed->level_db.envelope || ed->delay.frames) {
      return false;
    }
  }
  double pan[2];
  md_engine_pan_gains(node, node->pan.value, pan);
  // As pan_and_fade() rounds them.
  node->lazy.gain_linear[0] = (float)(pan[0] * node->gain_linear);
  node->lazy.gain_linear[1] = (float)(pan[1] * node->gain_linear);
  return true;
}

// Stems and meters read the post-fader signal: lazy tracks get theirs.
MixdownStatus
md_engine_unlazy(MixdownEngine* e)
{
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    if (!node->lazy.active) {
      continue;
    }
    for (int b = 0; b < 2; ++b) {
      for (int c = 0; c < 2; ++c) {
        if (!(node->io.bank_post[b][c] = md_engine_new_buffer())) {
          return MIXDOWN_ERR_NO_MEM;
        }
      }
    }
    node->io.post[0]   = node->io.bank_post[0][0];
    node->io.post[1]   = node->io.bank_post[0][1];
    node->lazy.active = false;
  }
  return MIXDOWN_SUCCESS;
}

// The largest magnitude in `x`, from the bits (positive floats order as
// their bit patterns do): integer operations, so the loop vectorises.
static float
peak_of(const float* x, uint32_t n)
{
  uint32_t top = 0U;
  for (uint32_t i = 0U; i < n; ++i) {
    uint32_t bits;
    memcpy(&bits, &x[i], sizeof bits);
    bits &= 0x7fffffffU;
    top = bits > top ? bits : top;
  }
  float peak;
  memcpy(&peak, &top, sizeof peak);
  return peak;
}

// A lazy track that boosts: if its gain would take a sample of this block
// beyond the float range, its edges read a copy with those samples
// silenced — what the fader's guard leaves on a track that writes its
// post-fader signal, so the sums are the same bytes either way.
void
md_engine_guard_lazy(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_out, uint32_t n)
{
  uint64_t bad = 0U;
  for (int c = 0; c < 2 && node->lazy.safe[0][0]; ++c) {
    const float* x = node->lazy.src[node->io.bank][c];
    const float  g = node->lazy.gain_linear[c];
    if (!isinf(peak_of(x, n) * g)) {
      continue; // nearly always: one vectorised pass and done
    }
    float* safe = node->lazy.safe[node->io.bank][c];
    for (uint32_t i = 0U; i < n; ++i) {
      const bool over = isinf(x[i] * g);
      safe[i]         = over ? 0.0f : x[i];
      bad += over;
    }
    node->lazy.src[node->io.bank][c] = safe;
  }
  if (bad) {
    char label[200];
    w->non_finite += bad;
    md_engine_note_fader(node, "%s, fader at %.3f s: samples beyond the float range (infinite) replaced with silence",
               md_engine_strip_label(node, label, sizeof label), (double)(t_out > 0 ? t_out : 0) / e->rate_hz);
  }
}

// A lazy track's summary meter: its post-fader signal, made in the
// worker's scratch as pan_and_fade() would have made it, measured, and
// let go.
void
md_engine_measure_lazy(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, uint32_t n)
{
  float* const post[2] = {w->clip_buf[0], w->clip_buf[1]}; // free once the clips are played
  for (int c = 0; c < 2; ++c) {
    e->kernels->scale(post[c], node->lazy.src[node->io.bank][c], node->lazy.gain_linear[c], n);
  }
  md_measure_add_planar(node->levels.post, (const float* const*)post, n);
}

// One input of a bus's prefix, added in: the track's signal × pan × fader
// (done here for a lazy track; the same roundings) × edge level.
static void
add_prefix_input(void* user, uint32_t input, float* const* out, uint32_t n)
{
  const MdPrefixInputs* in  = user;
  const MdEdge*         ed  = &in->e->edges[in->bus->prefix.edges[input]];
  const MdEngineNode*   src = &in->e->nodes[ed->from];
  for (int c = 0; c < 2; ++c) {
    if (src->lazy.active) {
      in->e->kernels->mix_add_scaled(out[c], src->lazy.src[in->bank][c], src->lazy.gain_linear[c], (float)ed->level_linear, n);
    } else {
      in->e->kernels->mix_add(out[c], src->io.bank_post[in->bank][c], (float)ed->level_linear, n);
    }
  }
}

// Every bus's prefix: its inputs from plain-sum tracks, summed in
// the fixed order of its sum tree (or read from the cache).
MixdownStatus
md_engine_sum_prefixes(MixdownEngine* e, MdWorker* w, uint32_t n, uint32_t bank)
{
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    MdEngineNode* bus = &e->nodes[i];
    if (!bus->prefix.n_edges) {
      continue;
    }
    MdPrefixInputs inputs = {e, bus, bank};
    if (md_sum_tree_sum(bus->prefix.tree, bus->prefix.sum[bank], n, add_prefix_input, &inputs)) {
      md_engine_worker_message(w, "`%s`: the render cache file of a partial sum cannot be read", bus->name);
      return MIXDOWN_ERR_IO;
    }
  }
  return MIXDOWN_SUCCESS;
}

// Which inputs of each bus form its prefix: every edge into it from a
// plain-sum track, in the order the calling thread would add them (by the
// source's plan position, then its edge order).  The bus's other inputs
// are added to the prefix's sum afterwards, in plan order.  Live, there is
// none: moves glide gains and levels, and every input is added in plan
// order.
static MixdownStatus
collect_prefix_edges(MixdownEngine* e)
{
  for (int pass = 0; pass < 2; ++pass) { // count, then fill
    for (size_t k = 0U; k < e->n_nodes; ++k) {
      const MdEngineNode* src = &e->nodes[e->plan.order[k]];
      for (size_t j = 0U; src->lazy.plain_sum && !e->live && j < src->n_edges; ++j) {
        MdEdge*       ed  = &e->edges[src->first_edge + j];
        MdEngineNode* bus = &e->nodes[ed->to];
        if (pass == 1) {
          bus->prefix.edges[bus->prefix.n_edges] = (uint32_t)(src->first_edge + j);
          ed->in_prefix                    = true;
        }
        ++bus->prefix.n_edges;
      }
    }
    for (size_t i = 0U; pass == 0 && i < e->n_nodes; ++i) {
      MdEngineNode* bus = &e->nodes[i];
      if (bus->prefix.n_edges && !(bus->prefix.edges = calloc(bus->prefix.n_edges, sizeof(uint32_t)))) {
        return MIXDOWN_ERR_NO_MEM;
      }
      bus->prefix.n_edges = 0U;
    }
  }
  return MIXDOWN_SUCCESS;
}

// A prefix's sum buffers and tree; with a cache, its partial sums.
static MixdownStatus
build_prefix_sum(MixdownEngine* e, MdEngineNode* bus)
{
  for (int b = 0; b < 2; ++b) {
    for (int c = 0; c < 2; ++c) {
      if (!(bus->prefix.sum[b][c] = md_engine_new_buffer())) {
        return MIXDOWN_ERR_NO_MEM;
      }
    }
  }
  if (!(bus->prefix.tree = md_sum_tree_new(bus->prefix.n_edges, MD_BLOCK_FRAMES, e->kernels))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  return e->cache_dir ? md_engine_open_prefix_cache(e, bus) : MIXDOWN_SUCCESS;
}

// Every bus's prefix, once, before the first block (after stems and
// meters have had their say on which tracks are lazy).
MixdownStatus
md_engine_build_prefixes(MixdownEngine* e)
{
  e->prefixes_built = true;
  MixdownStatus st  = collect_prefix_edges(e);
  for (size_t i = 0U; i < e->n_nodes && !st; ++i) {
    if (e->nodes[i].prefix.n_edges) {
      st = build_prefix_sum(e, &e->nodes[i]);
    }
  }
  if (!st && e->cache_dir) {
    md_engine_check_cached_tracks(e);
  }
  return st;
}
