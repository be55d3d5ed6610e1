// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Recording a take: the moves played, kept per parameter (folded onto a
// grid, the last of each known), and writing them into a copy of the
// session through the editor (record.h).  The envelopes, set by address:
// record_tree.c; reading the session and the take's path: record_file.c.
// Threads: record.h.

#include "live/record_internal.h"

#include <sndfile.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

MdRecorder*
md_recorder_new(double rate)
{
  MdRecorder* r = calloc(1U, sizeof(MdRecorder));
  if (r) {
    r->grid_frames = llround(MD_RECORDER_GRID_S * (rate > 0.0 && rate < 1e7 ? rate : 48000.0));
  }
  return r;
}

void
md_recorder_free(MdRecorder* r)
{
  if (r) {
    free(r->moves);
    free(r->last);
    free(r->session_text);
    free(r);
  }
}

bool
md_record_same_target(const MdLiveChange* a, const MdLiveChange* b)
{
  return a->kind == b->kind && a->node == b->node && a->index == b->index && a->slot == b->slot;
}

static size_t
target_hash(const MdLiveChange* c)
{
  uint64_t h = (uint64_t)c->kind * 0x9E3779B97F4A7C15ULL;
  h          = (h ^ c->node) * 0xBF58476D1CE4E5B9ULL;
  h          = (h ^ c->index) * 0x94D049BB133111EBULL;
  h          = (h ^ c->slot) * 0x9E3779B97F4A7C15ULL;
  return (size_t)(h ^ (h >> 31));
}

// The slot of `target` (found, or free for it).
static MdLastMove*
last_slot(MdLastMove* table, size_t n_slots, const MdLiveChange* target)
{
  size_t i = target_hash(target) & (n_slots - 1U);
  while (table[i].used && !md_record_same_target(&table[i].target, target)) {
    i = (i + 1U) & (n_slots - 1U);
  }
  return &table[i];
}

static bool
grow_last(MdRecorder* r)
{
  const size_t n     = r->n_slots ? 2U * r->n_slots : 64U;
  MdLastMove*  table = calloc(n, sizeof *table);
  if (!table) {
    return false;
  }
  for (size_t i = 0U; i < r->n_slots; ++i) {
    if (r->last[i].used) {
      *last_slot(table, n, &r->last[i].target) = r->last[i];
    }
  }
  free(r->last);
  r->last    = table;
  r->n_slots = n;
  return true;
}

bool
md_recorder_add(MdRecorder* r, const MdAppliedMove* move)
{
  if (2U * (r->n_last + 1U) > r->n_slots && !grow_last(r)) {
    ++r->dropped;
    return false;
  }
  MdLastMove* last = last_slot(r->last, r->n_slots, &move->change);
  if (last->used) {
    MdAppliedMove* kept = &r->moves[last->index];
    const int64_t  gap  = move->frame - kept->frame;
    if (gap >= 0 && gap < r->grid_frames) {
      kept->change.value = move->change.value; // within the grid: one move, the last value
      ++r->folded;
      return true;
    }
  }
  if (r->n_moves == MD_RECORDER_MAX_MOVES) {
    ++r->dropped;
    return false;
  }
  if (r->n_moves == r->capacity) {
    const size_t   capacity = r->capacity ? 2U * r->capacity : 256U;
    MdAppliedMove* moves    = realloc(r->moves, capacity * sizeof *moves);
    if (!moves) {
      ++r->dropped;
      return false;
    }
    r->moves    = moves;
    r->capacity = capacity;
  }
  if (!last->used) {
    last->used   = true;
    last->target = move->change;
    ++r->n_last;
  }
  last->index            = r->n_moves;
  r->moves[r->n_moves++] = *move;
  return true;
}

size_t
md_recorder_count(const MdRecorder* r)
{
  return r->n_moves;
}

size_t
md_recorder_folded(const MdRecorder* r)
{
  return r->folded;
}

size_t
md_recorder_dropped(const MdRecorder* r)
{
  return r->dropped;
}

