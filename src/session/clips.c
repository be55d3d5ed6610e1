// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Clips and their sources: a track's `file:` or `clips:`, each source
// probed for its format and length (a missing file named with the nearest
// one, a cut file refused before a render).  Thread: control (validator.h).

#include "session/validator.h"

#include "dsp/strip.h"
#include "io/probe.h"
#include "util/nearest_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char*
md_resolve_path(const MdValidator* v, const char* path)
{
  if (path[0] == '/' || !v->base_dir || !v->base_dir[0] || !strcmp(v->base_dir, ".")) {
    return strdup(path);
  }
  const size_t n   = strlen(v->base_dir) + strlen(path) + 2U;
  char*        out = malloc(n);
  if (out) {
    snprintf(out, n, "%s/%s", v->base_dir, path);
  }
  return out;
}

// Opens the source to learn its format; reports a missing or unreadable file.
bool
md_probe_source(MdValidator* v, const MdYNode* node, MdClip* clip)
{
  struct stat st;
  if (stat(clip->path, &st) != 0) {
    const int error = errno;
    char*     near  = error == ENOENT || error == ENOTDIR ? md_nearest_file(v->base_dir, node->text) : NULL;
    if (near) {
      md_report_error(v, node, "cannot open source `%s`: %s (did you mean `%s`?)", node->text, strerror(error), near);
    } else {
      md_report_error(v, node, "cannot open source `%s`: %s", node->text, strerror(error));
    }
    free(near);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    md_report_error(v, node, "source `%s` is not a regular file", node->text);
    return false;
  }
  MdSourceProbe info = {0};
  char          why[512];
  if (!md_source_probe(clip->path, &info, why, sizeof why)) {
    md_report_error(v, node, "cannot decode source `%s`: %s", node->text, why);
    return false;
  }
  const bool whole = info.end_decodes;
  if (info.channels < 1 || info.channels > 2) {
    md_report_error(v, node, "source `%s` has %d channels; mixdown takes mono or stereo sources", node->text,
                    info.channels);
    return false;
  }
  const double promised_s = (double)info.frames / (info.rate_hz > 0 ? info.rate_hz : 1);
  if (!whole && promised_s <= MD_SESSION_MAX_TIME_S) {
    md_report_error(v, node, "source `%s` is cut short or damaged: its header says %.3f s, but its last frames do not decode",
                    node->text, promised_s);
    return false;
  }
  if (!whole) { // a cut Ogg file: libsndfile finds no last page and no length
    md_report_error(v, node, "source `%s` is cut short or damaged: its end does not decode", node->text);
    return false;
  }
  if (info.rate_hz < 1000 || info.rate_hz > 768000) {
    md_report_error(v, node, "source `%s` has an unsupported sample rate of %d Hz", node->text, info.rate_hz);
    return false;
  }
  clip->channels = (uint32_t)info.channels;
  clip->rate     = (uint32_t)info.rate_hz;
  clip->frames   = (int64_t)info.frames;
  if (info.frames <= 0) {
    md_report_warning(v, node, "source `%s` holds no audio; its clip is silent", node->text);
  }
  return true;
}

// A clip's number `k` (clip table, dsp/strip.h) from `node` into `*out`,
// when given: a constant in the table's range.
static void
read_clip_number(MdValidator* v, const MdYNode* node, int k, double* out)
{
  const MdYNode* item  = md_ynode_get(node, md_clip_params[k].info.name);
  MdValue        value = {.value = *out};
  if (item && md_read_param(v, item, &md_clip_params[k], &value)) {
    *out = value.value;
  }
}

