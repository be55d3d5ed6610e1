// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Private to src/live/record*.c: the recorder's state and the functions
// its files share.  Threads: live/record.h.

#ifndef MD_RECORD_INTERNAL_H
#define MD_RECORD_INTERNAL_H

#include "live/record.h"
#include "session/emit.h"
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
// the filesystem has it (no name at all until it is complete: a crash
// leaves nothing), else mkstemp's (O_CREAT | O_EXCL: never an existing
// file, never through a link).
typedef struct {
  int  fd;
  bool anonymous;       ///< O_TMPFILE: linked in at the end
  char name[PATH_MAX];  ///< mkstemp's file, or ""
} MdTempFile;

// record.c
bool md_record_same_target(const MdLiveChange* a, const MdLiveChange* b);

// record_tree.c
MixdownStatus md_record_apply_moves(MdYNode* root, const MdRecorder* r, const MixdownSession* s, double rate, double glide_s, MdRecordReport* report);

// record_file.c
char* md_record_folder_of(const char* path);
char* md_record_read_text(const char* path, size_t* length);
void md_record_split_path(const char* path, char* dir, size_t dir_size, const char** base);
void md_record_temp_discard(MdTempFile* t);
bool md_record_temp_open(const char* path, MdTempFile* t);
MixdownStatus md_record_write_take(const MdYNode* root, const MdEmitOptions* emit, const char* path, char* message, size_t message_size);

#endif
