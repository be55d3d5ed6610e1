// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The render's report: the engine's figures, each output's levels and
// stage times (--stats).  Control thread.

#include "render_internal.h"

#include "platform/clock.h"

#include <sys/resource.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void
md_render_collect_engine_report(MixdownEngine* engine, MixdownRenderReport* report)
{
  report->non_finite_fixed = mixdown_engine_non_finite_count(engine);
  mixdown_engine_cache_hits(engine, &report->cache_hits, &report->cache_tracks);
  mixdown_engine_cache_sums(engine, &report->cache_sums_read, &report->cache_tracks_skipped);
  report->cache_files_removed = mixdown_engine_cache_removed(engine);
  if (report->size >= offsetof(MixdownRenderReport, cache_damaged) + sizeof report->cache_damaged) {
    report->cache_damaged = mixdown_engine_cache_damaged(engine);
  }
  snprintf(report->non_finite_where, sizeof report->non_finite_where, "%s",
           mixdown_engine_non_finite_where(engine));
  const uint32_t n_meters = mixdown_engine_meter_count(engine);
  for (uint32_t m = 0U; m < n_meters && m < MIXDOWN_MAX_METER_REPORTS; ++m) {
    if (mixdown_engine_meter(engine, m, &report->meters[report->n_meters]) == MIXDOWN_SUCCESS) {
      ++report->n_meters;
    }
  }
  const uint32_t n_times = mixdown_engine_time_count(engine);
  for (uint32_t k = 0U; k < n_times && k < MIXDOWN_MAX_TIME_REPORTS; ++k) {
    if (mixdown_engine_time(engine, k, &report->times[report->n_times]) == MIXDOWN_SUCCESS) {
      ++report->n_times;
    }
  }
}

/* ------------------------------------------------------------------------ */
/* The report                                                                */

static const char* const stage_names[MD_N_STAGES] = {"writing", "premaster", "finishing", "stems"};

static void
report_output(const MdRender* r, const MdDeliverable* d, MixdownOutputReport* out)
{
  const MdWriterStats* s = &d->stats;
  snprintf(out->path, sizeof out->path, "%s", d->path);
  out->sample_rate    = s->rate ? s->rate : d->out_rate ? d->out_rate : (uint32_t)r->rate;
  snprintf(out->note, sizeof out->note, "%s", d->note);
  out->frames         = s->frames;
  out->peak_dbfs      = s->peak > 0.0 ? 20.0 * log10(s->peak) : -HUGE_VAL;
  out->loudness_lufs  = s->loudness_lufs;
  out->true_peak_dbtp = s->true_peak > 0.0 ? 20.0 * log10(s->true_peak) : -HUGE_VAL;
  out->correlation    = s->sum_ll > 0.0 && s->sum_rr > 0.0 ? s->sum_lr / sqrt(s->sum_ll * s->sum_rr) : 1.0;
  out->clipped        = s->clipped;
  out->normalized     = d->goal.normalize;
  out->limited        = d->goal.limit;
  out->target_lufs    = d->goal.target_lufs;
  out->ceiling_db     = d->goal.ceiling_db;
  out->gain_db        = d->finish.gain_db;
  out->limiter_db     = d->finish.limiter_db;
  out->shortfall_lu   = d->finish.shortfall_lu;
  out->passes         = d->finish.passes;
}

static void
add_time_row(MixdownRenderReport* report, const char* what, double seconds)
{
  if (seconds > 0.0 && report->n_times < MIXDOWN_MAX_TIME_REPORTS) {
    MixdownTimeReport* t = &report->times[report->n_times++];
    memset(t, 0, sizeof *t);
    snprintf(t->what, sizeof t->what, "%s", what);
    t->seconds = seconds;
  }
}

double
md_render_cpu_seconds(void)
{
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)usage.ru_utime.tv_sec + (double)usage.ru_stime.tv_sec +
         1e-6 * (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

void
md_render_fill_report(MdRender* r, double started, double cpu_started)
{
  MixdownRenderReport* report = r->report;
  for (uint32_t k = 0U; k < r->n; ++k) {
    report_output(r, &r->items[k], &report->outputs[k]);
  }
  report->n_outputs = r->n;
  const MixdownOutputReport* first = &report->outputs[0];
  report->frames         = first->frames;
  report->sample_rate    = first->sample_rate;
  report->length_s       = (double)(r->to_frame - r->from_frame) / r->rate;
  report->peak_dbfs      = first->peak_dbfs;
  report->loudness_lufs  = first->loudness_lufs;
  report->true_peak_dbtp = first->true_peak_dbtp;
  report->correlation    = first->correlation;
  report->normalized     = first->normalized;
  report->gain_db        = first->gain_db;
  report->shortfall_lu   = first->shortfall_lu;
  report->limiter_db     = first->limiter_db;
  report->mix_passes     = 1U;
  for (int k = 0; k < MD_N_STAGES; ++k) {
    add_time_row(report, stage_names[k], r->stage_s[k]);
  }
  report->seconds_taken = md_clock_seconds() - started;
  report->cpu_seconds   = md_render_cpu_seconds() - cpu_started;
}
