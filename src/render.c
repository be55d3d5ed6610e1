// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_render(): engine → writer, with progress, cancellation and the
// report.  The only place that joins the engine and the output file.

#include "finish/finish.h"
#include "io/measure.h"
#include "io/writer.h"
#include "platform/clock.h"
#include "mixdown.h"
#include "session/model.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_RENDER_FRAMES 4096U

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

typedef MixdownStatus (*MdSink)(void* sink, const float* left, const float* right, uint32_t n,
                                char* message, size_t message_size);

static MixdownStatus
writer_sink(void* sink, const float* left, const float* right, uint32_t n, char* message,
            size_t message_size)
{
  return md_writer_write(sink, left, right, n, message, message_size);
}

static MixdownStatus
premaster_sink(void* sink, const float* left, const float* right, uint32_t n, char* message,
               size_t message_size)
{
  return md_premaster_write(sink, left, right, n, message, message_size);
}

// Where the output goes and in what form.
typedef struct {
  const char*         path;
  MixdownSampleFormat format;
  MdDither            dither;
  double              rate;     ///< Render rate
  uint32_t            out_rate; ///< 0: the render rate
  uint64_t            frames;   ///< Expected frames at the render rate
  char* const*        tags;     ///< MD_N_TAGS tags
} MdTarget;

// A writer for `path` (the mix, or a stem) in the target's format.
static MixdownStatus
open_writer(const MdTarget* t, const char* path, MdWriter** writer, MixdownRenderReport* report)
{
  const MixdownStatus st = md_writer_open(path, t->format, t->dither, t->rate, t->out_rate, t->frames,
                                          writer, report->message, sizeof report->message);
  if (!st && path == t->path) {
    md_writer_set_tags(*writer, t->tags);
  }
  return st;
}

// Stems: one writer per track and bus, fed in the mix pass.
typedef struct {
  uint32_t   n;
  MdWriter** writers;
  float**    buffers; ///< 2n buffers: left, right, left, right, …
} MdStems;

static void
free_stems(MdStems* stems, bool commit, MixdownRenderReport* report)
{
  for (uint32_t k = 0U; stems->writers && k < stems->n; ++k) {
    if (stems->writers[k] && commit) {
      commit = md_writer_commit(stems->writers[k], NULL, report->message, sizeof report->message) ==
               MIXDOWN_SUCCESS;
    } else if (stems->writers[k]) {
      md_writer_abort(stems->writers[k]);
    }
  }
  for (uint32_t k = 0U; stems->buffers && k < 2U * stems->n; ++k) {
    free(stems->buffers[k]);
  }
  free(stems->writers);
  free(stems->buffers);
  memset(stems, 0, sizeof *stems);
}

// A file name from a track name: path separators and control characters
// become '_', so a stem always lands inside the stems folder.
static void
stem_path(char* out, size_t size, const char* dir, const char* name, const char* extension)
{
  int used = snprintf(out, size, "%s/", dir);
  for (const char* c = name; *c && used + 8 < (int)size; ++c) {
    out[used++] = (*c == '/' || *c == '\\' || (unsigned char)*c < 32U || (c == name && *c == '.')) ? '_' : *c;
  }
  snprintf(out + used, size - (size_t)used, "%s", extension);
}

