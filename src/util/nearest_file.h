// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The file a user probably meant when the one named does not exist: for
// "did you mean `stems/vocal.wav`?" under a missing source.
//
// Thread: control (reads folders).

#ifndef MD_NEAREST_FILE_H
#define MD_NEAREST_FILE_H

/// The existing file nearest to `path` (as the user wrote it; relative to
/// `base_dir` unless absolute; `base_dir` NULL or "." for the current
/// folder), spelled the user's way, or NULL.  The folder `path` points into
/// is searched for a name a typo away (util/suggest.c), the same name in
/// another case, or the same name with another extension; when that folder
/// does not exist, its parent is searched for the nearest folder first.
/// The caller frees the result.  Reads the file system.
char* md_nearest_file(const char* base_dir, const char* path);

#endif
