// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Anchors, aliases and merge keys of the YAML reader (yaml_reader.h): an
// alias becomes a copy of its anchor's node, with the anchor's lines and
// columns; a mapping's `<<` merges the pairs it lacks from the mappings
// named.  Copies are bounded (MD_YAML_MAX_COPIED_NODES) so that a small
// file cannot expand into gigabytes.  Thread: the one that parses.

#include "session/yaml_reader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Anchors and aliases                                                       */

// Rebuilds the name index with room for twice the anchors it holds.
static bool
grow_anchor_index(MdYamlReader* r)
{
  MdNameIndex bigger = {0};
  if (!md_name_index_init(&bigger, 2U * r->anchors_capacity)) {
    md_name_index_free(&bigger);
    return false;
  }
  for (size_t i = 0U; i < r->n_anchors; ++i) {
    md_name_index_add(&bigger, r->anchors[i].name, (uint32_t)i);
  }
  md_name_index_free(&r->anchor_index);
  r->anchor_index = bigger;
  return true;
}

// Names `node` `name`.  A name given again names the new node from here on,
// as YAML says.  False when out of memory.
bool
md_yaml_anchor_add(MdYamlReader* r, const char* name, MdYNode* node)
{
  node->anchored     = true;
  const uint32_t old = md_name_index_find(&r->anchor_index, name);
  if (old != MD_NAME_NONE) {
    r->anchors[old].node = node;
    return true;
  }
  if (r->n_anchors == r->anchors_capacity) {
    const size_t bigger = r->anchors_capacity ? 2U * r->anchors_capacity : 16U;
    MdAnchor*    grown  = realloc(r->anchors, bigger * sizeof(MdAnchor));
    if (!grown) {
      return false;
    }
    r->anchors          = grown;
    r->anchors_capacity = bigger;
    if (!grow_anchor_index(r)) {
      return false;
    }
  }
  char* copy = strdup(name);
  if (!copy) {
    return false;
  }
  r->anchors[r->n_anchors] = (MdAnchor){copy, node};
  md_name_index_add(&r->anchor_index, copy, (uint32_t)r->n_anchors);
  ++r->n_anchors;
  return true;
}

void
md_yaml_anchors_free(MdYamlReader* r)
{
  for (size_t i = 0U; i < r->n_anchors; ++i) {
    free(r->anchors[i].name);
  }
  free(r->anchors);
  md_name_index_free(&r->anchor_index);
  for (size_t i = 0U; i < r->n_retired; ++i) {
    md_ynode_free(r->retired[i]);
  }
  free(r->retired);
}

// Keeps an anchored node that a merge took out of the tree: a later alias
// may still copy it.  False when out of memory (the node is then freed, and
// the parse fails, so no alias will look for it).
static bool
retire(MdYamlReader* r, MdYNode* node)
{
  if (!md_yaml_push_slot(&r->retired, &r->n_retired, &r->retired_capacity, node)) {
    md_ynode_free(node);
    return false;
  }
  return true;
}

// A deep copy of `node` placed inside `depth` containers, keeping its lines
// and columns.  Fails (error at `at`, the alias) past the copy budget or
// the nesting limit.
static MdYNode*
copy_node(MdYamlReader* r, const MdYNode* node, unsigned depth, const yaml_mark_t at)
{
  if (!r->copy_budget) {
    char message[160];
    snprintf(message, sizeof message,
             "aliases expand to more than %u nodes; refused (do anchors alias each other over and over?)",
             MD_YAML_MAX_COPIED_NODES);
    md_yaml_reader_fail(r, message, at);
    return NULL;
  }
  if (node->kind != MD_YNODE_SCALAR && depth + 1U > MD_YAML_MAX_DEPTH) {
    md_yaml_reader_fail(r, "nesting is too deep (more than 64 levels) where the alias is expanded", at);
    return NULL;
  }
  --r->copy_budget;
  MdYNode* copy = calloc(1U, sizeof(MdYNode));
  if (!copy) {
    md_yaml_reader_fail(r, "out of memory", at);
    return NULL;
  }
  *copy          = *node;
  copy->anchored = false;
  copy->copied   = true; // spans, line and column stay the anchor's
  copy->items    = NULL;
  copy->text     = NULL;
  copy->n_items  = 0U;
  if (node->kind == MD_YNODE_SCALAR) {
    if (!(copy->text = strdup(node->text))) {
      md_yaml_reader_fail(r, "out of memory", at);
      md_ynode_free(copy);
      return NULL;
    }
    return copy;
  }
  const size_t n_slots = node->n_items * (node->kind == MD_YNODE_MAPPING ? 2U : 1U);
  if (n_slots && !(copy->items = calloc(n_slots, sizeof(MdYNode*)))) {
    md_yaml_reader_fail(r, "out of memory", at);
    md_ynode_free(copy);
    return NULL;
  }
  copy->n_items = node->n_items; // empty slots are NULL, which md_ynode_free() skips
  for (size_t i = 0U; i < n_slots; ++i) {
    if (!(copy->items[i] = copy_node(r, node->items[i], depth + 1U, at))) {
      md_ynode_free(copy);
      return NULL;
    }
  }
  return copy;
}