static bool
read_clip(MdValidator* v, const MdYNode* node, MdClip* clip)
{
  if (!md_expect_kind(v, node, MD_YNODE_MAPPING, "{file, start, offset, length, gain_db, fade_in, fade_out}", "clips")) {
    return false;
  }
  md_check_key_set(v, node, &md_clip_keys);
  const unsigned errors_before = v->n_errors;
  clip->length_s               = -1.0;
  const MdYNode* file          = md_ynode_get(node, "file");
  const char*    path          = NULL;
  if (!file) {
    md_report_error(v, node, "a clip needs `file`");
  } else if (md_read_string(v, file, "file", &path)) {
    clip->path = md_resolve_path(v, path);
    if (clip->path) {
      md_probe_source(v, file, clip);
    } else {
      md_report_out_of_memory(v, file);
    }
  }
  const MdYNode* item = NULL;
  if ((item = md_ynode_get(node, md_clip_params[MD_CLIP_START_S].info.name))) {
    md_read_time(v, item, md_clip_params[MD_CLIP_START_S].info.name, &clip->start_s); // seconds or BAR:BEAT
  }
  read_clip_number(v, node, MD_CLIP_OFFSET_S, &clip->offset_s);
  read_clip_number(v, node, MD_CLIP_LENGTH_S, &clip->length_s);
  read_clip_number(v, node, MD_CLIP_GAIN_DB, &clip->gain_db);
  read_clip_number(v, node, MD_CLIP_FADE_IN_S, &clip->fade_in_s);
  read_clip_number(v, node, MD_CLIP_FADE_OUT_S, &clip->fade_out_s);
  if (v->n_errors != errors_before || !clip->rate) {
    return false;
  }
  const double source_s = (double)clip->frames / clip->rate;
  if (clip->offset_s >= source_s && clip->frames > 0) {
    md_report_error(v, md_ynode_get(node, "offset"), "`offset` is %g s, past the end of `%s` (%g s long)",
           clip->offset_s, path, source_s);
    return false;
  }
  const double available = source_s - clip->offset_s;
  if (clip->length_s > available + 0.5 / clip->rate) {
    md_report_warning(v, md_ynode_get(node, "length"), "`length` is %g s but `%s` has only %g s from the offset; the clip stops there",
         clip->length_s, path, available);
  }
  if (clip->length_s < 0.0 || clip->length_s > available) {
    clip->length_s = available > 0.0 ? available : 0.0; // a clip never plays past its source
  }
  if (clip->fade_in_s + clip->fade_out_s > clip->length_s + 1e-9) {
    md_report_error(v, node, "fade_in + fade_out (%g s) is longer than the clip (%g s)",
                    clip->fade_in_s + clip->fade_out_s, clip->length_s);
    return false;
  }
  return true;
}

void
md_read_clips(MdValidator* v, const MdYNode* entry, MdNode* track)
{
  const MdYNode* file  = md_ynode_get(entry, "file");
  const MdYNode* clips = md_ynode_get(entry, "clips");
  if (file && clips) {
    md_report_error(v, file, "give either `file` (one clip at 0 s) or `clips`, not both");
    return;
  }
  if (!file && !clips) {
    return; // a silent track is valid (it may host sends later)
  }
  if (clips && !md_expect_kind(v, clips, MD_YNODE_SEQUENCE, "of clips", "clips")) {
    return;
  }
  const size_t n = file ? 1U : clips->n_items;
  track->clips   = calloc(n ? n : 1U, sizeof(MdClip));
  if (!track->clips) {
    md_report_out_of_memory(v, entry);
    return;
  }
  if (file) {
    const char* path = NULL;
    MdClip*     clip = &track->clips[0];
    clip->length_s   = -1.0;
    if (md_read_string(v, file, "file", &path) && !(clip->path = md_resolve_path(v, path))) {
      md_report_out_of_memory(v, file);
    } else if (clip->path && md_probe_source(v, file, clip)) {
      clip->length_s = (double)clip->frames / clip->rate;
    }
    track->n_clips  = 1U;
    track->file_key = true; // session/address.h: its clip's `file` is the track's key
    return;
  }
  for (size_t i = 0U; i < n; ++i) {
    read_clip(v, clips->items[i], &track->clips[i]);
    track->n_clips = i + 1U;
  }
}
