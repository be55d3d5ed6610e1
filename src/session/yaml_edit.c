// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Editing a session's text: documents, what is refused, and applying an
// edit — the new text re-parsed and checked to be the old tree with exactly
// the change asked for — see yaml_edit.h.  Which bytes change, and with
// what, is yaml_edit_text.c's.

#include "session/yaml_edit_impl.h"

#include "session/yaml_access.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Documents -------------------------------------------------------------- */

// Every key of every mapping double-quoted (a JSON file's).
static bool
keys_double_quoted(const MdYNode* node)
{
  if (node->kind == MD_YNODE_SCALAR) {
    return true;
  }
  const bool map = node->kind == MD_YNODE_MAPPING;
  for (size_t i = 0U; i < node->n_items * (map ? 2U : 1U); ++i) {
    const MdYNode* item = node->items[i];
    if ((map && !(i % 2U) && item->style != MD_YSTYLE_DOUBLE) || !keys_double_quoted(item)) {
      return false;
    }
  }
  return true;
}

bool
md_yaml_doc_open(MdYamlDoc* doc, const char* text, size_t length, char* error, size_t error_size, unsigned* line,
                 unsigned* column)
{
  *doc                       = (MdYamlDoc){.newline = "\n"};
  const unsigned char* bytes = (const unsigned char*)text;
  if (length >= 2U && ((bytes[0] == 0xFFU && bytes[1] == 0xFEU) || (bytes[0] == 0xFEU && bytes[1] == 0xFFU))) {
    snprintf(error, error_size, "the session is UTF-16 text; editing needs UTF-8: save it as UTF-8");
    *line = *column = 1U;
    return false;
  }
  MdYNode* root = md_yaml_parse(text, length, error, error_size, line, column);
  char*    copy = root ? malloc(length + 1U) : NULL;
  if (!copy) {
    if (root) {
      snprintf(error, error_size, MD_YAML_OUT_OF_MEMORY);
      *line = *column = 1U;
    }
    md_ynode_free(root);
    return false;
  }
  memcpy(copy, text, length);
  copy[length]       = '\0';
  const char* lf     = memchr(text, '\n', length);
  doc->text          = copy;
  doc->length        = length;
  doc->root          = root;
  doc->newline       = lf && lf > text && lf[-1] == '\r' ? "\r\n" : "\n";
  doc->json          = root->kind != MD_YNODE_SCALAR && root->style == MD_YSTYLE_FLOW && keys_double_quoted(root);
  return true;
}

void
md_yaml_doc_close(MdYamlDoc* doc)
{
  md_ynode_free(doc->root);
  free(doc->text);
  *doc = (MdYamlDoc){.newline = "\n"};
}

/* Where a node is, and what is refused ------------------------------------ */

static bool
find_trail(const MdYNode* node, const MdYNode* target, MdYTrail* t, size_t depth)
{
  t->nodes[depth] = node;
  if (node == target) {
    t->depth = depth;
    return true;
  }
  if (node->kind == MD_YNODE_SCALAR || depth + 1U >= MD_YTRAIL_MAX) {
    return false;
  }
  const size_t n_slots = node->n_items * (node->kind == MD_YNODE_MAPPING ? 2U : 1U);
  for (size_t i = 0U; i < n_slots; ++i) {
    t->slots[depth] = i;
    if (find_trail(node->items[i], target, t, depth + 1U)) {
      return true;
    }
  }
  return false;
}

// The 1-based line of byte `at`.
static unsigned
line_of(const MdYamlDoc* d, size_t at)
{
  unsigned line = 1U;
  for (size_t i = 0U; i < at && i < d->length; ++i) {
    line += d->text[i] == '\n';
  }
  return line;
}

