// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_render(): engine → writer, with progress, cancellation and the
// report.  The only place that joins the engine and the output file.

#include "finish/finish.h"
#include "io/atomic_file.h"
#include "io/formats.h"
#include "io/measure.h"
#include "io/path_guard.h"
#include "io/writer.h"
#include "platform/clock.h"
#include "mixdown.h"
#include "session/model.h"
#include "session/reads.h"
#include "util/checked_number.h"

#include <errno.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_RENDER_FRAMES 4096U

static MixdownStatus
fail(MixdownRenderReport* report, MixdownStatus st, const char* message)
{
  snprintf(report->message, sizeof report->message, "%s", message);
  return st;
}

// One file the render writes, and what became of it.
typedef struct {
  const MdOutput*     spec;     ///< `output`, or an `outputs` item
  const char*         path;
  const MdFileFormat* file_format; ///< From the extension; a device's from `output.file`
  MixdownSampleFormat format;
  MdDither            dither;
  uint32_t            out_rate; ///< 0: the render rate
  double              quality;  ///< < 0: the writer's default
  MdFinishGoal        goal;
  MdWriter*           writer;   ///< The pass being written, then the one kept
  MdWriterStats       stats;
  MdFinishResult      finish;
  char                note[160]; ///< The writer's note on the file
} MdDeliverable;

// Stems: one writer per track and bus, fed in the mix pass.
typedef struct {
  uint32_t            n;
  MixdownSampleFormat format;
  char                extension[8];
  char**              paths;
  const char**        names;   ///< The engine's strip names
  MdWriter**          writers;
  float**             buffers; ///< 2n buffers: left, right, left, right, …
} MdStems;

// Stage times on the calling thread, for --stats.
enum { MD_STAGE_WRITING, MD_STAGE_PREMASTER, MD_STAGE_FINISHING, MD_STAGE_STEMS, MD_N_STAGES };
static const char* const stage_names[MD_N_STAGES] = {"writing", "premaster", "finishing", "stems"};

typedef struct {
  const MixdownSession*       session;
  const MixdownRenderOptions* opt;
  MixdownRenderReport*        report;
  MdDeliverable               items[MIXDOWN_MAX_OUTPUTS];
  uint32_t                    n;
  bool                        finishing;  ///< Some output is normalised or limited: through a premaster
  double                      rate;       ///< Render rate
  uint64_t                    from_frame; ///< Written range, at the render rate
  uint64_t                    to_frame;
  MdPathGuard*                guard;
  MdStems                     stems;
  double                      stage_s[MD_N_STAGES];
  double                      work_total; ///< Progress units: one mix pass is 1
  double                      work_done;
} MdRender;

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
/* What to write                                                             */