MixdownStatus
md_recorder_keep_session(MdRecorder* r, const MixdownSession* s, char* message, size_t message_size)
{
  free(r->session_text);
  r->session_text = md_record_read_text(s->file_name, &r->session_length);
  if (!r->session_text) {
    snprintf(message, message_size, "cannot read the session file `%s` again for the take: %s", s->file_name,
             strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  return MIXDOWN_SUCCESS;
}

// The editor's diagnostics: the first error of each edit is kept for the
// take's note (warnings were said when the session was opened to play).
static void
collect_error(void* user_data, const MixdownDiagnostic* d)
{
  MdTake* take = user_data;
  if (d->severity == MIXDOWN_SEVERITY_ERROR && !take->error[0]) {
    snprintf(take->error, sizeof take->error, "%s", d->message);
  }
}

MixdownStatus
md_recorder_write(const MdRecorder* r, const MixdownSession* s, double rate, double glide_s, const char* path,
                  MdRecordReport* report, char* message, size_t message_size)
{
  memset(report, 0, sizeof *report);
  message[0]    = '\0';
  size_t length = r->session_length;
  char*  text   = r->session_text ? NULL : md_record_read_text(s->file_name, &length);
  if (!r->session_text && !text) {
    snprintf(message, message_size, "cannot read the session file `%s` again: %s", s->file_name, strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  // The editor reads relative paths from the session's folder, as it was
  // played, and rewrites them when the take goes to another folder.
  char*         folder = md_record_folder_of(s->file_name);
  MdTake        take   = {0};
  MixdownStatus st     = mixdown_editor_open_string(r->session_text ? r->session_text : text, length, s->file_name,
                                                    folder ? folder : ".", collect_error, &take, &take.editor);
  free(text);
  free(folder);
  if (st && st != MIXDOWN_ERR_NO_MEM) {
    snprintf(message, message_size, "the session file `%s` cannot be edited for the take: %s", s->file_name,
             take.error[0] ? take.error : "it changed since it was read");
    mixdown_editor_free(take.editor);
    return MIXDOWN_ERR_SESSION;
  }
  if (!st) {
    st = md_record_apply_moves(&take, r, s, rate, glide_s, report);
  }
  if (!st) {
    take.error[0] = '\0';
    st            = mixdown_editor_save(take.editor, path);
    if (st && st != MIXDOWN_ERR_NO_MEM) {
      snprintf(message, message_size, "%s", take.error[0] ? take.error : "cannot write the take");
    }
  }
  if (st == MIXDOWN_ERR_NO_MEM && !message[0]) {
    snprintf(message, message_size, "out of memory");
  }
  mixdown_editor_free(take.editor);
  return st;
}

MixdownStatus
md_recorder_check_path(const char* path, char* message, size_t message_size)
{
  char        dir[PATH_MAX];
  const char* base = NULL;
  md_record_split_path(path, dir, sizeof dir, &base);
  struct stat st;
  const char* why = NULL;
  if (!base[0]) {
    why = "it names a folder, not a file";
  } else if (stat(dir, &st)) {
    why = errno == ENOENT ? "its folder does not exist" : strerror(errno);
  } else if (!S_ISDIR(st.st_mode)) {
    why = "its folder is not a folder";
  }
  if (why) {
    snprintf(message, message_size, "cannot write the take `%s`: %s", path, why);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (!stat(path, &st)) {
    if (!S_ISREG(st.st_mode)) {
      snprintf(message, message_size, "cannot write the take `%s`: it is %s, not a regular file", path,
               S_ISDIR(st.st_mode) ? "a folder" : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
               : S_ISFIFO(st.st_mode) ? "a FIFO" : "a special file");
      return MIXDOWN_ERR_BAD_ARG;
    }
    SF_INFO  info  = {0};
    SNDFILE* audio = sf_open(path, SFM_READ, &info);
    if (audio) {
      sf_close(audio);
      snprintf(message, message_size, "cannot write the take `%s`: it is an audio file, and a take never replaces one",
               path);
      return MIXDOWN_ERR_BAD_ARG;
    }
  }
  MdTempFile t = {.fd = -1};
  if (!md_record_temp_open(path, &t)) {
    snprintf(message, message_size, "cannot write the take in `%s`: %s", dir, strerror(errno));
    return MIXDOWN_ERR_BAD_ARG;
  }
  md_record_temp_discard(&t); // it could be written: the take will be
  return MIXDOWN_SUCCESS;
}
