// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The session rendered for analysis: the engine of the public API pulled
// block by block into memory (no file written), with every stem when asked.
// An assistant keeps only what it measures, so an hour of audio costs the
// assistant's features, not the audio.
//
// The engine pulls on a thread of its own, a few blocks ahead, while the
// calling thread measures: on two cores the analysis costs the longer of
// the render and the measuring, not their sum.  The blocks reach the
// assistant in order and whole, so what it measures does not depend on
// which thread ran ahead (the same figures with any timing).

#include "assist.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
  ASSIST_BLOCK_FRAMES = 4096,
  ASSIST_SLOTS        = 4, // blocks rendered ahead of the measuring, at most
};

/// One block in flight: rendered by the puller, then measured by the caller.
typedef struct {
  float*        mix;       ///< left, then right
  float*        stem_data; ///< 2 × n_stems × block
  float**       stems;
  uint64_t      first_frame;
  uint32_t      frames;    ///< 0: the end (or, with status, a failure)
  MixdownStatus status;
  bool          full;      ///< Rendered and not yet measured
} Slot;

typedef struct {
  MixdownEngine*  engine;
  const char**    names;
  uint32_t        n_stems;
  Slot            slots[ASSIST_SLOTS];
  pthread_mutex_t lock;
  pthread_cond_t  changed; ///< A slot filled or emptied, or the measuring stopped
  bool            stop;    ///< The measuring failed: render no more
} Pull;

static void
slot_free(Slot* s)
{
  free(s->mix);
  free(s->stem_data);
  free(s->stems);
}

static void
pull_free(Pull* p)
{
  mixdown_engine_free(p->engine);
  for (size_t k = 0; k < ASSIST_SLOTS; ++k) {
    slot_free(&p->slots[k]);
  }
  free(p->names);
}

static bool
slot_alloc(Slot* s, uint32_t n_stems)
{
  s->mix       = malloc(2U * ASSIST_BLOCK_FRAMES * sizeof *s->mix);
  s->stem_data = malloc((2U * n_stems + 1U) * ASSIST_BLOCK_FRAMES * sizeof *s->stem_data);
  s->stems     = calloc(2U * n_stems + 1U, sizeof *s->stems);
  if (!s->mix || !s->stem_data || !s->stems) {
    return false;
  }
  for (uint32_t k = 0; k < 2U * n_stems; ++k) {
    s->stems[k] = s->stem_data + (size_t)k * ASSIST_BLOCK_FRAMES;
  }
  return true;
}

