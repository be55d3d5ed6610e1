// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Editing a session's TEXT while keeping every byte that did not change.
//
// A document (MdYamlDoc) is the text as it now reads and its tree, whose
// nodes know their byte spans and styles (yamltree.h).  An edit replaces
// the bytes of one value, or inserts or removes one pair or item, writing
// new values in the style around them (yaml_write.c): block or flow, the
// siblings' indentation, the file's line ends (\n or \r\n), its quoting;
// JSON files stay JSON (quoted keys, double-quoted strings, no comments).
// What an edit keeps: every byte outside the value, pair or item edited —
// comments, blank lines, key order, the quoting of unchanged scalars, a
// comment after a replaced value on its line.
//
// Every edit re-parses the new text and checks that its tree is the old
// one with exactly that change (the value edited reads back as given,
// every other node as it was); if not, or on any other failure, it returns
// false, writes why to `error`, and the document stays as it was, byte for
// byte.  What is refused:
//   - a node that carries an anchor (&name), is inside one, or is a copy
//     made by an alias or a merge key (`<<`): the edit would change every
//     copy, or the anchor instead of the copy; the message names the
//     anchor's line (edit the file by hand, or write the value out);
//   - a node not in this document's tree (a stale pointer: see below);
//   - UTF-16 text (md_yaml_doc_open; reading it still works elsewhere);
//   - a place the layout does not allow to write into (e.g. a block item
//     whose `-` shares its line with another item's), said in `error`.
//
// After a successful edit every node pointer taken before is stale (the
// tree is rebuilt): find nodes again with md_ynode_find() and a path.
//
// New values are trees: md_ynode_new*() (yaml_access.h) or md_yaml_parse()
// of a user's text.  A plain scalar that is a number, switch or null is
// written bare; any other scalar is a string, written bare when it reads
// back as the same string, else quoted (in the quote style of the scalar it
// replaces when that was quoted, else double; JSON: always double).
//
// Thread: any, on a document that thread owns; no global state.

#ifndef MD_YAML_EDIT_H
#define MD_YAML_EDIT_H

#include "session/yamltree.h"

#include <stdbool.h>
#include <stddef.h>

/// Values (a new flow line) wider than this many columns are written in
/// block style when they go in a block context.
#define MD_YAML_EDIT_FLOW_COLUMNS 100U

typedef struct {
  char*       text;    ///< The document as it now reads, NUL-terminated, owned
  size_t      length;  ///< Bytes of `text` (without the NUL)
  MdYNode*    root;    ///< Its tree (spans index `text`); replaced by every edit
  bool        json;    ///< The file is JSON: edits write JSON
  const char* newline; ///< "\n" or "\r\n": how the file breaks its lines (its first break)
} MdYamlDoc;

/// Opens a copy of `text` as a document.  False on a syntax error (message,
/// line and column as md_yaml_parse()) or UTF-16 text (refused: 1:1), and
/// `doc` is then empty (md_yaml_doc_close() is harmless).  A document is
/// JSON when its root is a flow mapping or list and every key in it is
/// double-quoted.
bool md_yaml_doc_open(MdYamlDoc* doc, const char* text, size_t length, char* error, size_t error_size,
                      unsigned* line, unsigned* column);

/// Frees the text and tree; `doc` is left empty.
void md_yaml_doc_close(MdYamlDoc* doc);

/// Replaces the value `node` (any node of doc->root that is not a mapping
/// key) with `value`: a scalar in place (its line, trailing comment and
/// quote character kept), a collection in flow style where it fits (one
/// line of at most MD_YAML_EDIT_FLOW_COLUMNS, a trailing comment kept after
/// it), else in block style one indentation step of the file in (two, four
/// columns… as its other levels; a list flush with its key when its lists
/// are), one item a line (the trailing comment moves to the key's line).  A
/// block collection replaced by a scalar or a flow line goes on its key's
/// line with the key line's comment; a comment on the block's last line
/// stays, on a line of its own.  Flow entries are separated as the file
/// separates them (`,"key":value` in compact JSON).
bool md_yaml_doc_replace(MdYamlDoc* doc, const MdYNode* node, const MdYNode* value, char* error,
                         size_t error_size);

/// Sets `key` of the mapping `map` to `value`: replaces its value as
/// md_yaml_doc_replace(), or (a key not written in `map`, or given to it
/// only by a merge key) inserts `key: value` after the mapping's last pair
/// written: block — its own line at the siblings' indentation (after a
/// nested block value, at the outer one), a collection value in block style
/// when the nearest sibling value of its kind is; flow — `, key: value`
/// before the closing `}` (on its own line when the pairs are one a line,
/// `,` and `:` spaced as the siblings are), `{key: value}` in an empty
/// `{}`; JSON — `"key": value` (`"key":value` in compact JSON).
bool md_yaml_doc_set_key(MdYamlDoc* doc, const MdYNode* map, const char* key, const MdYNode* value,
                         char* error, size_t error_size);

/// Removes the pair `key` from `map`: block — its whole lines (a first key
/// on a `- ` line up to the next key); flow — with its separating comma.
/// The only pair left makes the mapping `{}`.  A key missing, or given only
/// by a merge key, is refused.
bool md_yaml_doc_remove_key(MdYamlDoc* doc, const MdYNode* map, const char* key, char* error, size_t error_size);

/// Inserts `item` into the sequence `seq` before item `index` (`index` ==
/// its item count appends): block — a `- item` line at the siblings'
/// column with their gap after the `-`, a mapping or list in block style
/// (key per line) when its nearest sibling of that kind is; flow — `a,
/// item` with its comma (spaced as the siblings); into `[]` — `[item]`.
bool md_yaml_doc_insert_item(MdYamlDoc* doc, const MdYNode* seq, size_t index, const MdYNode* item, char* error,
                             size_t error_size);

/// Removes item `index` of `seq`: block — its whole lines; flow — with its
/// separating comma; the only item left makes the list `[]`.
bool md_yaml_doc_remove_item(MdYamlDoc* doc, const MdYNode* seq, size_t index, char* error, size_t error_size);

#endif
