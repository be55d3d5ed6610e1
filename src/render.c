// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_render(): engine → writer, with progress, cancellation and the
// report.  The render files (render*.c) are the only place that joins
// the engine and the output file.
//
// This file: the render pipeline (the mix pass, finishing, the run).
// What is written and where (outputs, stems, path claims, writers):
// render_outputs.c; the report: render_report.c.  Control thread.

#include "render_internal.h"

#include "platform/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MixdownStatus
md_render_fail(MixdownRenderReport* report, MixdownStatus st, const char* message)
{
  snprintf(report->message, sizeof report->message, "%s", message);
  return st;
}

/* ------------------------------------------------------------------------ */
/* Progress                                                                  */

// A finishing pass costs about this much of a mix pass (reading the float
// premaster, the limiter, the writer): an estimate for the progress bar.
#define MD_PASS_WORK 0.15

static void
progress(const MdRender* r, const char* stage, double work_done)
{
  const double fraction = r->work_total > 0.0 ? fmin(1.0, work_done / r->work_total) : 1.0;
  if (r->opt->progress_stage) {
    r->opt->progress_stage(r->opt->user_data, stage, fraction);
  } else if (r->opt->progress) {
    r->opt->progress(r->opt->user_data, fraction);
  }
}

/* ------------------------------------------------------------------------ */
/* The mix pass                                                              */

// Hands one block of the mix to the premaster or to every output.
static MixdownStatus
deliver_block(MdRender* r, MdPremaster* premaster, const float* left, const float* right, uint32_t n)
{
  char*         msg   = r->report->message;
  const size_t  sz    = sizeof r->report->message;
  const double  start = md_clock_seconds();
  MixdownStatus st    = MIXDOWN_SUCCESS;
  if (premaster) {
    st = md_premaster_write(premaster, left, right, n, msg, sz);
    r->stage_s[MD_STAGE_PREMASTER] += md_clock_seconds() - start;
    return st;
  }
  for (uint32_t k = 0U; !st && k < r->n; ++k) {
    st = md_writer_write(r->items[k].writer, left, right, n, msg, sz);
  }
  r->stage_s[MD_STAGE_WRITING] += md_clock_seconds() - start;
  return st;
}

static MixdownStatus
deliver_stems(MdRender* r, uint32_t offset, uint32_t n)
{
  const double  start = md_clock_seconds();
  MixdownStatus st    = MIXDOWN_SUCCESS;
  for (uint32_t k = 0U; !st && k < r->stems.n; ++k) {
    st = md_writer_write(r->stems.writers[k], r->stems.buffers[2U * k] + offset, r->stems.buffers[2U * k + 1U] + offset,
                         n, r->report->message, sizeof r->report->message);
  }
  r->stage_s[MD_STAGE_STEMS] += md_clock_seconds() - start;
  return st;
}

// Renders the mix once, from the start (so that effects carry into a
// range as they would), handing [from_frame, to_frame) on.
static MixdownStatus
render_mix(MdRender* r, MixdownEngine* engine, MdPremaster* premaster)
{
  float* left  = malloc(MD_RENDER_FRAMES * sizeof(float));
  float* right = malloc(MD_RENDER_FRAMES * sizeof(float));
  MixdownStatus st = left && right ? MIXDOWN_SUCCESS : md_render_fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
  uint64_t      pos = 0U;
  while (!st && pos < r->to_frame) {
    if (r->opt->cancel && *r->opt->cancel) {
      st = md_render_fail(r->report, MIXDOWN_ERR_INTERRUPTED, "interrupted: the render was stopped");
      break;
    }
    const uint64_t want = r->to_frame - pos < MD_RENDER_FRAMES ? r->to_frame - pos : MD_RENDER_FRAMES;
    uint32_t       got  = 0U;
    st = mixdown_engine_pull_stems(engine, left, right, r->stems.n ? r->stems.buffers : NULL, (uint32_t)want, &got);
    if (st) {
      md_render_fail(r->report, st, mixdown_engine_message(engine));
      break;
    }
    if (got == 0U) {
      break;
    }
    const uint32_t skip = pos < r->from_frame ? (uint32_t)fmin((double)got, (double)(r->from_frame - pos)) : 0U;
    if (skip < got) {
      st = deliver_block(r, premaster, left + skip, right + skip, got - skip);
      st = st ? st : deliver_stems(r, skip, got - skip);
    }
    pos += got;
    progress(r, "mixing", (double)pos / (double)r->to_frame);
  }
  r->work_done = 1.0;
  free(left);
  free(right);
  return st;
}

/* ------------------------------------------------------------------------ */
/* Finishing                                                                 */

