// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Nothing a render writes may replace a file the session reads, the
// session itself, another output of the same render, or a file that is not
// audio.  Every path a render will write is claimed here before anything
// is rendered; files are compared by device and inode (so a relative path,
// `./`, `..`, a symbolic or a hard link all count as the file they name),
// outputs among themselves by their canonical path.  Folders an output
// needs are created here too, and removed again when the render fails.
// Thread: control.

#ifndef MD_PATH_GUARD_H
#define MD_PATH_GUARD_H

#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct MdPathGuard MdPathGuard;

MdPathGuard* md_path_guard_new(void);
void         md_path_guard_free(MdPathGuard* guard);

/// A file the render reads (`what`: "source of track `vocal`", …); a path
/// that does not exist is ignored.  False when out of memory.
bool md_path_guard_add_read(MdPathGuard* guard, const char* path, const char* what);

/// What an output is: audio replaces only audio, a picture only a PNG; a
/// text file (a recorded take) anything that is not read.
typedef enum { MD_CLAIM_AUDIO, MD_CLAIM_TEXT, MD_CLAIM_PICTURE } MdClaimKind;

/// Claims `path` for an output (`what`: "the mix", "stem `vocal`", …).
/// #MIXDOWN_ERR_BAD_ARG with a message when it would replace a file that
/// is read, a path already claimed, a folder, a block device or socket,
/// or (for audio, a picture) an existing file that is not audio (a PNG).
MixdownStatus md_path_guard_claim(MdPathGuard* guard, const char* path, const char* what, MdClaimKind kind,
                                  char* message, size_t message_size);

/// Creates `dir` and its missing parents, remembering what it created.
MixdownStatus md_path_guard_make_folder(MdPathGuard* guard, const char* dir, char* message,
                                        size_t message_size);
/// Creates the folder `path` (a file) goes into.
MixdownStatus md_path_guard_make_parent(MdPathGuard* guard, const char* path, char* message,
                                        size_t message_size);

/// Removes the folders md_path_guard_make_*() created (if empty): for a
/// render that failed.
void md_path_guard_remove_created(MdPathGuard* guard);

#endif
