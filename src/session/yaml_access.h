// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Reading and changing a YAML tree (yamltree.h) in one place: a mapping's
// value by key, a sequence's item, null and strict numbers for the
// validator; new nodes, appending and setting a key for whoever builds a
// value tree (the editor, a recorded take) that yaml_edit.h writes into a
// session's text.  New nodes have no line or column (0).
// Any thread, on a tree that thread owns; no global state.

#ifndef MD_YAML_ACCESS_H
#define MD_YAML_ACCESS_H

#include "session/yamltree.h"

#include <stdbool.h>
#include <stddef.h>

/* Reading ---------------------------------------------------------------- */

/// The value of `key` in `map`; NULL when `map` is NULL or not a mapping or
/// has no such key (a key that is not a scalar never matches).  The first
/// of a key given twice.  Not const, as strchr: the caller that owns a
/// mutable tree may change what it finds.
MdYNode* md_ynode_get(const MdYNode* map, const char* key);

/// Item `index` of the sequence `seq`; NULL when `seq` is NULL, not a
/// sequence, or shorter.
MdYNode* md_ynode_at(const MdYNode* seq, size_t index);

/// True for a plain (unquoted) `null`, `~` or empty scalar.
bool md_ynode_is_null(const MdYNode* node);

/// Strict number syntax: the whole scalar, finite, unquoted.  False (and
/// `*out` untouched) for anything else.
bool md_ynode_number(const MdYNode* node, double* out);

/// One step of a path from a document's root: the value of mapping key
/// `key`, or (when `key` is NULL) item `index` of a sequence.  A path names
/// where a value lives in the document (session/address.h builds them,
/// the editor follows them); keys point at constant or caller-owned text.
typedef struct {
  const char* key;
  size_t      index;
} MdYPathStep;

/// The node at the end of `path` (`depth` steps) from `root`: NULL when a
/// step is missing (a key not written, an item past the end, a step into
/// a scalar).  `depth` 0 is `root` itself.
MdYNode* md_ynode_find(const MdYNode* root, const MdYPathStep* path, size_t depth);

/* Changing --------------------------------------------------------------- */

/// A new empty mapping or sequence (or an empty scalar without text);
/// NULL when out of memory.  Free with md_ynode_free().
MdYNode* md_ynode_new(MdYNodeKind kind);

/// A new scalar holding a copy of `text`; `quoted` keeps it a string
/// (never read as a number, null or switch).  NULL when out of memory.
MdYNode* md_ynode_new_scalar(const char* text, bool quoted);

/// A new plain scalar holding `value` as "%.10g".
MdYNode* md_ynode_new_number(double value);

/// A new plain scalar holding `value` written shortest-exact
/// (md_yaml_format_number): what an edit writes.
MdYNode* md_ynode_new_number_exact(double value);

/// `value` (finite) in the fewest significant digits that read back as
/// exactly it (at most 17): -4 not -4.0000000000, 0.1 stays 0.1; without
/// an exponent from 1e-5 up to 1e16.
void md_yaml_format_number(double value, char* out, size_t size);

/// Appends `a` to a sequence (`b` NULL), or the pair `a: b` to a mapping.
/// Takes both: on failure (out of memory, or `a`/`b` NULL from a failed
/// md_ynode_new*) frees them and returns false; `parent` stays as it was.
bool md_ynode_append(MdYNode* parent, MdYNode* a, MdYNode* b);

/// Sets `key` of the mapping `map` to `value`: replaces (and frees) the
/// value of the first such key, else appends the pair.  Takes `value`
/// (freed on failure).
bool md_ynode_set(MdYNode* map, const char* key, MdYNode* value);

#endif
