// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Values by address: get (as written, else the default the model takes),
// set (a user's YAML value, or a number), and the list of every address.
// The `file:` shorthand is written out (md_edit_expand_shorthand) before a
// clip key other than its file is set, and a loudness preset
// (md_edit_expand_preset) before a target or ceiling beside it.  Thread: control (edit_internal.h).

#include "edit/edit_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Numbers ------------------------------------------------------------------ */

// `x` in the fewest significant digits that read back as `x`.
static void
number_text(double x, char* out, size_t size)
{
  if (!isfinite(x)) {
    snprintf(out, size, "%s", isnan(x) ? "nan" : x < 0.0 ? "-inf" : "inf");
    return;
  }
  if (x == floor(x) && fabs(x) < 1e15) { // a whole number: all its digits, never 4.8e+04
    snprintf(out, size, "%.0f", x);
    return;
  }
  for (int digits = 1; digits <= 17; ++digits) {
    snprintf(out, size, "%.*g", digits, x);
    if (strtod(out, NULL) == x) {
      return;
    }
  }
}

/* Get ----------------------------------------------------------------------- */

static const char* const curve_names[] = {"linear", "exponential", "smooth", "step"}; // MdCurve's order

// The default the model takes for a value not written, as a tree.
static MdYNode*
model_tree(const MixdownEditor* ed, const MdAddress* a)
{
  MdAddressValue v = {0};
  if (a->kind != MD_ADDRESS_VALUE || !md_address_read(ed->session, a, &v) || !v.set) {
    return md_ynode_new_scalar("null", false);
  }
  char number[40];
  if (v.envelope) {
    MdYNode* env    = md_ynode_new(MD_YNODE_MAPPING);
    MdYNode* points = md_ynode_new(MD_YNODE_SEQUENCE);
    bool     ok     = env && points && md_ynode_set(env, "points", points);
    for (size_t i = 0U; ok && i < v.envelope->n_points; ++i) {
      MdYNode* pair = md_ynode_new(MD_YNODE_SEQUENCE);
      number_text(v.envelope->points[i].time_s, number, sizeof number);
      ok = pair && md_ynode_append(pair, md_ynode_new_scalar(number, false), NULL);
      number_text(v.envelope->points[i].value, number, sizeof number);
      ok = ok && md_ynode_append(pair, md_ynode_new_scalar(number, false), NULL);
      ok = ok ? md_ynode_append(points, pair, NULL) : (md_ynode_free(pair), false);
    }
    const unsigned curve = (unsigned)v.envelope->curve < 4U ? (unsigned)v.envelope->curve : 0U;
    ok = ok && md_ynode_set(env, "curve", md_ynode_new_scalar(curve_names[curve], false));
    if (!ok) {
      md_ynode_free(env ? env : points);
      return NULL;
    }
    return env;
  }
  if (v.text) {
    return md_ynode_new_scalar(v.text, true);
  }
  const MixdownParamInfo* info = &a->param->info;
  if (info->kind == MIXDOWN_PARAM_BOOL) {
    return md_ynode_new_scalar(v.number != 0.0 ? "true" : "false", false);
  }
  if (info->kind == MIXDOWN_PARAM_CHOICE && info->choices && v.number >= 0.0 && v.number <= info->max) {
    return md_ynode_new_scalar(info->choices[(size_t)v.number], false);
  }
  number_text(v.number, number, sizeof number);
  return md_ynode_new_scalar(number, !isfinite(v.number));
}

static const char*
unit_of(const MdAddress* a)
{
  const bool valued = a->kind == MD_ADDRESS_VALUE || a->list == MD_LIST_POINTS;
  return valued && a->param && a->param->info.unit ? a->param->info.unit : "";
}

// Whether a unit goes with `node`: a number (`-inf` too), or a
// collection (an envelope's values); not a word or a musical time.
static bool
measured(const MdYNode* node)
{
  if (node->kind != MD_YNODE_SCALAR) {
    return true;
  }
  char* end = NULL;
  strtod(node->text ? node->text : "", &end);
  return !node->quoted && node->text && node->text[0] && end && !*end;
}

