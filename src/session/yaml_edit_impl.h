// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The private parts of text editing (yaml_edit.h), shared by yaml_edit.c
// (documents, checks, applying an edit and checking its re-parse) and
// yaml_edit_text.c (which bytes an edit replaces, and with what, in the
// layout around them).  Thread: as yaml_edit.h.

#ifndef MD_YAML_EDIT_IMPL_H
#define MD_YAML_EDIT_IMPL_H

#include "session/yaml_edit.h"
#include "session/yaml_write.h"

/// Levels of a trail: the reader's nesting limit, and the root.
#define MD_YTRAIL_MAX 72U

/// Where a node is in a tree: nodes[0] the root … nodes[depth] the node;
/// nodes[i + 1] is nodes[i]->items[slots[i]] (a mapping's value: an odd slot).
typedef struct {
  const MdYNode* nodes[MD_YTRAIL_MAX];
  size_t         slots[MD_YTRAIL_MAX];
  size_t         depth;
} MdYTrail;

/// One change of the text: bytes [from, to) become `text`.
typedef struct {
  size_t    from;
  size_t    to;
  MdYBuffer text;
} MdYEdit;

/// Replace the node at the end of `trail` (not a key) with `value`.
bool md_yedit_replace(const MdYamlDoc* doc, const MdYTrail* trail, const MdYNode* value, MdYEdit* edit,
                      char* error, size_t error_size);

/// Insert the pair `key: value` after the last pair written in the mapping `map`.
bool md_yedit_insert_pair(const MdYamlDoc* doc, const MdYNode* map, const char* key, const MdYNode* value,
                          MdYEdit* edit, char* error, size_t error_size);

/// Remove pair `pair` (written in it) of the mapping at the end of `trail`.
bool md_yedit_remove_pair(const MdYamlDoc* doc, const MdYTrail* trail, size_t pair, MdYEdit* edit, char* error,
                          size_t error_size);

/// Insert `item` before item `index` (or append) of the sequence at the end of `trail`.
bool md_yedit_insert_item(const MdYamlDoc* doc, const MdYTrail* trail, size_t index, const MdYNode* item,
                          MdYEdit* edit, char* error, size_t error_size);

/// Remove item `index` of the sequence at the end of `trail`.
bool md_yedit_remove_item(const MdYamlDoc* doc, const MdYTrail* trail, size_t index, MdYEdit* edit, char* error,
                          size_t error_size);

/// How `d` writes what it holds (yaml_write.h): its separators and block
/// steps, read from `near` (the collection edited) first, then from the
/// whole document; the defaults where it has no example.
void md_yedit_layout(const MdYamlDoc* d, const MdYNode* near, MdYLayout* out);

/// Whether a collection `value` going to entry `index` of the block
/// collection `c` is written in block style because its nearest sibling of
/// its kind is (items of a list; values of a mapping).
bool md_yedit_siblings_block(const MdYNode* c, size_t index, const MdYNode* value);

#endif
