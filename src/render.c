// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_render(): engine → writer, with progress, cancellation and the
// report.  The only place that joins the engine and the output file.

#include "io/writer.h"
#include "mixdown.h"
#include "session/model.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MD_RENDER_FRAMES 4096U

static double
now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

// The canonical path of `path`, which may not exist yet (its folder must).
static bool
canonical_path(const char* path, char* out)
{
  if (realpath(path, out)) {
    return true;
  }
  char        dir[PATH_MAX];
  const char* slash = strrchr(path, '/');
  if (!slash) {
    snprintf(dir, sizeof dir, ".");
  } else {
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (!dir[0]) {
      snprintf(dir, sizeof dir, "/");
    }
  }
  char resolved[PATH_MAX];
  if (!realpath(dir, resolved)) {
    return false;
  }
  const int n = snprintf(out, PATH_MAX, "%s/%s", resolved, slash ? slash + 1 : path);
  return n > 0 && n < PATH_MAX;
}

static const char*
find_source_conflict(const MixdownSession* s, const char* output)
{
  char out_real[PATH_MAX];
  char src_real[PATH_MAX];
  if (!canonical_path(output, out_real)) {
    return NULL; // the writer reports an unusable folder
  }
  for (size_t i = 0U; i < s->n_nodes; ++i) {
    for (size_t j = 0U; j < s->nodes[i].n_clips; ++j) {
      const char* src = s->nodes[i].clips[j].path;
      if (realpath(src, src_real) && !strcmp(src_real, out_real)) {
        return src;
      }
    }
  }
  return NULL;
}

static MixdownStatus
fail(MixdownRenderReport* report, MixdownStatus st, const char* message)
{
  snprintf(report->message, sizeof report->message, "%s", message);
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
    return fail(report, MIXDOWN_ERR_BAD_ARG, "no session");
  }
  const MixdownRenderOptions defaults = {.size = sizeof defaults};
  const MixdownRenderOptions* opt     = options ? options : &defaults;
  const char* path = opt->output_path ? opt->output_path : session->output.path;
  if (!path) {
    return fail(report, MIXDOWN_ERR_BAD_ARG,
                "no output file: give `output: {file: mix.wav}` in the session or -o FILE");
  }
  const char* conflict = find_source_conflict(session, path);
  if (conflict) {
    snprintf(report->message, sizeof report->message,
             "refusing to overwrite `%.400s`: it is a source of this session", conflict);
    return MIXDOWN_ERR_BAD_ARG;
  }
  const MixdownSampleFormat format = opt->format ? opt->format : session->output.format;
  const uint32_t out_rate = opt->output_rate ? opt->output_rate : session->output.rate;
  const double   started  = now_s();

  MixdownEngine* engine = NULL;
  MixdownStatus  st     = mixdown_engine_new(session, &engine, report->message, sizeof report->message);
  if (st) {
    return st;
  }
  MdWriter* writer = NULL;
  st = md_writer_open(path, format, session->output.dither, session->sample_rate, out_rate,
                      mixdown_engine_length(engine), &writer, report->message, sizeof report->message);
  float* left  = malloc(MD_RENDER_FRAMES * sizeof(float));
  float* right = malloc(MD_RENDER_FRAMES * sizeof(float));
  if (!st && (!left || !right)) {
    st = fail(report, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  const uint64_t total = mixdown_engine_length(engine);
  uint64_t       done  = 0U;
  while (!st && done < total) {
    if (opt->cancel && *opt->cancel) {
      st = fail(report, MIXDOWN_ERR_INTERRUPTED, "interrupted: the render was stopped");
      break;
    }
    uint32_t got = 0U;
    st = mixdown_engine_pull(engine, left, right, MD_RENDER_FRAMES, &got);
    if (st) {
      fail(report, st, mixdown_engine_message(engine));
      break;
    }
    if (got == 0U) {
      break;
    }
    st = md_writer_write(writer, left, right, got, report->message, sizeof report->message);
    done += got;
    if (opt->progress) {
      opt->progress(opt->user_data, (double)done / (double)total);
    }
  }
  free(left);
  free(right);
  report->non_finite_fixed = mixdown_engine_non_finite_count(engine);
  snprintf(report->non_finite_where, sizeof report->non_finite_where, "%s",
           mixdown_engine_non_finite_where(engine));
  const uint32_t n_meters  = mixdown_engine_meter_count(engine);
  for (uint32_t m = 0U; m < n_meters && m < MIXDOWN_MAX_METER_REPORTS; ++m) {
    if (mixdown_engine_meter(engine, m, &report->meters[report->n_meters]) == MIXDOWN_SUCCESS) {
      ++report->n_meters;
    }
  }
  mixdown_engine_free(engine);
  if (st) {
    md_writer_abort(writer);
    return st;
  }
  MdWriterStats stats = {0};
  st = md_writer_commit(writer, &stats, report->message, sizeof report->message);
  if (st) {
    return st;
  }
  report->frames         = stats.frames;
  report->sample_rate    = out_rate ? out_rate : session->sample_rate;
  report->length_s       = (double)total / session->sample_rate;
  report->peak_dbfs      = stats.peak > 0.0 ? 20.0 * log10(stats.peak) : -HUGE_VAL;
  report->loudness_lufs  = stats.loudness_lufs;
  report->true_peak_dbtp = stats.true_peak > 0.0 ? 20.0 * log10(stats.true_peak) : -HUGE_VAL;
  report->seconds_taken  = now_s() - started;
  return MIXDOWN_SUCCESS;
}
