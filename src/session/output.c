// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The files a render writes: `output:` or the list `outputs:` — path
// (a supported extension, a folder that is or can be made), sample
// format, dither, rate, quality, tags and, per `outputs:` item, a loudness
// target.  Thread: control (validator.h).

#include "session/validator.h"

#include "io/formats.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char* const md_tag_keys[MD_N_TAGS] = {"title", "artist", "album", "date",
                                            "genre", "comment", "copyright", "track"};

// The folder an output goes into: an existing folder, or one that render
// will create (a warning, so that `check` says so).  A path through a file
// can never be created: an error at `file`.
static void
check_output_folder(MdValidator* v, const MdYNode* item, const char* path)
{
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  char* slash = strrchr(dir, '/');
  if (!slash) {
    return; // the session's folder, which exists
  }
  *slash = '\0';
  struct stat st;
  char        probe[PATH_MAX];
  snprintf(probe, sizeof probe, "%s", dir[0] ? dir : "/");
  // The deepest part of the folder that exists must be a folder.
  while (stat(probe, &st) != 0) {
    char* up = strrchr(probe, '/');
    if (!up) {
      snprintf(probe, sizeof probe, ".");
      continue;
    }
    *up = up == probe ? (up[1] = '\0', '/') : '\0';
  }
  if (!S_ISDIR(st.st_mode)) {
    md_report_error(v, item, "`file`: cannot write `%s`: `%s` is a file, not a folder", item->text, probe);
  } else if (strcmp(probe, dir[0] ? dir : "/") != 0) {
    md_report_warning(v, item, "the folder of `%s` does not exist yet; render will create it", item->text);
  }
}

// `file:` of an output: a supported extension, never the session itself
// and never a file that is not audio.
static void
read_output_file(MdValidator* v, const MdYNode* item, MdOutput* out)
{
  const char* path = NULL;
  if (!md_read_string(v, item, "file", &path)) {
    return;
  }
  out->line   = item->line;
  out->column = item->column;
  if (!md_file_format_for_path(path)) {
    const char* dot = strrchr(path, '.');
    md_report_error(v, item, "`file`: `%s` %s; mixdown writes %s", path,
                    dot && !strchr(dot, '/') ? "has an extension mixdown does not write" : "has no extension",
                    md_file_format_list());
    return;
  }
  if (!(out->path = md_resolve_path(v, path))) {
    md_report_out_of_memory(v, item);
    return;
  }
  check_output_folder(v, item, out->path);
}

// The keys of `output:` (and, with `loudness`, of an `outputs:` item).
static void
read_output_into(MdValidator* v, const MdYNode* node, MdOutput* out, bool is_item)
{
  const char* keys[MD_OUTPUT_N_PARAMS + 1U]; // the table's, then (an `outputs` item's) `loudness`
  for (size_t k = 0U; k < MD_OUTPUT_N_PARAMS; ++k) {
    keys[k] = md_output_params[k].info.name;
  }
  keys[MD_OUTPUT_N_PARAMS] = "loudness";
  out->format  = MIXDOWN_FORMAT_PCM_24;
  out->dither  = MD_DITHER_TPDF;
  out->quality = -1.0;
  const char* where = is_item ? "an `outputs` item" : "output";
  if (!md_expect_kind(v, node, MD_YNODE_MAPPING, "{file, bits, dither, rate}", where)) {
    return;
  }
  md_check_keys(v, node, where, keys, MD_OUTPUT_N_PARAMS + (is_item ? 1U : 0U));
  for (size_t t = 0U; t < MD_N_TAGS; ++t) {
    const MdYNode* tag  = md_ynode_get(node, md_tag_keys[t]);
    const char*    text = NULL;
    if (tag && md_read_string(v, tag, md_tag_keys[t], &text) && !(out->tags[t] = strdup(text))) {
      md_report_out_of_memory(v, tag);
    }
  }
  const MdYNode* item  = NULL;
  double         index = 0.0;
  if ((item = md_ynode_get(node, "file"))) {
    read_output_file(v, item, out);
  } else if (is_item) {
    md_report_error(v, node, "every `outputs` item needs a `file`");
  }
  const MdFileFormat* format = out->path ? md_file_format_for_path(out->path) : NULL;
  if ((item = md_ynode_get(node, "bits")) && md_read_choice(v, item, "bits", md_output_bits_choices, &index)) {
    out->format = (MixdownSampleFormat)(MIXDOWN_FORMAT_PCM_16 + (int)index);
    char holds[64];
    if (format && format->lossy) {
      md_report_error(v, item, "%s is encoded (lossy): `bits` does not apply; use `quality` (0 … 1)", format->name);
    } else if (format && !md_file_format_holds(format, out->format)) {
      md_file_format_bits_list(format, holds, sizeof holds);
      md_report_error(v, item, "%s holds %s bits, not %s", format->name, holds, item->text);
    }
  }
  if ((item = md_ynode_get(node, "quality"))) {
    md_read_table_number(v, item, &md_output_params[MD_OUTPUT_QUALITY], &out->quality);
  }
  if ((item = md_ynode_get(node, "dither")) && md_read_choice(v, item, "dither", md_output_dither_choices, &index)) {
    out->dither = (MdDither)index;
  }
  double rate = 0.0;
  if ((item = md_ynode_get(node, "rate")) && md_read_table_number(v, item, &md_output_params[MD_OUTPUT_RATE], &rate)) {
    out->rate = (uint32_t)rate;
  }
  // A rate the encoder refuses (FLAC at 383999 Hz) failed only when the
  // mix was rendered, with libsndfile's words.
  const uint32_t written = format ? md_file_format_rate(format, out->rate ? out->rate : v->session->sample_rate) : 0U;
  char           valid[200];
  if (format && !md_file_format_rate_ok(format, written, valid, sizeof valid)) {
    const MdYNode* at = item ? item : md_ynode_get(node, "file");
    md_report_error(v, at, "cannot write `%s` at %u Hz: %s", at == item ? md_ynode_get(node, "file")->text : at->text, written, valid);
  }
  if (is_item && (item = md_ynode_get(node, "loudness"))) {
    md_read_loudness(v, item, &out->loudness);
  }
}

void
md_read_output(MdValidator* v, const MdYNode* node)
{
  MixdownSession* s = v->session;
  s->output.format  = MIXDOWN_FORMAT_PCM_24;
  s->output.dither  = MD_DITHER_TPDF;
  s->output.quality = -1.0;
  if (node) {
    read_output_into(v, node, &s->output, false);
  }
}

// `outputs:` — several files from one mix, each finished to its own target.
void
md_read_outputs(MdValidator* v, const MdYNode* root)
{
  MixdownSession* s    = v->session;
  const MdYNode*  list = md_ynode_get(root, "outputs");
  if (!list || !md_expect_kind(v, list, MD_YNODE_SEQUENCE, "of files ({file, bits, loudness, …})", "outputs")) {
    return;
  }
  if (md_ynode_get(root, "output")) {
    md_report_error(v, list, "give `output` (one file) or `outputs` (a list), not both");
    return;
  }
  if (list->n_items == 0U || list->n_items > MIXDOWN_MAX_OUTPUTS) {
    md_report_error(v, list, "`outputs` takes 1 … %u files", MIXDOWN_MAX_OUTPUTS);
    return;
  }
  if (!(s->outputs = calloc(list->n_items, sizeof(MdOutput)))) {
    md_report_out_of_memory(v, list);
    return;
  }
  s->n_outputs = list->n_items;
  for (size_t i = 0U; i < list->n_items; ++i) {
    read_output_into(v, list->items[i], &s->outputs[i], true);
  }
}