// Nothing on the trail is anchored or copied: an edit there would change
// every copy, or the anchor instead of the copy.
static bool
editable(const MdYamlDoc* d, const MdYTrail* t, char* error, size_t error_size)
{
  for (size_t i = 0U; i <= t->depth; ++i) {
    const MdYNode* n = t->nodes[i];
    if (n->copied) {
      snprintf(error, error_size,
               "the value at line %u is a copy made by an alias or a merge key (`*name`, `<<`) of the anchored "
               "value at line %u: editing it would change the anchor and every copy; refused (edit line %u by "
               "hand, or write the value out in place of the alias)",
               line_of(d, n->start), n->line, n->line);
      return false;
    }
    if (n->anchored) {
      const char* name   = d->text + n->start;
      const int   length = *name == '&' ? (int)strcspn(name + 1, " \t\r\n,[]{}") : 0;
      snprintf(error, error_size,
               "the value at line %u carries an anchor (&%.*s) that aliases or merge keys copy: editing it would "
               "change every copy; refused (edit line %u by hand)",
               n->line, length, name + 1, n->line);
      return false;
    }
  }
  return true;
}

// The trail to `node` in the document, and none of it anchored or copied.
static bool
trail_to(const MdYamlDoc* d, const MdYNode* node, MdYTrail* t, char* error, size_t error_size)
{
  if (!d->root || !node || !find_trail(d->root, node, t, 0U)) {
    snprintf(error, error_size, "the node to edit is not in this document (a node found before an edit is stale)");
    return false;
  }
  if (t->depth && t->nodes[t->depth - 1U]->kind == MD_YNODE_MAPPING && !(t->slots[t->depth - 1U] % 2U)) {
    snprintf(error, error_size, "a mapping's key is not a value to edit");
    return false;
  }
  return editable(d, t, error, error_size);
}

/* Applying an edit, checked ---------------------------------------------- */

typedef enum { OP_REPLACE, OP_SET_KEY, OP_REMOVE_KEY, OP_INSERT_ITEM, OP_REMOVE_ITEM } MdYOpKind;

typedef struct {
  MdYOpKind      kind;
  const MdYNode* value; ///< REPLACE, SET_KEY, INSERT_ITEM
  const char*    key;   ///< SET_KEY, REMOVE_KEY
  size_t         index; ///< INSERT_ITEM, REMOVE_ITEM
} MdYOp;

// Every pair of `old` but `skip` is in `now` with the same value.
static bool
other_pairs_kept(const MdYNode* old, const MdYNode* now, const char* skip)
{
  for (size_t i = 0U; i < old->n_items; ++i) {
    const MdYNode* key = old->items[2U * i];
    if (key->kind != MD_YNODE_SCALAR) {
      return false; // complex keys are not edited around
    }
    const MdYNode* found = md_ynode_get(now, key->text);
    if (strcmp(key->text, skip) && (!found || !md_yaml_node_equal(old->items[2U * i + 1U], found))) {
      return false;
    }
  }
  return true;
}

// Items of `old` from `from` are those of `now` from `from + shift`.
static bool
items_kept(const MdYNode* old, const MdYNode* now, size_t from, size_t to, long shift)
{
  for (size_t i = from; i < to; ++i) {
    if (!md_yaml_node_equal(old->items[i], now->items[(size_t)((long)i + shift)])) {
      return false;
    }
  }
  return true;
}

// The node the edit changed (old and as re-parsed) is the old one with
// exactly the change asked for.
static bool
op_done(const MdYNode* old, const MdYNode* now, const MdYOp* op)
{
  if (op->kind == OP_REPLACE) {
    return md_yaml_node_equal(op->value, now);
  }
  if (old->kind != now->kind) {
    return false;
  }
  switch (op->kind) {
  case OP_SET_KEY: {
    const MdYNode* value = md_ynode_get(now, op->key);
    return value && md_yaml_node_equal(op->value, value) && other_pairs_kept(old, now, op->key) &&
           now->n_items == old->n_items + (md_ynode_get(old, op->key) ? 0U : 1U);
  }
  case OP_REMOVE_KEY:
    return now->n_items + 1U == old->n_items && !md_ynode_get(now, op->key) && other_pairs_kept(old, now, op->key);
  case OP_INSERT_ITEM:
    return now->n_items == old->n_items + 1U && md_yaml_node_equal(op->value, now->items[op->index]) &&
           items_kept(old, now, 0U, op->index, 0) && items_kept(old, now, op->index, old->n_items, 1);
  case OP_REMOVE_ITEM:
    return now->n_items + 1U == old->n_items && items_kept(old, now, 0U, op->index, 0) &&
           items_kept(old, now, op->index + 1U, old->n_items, -1);
  case OP_REPLACE: break;
  }
  return false;
}