// An alias: a copy of the node its anchor names.
MdYNode*
md_yaml_read_alias(MdYamlReader* r, const yaml_event_t* event)
{
  const char*    name  = (const char*)event->data.alias.anchor;
  const uint32_t found = md_name_index_find(&r->anchor_index, name);
  if (found == MD_NAME_NONE) {
    char message[256];
    snprintf(message, sizeof message, "unknown alias `*%.100s` (an anchor `&%.100s` must come before it)", name,
             name);
    md_yaml_reader_fail(r, message, event->start_mark);
    return NULL;
  }
  return copy_node(r, r->anchors[found].node, r->depth, event->start_mark);
}

/* ------------------------------------------------------------------------ */
/* Merge keys                                                                */

static bool
is_merge_key(const MdYNode* key)
{
  return key->kind == MD_YNODE_SCALAR && !key->quoted && !strcmp(key->text, "<<");
}

// A merge value is a mapping or a list of mappings.  The error points at
// the `<<`: an alias's copy has its anchor's line, which may be fine.
static bool
check_merge_value(MdYamlReader* r, const MdYNode* key, const MdYNode* value)
{
  bool ok = value->kind == MD_YNODE_MAPPING;
  if (value->kind == MD_YNODE_SEQUENCE) {
    ok = true;
    for (size_t i = 0U; i < value->n_items && ok; ++i) {
      ok = value->items[i]->kind == MD_YNODE_MAPPING;
    }
  }
  if (!ok) {
    char message[200];
    snprintf(message, sizeof message,
             "`<<` merges a mapping or a list of mappings (`<<: *defaults`, `<<: [*a, *b]`), not %s",
             value->kind == MD_YNODE_SEQUENCE ? "a list of other things" : md_ynode_kind_name(value));
    const yaml_mark_t at = {.line = key->line - 1U, .column = key->column - 1U};
    md_yaml_reader_fail(r, message, at);
  }
  return ok;
}

typedef struct {
  MdYNode**   slots; ///< The merged mapping's keys and values, in pairs
  size_t      n_slots;
  size_t      capacity;
  MdNameIndex keys; ///< Scalar keys already in `slots`
} MdMerge;

// Adds a merged pair unless its key is there already.  The pair is moved out of
// `from` or, when `from` must stay as it is (`keep`), copied.
static bool
merge_pair(MdYamlReader* r, MdMerge* m, MdYNode* from, size_t pair, bool keep)
{
  MdYNode* key = from->items[2U * pair];
  if (key->kind == MD_YNODE_SCALAR && md_name_index_find(&m->keys, key->text) != MD_NAME_NONE) {
    return true; // given by the mapping itself or by an earlier merge: that one wins
  }
  const yaml_mark_t at    = {.line = key->line - 1U, .column = key->column - 1U};
  MdYNode*          k     = keep ? copy_node(r, key, r->depth, at) : key;
  MdYNode*          value = from->items[2U * pair + 1U];
  MdYNode*          v     = !k ? NULL : keep ? copy_node(r, value, r->depth, at) : value;
  if (!k || !v) {
    if (keep) {
      md_ynode_free(k);
    }
    return false;
  }
  if (!keep) {
    from->items[2U * pair] = from->items[2U * pair + 1U] = NULL;
    md_yaml_mark_copied(k); // moved from the `<<` value: written there, not in this mapping
    md_yaml_mark_copied(v);
  }
  if (!md_yaml_push_slot(&m->slots, &m->n_slots, &m->capacity, k) || !md_yaml_push_slot(&m->slots, &m->n_slots, &m->capacity, v)) {
    if (m->n_slots % 2U) {
      --m->n_slots; // `k` went in; free it with `v` below
    }
    md_ynode_free(k);
    md_ynode_free(v);
    md_yaml_reader_fail(r, "out of memory", at);
    return false;
  }
  if (k->kind == MD_YNODE_SCALAR) {
    md_name_index_add(&m->keys, k->text, 0U);
  }
  return true;
}

// Merges every pair of the mapping `from` whose key is not there yet,
// copying them when `from` must stay whole (an anchor's node, or in one).
static bool
merge_mapping(MdYamlReader* r, MdMerge* m, MdYNode* from, bool keep)
{
  bool ok = true;
  for (size_t i = 0U; i < from->n_items && ok; ++i) {
    ok = merge_pair(r, m, from, i, keep || from->anchored);
  }
  return ok;
}