typedef struct {
  MdRender*      render;
  MdDeliverable* item;
  uint32_t       index;
  char           stage[160];
} MdFinishTarget;

static MixdownStatus
target_begin(void* ctx, char* message, size_t message_size)
{
  (void)message;
  (void)message_size;
  MdFinishTarget* t = ctx;
  return md_render_open_deliverable(t->render, t->item);
}

static MixdownStatus
target_write(void* ctx, const float* left, const float* right, uint32_t n, char* message, size_t message_size)
{
  MdFinishTarget* t = ctx;
  return md_writer_write(t->item->writer, left, right, n, message, message_size);
}

static MixdownStatus
target_end(void* ctx, double* loudness_lufs, double* true_peak_db, char* message, size_t message_size)
{
  MdFinishTarget*     t  = ctx;
  const MixdownStatus st = md_writer_finish(t->item->writer, &t->item->stats, message, message_size);
  if (st) {
    t->item->writer = NULL; // freed by the writer
    return st;
  }
  *loudness_lufs = t->item->stats.loudness_lufs;
  *true_peak_db  = t->item->stats.true_peak > 0.0 ? 20.0 * log10(t->item->stats.true_peak) : -HUGE_VAL;
  return MIXDOWN_SUCCESS;
}

static void
target_drop(void* ctx)
{
  MdFinishTarget* t = ctx;
  md_writer_abort(t->item->writer);
  t->item->writer = NULL;
}

static void
target_progress(void* user_data, uint32_t pass, double fraction)
{
  MdFinishTarget* t = user_data;
  MdRender*       r = t->render;
  const char*     slash = strrchr(t->item->path, '/');
  snprintf(t->stage, sizeof t->stage, "%s %s, pass %u", t->item->goal.normalize ? "normalising" : "limiting",
           slash ? slash + 1 : t->item->path, pass + 1U);
  // Passes beyond the estimate stretch the total, so the bar never runs back.
  const double done = r->work_done + MD_PASS_WORK * ((double)pass + fraction);
  if (done + MD_PASS_WORK > r->work_total) {
    r->work_total = done + MD_PASS_WORK;
  }
  progress(r, t->stage, done);
}

static MixdownStatus
finish_outputs(MdRender* r, MdPremaster* premaster)
{
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t k = 0U; !st && k < r->n; ++k) {
    MdDeliverable*     d      = &r->items[k];
    MdFinishTarget     target = {r, d, k, ""};
    const MdFinishSink sink   = {target_begin, target_write, target_end, NULL, target_drop, &target};
    const double       start  = md_clock_seconds();
    st = md_finish(premaster, &d->goal, &sink, r->opt->cancel, target_progress, &target, &d->finish,
                   r->report->message, sizeof r->report->message);
    r->stage_s[MD_STAGE_FINISHING] += md_clock_seconds() - start;
    r->work_done += MD_PASS_WORK * (double)d->finish.passes;
  }
  return st;
}

/* ------------------------------------------------------------------------ */

static MixdownStatus
set_up_engine(MdRender* r, MixdownEngine** out)
{
  const MixdownRenderOptions* opt    = r->opt;
  MixdownRenderReport*        report = r->report;
  MixdownEngine*              engine = NULL;
  MixdownStatus st = mixdown_engine_new(r->session, &engine, report->message, sizeof report->message);
  if (st) {
    return st;
  }
  *out = engine;
  if ((st = mixdown_engine_set_threads(engine, opt->threads))) {
    return md_render_fail(report, st, "cannot start the worker threads");
  }
  if (opt->cache_limit_bytes) { // 0: the engine's default
    mixdown_engine_set_cache_limit(engine, opt->cache_limit_bytes);
  }
  if (opt->cache_dir && (st = mixdown_engine_set_cache(engine, opt->cache_dir))) {
    return md_render_fail(report, st, mixdown_engine_message(engine));
  }
  if (opt->node_levels && (st = mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_SUMMARY))) {
    return md_render_fail(report, st, "out of memory");
  }
  return MIXDOWN_SUCCESS;
}

