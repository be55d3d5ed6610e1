// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Lists by address: append an item (an envelope's point goes in time
// order; a list not written yet is added; points onto a constant make it
// an envelope that holds the constant until the new point) and remove one
// by its number (from 1) or its name (an insert by type, a send by bus, a
// clip or an output by file).  Thread: control (edit_internal.h).

#include "edit/edit_internal.h"

#include "util/suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char*
list_name(const MdAddress* a)
{
  switch (a->list) {
  case MD_LIST_INSERTS: return "inserts";
  case MD_LIST_SENDS: return "sends";
  case MD_LIST_CLIPS: return "clips";
  case MD_LIST_POINTS: return "points";
  case MD_LIST_OUTPUTS: return "outputs";
  case MD_LIST_ITEMS: return a->param ? a->param->info.name : "items";
  default: return "items";
  }
}

// Resolves a list address; false (reported) when it names nothing or a value.
static bool
resolve_list(MixdownEditor* ed, const char* address, MdAddress* a)
{
  if (!md_edit_resolve(ed, address, a)) {
    return false;
  }
  if (a->kind != MD_ADDRESS_LIST) {
    unsigned line = 0U, column = 0U;
    md_edit_place(&ed->doc, a->path, a->depth, &line, &column);
    md_edit_report(ed, line, column, address,
                   "a value, not a list: items are appended to and removed from …/inserts, …/sends, …/clips, "
                   "…/insert/N/bands, …/PARAM/points, /outputs");
    return false;
  }
  return true;
}

/* Append -------------------------------------------------------------------- */

// Seconds of a point's time as written (`[TIME, VALUE]`), or false.
static bool
point_time(const MixdownEditor* ed, const MdYNode* pair, double* seconds)
{
  char message[200];
  return pair && pair->kind == MD_YNODE_SEQUENCE && pair->n_items >= 1U &&
         pair->items[0]->kind == MD_YNODE_SCALAR &&
         !mixdown_session_parse_time(ed->session, pair->items[0]->text, seconds, message, sizeof message);
}

// Where `item` goes in `points`: after every point not later than it (an
// item whose time cannot be read goes last; the validator says why).
static size_t
time_order_index(const MixdownEditor* ed, const MdYNode* points, const MdYNode* item)
{
  double t = 0.0;
  if (!point_time(ed, item, &t)) {
    return points->n_items;
  }
  size_t index = 0U;
  for (size_t i = 0U; i < points->n_items; ++i) {
    double ti = 0.0;
    if (point_time(ed, points->items[i], &ti) && ti <= t) {
      index = i + 1U;
    }
  }
  return index;
}

// A constant receiving a point: `{points: [[0, CONSTANT], item]}` (only
// the item when it is at 0 s or before), so that the value holds until
// the new point.
static MdYNode*
envelope_from_constant(const MixdownEditor* ed, const MdYNode* constant, const MdYNode* item)
{
  MdYNode* env    = md_ynode_new(MD_YNODE_MAPPING);
  MdYNode* points = md_ynode_new(MD_YNODE_SEQUENCE);
  double   t      = 0.0;
  bool     ok     = env && points && md_ynode_set(env, "points", points);
  if (ok && (!point_time(ed, item, &t) || t > 0.0) && !md_ynode_is_null(constant)) {
    MdYNode* first = md_ynode_new(MD_YNODE_SEQUENCE);
    ok             = first && md_ynode_append(first, md_ynode_new_scalar("0", false), NULL) &&
         md_ynode_append(first, md_edit_clone(constant), NULL);
    ok = ok ? md_ynode_append(points, first, NULL) : (md_ynode_free(first), false);
  }
  ok = ok && md_ynode_append(points, md_edit_clone(item), NULL);
  if (!ok) {
    md_ynode_free(env ? env : points);
    return NULL;
  }
  return env;
}

static bool
append_to(const MixdownEditor* ed, MdYamlDoc* doc, const MdAddress* a, const MdYNode* item, char* error,
          size_t error_size)
{
  if (!md_edit_expand_shorthand(doc, a, error, error_size)) {
    return false;
  }
  const MdYNode* list = md_edit_find(doc, a->path, a->depth);
  if (list && list->kind == MD_YNODE_SEQUENCE) {
    const size_t index = a->list == MD_LIST_POINTS ? time_order_index(ed, list, item) : list->n_items;
    return md_yaml_doc_insert_item(doc, list, index, item, error, error_size);
  }
  if (!list && a->list == MD_LIST_POINTS && a->depth >= 1U) {
    const MdYNode* holder = md_edit_find(doc, a->path, a->depth - 1U);
    if (holder && holder->kind == MD_YNODE_SCALAR) {
      MdYNode*   env = envelope_from_constant(ed, holder, item);
      const bool ok  = env && md_yaml_doc_replace(doc, holder, env, error, error_size);
      if (!env) {
        snprintf(error, error_size, "%s", MD_YAML_OUT_OF_MEMORY);
      }
      md_ynode_free(env);
      return ok;
    }
  }
  // Not written (or `~`): the list of this one item.
  MdYNode* seq = md_ynode_new(MD_YNODE_SEQUENCE);
  if (!seq || !md_ynode_append(seq, md_edit_clone(item), NULL)) {
    snprintf(error, error_size, "%s", MD_YAML_OUT_OF_MEMORY);
    return false;
  }
  const bool ok = md_edit_put(doc, a->path, a->depth, seq, error, error_size);
  md_ynode_free(seq);
  return ok;
}

