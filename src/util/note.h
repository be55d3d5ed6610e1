// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A line for the user, formatted, handed to whoever shows it.
//
// Thread: control (formats into a stack buffer and calls back).

#ifndef MD_NOTE_H
#define MD_NOTE_H

#include "util/attributes.h"

/// Shows one line of text (a callback of the caller's).
typedef void (*MdNoteFunc)(void* user, const char* text);

/// Formats a line (at most 800 bytes) and hands it to `note` (nothing when NULL).
void md_notef(MdNoteFunc note, void* user, const char* fmt, ...) MD_PRINTF(3, 4);

#endif
