// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What a render writes and where: its outputs and their formats, the
// stems' paths, the path claims (nothing read is overwritten, no two
// outputs share a file), and opening, closing and placing the writers.
// Control thread.

#include "render_internal.h"

#include "io/atomic_file.h"
#include "session/reads.h"
#include "util/checked_number.h"

#include <limits.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
MixdownStatus
md_render_plan_outputs(MdRender* r)
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
      return md_render_fail(r->report, MIXDOWN_ERR_BAD_ARG,
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
      return md_render_fail(r->report, MIXDOWN_ERR_BAD_ARG,
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
MixdownStatus
md_render_plan_stems(MdRender* r, MixdownEngine* engine)
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
    return md_render_fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  for (uint32_t k = 0U; k < stems->n; ++k) {
    char path[PATH_MAX];
    stems->names[k] = mixdown_engine_stem_name(engine, k);
    stem_path(path, sizeof path, r->opt->stems_dir, stems->names[k], stems->extension);
    if (!(stems->paths[k] = strdup(path))) {
      return md_render_fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
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
MixdownStatus
md_render_guard_paths(MdRender* r)
{
  MdPathGuard* g   = r->guard;
  char*        msg = r->report->message;
  const size_t sz  = sizeof r->report->message;
  char         what[200];
  if (!md_session_for_each_read(r->session, add_read, g)) {
    return md_render_fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
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

MixdownStatus
md_render_open_deliverable(MdRender* r, MdDeliverable* d)
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

MixdownStatus
md_render_open_stem_writers(MdRender* r)
{
  MdStems* stems = &r->stems;
  for (uint32_t k = 0U; k < stems->n; ++k) {
    if (!(stems->buffers[2U * k] = malloc(MD_RENDER_FRAMES * sizeof(float))) ||
        !(stems->buffers[2U * k + 1U] = malloc(MD_RENDER_FRAMES * sizeof(float)))) {
      return md_render_fail(r->report, MIXDOWN_ERR_NO_MEM, "out of memory");
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

void
md_render_note_placing(MdPlacing* p, MixdownStatus st, const char* message)
{
  if (st && !p->failed++) {
    p->status = st;
    snprintf(p->first, sizeof p->first, "%.399s", message);
  }
}

// Commits (or, after a failure, removes) every stem; notes the ones that
// went over full scale.
void
md_render_close_stems(MdRender* r, bool commit, MdPlacing* placing)
{
  MdStems* stems = &r->stems;
  for (uint32_t k = 0U; stems->writers && k < stems->n; ++k) {
    MdWriterStats stats  = {0};
    MixdownStatus placed = MIXDOWN_ERR_IO;
    if (stems->writers[k] && commit) {
      placed = md_writer_commit(stems->writers[k], &stats, r->report->message, sizeof r->report->message);
      md_render_note_placing(placing, placed, r->report->message);
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
void
md_render_report_placing(MdRender* r, const MdPlacing* placing, uint32_t n_stems)
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