MixdownStatus
mixdown_editor_append(MixdownEditor* editor, const char* list_address, const char* yaml_item)
{
  if (!editor || !list_address || !yaml_item) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdAddress a;
  if (!resolve_list(editor, list_address, &a)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  char   error[512] = "";
  MdEdit edit;
  MdYNode* item = md_edit_parse_value(yaml_item, error, sizeof error);
  if (!item || !md_edit_begin(editor, list_address, &edit)) {
    unsigned line = 0U, column = 0U;
    md_edit_place(&editor->doc, a.path, a.depth, &line, &column);
    md_edit_report(editor, line, column, list_address, "%s", item ? MD_YAML_OUT_OF_MEMORY : error);
    md_ynode_free(item);
    return item || !strcmp(error, MD_YAML_OUT_OF_MEMORY) ? MIXDOWN_ERR_NO_MEM : MIXDOWN_ERR_BAD_ARG;
  }
  md_edit_place(&editor->doc, a.path, a.depth, &edit.line, &edit.column);
  const bool ok = append_to(editor, &edit.scratch, &a, item, error, sizeof error);
  md_ynode_free(item);
  if (!ok) {
    md_edit_abort(&edit);
    md_edit_report(editor, edit.line, edit.column, list_address, "%s", error);
    return strcmp(error, MD_YAML_OUT_OF_MEMORY) ? MIXDOWN_ERR_SESSION : MIXDOWN_ERR_NO_MEM;
  }
  return md_edit_commit(&edit);
}

/* Remove -------------------------------------------------------------------- */

// The key naming an item of list `a` (an insert's type, a send's bus, a
// clip's or an output's file), or NULL when its items go by number only.
static const char*
name_key(const MdAddress* a)
{
  switch (a->list) {
  case MD_LIST_INSERTS: return "type";
  case MD_LIST_SENDS: return "to";
  case MD_LIST_CLIPS:
  case MD_LIST_OUTPUTS: return "file";
  default: return NULL;
  }
}

static bool
all_digits(const char* s)
{
  if (!*s) {
    return false;
  }
  for (; *s; ++s) {
    if (!isdigit((unsigned char)*s)) {
      return false;
    }
  }
  return true;
}

// The index of the item `which` names in `list`, or false (reported).
static bool
find_item(const MixdownEditor* ed, const char* address, const MdAddress* a, const MdYNode* list, const char* which,
          unsigned line, unsigned column, size_t* index)
{
  const size_t n = list ? list->n_items : 0U;
  if (all_digits(which)) {
    const unsigned long k = strtoul(which, NULL, 10);
    if (k >= 1U && k <= n) {
      *index = (size_t)k - 1U;
      return true;
    }
    md_edit_report(ed, line, column, address, "the list has %zu item%s: %s is not one (they count from 1)", n,
                   n == 1U ? "" : "s", which);
    return false;
  }
  const char* key = name_key(a);
  if (!key) {
    md_edit_report(ed, line, column, address, "%s are removed by number (1 … %zu), not `%s`", list_name(a), n, which);
    return false;
  }
  const char** names = calloc(n ? n : 1U, sizeof(char*));
  size_t       named = 0U;
  for (size_t i = 0U; i < n; ++i) {
    const MdYNode* name = md_ynode_get(list->items[i], key);
    if (name && name->kind == MD_YNODE_SCALAR) {
      if (!strcmp(name->text, which)) {
        *index = i;
        free(names);
        return true;
      }
      if (names) {
        names[named++] = name->text;
      }
    }
  }
  const char* nearest = names ? md_suggest(which, names, named) : NULL;
  if (nearest) {
    md_edit_report(ed, line, column, address, "no item has %s `%s`; did you mean `%s`?", key, which, nearest);
  } else {
    char listed[300] = "";
    for (size_t i = 0U, used = 0U; i < named && used < sizeof listed; ++i) {
      const int w = snprintf(listed + used, sizeof listed - used, "%s`%s`", i ? ", " : "", names[i]);
      used += w > 0 ? (size_t)w : 0U;
    }
    md_edit_report(ed, line, column, address, "no item has %s `%s` (%s%s; or give its number from 1)", key, which,
                   named ? "the list has " : "the list is empty", listed);
  }
  free(names);
  return false;
}

MixdownStatus
mixdown_editor_remove(MixdownEditor* editor, const char* list_address, const char* which)
{
  if (!editor || !list_address || !which) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdAddress a;
  if (!resolve_list(editor, list_address, &a)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdEdit edit;
  if (!md_edit_begin(editor, list_address, &edit)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  md_edit_place(&editor->doc, a.path, a.depth, &edit.line, &edit.column);
  char error[512] = "";
  if (!md_edit_expand_shorthand(&edit.scratch, &a, error, sizeof error)) {
    md_edit_abort(&edit);
    md_edit_report(editor, edit.line, edit.column, list_address, "%s", error);
    return MIXDOWN_ERR_SESSION;
  }
  const MdYNode* list  = md_edit_find(&edit.scratch, a.path, a.depth);
  size_t         index = 0U;
  if (list && list->kind != MD_YNODE_SEQUENCE) {
    list = NULL;
  }
  if (!find_item(editor, list_address, &a, list, which, edit.line, edit.column, &index)) {
    md_edit_abort(&edit);
    return MIXDOWN_ERR_SESSION;
  }
  if (!md_yaml_doc_remove_item(&edit.scratch, list, index, error, sizeof error)) {
    md_edit_abort(&edit);
    md_edit_report(editor, edit.line, edit.column, list_address, "%s", error);
    return strcmp(error, MD_YAML_OUT_OF_MEMORY) ? MIXDOWN_ERR_SESSION : MIXDOWN_ERR_NO_MEM;
  }
  return md_edit_commit(&edit);
}