// The re-parsed tree is the old one along the trail, every node off it
// unchanged, and the change asked for at its end.
static bool
tree_as_intended(const MdYTrail* t, const MdYNode* now, const MdYOp* op)
{
  for (size_t level = 0U; level < t->depth; ++level) {
    const MdYNode* old = t->nodes[level];
    if (now->kind != old->kind || now->n_items != old->n_items) {
      return false;
    }
    const size_t n_slots = old->n_items * (old->kind == MD_YNODE_MAPPING ? 2U : 1U);
    for (size_t i = 0U; i < n_slots; ++i) {
      if (i != t->slots[level] && !md_yaml_node_equal(old->items[i], now->items[i])) {
        return false;
      }
    }
    now = now->items[t->slots[level]];
  }
  return op_done(t->nodes[t->depth], now, op);
}

// Makes the edit, re-parses, checks; the document changes only when all of
// it succeeded.  Frees the edit's text.
static bool
apply(MdYamlDoc* d, const MdYTrail* t, MdYEdit* e, const MdYOp* op, char* error, size_t error_size)
{
  bool ok = false;
  if (e->text.failed || e->from > e->to || e->to > d->length) {
    snprintf(error, error_size, e->text.failed ? MD_YAML_OUT_OF_MEMORY : "internal error: an edit out of the text");
    md_ybuf_free(&e->text);
    return false;
  }
  const size_t length = d->length - (e->to - e->from) + e->text.length;
  char*        text   = malloc(length + 1U);
  MdYNode*     root   = NULL;
  if (!text) {
    snprintf(error, error_size, MD_YAML_OUT_OF_MEMORY);
  } else {
    memcpy(text, d->text, e->from);
    memcpy(text + e->from, e->text.data ? e->text.data : "", e->text.length);
    memcpy(text + e->from + e->text.length, d->text + e->to, d->length - e->to);
    text[length] = '\0';
    char     why[256];
    unsigned line = 0U, column = 0U;
    root = md_yaml_parse(text, length, why, sizeof why, &line, &column);
    if (!root) {
      snprintf(error, error_size, "the edited text would not read back (%u:%u: %s); the layout around the value is "
               "not one this editor writes into", line, column, why);
    } else if (!tree_as_intended(t, root, op)) {
      snprintf(error, error_size, "the edited text would not read back as intended; the layout around the value "
               "is not one this editor writes into");
    } else {
      ok = true;
    }
  }
  md_ybuf_free(&e->text);
  if (!ok) {
    md_ynode_free(root);
    free(text);
    return false;
  }
  md_ynode_free(d->root);
  free(d->text);
  d->text   = text;
  d->length = length;
  d->root   = root;
  return true;
}

/* The edits -------------------------------------------------------------- */

bool
md_yaml_doc_replace(MdYamlDoc* d, const MdYNode* node, const MdYNode* value, char* error, size_t error_size)
{
  MdYTrail t = {0};
  MdYEdit  e = {0};
  if (!trail_to(d, node, &t, error, error_size)) {
    return false;
  }
  if (!md_yedit_replace(d, &t, value, &e, error, error_size)) {
    md_ybuf_free(&e.text);
    return false;
  }
  const MdYOp op = {.kind = OP_REPLACE, .value = value};
  return apply(d, &t, &e, &op, error, error_size);
}

// The pair of `map` written in it (not merged) whose key is `key`, or SIZE_MAX.
static size_t
own_pair(const MdYNode* map, const char* key)
{
  for (size_t i = 0U; i < map->n_items; ++i) {
    const MdYNode* k = map->items[2U * i];
    if (!k->copied && k->kind == MD_YNODE_SCALAR && !strcmp(k->text, key)) {
      return i;
    }
  }
  return SIZE_MAX;
}

static bool
trail_to_kind(const MdYamlDoc* d, const MdYNode* node, MdYNodeKind kind, MdYTrail* t, char* error,
              size_t error_size)
{
  if (!trail_to(d, node, t, error, error_size)) {
    return false;
  }
  if (node->kind != kind) {
    snprintf(error, error_size, "%s is not %s", md_ynode_kind_name(node),
             kind == MD_YNODE_MAPPING ? "a mapping" : "a list");
    return false;
  }
  return true;
}