void
md_yaml_mark_copied(MdYNode* node)
{
  node->copied         = true;
  const size_t n_slots = node->kind == MD_YNODE_SCALAR ? 0U : node->n_items * (node->kind == MD_YNODE_MAPPING ? 2U : 1U);
  for (size_t i = 0U; i < n_slots; ++i) {
    if (node->items[i]) {
      md_yaml_mark_copied(node->items[i]);
    }
  }
}

static bool
holds_anchor(const MdYNode* node)
{
  if (!node || node->anchored) {
    return node != NULL;
  }
  const size_t n_slots = node->n_items * (node->kind == MD_YNODE_MAPPING ? 2U : 1U);
  for (size_t i = 0U; node->kind != MD_YNODE_SCALAR && i < n_slots; ++i) {
    if (holds_anchor(node->items[i])) {
      return true;
    }
  }
  return false;
}

// Disposes of a merge key or value once merged: freed, unless an anchor in
// it may still be aliased.
static bool
dispose_merged(MdYamlReader* r, MdYNode* node)
{
  if (holds_anchor(node)) {
    return retire(r, node);
  }
  md_ynode_free(node);
  return true;
}

static size_t
count_merge_pairs(const MdYNode* map)
{
  size_t n = map->n_items;
  for (size_t i = 0U; i < map->n_items; ++i) {
    const MdYNode* value = map->items[2U * i + 1U];
    if (is_merge_key(map->items[2U * i])) {
      n += value->kind == MD_YNODE_MAPPING ? value->n_items : 0U;
      for (size_t j = 0U; value->kind == MD_YNODE_SEQUENCE && j < value->n_items; ++j) {
        n += value->items[j]->n_items;
      }
    }
  }
  return n;
}

// Resolves the merge keys of a complete mapping: its own pairs first, in
// their order, then those of the merged mappings that it lacks.
bool
md_yaml_resolve_merges(MdYamlReader* r, MdYNode* map)
{
  bool any = false;
  for (size_t i = 0U; i < map->n_items && !any; ++i) {
    any = is_merge_key(map->items[2U * i]);
  }
  if (!any) {
    return true;
  }
  for (size_t i = 0U; i < map->n_items; ++i) {
    if (is_merge_key(map->items[2U * i]) && !check_merge_value(r, map->items[2U * i], map->items[2U * i + 1U])) {
      return false;
    }
  }
  MdMerge m = {0};
  if (!md_name_index_init(&m.keys, count_merge_pairs(map))) {
    md_name_index_free(&m.keys);
    md_yaml_reader_fail(r, "out of memory", (yaml_mark_t){.line = map->line - 1U, .column = map->column - 1U});
    return false;
  }
  // The mapping's own pairs all stay, a key given twice too: the validator
  // reports that.
  bool ok = true;
  for (size_t i = 0U; i < map->n_items && ok; ++i) {
    MdYNode* key = map->items[2U * i];
    if (is_merge_key(key)) {
      continue;
    }
    ok = md_yaml_push_slot(&m.slots, &m.n_slots, &m.capacity, key) &&
         md_yaml_push_slot(&m.slots, &m.n_slots, &m.capacity, map->items[2U * i + 1U]);
    if (!ok) {
      m.n_slots -= m.n_slots % 2U; // the old slots still own the pair
      md_yaml_reader_fail(r, "out of memory", (yaml_mark_t){.line = key->line - 1U, .column = key->column - 1U});
      break;
    }
    map->items[2U * i] = map->items[2U * i + 1U] = NULL;
    if (key->kind == MD_YNODE_SCALAR) {
      md_name_index_add(&m.keys, key->text, 0U);
    }
  }
  for (size_t i = 0U; i < map->n_items && ok; ++i) {
    MdYNode* value = map->items[2U * i + 1U];
    if (!value || !is_merge_key(map->items[2U * i])) {
      continue;
    }
    if (value->kind == MD_YNODE_MAPPING) {
      ok = merge_mapping(r, &m, value, false);
    }
    for (size_t j = 0U; value->kind == MD_YNODE_SEQUENCE && j < value->n_items && ok; ++j) {
      ok = merge_mapping(r, &m, value->items[j], value->anchored);
    }
    const bool key_kept = dispose_merged(r, map->items[2U * i]);
    const bool value_kept = dispose_merged(r, value);
    map->items[2U * i] = map->items[2U * i + 1U] = NULL;
    ok = ok && key_kept && value_kept;
  }
  md_name_index_free(&m.keys);
  // What was not moved (all of it, after an error) is freed with the old slots.
  MdYNode** old   = map->items;
  const size_t n_old = map->n_items;
  map->items      = m.slots;
  map->n_items    = m.n_slots / 2U;
  for (size_t i = 0U; i < 2U * n_old; ++i) {
    md_ynode_free(old[i]);
  }
  free(old);
  return ok;
}