static MixdownStatus
pull_open(AssistContext* ctx, const MixdownSession* session, bool with_stems, Pull* p)
{
  char                message[512] = "";
  const MixdownStatus st = mixdown_engine_new(session, &p->engine, message, sizeof message);
  if (st != MIXDOWN_SUCCESS) {
    return assist_fail(ctx, st, "%s", message[0] ? message : mixdown_strerror(st));
  }
  // One render thread unless asked: the measuring runs beside the render
  // (on the calling thread, and some assistants' threads of their own), and
  // an analysis render is light per block (stems of few tracks), where the
  // engine's workers cost more than they share: the podcast hour of
  // bench/assist.sh took 11.1 s of CPU on one thread against 18.6 s on two.
  mixdown_engine_set_threads(p->engine, ctx->threads ? ctx->threads : 1U);
  if (with_stems && mixdown_engine_enable_stems(p->engine) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  p->n_stems = with_stems ? mixdown_engine_stem_count(p->engine) : 0U;
  p->names   = calloc(p->n_stems + 1U, sizeof *p->names);
  if (!p->names) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t k = 0; k < ASSIST_SLOTS; ++k) {
    if (!slot_alloc(&p->slots[k], p->n_stems)) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  for (uint32_t k = 0; k < p->n_stems; ++k) {
    p->names[k] = mixdown_engine_stem_name(p->engine, k);
  }
  return MIXDOWN_SUCCESS;
}

// Renders one block into `s` (outside the lock: the slot is the puller's
// until it is marked full).
static void
render_block(Pull* p, Slot* s, uint64_t at)
{
  float* left  = s->mix;
  float* right = s->mix + ASSIST_BLOCK_FRAMES;
  s->frames    = 0;
  s->first_frame = at;
  s->status    = p->n_stems ? mixdown_engine_pull_stems(p->engine, left, right, s->stems, ASSIST_BLOCK_FRAMES, &s->frames)
                            : mixdown_engine_pull(p->engine, left, right, ASSIST_BLOCK_FRAMES, &s->frames);
  if (s->status != MIXDOWN_SUCCESS) {
    s->frames = 0;
  }
}

// The puller: fills the slots in turn until the end, a failure, or the
// measuring says stop.
static void*
pull_thread(void* data)
{
  Pull*    p  = data;
  uint64_t at = 0;
  for (size_t k = 0;; k = (k + 1U) % ASSIST_SLOTS) {
    Slot* s = &p->slots[k];
    pthread_mutex_lock(&p->lock);
    while (s->full && !p->stop) {
      pthread_cond_wait(&p->changed, &p->lock);
    }
    const bool stop = p->stop;
    pthread_mutex_unlock(&p->lock);
    if (stop) {
      return NULL;
    }
    render_block(p, s, at);
    at += s->frames;
    pthread_mutex_lock(&p->lock);
    s->full = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    if (s->frames == 0U) {
      return NULL; // the end, or a failure: the slot says which
    }
  }
}

// Measures the block in `s`; *end when it is the last (the end, or the
// engine's failure, said here).
static MixdownStatus
measure_slot(AssistContext* ctx, Pull* p, const Slot* s, const char* stage, AssistBlockFunc block,
             void* user_data, bool* end)
{
  *end = s->frames == 0U;
  if (*end) {
    if (s->status == MIXDOWN_SUCCESS) {
      return MIXDOWN_SUCCESS;
    }
    const char* why = mixdown_engine_message(p->engine);
    return assist_fail(ctx, s->status, "%s", why && why[0] ? why : mixdown_strerror(s->status));
  }
  const MixdownStatus st = block(user_data, s->first_frame, s->mix, s->mix + ASSIST_BLOCK_FRAMES,
                                 (const float* const*)s->stems, s->frames);
  *end                   = st != MIXDOWN_SUCCESS;
  const uint64_t length  = mixdown_engine_length(p->engine);
  if (!*end && ctx->progress && length) {
    ctx->progress(ctx->user_data, stage, (double)(s->first_frame + s->frames) / (double)length);
  }
  return st;
}

// The measuring, on the calling thread: the slots in turn, as they fill.
// The engine is read here only once the puller has said the end (and so
// is done with it).
static MixdownStatus
measure_all(AssistContext* ctx, Pull* p, const char* stage, AssistBlockFunc block, void* user_data)
{
  for (size_t k = 0;; k = (k + 1U) % ASSIST_SLOTS) {
    Slot* s = &p->slots[k];
    pthread_mutex_lock(&p->lock);
    while (!s->full) {
      pthread_cond_wait(&p->changed, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    bool                end = false;
    const MixdownStatus st  = measure_slot(ctx, p, s, stage, block, user_data, &end);
    if (end) {
      return st;
    }
    pthread_mutex_lock(&p->lock);
    s->full = false;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
  }
}

// Without a thread for the render: render and measure in turn.
static MixdownStatus
pull_in_turn(AssistContext* ctx, Pull* p, const char* stage, AssistBlockFunc block, void* user_data)
{
  for (uint64_t at = 0;;) {
    Slot* s = &p->slots[0];
    render_block(p, s, at);
    at += s->frames;
    bool                end = false;
    const MixdownStatus st  = measure_slot(ctx, p, s, stage, block, user_data, &end);
    if (end) {
      return st;
    }
  }
}

// Renders and measures every block, the render on a thread of its own.
static MixdownStatus
pull_all(AssistContext* ctx, Pull* p, const char* stage, AssistBlockFunc block, void* user_data)
{
  if (pthread_mutex_init(&p->lock, NULL) != 0) {
    return pull_in_turn(ctx, p, stage, block, user_data);
  }
  if (pthread_cond_init(&p->changed, NULL) != 0) {
    pthread_mutex_destroy(&p->lock);
    return pull_in_turn(ctx, p, stage, block, user_data);
  }
  pthread_t     thread;
  MixdownStatus st;
  if (pthread_create(&thread, NULL, pull_thread, p) == 0) {
    st = measure_all(ctx, p, stage, block, user_data);
    pthread_mutex_lock(&p->lock);
    p->stop = true; // a measuring that failed stops the render
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    pthread_join(thread, NULL);
  } else {
    st = pull_in_turn(ctx, p, stage, block, user_data);
  }
  pthread_cond_destroy(&p->changed);
  pthread_mutex_destroy(&p->lock);
  return st;
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
