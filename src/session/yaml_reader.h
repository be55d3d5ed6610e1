// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The YAML reader's private parts (yamltree.c reads libyaml's events into
// the tree; yaml_anchors.c expands aliases and resolves merge keys), shared
// by those two files only.  Thread: the one that parses; a reader is one
// parse's.

#ifndef MD_YAML_READER_H
#define MD_YAML_READER_H

#include "session/yamltree.h"
#include "util/name_index.h"

#include <yaml.h>

#include <stdbool.h>
#include <stddef.h>

// Nesting deeper than this is refused rather than risking the C stack.
#define MD_YAML_MAX_DEPTH 64U

// An anchor (&name) and the node it names.  The node stays in the tree (or,
// when a merge takes it out, in `retired`) until the whole tree is freed.
typedef struct {
  char*    name;
  MdYNode* node;
} MdAnchor;

typedef struct {
  yaml_parser_t parser;
  const char*   text; ///< The document, to look at the line of a syntax error
  size_t        length;
  char*         error;
  size_t        error_size;
  unsigned*     error_line;
  unsigned*     error_column;
  unsigned      depth;
  MdAnchor*     anchors;
  size_t        n_anchors;
  size_t        anchors_capacity;
  MdNameIndex   anchor_index; ///< Anchor name → index into `anchors`
  size_t        copy_budget;  ///< Nodes that aliases and merges may still copy
  size_t        node_budget;  ///< Nodes the document may still hold as written
  MdYNode**     retired;      ///< Anchored nodes a merge took out of the tree
  size_t        n_retired;
  size_t        retired_capacity;
  bool          spans;        ///< Node spans are computed (UTF-8 text; not UTF-16)
  size_t        cursor_char;  ///< A character index (libyaml's marks count characters) …
  size_t        cursor_byte;  ///< … and its byte offset, moved to each mark in turn
  size_t        last_end;     ///< Byte just past the last node read as written (an alias: the `*name`)
} MdYamlReader;

/// The byte offset of libyaml's character index `index` (0 without spans).
size_t md_yaml_reader_byte(MdYamlReader* r, size_t index);

/// Records the error and its place (libyaml's 0-based mark, given 1-based);
/// only the first error of a parse is kept.
void md_yaml_reader_fail(MdYamlReader* r, const char* message, const yaml_mark_t mark);

/// Appends `item` to a growing array of node pointers; false when out of
/// memory (the array is as it was).
bool md_yaml_push_slot(MdYNode*** slots, size_t* n_slots, size_t* capacity, MdYNode* item);

/* Anchors, aliases and merge keys (yaml_anchors.c) ----------------------- */

/// Names `node` `name` (a name given again names the new node from here
/// on); false when out of memory.
bool md_yaml_anchor_add(MdYamlReader* r, const char* name, MdYNode* node);

/// Frees the anchor names and the nodes a merge took out of the tree.
void md_yaml_anchors_free(MdYamlReader* r);

/// An alias: a copy of the node its anchor names, within the copy budget
/// and the nesting limit; NULL (and the error) otherwise.
MdYNode* md_yaml_read_alias(MdYamlReader* r, const yaml_event_t* event);

/// Marks `node` and everything in it copied (a merged pair: not written
/// in the mapping it now belongs to).
void md_yaml_mark_copied(MdYNode* node);

/// Resolves the merge keys (`<<`) of a complete mapping: its own pairs
/// first, in their order, then those of the merged mappings that it lacks.
bool md_yaml_resolve_merges(MdYamlReader* r, MdYNode* map);

#endif
