// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The session rendered for analysis: the engine of the public API pulled
// block by block into memory (no file written), with every stem when asked.
// An assistant keeps only what it measures, so an hour of audio costs the
// assistant's features, not the audio.

#include "assist.h"

#include <stdlib.h>

enum { ASSIST_BLOCK_FRAMES = 4096 };

typedef struct {
  MixdownEngine* engine;
  float*         mix;       ///< left, then right
  float*         stem_data; ///< 2 × n_stems × block
  float**        stems;
  const char**   names;
  uint32_t       n_stems;
} Pull;

static void
pull_free(Pull* p)
{
  mixdown_engine_free(p->engine);
  free(p->mix);
  free(p->stem_data);
  free(p->stems);
  free(p->names);
}

static MixdownStatus
pull_open(AssistContext* ctx, const MixdownSession* session, bool with_stems, Pull* p)
{
  char                message[512] = "";
  const MixdownStatus st = mixdown_engine_new(session, &p->engine, message, sizeof message);
  if (st != MIXDOWN_SUCCESS) {
    return assist_fail(ctx, st, "%s", message[0] ? message : mixdown_strerror(st));
  }
  // One render thread unless asked: the assistants measure beside the
  // render (on their own threads, or in the block callback), and an
  // analysis render is light per block (stems of few tracks), where the
  // engine's workers cost more than they share: the podcast hour of
  // bench/assist.sh took 11.1 s of CPU on one thread against 18.6 s on two.
  mixdown_engine_set_threads(p->engine, ctx->threads ? ctx->threads : 1U);
  if (with_stems && mixdown_engine_enable_stems(p->engine) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  p->n_stems = with_stems ? mixdown_engine_stem_count(p->engine) : 0U;
  p->mix     = malloc(2U * ASSIST_BLOCK_FRAMES * sizeof *p->mix);
  p->stem_data = malloc((2U * p->n_stems + 1U) * ASSIST_BLOCK_FRAMES * sizeof *p->stem_data);
  p->stems   = calloc(2U * p->n_stems + 1U, sizeof *p->stems);
  p->names   = calloc(p->n_stems + 1U, sizeof *p->names);
  if (!p->mix || !p->stem_data || !p->stems || !p->names) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t k = 0; k < 2U * p->n_stems; ++k) {
    p->stems[k] = p->stem_data + (size_t)k * ASSIST_BLOCK_FRAMES;
  }
  for (uint32_t k = 0; k < p->n_stems; ++k) {
    p->names[k] = mixdown_engine_stem_name(p->engine, k);
  }
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
pull_all(AssistContext* ctx, Pull* p, const char* stage, AssistBlockFunc block, void* user_data)
{
  const uint64_t length = mixdown_engine_length(p->engine);
  float*         left   = p->mix;
  float*         right  = p->mix + ASSIST_BLOCK_FRAMES;
  uint64_t       at     = 0;
  for (;;) {
    uint32_t      done = 0;
    MixdownStatus st   = p->n_stems
                           ? mixdown_engine_pull_stems(p->engine, left, right, p->stems, ASSIST_BLOCK_FRAMES, &done)
                           : mixdown_engine_pull(p->engine, left, right, ASSIST_BLOCK_FRAMES, &done);
    if (st != MIXDOWN_SUCCESS) {
      const char* why = mixdown_engine_message(p->engine);
      return assist_fail(ctx, st, "%s", why && why[0] ? why : mixdown_strerror(st));
    }
    if (done == 0U) {
      return MIXDOWN_SUCCESS;
    }
    st = block(user_data, at, left, right, (const float* const*)p->stems, done);
    if (st != MIXDOWN_SUCCESS) {
      return st;
    }
    at += done;
    if (ctx->progress && length) {
      ctx->progress(ctx->user_data, stage, (double)at / (double)length);
    }
  }
}

MixdownStatus
assist_render(AssistContext* ctx, const MixdownSession* session, bool with_stems, const char* stage,
              AssistBeginFunc begin, AssistBlockFunc block, void* user_data)
{
  if (!session) {
    session = mixdown_editor_session(ctx->editor);
  }
  Pull          p  = {0};
  MixdownStatus st = pull_open(ctx, session, with_stems, &p);
  if (st == MIXDOWN_SUCCESS && begin) {
    const AssistRenderInfo info = {
      .rate          = mixdown_session_sample_rate(session),
      .length_frames = mixdown_engine_length(p.engine),
      .n_stems       = p.n_stems,
      .stem_names    = p.names,
    };
    st = begin(user_data, &info);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = pull_all(ctx, &p, stage, block, user_data);
  }
  pull_free(&p);
  return st;
}