bool
md_yaml_doc_set_key(MdYamlDoc* d, const MdYNode* map, const char* key, const MdYNode* value, char* error,
                    size_t error_size)
{
  MdYTrail t = {0};
  MdYEdit  e = {0};
  if (!trail_to_kind(d, map, MD_YNODE_MAPPING, &t, error, error_size)) {
    return false;
  }
  if (t.depth + 1U >= MD_YTRAIL_MAX) {
    snprintf(error, error_size, "the mapping is nested too deeply to edit");
    return false;
  }
  const size_t pair = own_pair(map, key);
  bool         made = false;
  if (pair != SIZE_MAX) { // replace its value: the trail goes on to it
    MdYTrail to_value                = t;
    to_value.slots[t.depth]          = 2U * pair + 1U;
    to_value.nodes[t.depth + 1U]     = map->items[2U * pair + 1U];
    to_value.depth                   = t.depth + 1U;
    if (!editable(d, &to_value, error, error_size)) {
      return false;
    }
    made = md_yedit_replace(d, &to_value, value, &e, error, error_size);
  } else {
    made = md_yedit_insert_pair(d, map, key, value, &e, error, error_size);
  }
  if (!made) {
    md_ybuf_free(&e.text);
    return false;
  }
  const MdYOp op = {.kind = OP_SET_KEY, .value = value, .key = key};
  return apply(d, &t, &e, &op, error, error_size);
}

bool
md_yaml_doc_remove_key(MdYamlDoc* d, const MdYNode* map, const char* key, char* error, size_t error_size)
{
  MdYTrail t = {0};
  MdYEdit  e = {0};
  if (!trail_to_kind(d, map, MD_YNODE_MAPPING, &t, error, error_size)) {
    return false;
  }
  const size_t pair = own_pair(map, key);
  if (pair == SIZE_MAX) {
    snprintf(error, error_size,
             md_ynode_get(map, key) ? "`%s` is given by a merge key (`<<`), not written in this mapping: refused"
                                    : "no key `%s` to remove",
             key);
    return false;
  }
  if (!md_yedit_remove_pair(d, &t, pair, &e, error, error_size)) {
    md_ybuf_free(&e.text);
    return false;
  }
  const MdYOp op = {.kind = OP_REMOVE_KEY, .key = key};
  return apply(d, &t, &e, &op, error, error_size);
}

bool
md_yaml_doc_insert_item(MdYamlDoc* d, const MdYNode* seq, size_t index, const MdYNode* item, char* error,
                        size_t error_size)
{
  MdYTrail t = {0};
  MdYEdit  e = {0};
  if (!trail_to_kind(d, seq, MD_YNODE_SEQUENCE, &t, error, error_size)) {
    return false;
  }
  if (index > seq->n_items) {
    snprintf(error, error_size, "item %zu is past the end of a list of %zu", index + 1U, seq->n_items);
    return false;
  }
  if (!md_yedit_insert_item(d, &t, index, item, &e, error, error_size)) {
    md_ybuf_free(&e.text);
    return false;
  }
  const MdYOp op = {.kind = OP_INSERT_ITEM, .value = item, .index = index};
  return apply(d, &t, &e, &op, error, error_size);
}

bool
md_yaml_doc_remove_item(MdYamlDoc* d, const MdYNode* seq, size_t index, char* error, size_t error_size)
{
  MdYTrail t = {0};
  MdYEdit  e = {0};
  if (!trail_to_kind(d, seq, MD_YNODE_SEQUENCE, &t, error, error_size)) {
    return false;
  }
  if (index >= seq->n_items) {
    snprintf(error, error_size, "no item %zu in a list of %zu", index + 1U, seq->n_items);
    return false;
  }
  if (!md_yedit_remove_item(d, &t, index, &e, error, error_size)) {
    md_ybuf_free(&e.text);
    return false;
  }
  const MdYOp op = {.kind = OP_REMOVE_ITEM, .index = index};
  return apply(d, &t, &e, &op, error, error_size);
}
