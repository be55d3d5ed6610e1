// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The text of a session checked before libyaml reads it.
//
// libyaml checks encodings and characters as it reads, but reports a bad
// byte at its offset only (its marks say 1:1).  So the text is checked
// here first, and a problem is given at its line and column as libyaml
// counts them: columns in characters, a line broken by \n, \r\n, \r, NEL,
// LS or PS.  The characters allowed are libyaml's (YAML 1.1's printable set).
//
// Any thread; no global state.

#ifndef MD_YAML_TEXT_H
#define MD_YAML_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/// A place in the text, 1-based, as libyaml counts it.
typedef struct {
  unsigned line;
  unsigned column;
} MdTextPlace;

/// Checks that the text is UTF-8 (or UTF-16 with its byte-order mark,
/// which libyaml reads too) of printable characters; otherwise writes the
/// problem and its place (UTF-32 refused at 1:1).
bool md_yaml_check_text(const char* text, size_t length, char* error, size_t error_size, MdTextPlace* place);

#endif
