// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The editable session (mixdown.h `mixdown_editor_*`), private to
// src/edit: the editor's state and what its files share.
//
//   editor.c      open, the state's accessors, the diff, and the one way an
//                 edit is kept: a scratch copy of the document is edited,
//                 its text validated by the session validator, and swapped
//                 in only when valid (else reported, the editor unchanged)
//   edit_tree.c   following an address's document path, creating what is
//                 missing on the way; copies of value trees
//   edit_value.c  get (as YAML flow or JSON), set, set_number, addresses
//   edit_list.c   append (points in time order) and remove (by number or name)
//   history.c     an earlier text restored (undo), reports diverted (history.h)
//   save.c        the atomic write, the changed-on-disk refusal, the
//                 relative paths of a copy in another folder
//
// Thread: control; an editor is used by one thread at a time.

#ifndef MD_EDIT_INTERNAL_H
#define MD_EDIT_INTERNAL_H

#include "mixdown.h"
#include "session/address.h"
#include "session/yaml_access.h"
#include "session/yaml_edit.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// What the file was when it was read (or last saved): compared before a
/// save over it.
typedef struct {
  bool   known;      ///< Read from a file (not a string)
  dev_t  device;
  ino_t  inode;
  off_t  size;
  long   mtime_s;
  long   mtime_ns;
  char*  bytes;      ///< Its whole content
  size_t length;
} MdDiskState;

struct MixdownEditorImpl {
  char*                 name;     ///< As given: messages, the diff's a/ b/ names
  char*                 path;     ///< The file opened, or NULL (a string)
  char*                 base_dir; ///< The folder relative paths are taken from, or NULL (the current one)
  MixdownDiagnosticFunc on_diagnostic;
  void*                 user_data;
  char*                 original; ///< The text as read: the diff's a/ side
  size_t                original_length;
  MdDiskState           disk;
  MdYamlDoc             doc;      ///< The text as edited and its tree
  MixdownSession*       session;  ///< The model of doc.text
};

/// Reports `ADDRESS: MESSAGE` as an error at `line`:`column` (0: none)
/// to the editor's diagnostic callback.
void md_edit_report(const MixdownEditor* ed, unsigned line, unsigned column, const char* address,
                    const char* fmt, ...) __attribute__((format(printf, 5, 6)));

/// Reports a message without an address (a save's refusal): `FILE: error: …`.
void md_edit_report_file(const MixdownEditor* ed, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/// Resolves `address` against the session as edited; false (reported,
/// with the nearest name) when it names nothing.
bool md_edit_resolve(const MixdownEditor* ed, const char* address, MdAddress* out);

/// An edit in progress: a scratch copy of the document, and where the
/// edit's value was in the text before it (for a refusal's place).
typedef struct {
  MixdownEditor* ed;
  const char*    address;
  MdYamlDoc      scratch;
  unsigned       line, column;
} MdEdit;

/// Whether a render of `s` could write its outputs (io/path_guard.h, as
/// render claims them): MIXDOWN_ERR_BAD_ARG with the guard's message when
/// one would replace a file the session reads (a source, an impulse, the
/// session) or another output; MIXDOWN_ERR_NO_MEM.
MixdownStatus md_edit_check_outputs(const MixdownSession* s, char* message, size_t message_size);

/// Starts an edit of `ed` (copies its document); false when out of memory.
bool md_edit_begin(MixdownEditor* ed, const char* address, MdEdit* edit);

/// Ends an edit: its text validated, kept (the editor's new document and
/// session) or refused (reported at the edit's place, the editor as it
/// was).  MIXDOWN_ERR_SESSION when refused.
MixdownStatus md_edit_commit(MdEdit* edit);

/// Drops an edit (a yaml_edit failure, reported by the caller).
void md_edit_abort(MdEdit* edit);

/// The place of what `path` names in `doc` for messages: the node when it
/// is written, else the deepest mapping or list on its way.
void md_edit_place(const MdYamlDoc* doc, const MdYPathStep* path, size_t depth, unsigned* line,
                   unsigned* column);

/// The place of the names a failed address was read among (address.h):
/// the key of the deepest written step when it is a key (`tracks:`,
/// `inserts:`), else the mapping or list written there (the root at depth 0).
void md_edit_place_names(const MdYamlDoc* doc, const MdYPathStep* path, size_t depth, unsigned* line,
                         unsigned* column);

/// The node at the end of `path`, also where a list of one field writes
/// its items bare (see address.h): NULL when not written.
MdYNode* md_edit_find(const MdYamlDoc* doc, const MdYPathStep* path, size_t depth);

/// Writes `value` at `path` of `doc`: replaces the node there, or adds
/// its key (and the mappings missing on the way, a null value replaced
/// by one).  `value` stays the caller's.  False with `error` on failure.
bool md_edit_put(MdYamlDoc* doc, const MdYPathStep* path, size_t depth, const MdYNode* value, char* error,
                 size_t error_size);

/// A track written `file: PATH` (one clip, no mapping of its own) is
/// written `clips: [{file: PATH}]` when `a` names its clip (`shorthand`,
/// session/address.h), so that the clip can hold other keys; true when
/// nothing was to do.
bool md_edit_expand_shorthand(MdYamlDoc* doc, const MdAddress* a, char* error, size_t error_size);

/// Writes a loudness preset out as a mapping (`loudness: podcast` →
/// `loudness: {preset: podcast}`) before one of its values is set, so that
/// the value overrides the preset beside it; true when nothing was to do.
bool md_edit_expand_preset(MdYamlDoc* doc, const MdAddress* a, char* error, size_t error_size);

/// Replaces `holder` (a node of `doc`) by the mapping {key: a copy of
/// `value`} (`value` may be `holder` itself); false with `error` set when
/// it could not.
bool md_edit_wrap(MdYamlDoc* doc, const MdYNode* holder, const char* key, const MdYNode* value, char* error,
                  size_t error_size);

/// Sets what `address` names to the value tree `value` (the caller's),
/// as mixdown_editor_set() sets a user's text: resolved, written in the
/// style around it, validated, kept or refused (reported).  For callers
/// that build values as trees (a recorded take, live/record_tree.c).
MixdownStatus md_edit_set_tree(MixdownEditor* ed, const char* address, const MdYNode* value);

/// A deep copy of `node` (kind, text, quoting, style, items); NULL when
/// out of memory.
MdYNode* md_edit_clone(const MdYNode* node);

/// Parses a value a user typed: NULL (and `error`) when it is not YAML or
/// is empty.
MdYNode* md_edit_parse_value(const char* text, char* error, size_t error_size);

/// A value tree as one line of YAML flow (`json`: JSON), malloc'd.
char* md_edit_flow(const MdYNode* node, bool json);

#endif