// A device or FIFO (`-o /dev/null`, `-o /dev/stdout`) has no extension to
// name the format: it takes `output.file`'s, else WAV.
static const MdFileFormat*
output_format(const char* path, const char* session_path)
{
  const MdFileFormat* format = md_file_format_for_path(path);
  struct stat         st;
  if (format || stat(path, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
    return format;
  }
  format = md_file_format_for_path(session_path);
  return format ? format : md_file_format_for_path("mix.wav");
}

// The deliverables: `-o` (one file with `output`'s settings), else
// `outputs:`, else `output:`; each with its format checked against the
// table of formats and its finishing goal.
static MixdownStatus
plan_outputs(MdRender* r)
{
  const MixdownSession*       s   = r->session;
  const MixdownRenderOptions* opt = r->opt;
  const bool     listed = !opt->output_path && s->n_outputs;
  const uint32_t n      = listed ? (uint32_t)s->n_outputs : 1U;
  for (uint32_t k = 0U; k < n; ++k) {
    MdDeliverable* d = &r->items[k];
    d->spec          = listed ? &s->outputs[k] : &s->output;
    d->path          = opt->output_path ? opt->output_path : d->spec->path;
    if (!d->path) {
      return fail(r->report, MIXDOWN_ERR_BAD_ARG,
                  "no output file: give `output: {file: mix.wav}` in the session or -o FILE");
    }
    const MdFileFormat* format = output_format(d->path, d->spec->path);
    d->file_format             = format;
    if (!format) {
      snprintf(r->report->message, sizeof r->report->message,
               "cannot write `%.300s`: mixdown writes %s (the format comes from the extension)", d->path,
               md_file_format_list());
      return MIXDOWN_ERR_BAD_ARG;
    }
    d->format = opt->format ? opt->format : d->spec->format;
    if (!md_file_format_holds(format, d->format)) {
      char holds[64];
      md_file_format_bits_list(format, holds, sizeof holds);
      snprintf(r->report->message, sizeof r->report->message, "%s holds %s bits; `%.300s` cannot be %s", format->name,
               holds, d->path, d->format == MIXDOWN_FORMAT_FLOAT ? "float" : "32-bit");
      return MIXDOWN_ERR_BAD_ARG;
    }
    d->dither   = d->spec->dither;
    d->out_rate = opt->output_rate ? opt->output_rate : d->spec->rate;
    // A rate the encoder refuses would fail at its start, after the mix
    // was rendered, with libsndfile's words ("flac decoder").
    const uint32_t written = md_file_format_rate(format, d->out_rate ? d->out_rate : s->sample_rate);
    char           valid[200];
    if (!md_file_format_rate_ok(format, written, valid, sizeof valid)) {
      snprintf(r->report->message, sizeof r->report->message, "cannot write `%.200s` at %u Hz: %s", d->path, written,
               valid);
      return MIXDOWN_ERR_BAD_ARG;
    }
    // NaN passes any range check made of comparisons: a NaN target gave
    // a NaN gain, and a mix of NaN or full-scale DC.
    if ((opt->normalize && md_checked_number_in_range(opt->target_lufs, -70.0, -5.0)) ||
        ((opt->normalize || opt->limit_true_peak) && md_checked_number_in_range(opt->true_peak_db, -20.0, 0.0))) {
      return fail(r->report, MIXDOWN_ERR_BAD_ARG,
                  "the loudness target must be -70 … -5 LUFS and the true-peak ceiling -20 … 0 dBTP");
    }
    d->quality  = opt->quality_given ? opt->quality : d->spec->quality;
    const MdLoudness* loudness = d->spec->loudness.enabled ? &d->spec->loudness
                                 : s->loudness.enabled     ? &s->loudness
                                                           : NULL;
    if (opt->normalize) {
      d->goal = (MdFinishGoal){true, opt->target_lufs, true, opt->true_peak_db};
    } else if (loudness) {
      d->goal = (MdFinishGoal){true, loudness->target_lufs, true, loudness->true_peak_db};
    } else if (opt->limit_true_peak) {
      d->goal = (MdFinishGoal){false, 0.0, true, opt->true_peak_db};
    }
    r->finishing = r->finishing || d->goal.normalize || d->goal.limit;
  }
  r->n = n;
  return MIXDOWN_SUCCESS;
}

// A file name from a track name: path separators and control characters
// become '_', so a stem always lands inside the stems folder.
static void
stem_path(char* out, size_t size, const char* dir, const char* name, const char* extension)
{
  size_t dir_len = strlen(dir);
  while (dir_len > 1U && dir[dir_len - 1U] == '/') {
    --dir_len; // `stems/` and `stems` name one folder
  }
  int used = snprintf(out, size, "%.*s/", (int)dir_len, dir);
  for (const char* c = name; *c && used + 8 < (int)size; ++c) {
    out[used++] = (*c == '/' || *c == '\\' || (unsigned char)*c < 32U || (c == name && *c == '.')) ? '_' : *c;
  }
  snprintf(out + used, size - (size_t)used, "%s", extension);
}

// Stems are float unless asked otherwise (an integer stem of a loud track
// would clip where the mix does not), in the mix's container when it holds
// that format losslessly, else WAV.
static MixdownStatus
plan_stems(MdRender* r, MixdownEngine* engine)
{
  MdStems*            stems  = &r->stems;
  const MdFileFormat* format = md_file_format_for_path(r->items[0].path);
  stems->format = r->opt->stems_format ? r->opt->stems_format : MIXDOWN_FORMAT_FLOAT;
  snprintf(stems->extension, sizeof stems->extension, "%s",
           format && !format->lossy && md_file_format_holds(format, stems->format) ? format->extension : ".wav");
  MixdownStatus st = mixdown_engine_enable_stems(engine);
  stems->n         = mixdown_engine_stem_count(engine);
  stems->paths     = calloc(stems->n + 1U, sizeof(char*));
  stems->names     = calloc(stems->n + 1U, sizeof(char*));
  stems->writers   = calloc(stems->n + 1U, sizeof(MdWriter*));
  stems->buffers   = calloc(2U * stems->n + 1U, sizeof(float*));
  if (st || !stems->paths || !stems->names || !stems->writers || !stems->buffers) {
    return fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  for (uint32_t k = 0U; k < stems->n; ++k) {
    char path[PATH_MAX];
    stems->names[k] = mixdown_engine_stem_name(engine, k);
    stem_path(path, sizeof path, r->opt->stems_dir, stems->names[k], stems->extension);
    if (!(stems->paths[k] = strdup(path))) {
      return fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
    }
  }
  return MIXDOWN_SUCCESS;
}

static bool
add_read(void* guard, const char* path, const char* what)
{
  return md_path_guard_add_read(guard, path, what);
}

// Every file the session reads, then every file this render writes: a
// write that would replace a read file, or two writes to one path, stop
// the render before anything is rendered.
static MixdownStatus
guard_paths(MdRender* r)
{
  MdPathGuard* g   = r->guard;
  char*        msg = r->report->message;
  const size_t sz  = sizeof r->report->message;
  char         what[200];
  if (!md_session_for_each_read(r->session, add_read, g)) {
    return fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t k = 0U; !st && k < r->n; ++k) {
    if (r->n == 1U) {
      snprintf(what, sizeof what, "the mix");
    } else {
      snprintf(what, sizeof what, "output %u of %u", k + 1U, r->n);
    }
    st = md_path_guard_claim(g, r->items[k].path, what, MD_CLAIM_AUDIO, msg, sz);
  }
  for (uint32_t k = 0U; !st && k < r->stems.n; ++k) {
    snprintf(what, sizeof what, "the stem of `%.100s`", r->stems.names[k]);
    st = md_path_guard_claim(g, r->stems.paths[k], what, MD_CLAIM_AUDIO, msg, sz);
  }
  // Folders, all levels, as a user expects; removed again on failure.
  for (uint32_t k = 0U; !st && k < r->n; ++k) {
    st = md_path_guard_make_parent(g, r->items[k].path, msg, sz);
  }
  if (!st && r->opt->stems_dir) {
    st = md_path_guard_make_folder(g, r->opt->stems_dir, msg, sz);
  }
  // Temporaries a killed run left where it could not write unnamed files.
  for (uint32_t k = 0U; !st && k < r->n; ++k) {
    char        dir[PATH_MAX];
    const char* slash = strrchr(r->items[k].path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - r->items[k].path) + 1 : 1, slash ? r->items[k].path : ".");
    md_atomic_clean_stale(dir);
  }
  if (!st && r->opt->stems_dir) {
    md_atomic_clean_stale(r->opt->stems_dir);
  }
  return st;
}

MixdownStatus
mixdown_check_plot_path(const MixdownSession* session, const char* input, const char* png_path, char* message,
                        size_t message_size)
{
  MdPathGuard*  g  = md_path_guard_new();
  MixdownStatus st = g ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  if (!st && ((session && !md_session_for_each_read(session, add_read, g)) ||
              (input && !md_path_guard_add_read(g, input, "file analysed")))) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  if (st) {
    snprintf(message, message_size, "out of memory");
  } else {
    st = md_path_guard_claim(g, png_path, "the picture", MD_CLAIM_PICTURE, message, message_size);
  }
  md_path_guard_free(g);
  return st;
}

/* ------------------------------------------------------------------------ */
/* Writers                                                                   */

static MixdownStatus
open_deliverable(MdRender* r, MdDeliverable* d)
{
  const uint64_t       frames = r->to_frame - r->from_frame;
  // A finishing pass may be dropped: it never reaches a device early.
  const MdWriterTarget target = {d->file_format, r->finishing, r->opt->temp_dir};
  MixdownStatus st = md_writer_open_to(d->path, &target, d->format, d->dither, r->rate, d->out_rate, frames,
                                       &d->writer, r->report->message, sizeof r->report->message);
  if (!st) {
    md_writer_set_tags(d->writer, d->spec->tags);
    if (d->quality >= 0.0) {
      md_writer_set_quality(d->writer, d->quality);
    }
    if (r->opt->skip_summary && !r->finishing) {
      md_writer_skip_loudness(d->writer);
    }
  }
  return st;
}

static MixdownStatus
open_stem_writers(MdRender* r)
{
  MdStems* stems = &r->stems;
  for (uint32_t k = 0U; k < stems->n; ++k) {
    if (!(stems->buffers[2U * k] = malloc(MD_RENDER_FRAMES * sizeof(float))) ||
        !(stems->buffers[2U * k + 1U] = malloc(MD_RENDER_FRAMES * sizeof(float)))) {
      return fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
    }
    const MdWriterTarget target = {NULL, false, r->opt->temp_dir};
    const MixdownStatus  st     = md_writer_open_to(stems->paths[k], &target, stems->format, r->items[0].dither,
                                                    r->rate, r->items[0].out_rate, r->to_frame - r->from_frame,
                                                    &stems->writers[k], r->report->message, sizeof r->report->message);
    if (st) {
      return st;
    }
    md_writer_skip_loudness(stems->writers[k]);
  }
  return MIXDOWN_SUCCESS;
}

// Files that could not be put in place once whole: the first one's
// reason, and how many.  The others still go in (each is whole), and the
// report says exactly what was written.
typedef struct {
  uint32_t      failed;
  MixdownStatus status;
  char          first[400];
} MdPlacing;

static void
note_placing(MdPlacing* p, MixdownStatus st, const char* message)
{
  if (st && !p->failed++) {
    p->status = st;
    snprintf(p->first, sizeof p->first, "%.399s", message);
  }
}

// Commits (or, after a failure, removes) every stem; notes the ones that
// went over full scale.
static void
close_stems(MdRender* r, bool commit, MdPlacing* placing)
{
  MdStems* stems = &r->stems;
  for (uint32_t k = 0U; stems->writers && k < stems->n; ++k) {
    MdWriterStats stats  = {0};
    MixdownStatus placed = MIXDOWN_ERR_IO;
    if (stems->writers[k] && commit) {
      placed = md_writer_commit(stems->writers[k], &stats, r->report->message, sizeof r->report->message);
      note_placing(placing, placed, r->report->message);
      r->report->n_stems += placed == MIXDOWN_SUCCESS;
    } else if (stems->writers[k]) {
      md_writer_abort(stems->writers[k]);
    }
    if (!placed && stats.peak > 1.0) {
      if (r->report->n_stems_over < MIXDOWN_MAX_STEM_REPORTS) {
        MixdownStemReport* over = &r->report->stems_over[r->report->n_stems_over];
        snprintf(over->name, sizeof over->name, "%s", stems->names[k]);
        over->peak_dbfs = 20.0 * log10(stats.peak);
        over->clipped   = stats.clipped;
      }
      ++r->report->n_stems_over;
    }
  }
  for (uint32_t k = 0U; stems->buffers && k < 2U * stems->n; ++k) {
    free(stems->buffers[k]);
  }
  for (uint32_t k = 0U; stems->paths && k < stems->n; ++k) {
    free(stems->paths[k]);
  }
  free(stems->paths);
  free(stems->names);
  free(stems->writers);
  free(stems->buffers);
  memset(stems, 0, sizeof *stems);
}

// After a file could not be put in place: that reason, and what was
// written all the same (the mix files placed, the stems placed).
static void
report_placing(MdRender* r, const MdPlacing* placing, uint32_t n_stems)
{
  MixdownRenderReport* report = r->report;
  char                 written[400] = "";
  size_t               used         = 0U;
  for (uint32_t k = 0U; k < report->n_outputs && used < sizeof written; ++k) {
    used += (size_t)snprintf(written + used, sizeof written - used, "%s`%.100s`", k ? ", " : "", report->outputs[k].path);
  }
  if (report->n_stems && used < sizeof written) {
    snprintf(written + used, sizeof written - used, "%s%u of %u stems in `%.100s`", used ? " and " : "",
             report->n_stems, n_stems, r->opt->stems_dir);
  }
  char more[80] = "";
  if (placing->failed > 1U) {
    snprintf(more, sizeof more, " (and %u more files could not be put in place)", placing->failed - 1U);
  }
  snprintf(report->message, sizeof report->message, "%.250s%s; %s%.140s", placing->first, more,
           written[0] ? "written all the same: " : "nothing was written", written);
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
  MixdownStatus st = left && right ? MIXDOWN_SUCCESS : fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
  uint64_t      pos = 0U;
  while (!st && pos < r->to_frame) {
    if (r->opt->cancel && *r->opt->cancel) {
      st = fail(r->report, MIXDOWN_ERR_INTERRUPTED, "interrupted: the render was stopped");
      break;
    }
    const uint64_t want = r->to_frame - pos < MD_RENDER_FRAMES ? r->to_frame - pos : MD_RENDER_FRAMES;
    uint32_t       got  = 0U;
    st = mixdown_engine_pull_stems(engine, left, right, r->stems.n ? r->stems.buffers : NULL, (uint32_t)want, &got);
    if (st) {
      fail(r->report, st, mixdown_engine_message(engine));
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

static void
collect_engine_report(MixdownEngine* engine, MixdownRenderReport* report)
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
  return open_deliverable(t->render, t->item);
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
/* The report                                                                */

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

static double
cpu_seconds(void)
{
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)usage.ru_utime.tv_sec + (double)usage.ru_stime.tv_sec +
         1e-6 * (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

static void
fill_report(MdRender* r, double started, double cpu_started)
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
  report->cpu_seconds   = cpu_seconds() - cpu_started;
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
    return fail(report, st, "cannot start the worker threads");
  }
  if (opt->cache_limit_bytes) { // 0: the engine's default
    mixdown_engine_set_cache_limit(engine, opt->cache_limit_bytes);
  }
  if (opt->cache_dir && (st = mixdown_engine_set_cache(engine, opt->cache_dir))) {
    return fail(report, st, mixdown_engine_message(engine));
  }
  if (opt->node_levels && (st = mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_SUMMARY))) {
    return fail(report, st, "out of memory");
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
    st = plan_stems(r, engine);
  }
  st = st ? st : guard_paths(r);
  if (!st && r->stems.n) {
    st = open_stem_writers(r);
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
    st = open_deliverable(r, &r->items[k]);
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
    note_placing(&placing, placed, r->report->message);
    if (!placed) {
      snprintf(r->report->outputs[r->report->n_outputs++].path, sizeof r->report->outputs[0].path, "%s", d->path);
    }
  }
  for (uint32_t k = 0U; k < r->n; ++k) {
    md_writer_abort(r->items[k].writer);
    r->items[k].writer = NULL;
  }
  close_stems(r, whole, &placing);
  if (placing.failed) {
    report_placing(r, &placing, n_stems);
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
    return fail(report, MIXDOWN_ERR_BAD_ARG, "no session");
  }
  const MixdownRenderOptions defaults = {.size = sizeof defaults};
  MdRender r = {.session = session, .opt = options ? options : &defaults, .report = report,
                .rate = session->sample_rate};
  const double  started     = md_clock_seconds();
  const double  cpu_started = cpu_seconds();
  MixdownStatus st          = plan_outputs(&r);
  if (st) {
    return st;
  }
  if (!(r.guard = md_path_guard_new())) {
    return fail(report, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  MixdownEngine* engine = NULL;
  st = set_up_engine(&r, &engine);
  st = st ? st : run_render(&r, engine);
  if (engine) {
    collect_engine_report(engine, report);
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
    fill_report(&r, started, cpu_started);
    progress(&r, "done", r.work_total);
  }
  md_path_guard_free(r.guard);
  return st;
}