// The range to write, in frames at the render rate.
static MixdownStatus
plan_range(MdRender* r, uint64_t length)
{
  const MixdownRenderOptions* opt = r->opt;
  const double                end = (double)length / r->rate;
  const bool outside = !(opt->from_s >= 0.0) || (opt->from_s > 0.0 && opt->from_s >= end);
  if (outside || (opt->to_s > 0.0 && opt->to_s <= opt->from_s)) {
    snprintf(r->report->message, sizeof r->report->message,
             "the range %.3f … %.3f s is not inside the mix (0 … %.3f s)", opt->from_s,
             opt->to_s > 0.0 ? opt->to_s : end, end);
    return MIXDOWN_ERR_BAD_ARG;
  }
  r->from_frame = (uint64_t)llround(opt->from_s * r->rate);
  r->to_frame   = opt->to_s > 0.0 ? (uint64_t)fmin((double)length, (double)llround(opt->to_s * r->rate)) : length;
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
run_render(MdRender* r, MixdownEngine* engine)
{
  MixdownStatus st = plan_range(r, mixdown_engine_length(engine));
  if (!st && r->opt->stems_dir) {
    st = md_render_plan_stems(r, engine);
  }
  st = st ? st : md_render_guard_paths(r);
  if (!st && r->stems.n) {
    st = md_render_open_stem_writers(r);
  }
  // Progress: the mix pass is one unit, each expected finishing pass a little.
  r->work_total = 1.0;
  for (uint32_t k = 0U; k < r->n; ++k) {
    r->work_total += MD_PASS_WORK * (r->items[k].goal.normalize ? 2.0 : r->items[k].goal.limit ? 1.0 : 0.0);
  }
  MdPremaster* premaster = NULL;
  if (!st && r->finishing) {
    st = md_premaster_open(r->opt->temp_dir, r->rate, r->to_frame - r->from_frame, &premaster, r->report->message,
                           sizeof r->report->message);
  }
  for (uint32_t k = 0U; !st && !r->finishing && k < r->n; ++k) {
    st = md_render_open_deliverable(r, &r->items[k]);
  }
  st = st ? st : render_mix(r, engine, premaster);
  if (!st && premaster) {
    r->report->mix_loudness_lufs = md_premaster_loudness(premaster);
    st = finish_outputs(r, premaster);
  }
  md_premaster_free(premaster);
  // The files go into place only once all are whole; one that cannot
  // (its folder gone, the file immutable) is reported with what was
  // written all the same.
  MdPlacing      placing = {0};
  const bool     whole   = st == MIXDOWN_SUCCESS;
  const uint32_t n_stems = r->stems.n;
  for (uint32_t k = 0U; whole && k < r->n; ++k) {
    MdDeliverable* d = &r->items[k];
    snprintf(d->note, sizeof d->note, "%s", md_writer_note(d->writer));
    const MixdownStatus placed = md_writer_commit(d->writer, &d->stats, r->report->message, sizeof r->report->message);
    d->writer = NULL;
    md_render_note_placing(&placing, placed, r->report->message);
    if (!placed) {
      snprintf(r->report->outputs[r->report->n_outputs++].path, sizeof r->report->outputs[0].path, "%s", d->path);
    }
  }
  for (uint32_t k = 0U; k < r->n; ++k) {
    md_writer_abort(r->items[k].writer);
    r->items[k].writer = NULL;
  }
  md_render_close_stems(r, whole, &placing);
  if (placing.failed) {
    md_render_report_placing(r, &placing, n_stems);
    return placing.status;
  }
  return st;
}

MixdownStatus
mixdown_render(const MixdownSession* session, const MixdownRenderOptions* options,
               MixdownRenderReport* report_out)
{
  MixdownRenderReport scratch = {.size = sizeof scratch};
  MixdownRenderReport* report = report_out ? report_out : &scratch;
  memset(report, 0, sizeof *report);
  report->size = sizeof *report;
  if (!session) {
    return md_render_fail(report, MIXDOWN_ERR_BAD_ARG, "no session");
  }
  const MixdownRenderOptions defaults = {.size = sizeof defaults};
  MdRender r = {.session = session, .opt = options ? options : &defaults, .report = report,
                .rate = session->sample_rate};
  const double  started     = md_clock_seconds();
  const double  cpu_started = md_render_cpu_seconds();
  MixdownStatus st          = md_render_plan_outputs(&r);
  if (st) {
    return st;
  }
  if (!(r.guard = md_path_guard_new())) {
    return md_render_fail(report, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  MixdownEngine* engine = NULL;
  st = set_up_engine(&r, &engine);
  st = st ? st : run_render(&r, engine);
  if (engine) {
    md_render_collect_engine_report(engine, report);
    for (uint32_t k = 0U; !st && r.opt->node_levels && k < mixdown_engine_node_count(engine); ++k) {
      MixdownNodeLevels levels;
      if (mixdown_engine_node_levels(engine, k, &levels) == MIXDOWN_SUCCESS) {
        r.opt->node_levels(r.opt->node_levels_user_data, &levels);
      }
    }
    mixdown_engine_free(engine);
  }
  if (st) {
    md_path_guard_remove_created(r.guard);
  } else {
    md_render_fill_report(&r, started, cpu_started);
    progress(&r, "done", r.work_total);
  }
  md_path_guard_free(r.guard);
  return st;
}
