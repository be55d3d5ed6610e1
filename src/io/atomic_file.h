// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// An output file that appears whole or not at all, however the process
// ends.  A regular file (or a name not yet taken) is written to an
// unnamed file in the target's folder (open(dir, O_TMPFILE)) and linked
// into place by md_atomic_commit(): a crash, SIGKILL or the OOM killer
// leaves nothing, since a file without a name vanishes with its last
// descriptor.  Where the filesystem has no O_TMPFILE (or /proc is not
// mounted to link it), the file is `.NAME.partial-PID-XXXXXX` beside the
// target, locked while open; md_atomic_clean_stale() removes those of
// dead runs.  A replaced file keeps its mode and, when we may, its owner;
// the file and its folder are fsynced before commit returns.
//
// A character device or a FIFO is never replaced: it is written through.
// A format that streams (no seeking back: FLAC, Ogg) goes straight down a
// FIFO; any other format, any non-seekable device, and any output that
// may yet be dropped (a finishing pass) is spooled to an unnamed file in
// the temporary folder the caller names (the CLI passes $TMPDIR; the
// library reads no environment) and copied to the device only on commit — a reader gets one
// whole file or nothing.  A seekable device (/dev/null) is written
// directly.  Block devices and sockets are refused (md_atomic_check()).
//
// Thread: control.  One MdAtomicFile per thread at a time.

#ifndef MD_ATOMIC_FILE_H
#define MD_ATOMIC_FILE_H

#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct MdAtomicFile MdAtomicFile;

/// How the output is written.
typedef enum {
  MD_ATOMIC_UNNAMED, ///< O_TMPFILE in the target's folder, linked in on commit
  MD_ATOMIC_NAMED,   ///< `.NAME.partial-PID-XXXXXX` in the folder, renamed on commit
  MD_ATOMIC_DIRECT,  ///< Straight into a FIFO or a seekable character device
  MD_ATOMIC_SPOOL,   ///< An unnamed file in the temporary folder, copied to the device on commit
} MdAtomicKind;

/// What md_atomic_open() needs to know of the content.
typedef enum {
  MD_ATOMIC_STREAMS  = 1, ///< The format is written front to back, never seeking (FLAC, Ogg)
  MD_ATOMIC_MAY_DROP = 2, ///< The file may be dropped after being written: never write a device early
} MdAtomicFlags;

/// #MIXDOWN_ERR_BAD_ARG with a message when `path` exists and can never
/// be an output: a block device, a socket (a folder is the path guard's).
MixdownStatus md_atomic_check(const char* path, char* message, size_t message_size);

/// `dir` if given and not empty, else "/tmp": the temporary folder a
/// caller named (MixdownRenderOptions.temp_dir …), or the default.
const char* md_atomic_temp_dir(const char* dir);

/// Opens an output for `path` (flags: MdAtomicFlags).  A spool, when one
/// is needed, goes into `temp_dir` (NULL: /tmp; md_atomic_temp_dir()).
/// Opening a FIFO waits for its reader; a signal meanwhile gives
/// #MIXDOWN_ERR_INTERRUPTED.
MixdownStatus md_atomic_open(const char* path, unsigned flags, const char* temp_dir, MdAtomicFile** file,
                             char* message, size_t message_size);

/// The descriptor to write to: seekable unless the kind is MD_ATOMIC_DIRECT
/// into a FIFO.  Stays owned by `file`.
int md_atomic_fd(const MdAtomicFile* file);

MdAtomicKind md_atomic_kind(const MdAtomicFile* file);

/// Puts the written file in place (see the top of this file) and frees
/// `file` either way.  On failure the previous file is as it was.
MixdownStatus md_atomic_commit(MdAtomicFile* file, char* message, size_t message_size);

/// Drops what was written and frees `file` (NULL is ignored).
void md_atomic_abort(MdAtomicFile* file);

/// Removes this user's `.NAME.partial-PID-XXXXXX` files in `dir` whose
/// process is gone (no such pid, and no lock held on the file).  Returns
/// how many were removed.
unsigned md_atomic_clean_stale(const char* dir);

/// For tests: false makes md_atomic_open() use the named fallback, as on a
/// filesystem without O_TMPFILE (default true).  Not thread-safe.
void md_atomic_use_unnamed(bool use);

/// An unnamed file for scratch data in `dir` (O_TMPFILE, or a name
/// unlinked at once where the filesystem has none); -1 and errno on
/// failure.  Gone when closed, however the process ends.
int md_atomic_scratch(const char* dir);

#endif
