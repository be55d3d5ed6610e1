// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Private to src/live/record*.c: the recorder's state and the functions
// its files share.  Threads: live/record.h.

#ifndef MD_RECORD_INTERNAL_H
#define MD_RECORD_INTERNAL_H

#include "edit/edit_internal.h"
#include "live/record.h"
#include "session/yaml_access.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// The last kept move of each parameter, by open addressing on the target.
typedef struct {
  MdLiveChange target; ///< value unused
  size_t       index;  ///< In `moves`
  bool         used;
} MdLastMove;

struct MdRecorder {
  MdAppliedMove* moves;
  size_t         n_moves;
  size_t         capacity;
  int64_t        grid_frames;
  size_t         folded;
  size_t         dropped;
  MdLastMove*    last;    ///< A power of two of slots, at most half used
  size_t         n_slots;
  size_t         n_last;
  char*          session_text;   ///< The session file as played (md_recorder_keep_session())
  size_t         session_length;
};

// A new file in `dir` that no one can predict or plant: O_TMPFILE where
// the filesystem has it (no name at all), else mkstemp's (O_CREAT |
// O_EXCL: never an existing file, never through a link).  Made and
// discarded by md_recorder_check_path(): the take's folder takes files.
typedef struct {
  int  fd;
  char name[PATH_MAX];  ///< mkstemp's file, or ""
} MdTempFile;

// A take being written: the session's text in the editor (src/edit), and
// what the editor said of the last edit (its diagnostics are collected
// here, not printed: a refused edit goes into the take's note).
typedef struct {
  MixdownEditor* editor;
  char           error[400]; ///< The first error since it was cleared: `ADDRESS: why`, or ""
} MdTake;

// record.c
bool md_record_same_target(const MdLiveChange* a, const MdLiveChange* b);

// record_tree.c: sets each moved parameter's envelope (or last value) in
// the take's editor.  Not MIXDOWN_SUCCESS only when out of memory.
MixdownStatus md_record_apply_moves(MdTake* take, const MdRecorder* r, const MixdownSession* s, double rate,
                                    double glide_s, MdRecordReport* report);

// record_file.c
char* md_record_folder_of(const char* path);
char* md_record_read_text(const char* path, size_t* length);
void md_record_split_path(const char* path, char* dir, size_t dir_size, const char** base);
void md_record_temp_discard(MdTempFile* t);
bool md_record_temp_open(const char* path, MdTempFile* t);

#endif
