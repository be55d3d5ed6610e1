// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What an undo history needs of an editor beyond the public API
// (mixdown.h `mixdown_editor_*`): going back to an exact earlier text, and
// hearing the editor's refusals itself.  The console of `mixdown serve`
// (serve/console.c) keeps its undo steps as the editor's texts, so that an
// undo restores the very bytes the file had — comments, quoting, a key
// not written yet — rather than writing a value back in a new style.
//
// Thread: control, the editor's one thread (as mixdown_editor_*).

#ifndef MD_EDIT_HISTORY_H
#define MD_EDIT_HISTORY_H

#include "mixdown.h"

#include <stddef.h>

/// Makes `text` (`length` bytes, an earlier text of this editor) the text
/// as edited: validated as every edit is (refused, reported and the editor
/// unchanged when it is not valid).  What the file was when read or last
/// saved stays as it was, so a save still refuses to write over a file
/// changed on disk; the diff still compares with the text as read.
/// Returns as mixdown_editor_set().
MixdownStatus md_editor_restore_text(MixdownEditor* editor, const char* text, size_t length);

/// Sends the editor's reports from now on to `on_diagnostic` (with
/// `user_data`) instead of the callback given at open; the one it had goes
/// to *previous and *previous_user (either may be NULL), so that the new
/// one can pass each report on.
void md_editor_divert_diagnostics(MixdownEditor* editor, MixdownDiagnosticFunc on_diagnostic, void* user_data,
                                  MixdownDiagnosticFunc* previous, void** previous_user);

#endif
