// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A unified diff of two texts, line by line, as `diff -u` and git show
// one: `--- a/NAME` / `+++ b/NAME`, then `@@ -l,n +l,n @@` hunks with
// `context` unchanged lines around each change (hunks closer than twice
// that are joined).  Lines keep their own ends (a CRLF file's lines show
// their `\r`); a last line without one is followed by `\ No newline at
// end of file`.  The lines matched are a longest common subsequence found
// by Myers' O(ND) algorithm in linear space (the middle snake); a text
// changed all over (more than a few thousand differing lines in a large
// file) is shown as the removed and added lines of its changed region
// rather than searched for the minimal script, so that a diff never takes
// minutes.  What `mixdown set --dry-run` prints and the editor's diff.
//
// Thread: any; allocates; no global state.

#ifndef MD_LINE_DIFF_H
#define MD_LINE_DIFF_H

#include <stddef.h>

/// The unified diff from `old_text` to `new_text` (`old_length`,
/// `new_length` bytes; NUL bytes are ordinary bytes), with `name` after
/// `a/` and `b/` in its header: a NUL-terminated malloc'd string, "" when
/// the texts are equal, NULL when out of memory.
char* md_line_diff_unified(const char* old_text, size_t old_length, const char* new_text, size_t new_length,
                           const char* name, unsigned context);

#endif
