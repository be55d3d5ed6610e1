// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// An editor's earlier text restored, and its reports diverted (history.h).
// Thread: control, the editor's one thread.

#include "edit/history.h"

#include "edit/edit_internal.h"

#include <string.h>

MixdownStatus
md_editor_restore_text(MixdownEditor* ed, const char* text, size_t length)
{
  if (!ed || !text) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  // As an edit: a scratch document of the text, validated, swapped in.
  MdEdit   edit = {.ed = ed, .address = "(undo)"};
  char     error[256];
  unsigned line = 0U, column = 0U;
  if (!md_yaml_doc_open(&edit.scratch, text, length, error, sizeof error, &line, &column)) {
    md_edit_report(ed, line, column, "(undo)", "%s", error);
    return strcmp(error, MD_YAML_OUT_OF_MEMORY) ? MIXDOWN_ERR_SESSION : MIXDOWN_ERR_NO_MEM;
  }
  return md_edit_commit(&edit);
}

void
md_editor_divert_diagnostics(MixdownEditor* ed, MixdownDiagnosticFunc on_diagnostic, void* user_data,
                             MixdownDiagnosticFunc* previous, void** previous_user)
{
  if (previous) {
    *previous = ed->on_diagnostic;
  }
  if (previous_user) {
    *previous_user = ed->user_data;
  }
  ed->on_diagnostic = on_diagnostic;
  ed->user_data     = user_data;
}
