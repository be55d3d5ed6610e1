// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// One strip in a block, in this order:
//   track:  clips (streamed, faded) → polarity → inserts
//   bus:    sum of its inputs       → polarity → inserts
//   both:   → pan/balance = "pre" (pre-fader taps) → fader = "post"
//           → stem, meters
// (the edges, output and sends, are fed by block.c).  Each stage runs on
// the timeline as delayed by the latency before it, so automation stays
// with the audio it shapes.
// Thread: audio (worker: a parallel track's strip runs on any helper).

#include "engine/engine_internal.h"

#include "platform/clock.h"

#include <string.h>

static MixdownStatus finish_strip(MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* signal,
                                  int64_t t_out, uint32_t n);

static MixdownStatus
play_clip(MixdownEngine* e, MdWorker* w, MdEngineNode* node, MdClipPlayer* clip, int64_t t0, uint32_t n)
{
  char         why[400];
  MdClipScrub  scrub   = {.non_finite = 0U, .first_bad = UINT32_MAX};
  const bool   apart   = node->spread_mono && clip->channels == 1U; // summed apart, spread later
  float* const mono[1] = {w->mono_buf};
  const MixdownStatus st = md_clip_play(clip, e->rate_hz, t0, n, apart ? mono : node->io.buf,
                                        apart ? 1U : node->source_channels, w->clip_buf, &scrub, why, sizeof why);
  w->non_finite += scrub.non_finite;
  node->non_finite += scrub.non_finite;
  if (scrub.first_bad != UINT32_MAX) {
    md_engine_note_non_finite(node, "track `%s`, source `%s` at %.3f s: non-finite samples replaced with silence",
                    node->name, clip->path, (double)(t0 + scrub.first_bad) / e->rate_hz);
  }
  if (st) {
    md_engine_worker_message(w, "track `%s`: %s", node->name, why);
  }
  return st;
}

// Everything a node does in a block but feed its edges: clips or inputs,
// polarity, inserts, pan, fader, stem, meters.  It touches only the node's
// own state and the worker's scratch (a parallel track's buffers are its
// own), so parallel tracks can run on any worker at once.
MixdownStatus
md_engine_render_strip(MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t0, uint32_t n, uint32_t bank)
{
  if (node->parallel) {
    node->io.bank = bank;
    for (int c = 0; c < 2; ++c) {
      node->io.buf[c]  = node->io.bank_buf[bank][c];
      node->io.pre[c]  = node->io.bank_pre[bank][c];
      node->io.post[c] = node->io.bank_post[bank][c];
    }
  }
  // Each stage runs on the timeline as delayed by the latency before it,
  // so automation stays with the audio it shapes.
  const int64_t t_in  = t0 - (int64_t)node->latency_in_frames;
  const int64_t t_out = t0 - (int64_t)node->latency_out_frames;
  if (node->cache.hit) {
    // Straight from the cache file's read buffer; copied only for a sidechain.
    const float*        cached[2] = {NULL, NULL};
    const double        start     = md_clock_seconds();
    const MixdownStatus viewed    = md_cache_view(node->cache.file, cached, n);
    w->cache_seconds += md_clock_seconds() - start;
    if (viewed) {
      md_engine_worker_message(w, "track `%s`: the render cache file cannot be read", node->name);
      return MIXDOWN_ERR_IO;
    }
    for (uint32_t c = 0U; node->is_key && c < node->channels; ++c) {
      memcpy(node->io.buf[c], cached[c], n * sizeof(float));
    }
    const MixdownStatus st = finish_strip(e, w, node, cached, t_out, n);
    md_cache_release(node->cache.file); // after the last block: closed here, on this worker
    return st;
  }
  if (node->kind == MD_NODE_TRACK) {
    memset(node->io.buf[0], 0, n * sizeof(float));
    memset(node->io.buf[1], 0, n * sizeof(float));
    if (node->spread_mono) {
      memset(w->mono_buf, 0, n * sizeof(float));
    }
    const double start = md_clock_seconds();
    if (e->feed) {
      // Live: the disk thread played the clips (a spreading track's mono
      // ones as a third channel); a late disk gives silence.
      float* const planes[3] = {node->io.buf[0], node->io.buf[1], w->mono_buf};
      if (!e->feed(e->feed_user, (uint32_t)(node - e->nodes), t_in, n, planes,
                   node->source_channels + (node->spread_mono ? 1U : 0U))) {
        ++e->feed_misses;
      }
    } else {
      for (size_t j = 0U; j < node->n_clips; ++j) {
        const MixdownStatus st = play_clip(e, w, node, &node->clips[j], t_in, n);
        if (st) {
          return st;
        }
      }
    }
    w->source_seconds += md_clock_seconds() - start;
    if (node->spread_mono) {
      md_engine_spread_mono(e, w, node, t_in, n);
    }
  }
  md_engine_guard_input(e, w, node, t_in, n);
  if (node->invert) {
    for (uint32_t c = 0U; c < node->source_channels; ++c) {
      for (uint32_t i = 0U; i < n; ++i) {
        node->io.buf[c][i] = -node->io.buf[c][i];
      }
    }
  }
  bool silent = node->n_inserts && md_engine_is_silent(node->io.buf, node->source_channels, n);
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    MdEngineInsert* ins = &node->inserts[j];
    silent              = md_engine_run_insert(e, w, node, ins, t_in - (int64_t)ins->pre_latency_frames, n, silent, bank);
    const char* fault   = ins->cls->fault ? ins->cls->fault(ins->state) : NULL;
    if (fault) { // a processor that cannot go on (an LV2 plugin's process died): the render stops
      md_engine_worker_message(w, "track or bus `%s`, insert %zu, in the block from %.3f s: %s", node->name, j + 1U,
                     (double)(t_in > 0 ? t_in : 0) / e->rate_hz, fault);
      return MIXDOWN_ERR_IO;
    }
  }
  if (node->cache.file) {
    const double start = md_clock_seconds();
    if (md_cache_write(node->cache.file, (const float* const*)node->io.buf, n)) {
      md_cache_close(node->cache.file); // a full disk costs the cache, not the render
      node->cache.file = NULL;
    }
    w->cache_seconds += md_clock_seconds() - start;
  }
  return finish_strip(e, w, node, (const float* const*)node->io.buf, t_out, n);
}

// Pan, fader, stem and meters of `signal` (the inserts' output, or the
// cache's).
static MixdownStatus
finish_strip(MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* signal, int64_t t_out,
             uint32_t n)
{
  if (node->lazy.active) {
    node->lazy.src[node->io.bank][0] = signal[0];
    node->lazy.src[node->io.bank][1] = signal[node->channels == 1U ? 0 : 1];
    md_engine_guard_lazy(e, w, node, t_out, n);
    if (node->levels.post && !node->cache.levels_stored) {
      md_engine_measure_lazy(e, w, node, n);
    }
    return MIXDOWN_SUCCESS; // no stems on a lazy track
  }
  md_engine_fader_stage(e, w, node, signal, t_out, n);
  md_engine_guard_output(e, w, node, t_out, n);
  if (e->stems && node->kind != MD_NODE_MASTER) {
    md_engine_capture_stem(node, n);
  }
  if (node->levels.post) {
    if (node->levels.pre) {
      md_measure_add_planar(node->levels.pre, (const float* const*)node->io.pre, n);
    }
    if (!node->levels.post_scaled) {
      md_measure_add_planar(node->levels.post, (const float* const*)node->io.post, n);
    }
  }
  if (e->live_meters) {
    md_engine_live_meter_add(node, n);
  }
  return MIXDOWN_SUCCESS;
}
