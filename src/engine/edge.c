// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Edges: a node's output and sends feeding buses, each delayed so that
// everything meeting at a bus is aligned to the latest arrival; and the
// one delay line type that keys, edges and stems align latencies with.
// Thread: delay lines made and freed on the control thread; fed in a pull
// (edges on the calling thread).

#include "engine/engine_internal.h"

#include "dsp/db.h"

#include <stdlib.h>
#include <string.h>

MixdownStatus
md_delay_line_init(MdDelayLine* line, uint32_t frames)
{
  *line = (MdDelayLine){.frames = frames};
  for (int c = 0; c < 2 && frames; ++c) {
    if (!(line->ring[c] = calloc(frames, sizeof(float)))) {
      return MIXDOWN_ERR_NO_MEM; // what was allocated is freed with the engine
    }
  }
  return MIXDOWN_SUCCESS;
}

void
md_delay_line_free(MdDelayLine* line)
{
  free(line->ring[0]);
  free(line->ring[1]);
  line->ring[0] = line->ring[1] = NULL;
}

void
md_delay_line_run(MdDelayLine* line, uint32_t c, uint32_t* pos, const float* in, float* out, uint32_t n)
{
  if (!line->frames) {
    memcpy(out, in, n * sizeof(float));
    return;
  }
  for (uint32_t i = 0U; i < n; ++i) {
    out[i] = md_delay_line_step(line, c, pos, in[i]);
  }
}

void
md_engine_feed_edge(MixdownEngine* e, MdWorker* w, MdEdge* ed, int64_t t0, uint32_t n, uint32_t bank)
{
  const MdEngineNode* src   = &e->nodes[ed->from];
  MdEngineNode*       dst   = &e->nodes[ed->to];
  double*             level = w->scratch_b;
  // A parallel source may already be rendering the next block in the other bank.
  float* const* const pre  = src->parallel ? src->io.bank_pre[bank] : src->io.pre;
  float* const* const post = src->parallel ? src->io.bank_post[bank] : src->io.post;
  // An envelope, or a live move's glide (in dB): a level per frame.
  const bool per_sample = md_fader_value_curve(e, &ed->level_db, t0, n, level) != NULL;
  for (uint32_t i = 0U; per_sample && i < n; ++i) {
    level[i] = md_db_to_gain(level[i]);
  }
  md_fader_value_settle(&ed->level_db, t0 + (int64_t)n);
  if (src->lazy.active) {
    for (int c = 0; c < 2; ++c) {
      e->kernels->mix_add_scaled(dst->io.buf[c], src->lazy.src[bank][c], src->lazy.gain_linear[c], (float)ed->level_linear, n);
    }
    return;
  }
  if (!per_sample && !ed->delay.frames) {
    // The common edge, a constant level with no alignment delay: the
    // vectorised mix kernel (a float product: within an ulp of the double
    // one below, and exact at unity level).
    for (int c = 0; c < 2; ++c) {
      e->kernels->mix_add(dst->io.buf[c], ed->pre_fader ? pre[c] : post[c], (float)ed->level_linear, n);
    }
    return;
  }
  for (int c = 0; c < 2; ++c) {
    const float* in  = ed->pre_fader ? pre[c] : post[c];
    float*       out = dst->io.buf[c];
    uint32_t     pos = ed->delay.pos;
    for (uint32_t i = 0U; i < n; ++i) {
      float x = per_sample ? (float)(in[i] * level[i]) : ed->level_linear == 1.0 ? in[i] : (float)(in[i] * ed->level_linear);
      if (ed->delay.frames) {
        x = md_delay_line_step(&ed->delay, (uint32_t)c, &pos, x);
      }
      out[i] += x;
    }
    if (c == 1) {
      ed->delay.pos = pos;
    }
  }
}