static MixdownStatus
get_value(MixdownEditor* ed, const char* address, bool json, char** value, const char** unit)
{
  if (!ed || !value) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *value = NULL;
  MdAddress a;
  if (!md_edit_resolve(ed, address, &a)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (unit) {
    *unit = unit_of(&a);
  }
  const MdYNode* node = md_edit_find(&ed->doc, a.path, a.depth);
  if (node) {
    *value = md_edit_flow(node, json);
    if (unit && !measured(node)) {
      *unit = ""; // `length: "2:1"` is in bars and beats, not in seconds
    }
  } else if (a.kind == MD_ADDRESS_LIST) {
    *value = strdup("[]");
  } else {
    MdYNode* tree = model_tree(ed, &a);
    *value        = tree ? md_edit_flow(tree, json) : NULL;
    if (unit && tree && md_ynode_is_null(tree)) {
      *unit = ""; // no value, no unit (`/tempo null`)
    }
    md_ynode_free(tree);
  }
  return *value ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

MixdownStatus
mixdown_editor_get(MixdownEditor* editor, const char* address, char** yaml_value, const char** unit)
{
  return get_value(editor, address, false, yaml_value, unit);
}

MixdownStatus
mixdown_editor_get_json(MixdownEditor* editor, const char* address, char** json_value, const char** unit)
{
  return get_value(editor, address, true, json_value, unit);
}

/* Set ----------------------------------------------------------------------- */

// Writes `value` at what `a` names: a whole envelope's points onto a
// constant make it an envelope (`gain_db: -3` → `gain_db: {points: …}`).
static bool
put_at(MdYamlDoc* doc, const MdAddress* a, const MdYNode* value, char* error, size_t error_size)
{
  if (!md_edit_expand_shorthand(doc, a, error, error_size) || !md_edit_expand_preset(doc, a, error, error_size)) {
    return false;
  }
  if (a->list == MD_LIST_POINTS && a->depth >= 1U) {
    const MdYNode* holder = md_edit_find(doc, a->path, a->depth - 1U);
    if (holder && holder->kind == MD_YNODE_SCALAR) {
      return md_edit_wrap(doc, holder, "points", value, error, error_size);
    }
  }
  return md_edit_put(doc, a->path, a->depth, value, error, error_size);
}

static MixdownStatus
set_tree(MixdownEditor* ed, const char* address, const MdAddress* a, const MdYNode* value)
{
  MdEdit edit;
  if (!md_edit_begin(ed, address, &edit)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  md_edit_place(&ed->doc, a->path, a->depth, &edit.line, &edit.column);
  char error[512] = "";
  if (!put_at(&edit.scratch, a, value, error, sizeof error)) {
    md_edit_abort(&edit);
    if (!strcmp(error, MD_YAML_OUT_OF_MEMORY)) {
      return MIXDOWN_ERR_NO_MEM;
    }
    md_edit_report(ed, edit.line, edit.column, address, "%s", error);
    return MIXDOWN_ERR_SESSION;
  }
  return md_edit_commit(&edit);
}

MixdownStatus
mixdown_editor_set(MixdownEditor* editor, const char* address, const char* yaml_value)
{
  if (!editor || !address || !yaml_value) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdAddress a;
  if (!md_edit_resolve(editor, address, &a)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  char     error[512] = "";
  MdYNode* value      = md_edit_parse_value(yaml_value, error, sizeof error);
  if (!value) {
    unsigned line = 0U, column = 0U;
    md_edit_place(&editor->doc, a.path, a.depth, &line, &column);
    md_edit_report(editor, line, column, address, "%s", error);
    return strcmp(error, MD_YAML_OUT_OF_MEMORY) ? MIXDOWN_ERR_BAD_ARG : MIXDOWN_ERR_NO_MEM;
  }
  const MixdownStatus st = set_tree(editor, address, &a, value);
  md_ynode_free(value);
  return st;
}

MixdownStatus
md_edit_set_tree(MixdownEditor* ed, const char* address, const MdYNode* value)
{
  if (!ed || !address || !value) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdAddress a;
  if (!md_edit_resolve(ed, address, &a)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  return set_tree(ed, address, &a, value);
}

MixdownStatus
mixdown_editor_set_number(MixdownEditor* editor, const char* address, double value)
{
  if (!editor || !address) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdAddress a;
  if (!md_edit_resolve(editor, address, &a)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  char text[40];
  number_text(value, text, sizeof text);
  MdYNode* node = md_ynode_new_scalar(text, false);
  if (!node) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const MixdownStatus st = set_tree(editor, address, &a, node);
  md_ynode_free(node);
  return st;
}

/* Every address --------------------------------------------------------------- */

typedef struct {
  int (*visit)(void* user_data, const char* address);
  void* user_data;
  bool  stopped;
} Listing;

static void
list_one(void* user, const MdAddress* address, const char* text)
{
  Listing* l = user;
  if (!l->stopped && address->kind == MD_ADDRESS_VALUE) {
    l->stopped = l->visit(l->user_data, text) != 0;
  }
}

MixdownStatus
mixdown_editor_addresses(MixdownEditor* editor, int (*visit)(void* user_data, const char* address), void* user_data)
{
  if (!editor || !visit) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  Listing l = {visit, user_data, false};
  md_address_list(editor->session, list_one, &l);
  return MIXDOWN_SUCCESS;
}
