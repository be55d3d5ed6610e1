// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Writing new values into a session's text in the style of where they go
// (yaml_edit.c uses it): scalars bare or quoted, collections as one flow
// line (`{points: [[0, -6], ["17:1", 0]], curve: smooth}`; JSON:
// `{"points": …}`) or in block style at an indentation, one entry a line.
// And the comparisons an edit checks its re-parse with.
//
// Scalars: a plain number, switch (true/false/yes/no/on/off) or null is
// written bare (JSON: a JSON number, true/false, null); any other scalar is
// a string: bare when it reads back as the same string (letters, digits,
// `_ . / + -`, spaces inside, non-ASCII), else quoted — single when asked
// for (`quote` MD_YSTYLE_SINGLE) and it has no control character, else
// double, with `"` `\` and control characters escaped.  JSON: always double.
//
// Thread: any; it only writes to the buffer given.

#ifndef MD_YAML_WRITE_H
#define MD_YAML_WRITE_H

#include "session/yamltree.h"

#include <stdbool.h>
#include <stddef.h>

/// A growing NUL-terminated text; `failed` once memory ran out (then
/// further writes are ignored).
typedef struct {
  char*  data;
  size_t length;
  size_t capacity;
  bool   failed;
} MdYBuffer;

void md_ybuf_add(MdYBuffer* b, const char* text, size_t length);
void md_ybuf_puts(MdYBuffer* b, const char* text);
/// `count` spaces.
void md_ybuf_spaces(MdYBuffer* b, size_t count);
void md_ybuf_free(MdYBuffer* b);

/// How a document writes what an edit adds to it (yaml_edit finds it in
/// the text: the separators of the flow entries and the indentation step
/// of the block levels it already has).
typedef struct {
  const char* comma;    ///< After a flow entry's `,` when entries share a line: ", " or ","
  const char* colon;    ///< After a flow key's `:`: ": ", or ":" (JSON only)
  size_t      map_step; ///< A block mapping below its key: columns in
  size_t      seq_step; ///< A block list below its key: columns in (0: its `-` under the key)
  size_t      dash_gap; ///< From a block item's `-` to its value: 2 (`- a`), 4 (`-   a`)
  const char* newline;  ///< "\n" or "\r\n"
  size_t      width;    ///< Flow lines wider than this go in block style
  /// Block style asked for though the whole fits on a line (its siblings
  /// are blocks): an entry's collection value that fits goes on its line,
  /// not only one of scalars.
  bool nested_flow;
} MdYLayout;

/// `, `, `: `, two columns a level, `- a`, "\n", 100 columns.
extern const MdYLayout md_yaml_layout_default;

/// A scalar (see above); `quote` is the style of the scalar it replaces
/// (MD_YSTYLE_SINGLE or _DOUBLE keep their quote; anything else: bare when
/// it can be, else double).
void md_yaml_write_scalar(MdYBuffer* b, const MdYNode* scalar, bool json, MdYStyle quote);

/// A mapping key: bare when it can be (YAML), else double-quoted; JSON:
/// always double-quoted.
void md_yaml_write_key(MdYBuffer* b, const char* key, bool json);

/// Any node on one line in flow style (a scalar as md_yaml_write_scalar),
/// entries separated by `, ` and `: `.
void md_yaml_write_flow(MdYBuffer* b, const MdYNode* node, bool json, MdYStyle quote);

/// md_yaml_write_flow() with the separators of `layout`.
void md_yaml_write_flow_in(MdYBuffer* b, const MdYNode* node, bool json, MdYStyle quote, const MdYLayout* layout);

/// A non-empty collection in block style: each entry starts with the
/// layout's newline and `indent` spaces, except the first when
/// `first_inline` (it follows an item's `-` and its gap, already written).
/// An entry's collection value goes on the same line in flow style when it
/// holds only scalars and fits in the layout's width (an envelope point),
/// else below it in block style (the layout's steps in), one entry a line.
/// (YAML only: JSON has no block style.)
void md_yaml_write_block(MdYBuffer* b, const MdYNode* node, size_t indent, bool first_inline,
                         const MdYLayout* layout);

/// Columns (code points) of UTF-8 text.
size_t md_yaml_columns(const char* text, size_t length);

/// A plain scalar that is a number, switch or null (not a string).
bool md_yaml_scalar_is_special(const MdYNode* scalar);

/// The same value, as the validator reads it: equal numbers (`-4.0` is
/// `-4`), equal switches (`on` is `true`), both null, or the same string
/// (quoted or not); collections item by item, keys by text.
bool md_yaml_node_equal(const MdYNode* a, const MdYNode* b);

#endif