static MixdownStatus
open_stems(MixdownEngine* engine, const char* dir, const MdTarget* t, MdStems* stems,
           MixdownRenderReport* report)
{
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    snprintf(report->message, sizeof report->message, "cannot create the stems folder `%.300s`: %s", dir,
             strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  MixdownStatus st = mixdown_engine_enable_stems(engine);
  stems->n         = mixdown_engine_stem_count(engine);
  stems->writers   = calloc(stems->n ? stems->n : 1U, sizeof(MdWriter*));
  stems->buffers   = calloc(2U * stems->n + 1U, sizeof(float*));
  if (st || !stems->writers || !stems->buffers) {
    return fail(report, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  const char* dot       = strrchr(t->path, '.');
  const char* extension = dot && !strchr(dot, '/') ? dot : ".wav";
  for (uint32_t k = 0U; k < stems->n && !st; ++k) {
    char path[PATH_MAX];
    stem_path(path, sizeof path, dir, mixdown_engine_stem_name(engine, k), extension);
    if (!(stems->buffers[2U * k] = malloc(MD_RENDER_FRAMES * sizeof(float))) ||
        !(stems->buffers[2U * k + 1U] = malloc(MD_RENDER_FRAMES * sizeof(float)))) {
      return fail(report, MIXDOWN_ERR_NO_MEM, "out of memory");
    }
    st = open_writer(t, path, &stems->writers[k], report);
  }
  return st;
}

// Renders the whole mix into `sink` (and the stems, if any); progress runs
// from 0 to `share`.
static MixdownStatus
render_mix(MixdownEngine* engine, MdSink write, void* sink, MdStems* stems, const MixdownRenderOptions* opt,
           double share, MixdownRenderReport* report)
{
  float* left  = malloc(MD_RENDER_FRAMES * sizeof(float));
  float* right = malloc(MD_RENDER_FRAMES * sizeof(float));
  MixdownStatus st = left && right ? MIXDOWN_SUCCESS : fail(report, MIXDOWN_ERR_NO_MEM, "out of memory");
  const uint64_t total = mixdown_engine_length(engine);
  uint64_t       done  = 0U;
  while (!st && done < total) {
    if (opt->cancel && *opt->cancel) {
      st = fail(report, MIXDOWN_ERR_INTERRUPTED, "interrupted: the render was stopped");
      break;
    }
    uint32_t got = 0U;
    st = mixdown_engine_pull_stems(engine, left, right, stems->n ? stems->buffers : NULL, MD_RENDER_FRAMES, &got);
    if (st) {
      fail(report, st, mixdown_engine_message(engine));
      break;
    }
    if (got == 0U) {
      break;
    }
    st = write(sink, left, right, got, report->message, sizeof report->message);
    for (uint32_t k = 0U; !st && k < stems->n; ++k) {
      st = md_writer_write(stems->writers[k], stems->buffers[2U * k], stems->buffers[2U * k + 1U], got,
                           report->message, sizeof report->message);
    }
    done += got;
    if (opt->progress) {
      opt->progress(opt->user_data, share * (double)done / (double)total);
    }
  }
  free(left);
  free(right);
  return st;
}

static void
collect_engine_report(MixdownEngine* engine, MixdownRenderReport* report)
{
  report->non_finite_fixed = mixdown_engine_non_finite_count(engine);
  mixdown_engine_cache_hits(engine, &report->cache_hits, &report->cache_tracks);
  mixdown_engine_cache_sums(engine, &report->cache_sums_read, &report->cache_tracks_skipped);
  report->cache_files_removed = mixdown_engine_cache_removed(engine);
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

// Loudness normalisation: the mix once into a premaster, then finishing
// passes (gain → true-peak limiter → writer) until the written file is
// within 0.1 LU of the target with its true peak under the ceiling.  The
// gain is corrected by the secant method, since the limiter makes loudness
// grow more slowly than gain.  A target the limiter cannot reach without
// more than 20 dB of extra gain is reported as a shortfall.
static MixdownStatus
render_normalized(MixdownEngine* engine, const MdTarget* t, double target_lufs, double ceiling_db,
                  MdStems* stems, const MixdownRenderOptions* opt, MixdownRenderReport* report,
                  MdWriterStats* stats)
{
  MdPremaster*  premaster = NULL;
  MixdownStatus st = md_premaster_open(t->path, t->rate, &premaster, report->message, sizeof report->message);
  if (!st) {
    st = render_mix(engine, premaster_sink, premaster, stems, opt, 0.7, report);
  }
  const double measured = st ? -HUGE_VAL : md_premaster_loudness(premaster);
  double       gain     = isfinite(measured) ? target_lufs - measured : 0.0;
  const double max_gain = gain + 20.0;
  double       limit_at = ceiling_db - 0.1; // the rate converter and dither may add a little
  double       last_gain = 0.0, last_loudness = -HUGE_VAL;
  for (int pass = 0; !st && pass < 8; ++pass) {
    MdWriter* writer    = NULL;
    double    reduction = 0.0;
    if ((st = open_writer(t, t->path, &writer, report))) {
      break;
    }
    st = md_finish_pass(premaster, gain, limit_at, writer, opt->cancel, &reduction, report->message,
                        sizeof report->message);
    if (st) {
      md_writer_abort(writer);
      break;
    }
    if ((st = md_writer_finish(writer, stats, report->message, sizeof report->message))) {
      break; // the writer cleaned up
    }
    const double loudness  = stats->loudness_lufs;
    const double peak_db   = stats->true_peak > 0.0 ? 20.0 * log10(stats->true_peak) : -HUGE_VAL;
    const double error     = target_lufs - loudness;
    const bool   on_target = fabs(error) <= 0.1 && peak_db <= ceiling_db;
    const bool   capped    = error > 0.1 && gain >= max_gain;
    if (on_target || capped || !isfinite(loudness) || pass == 7) {
      report->gain_db      = gain;
      report->shortfall_lu = isfinite(loudness) ? fmax(0.0, error) : HUGE_VAL;
      st = md_writer_commit(writer, stats, report->message, sizeof report->message);
      break;
    }
    md_writer_abort(writer);
    if (peak_db > ceiling_db) {
      limit_at -= peak_db - ceiling_db + 0.02;
    }
    const double slope = isfinite(last_loudness) && gain != last_gain ? (loudness - last_loudness) / (gain - last_gain) : 1.0;
    last_gain          = gain;
    last_loudness      = loudness;
    gain               = fmin(max_gain, gain + error / (slope > 0.05 && slope < 1.5 ? slope : 1.0));
    if (opt->progress) {
      opt->progress(opt->user_data, 0.7 + 0.3 * (pass + 1) / 8.0);
    }
  }
  md_premaster_free(premaster);
  report->normalized = 1;
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
  const double   started  = md_clock_seconds();

  MixdownEngine* engine = NULL;
  MixdownStatus  st     = mixdown_engine_new(session, &engine, report->message, sizeof report->message);
  if (st) {
    return st;
  }
  if ((st = mixdown_engine_set_threads(engine, opt->threads))) {
    mixdown_engine_free(engine);
    return fail(report, st, "cannot start the worker threads");
  }
  if (opt->cache_limit_bytes) { // 0: the engine's default
    mixdown_engine_set_cache_limit(engine, opt->cache_limit_bytes);
  }
  if (opt->cache_dir && (st = mixdown_engine_set_cache(engine, opt->cache_dir))) {
    fail(report, st, mixdown_engine_message(engine));
    mixdown_engine_free(engine);
    return st;
  }
  const uint64_t total  = mixdown_engine_length(engine);
  const MdTarget target = {path, format, session->output.dither, session->sample_rate, out_rate, total,
                           session->output.tags};
  const bool     normalize = opt->normalize || session->loudness.enabled;
  MdWriterStats  stats     = {0};
  MdStems        stems     = {0};
  if (opt->stems_dir) {
    st = open_stems(engine, opt->stems_dir, &target, &stems, report);
  }
  if (!st && opt->node_levels && (st = mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_SUMMARY))) {
    fail(report, st, "out of memory");
  }
  if (st) {
    // nothing rendered yet
  } else if (normalize) {
    const double lufs = opt->normalize ? opt->target_lufs : session->loudness.target_lufs;
    const double tp   = opt->normalize ? opt->true_peak_db : session->loudness.true_peak_db;
    st = render_normalized(engine, &target, lufs, tp, &stems, opt, report, &stats);
  } else {
    MdWriter* writer = NULL;
    st               = open_writer(&target, target.path, &writer, report);
    if (!st && opt->skip_summary) {
      md_writer_skip_loudness(writer);
    }
    if (!st) {
      st = render_mix(engine, writer_sink, writer, &stems, opt, 1.0, report);
      st = st ? (md_writer_abort(writer), st) : md_writer_commit(writer, &stats, report->message, sizeof report->message);
    }
  }
  // Stems are kept only with the mix they belong to.
  free_stems(&stems, st == MIXDOWN_SUCCESS, report);
  collect_engine_report(engine, report);
  for (uint32_t k = 0U; !st && opt->node_levels && k < mixdown_engine_node_count(engine); ++k) {
    MixdownNodeLevels levels;
    if (mixdown_engine_node_levels(engine, k, &levels) == MIXDOWN_SUCCESS) {
      opt->node_levels(opt->node_levels_user_data, &levels);
    }
  }
  mixdown_engine_free(engine);
  if (st) {
    return st;
  }
  report->frames         = stats.frames;
  report->sample_rate    = out_rate ? out_rate : session->sample_rate;
  report->length_s       = (double)total / session->sample_rate;
  report->peak_dbfs      = stats.peak > 0.0 ? 20.0 * log10(stats.peak) : -HUGE_VAL;
  report->loudness_lufs  = stats.loudness_lufs;
  report->true_peak_dbtp = stats.true_peak > 0.0 ? 20.0 * log10(stats.true_peak) : -HUGE_VAL;
  report->correlation    = stats.sum_ll > 0.0 && stats.sum_rr > 0.0 ? stats.sum_lr / sqrt(stats.sum_ll * stats.sum_rr)
                                                                   : 1.0;
  report->seconds_taken  = md_clock_seconds() - started;
  return MIXDOWN_SUCCESS;
}
