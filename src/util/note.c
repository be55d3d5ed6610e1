// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "util/note.h"

#include <stdarg.h>
#include <stdio.h>

void
md_notef(MdNoteFunc note, void* user, const char* fmt, ...)
{
  if (!note) {
    return;
  }
  char    line[800];
  va_list args;
  va_start(args, fmt);
  vsnprintf(line, sizeof line, fmt, args);
  va_end(args);
  note(user, line);
}
