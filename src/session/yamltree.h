// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A YAML (or JSON) document as a tree of nodes that remember where they
// were in the file, so that validation can point at the exact line and column.
// Scalars stay as text: the validator decides what they mean.
//
// Anchors and aliases (`&name`, `*name`) are expanded as the document is
// read: an alias becomes a copy of its anchor's node, with the anchor's lines
// and columns, so that a problem inside it points at where it is written.
// Merge keys (`<<: *name`, `<<: [*a, *b]`) are resolved too: the mapping gets
// every key of the merged mappings it does not give itself, the first
// merged mapping winning over later ones.  An alias may name only an anchor
// already complete (so that no node contains itself), and all aliases
// together may copy at most MD_YAML_MAX_COPIED_NODES nodes, so that a small
// file cannot expand into gigabytes ("billion laughs").

#ifndef MD_YAMLTREE_H
#define MD_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

/// Nodes that alias expansion and merge keys may copy in one document.
#define MD_YAML_MAX_COPIED_NODES 250000U

/// Nodes (values, lists, mappings) one document may hold as written.  A
/// million-point envelope holds 3 million; a tree node costs ~100 bytes,
/// so that a 60 MB file of `[1,1,1,…]` (30 million nodes, 3.1 GB and 29 s
/// before this cap) stops early.
#define MD_YAML_MAX_NODES 4000000U

typedef enum { MD_YNODE_SCALAR, MD_YNODE_SEQUENCE, MD_YNODE_MAPPING } MdYNodeKind;

/// How a node is written: a scalar plain, 'single', "double", | literal or
/// > folded; a collection in flow (`[…]`, `{…}`) or block (indented) style.
/// New nodes (md_ynode_new*) are PLAIN (0): writers choose their style.
typedef enum {
  MD_YSTYLE_PLAIN,
  MD_YSTYLE_SINGLE,
  MD_YSTYLE_DOUBLE,
  MD_YSTYLE_LITERAL,
  MD_YSTYLE_FOLDED,
  MD_YSTYLE_FLOW,
  MD_YSTYLE_BLOCK,
} MdYStyle;

typedef struct MdYNode MdYNode;

struct MdYNode {
  MdYNodeKind kind;
  unsigned    line;    ///< 1-based
  unsigned    column;  ///< 1-based
  char*       text;    ///< Scalar text (scalars only)
  bool        quoted;  ///< Scalar was quoted: never a number, null or bool
  bool        anchored; ///< Carries an anchor (&name): aliases copy it, so it is never changed
  bool        copied;  ///< Reached through an alias or a merge key: not written here (an alias's own span is its `*name`; inside it, the anchor's)
  MdYStyle    style;   ///< As written (PLAIN for new nodes)
  /// Byte offsets of the node as written in the text parsed, [start, end):
  /// a scalar with its quotes (a block scalar without its final line
  /// breaks), a flow collection from `[`/`{` to its closing bracket, a block
  /// one from its first child (its first `-`) to the end of its last child;
  /// an empty value just after its `:` or `-`; a node with an anchor from
  /// its `&`.  A key has its own span.  0 for new nodes, and for UTF-16 text
  /// (whose spans are not computed: editing needs UTF-8).
  size_t      start;
  size_t      end;
  size_t      n_items; ///< Sequence items, or mapping pairs
  MdYNode**   items;   ///< Sequence items; for mappings keys at 2i, values at 2i+1
};

/// The error md_yaml_parse() writes when memory ran out.
#define MD_YAML_OUT_OF_MEMORY "out of memory"

/// Parse `text` into a tree.  On a syntax error returns NULL and writes the
/// message, line and column (MD_YAML_OUT_OF_MEMORY when memory ran out).
/// Free the tree with md_ynode_free().
MdYNode* md_yaml_parse(const char* text, size_t length, char* error, size_t error_size,
                       unsigned* error_line, unsigned* error_column);

void md_ynode_free(MdYNode* node);

/// Number of pairs of a mapping, items of a sequence, 0 for a scalar.
static inline size_t
md_ynode_size(const MdYNode* node)
{
  return node->kind == MD_YNODE_SCALAR ? 0U : node->n_items;
}

/// A name for the node's kind, for messages ("a number", "a list", …).
const char* md_ynode_kind_name(const MdYNode* node);

#endif
