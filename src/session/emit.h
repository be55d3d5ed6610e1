// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Writing a YAML tree (yamltree.h) back out as text: flow YAML, which is
// also JSON when every scalar is a string, number or switch — mappings as
// `{"key": value, …}` and lists as `[…]`, one entry a line, indented by
// two spaces a level; a list of plain values (an envelope point) on one
// line.  A scalar is written bare when it reads back as the same number,
// switch or null, else as a double-quoted string with `"` and `\` escaped
// and control characters as \uXXXX.  Comments, anchors and the file's
// layout are not kept: this writes a tree, not the user's bytes (editing
// that keeps them builds on yaml_access.h and this).
//
// Used by a recorded take (live/record.c).  Thread: any, on a tree it
// owns; it only writes to `out`.

#ifndef MD_EMIT_H
#define MD_EMIT_H

#include "session/yamltree.h"

#include <stdio.h>

typedef struct {
  /// Relative paths under `path_keys` are written from this folder
  /// (`base/path`), so that a copy in another folder finds the same files;
  /// NULL: every scalar as it is.
  const char* path_base;
  /// The keys whose values are paths (NULL-terminated), e.g. `file`.
  const char* const* path_keys;
} MdEmitOptions;

/// Writes `root` to `out` (no final newline).  Errors are `out`'s
/// (ferror()).
void md_yaml_emit(FILE* out, const MdYNode* root, const MdEmitOptions* options);

#endif
