// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Tracks, buses and the master: names in a first pass (so that routing
// may name a bus declared later), then each strip's keys, fader, pan, pan
// law, mute, solo, polarity, routing, sends and inserts; the master's
// loudness target.  Thread: control (validator.h).

#include "session/validator.h"

#include "dsp/strip.h"

#include <stdlib.h>
#include <string.h>

static void
strip_defaults(MdNode* n)
{
  n->gain_db.value = md_strip_params[MD_STRIP_GAIN_DB].info.default_value;
  n->pan.value     = md_strip_params[MD_STRIP_PAN].info.default_value;
  n->pan_law       = (MdPanLaw)md_strip_params[MD_STRIP_PAN_LAW].info.default_value;
}

// Value `k` of the strip table (dsp/strip.h) from `item` into the model,
// through its table entry: numbers and mute (which may be envelopes) into
// their MdValue, the pan law and the switches from a value read aside.
static void
read_strip_value(MdValidator* v, const MdYNode* item, int k, MdNode* n)
{
  MdValue* const into[MD_STRIP_N_PARAMS] = {
    [MD_STRIP_GAIN_DB] = &n->gain_db, [MD_STRIP_PAN] = &n->pan, [MD_STRIP_MUTE] = &n->mute};
  MdValue tmp = {0};
  if (!md_read_param(v, item, &md_strip_params[k], into[k] ? into[k] : &tmp) || into[k]) {
    return;
  }
  switch (k) {
  case MD_STRIP_PAN_LAW: n->pan_law = (MdPanLaw)tmp.value; break;
  case MD_STRIP_SOLO: n->solo = tmp.value != 0.0; break;
  case MD_STRIP_INVERT: n->invert = tmp.value != 0.0; break;
  default: break;
  }
}

// Every value of the strip table, in its order.  A bus reads `pan_law`
// too: the key check has reported it unknown there, and a bad value is
// reported as well, as it always was.
static void
read_strip(MdValidator* v, const MdYNode* entry, MdNode* n)
{
  for (int k = 0; k < MD_STRIP_N_PARAMS; ++k) {
    const MdYNode* item = md_ynode_get(entry, md_strip_params[k].info.name);
    if (item) {
      read_strip_value(v, item, k, n);
    }
  }
}

// First pass: names, so that routing can refer to buses declared later.
void
md_declare_nodes(MdValidator* v, const MdYNode* list, MdNodeKind kind, size_t* next)
{
  MixdownSession* s = v->session;
  for (size_t i = 0U; list && i < list->n_items; ++i) {
    const MdYNode* entry = list->items[i];
    MdNode*        n     = &s->nodes[(*next)++];
    n->kind              = kind;
    n->output            = MD_NO_NODE;
    strip_defaults(n);
    const char* what = kind == MD_NODE_TRACK ? "track" : "bus";
    if (entry->kind != MD_YNODE_MAPPING) {
      md_report_error(v, entry, "each %s must be a mapping with at least `name`", what);
      n->name = strdup("");
      continue;
    }
    const MdYNode* name = md_ynode_get(entry, "name");
    if (!name || name->kind != MD_YNODE_SCALAR || !name->text[0] || md_ynode_is_null(name)) {
      md_report_error(v, entry, "this %s needs a `name`", what);
      n->name = strdup("");
      continue;
    }
    if (!(n->name = strdup(name->text))) {
      md_report_out_of_memory(v, name); // and no name for the index
      continue;
    }
    if (!strcmp(name->text, "master")) {
      md_report_error(v, name, "`master` is the master bus; give this %s another name", what);
      continue;
    }
    const uint32_t first = md_name_index_add(&v->names, n->name, (uint32_t)(*next - 1U));
    if (first != MD_NAME_NONE) {
      md_report_error(v, name, "the name `%s` is used twice (tracks and buses need unique names)", name->text);
    }
  }
}

void
md_read_node(MdValidator* v, const MdYNode* entry, uint32_t index)
{
  MdNode* n = &v->session->nodes[index];
  if (entry->kind != MD_YNODE_MAPPING) {
    return; // reported by declare_nodes
  }
  if (n->kind == MD_NODE_TRACK) {
    md_check_key_set(v, entry, &md_track_keys);
    md_read_clips(v, entry, n);
  } else {
    md_check_key_set(v, entry, &md_bus_keys);
  }
  read_strip(v, entry, n);
  const MdYNode* output = md_ynode_get(entry, "output");
  n->output             = (uint32_t)md_session_master(v->session);
  if (output) {
    md_find_destination(v, output, "output", index, &n->output);
  }
  md_read_sends(v, entry, n, index);
  md_read_inserts(v, entry, n, index);
}

// `loudness: NAME` (a preset), or {preset, target_lufs, true_peak_db}.
void
md_read_loudness(MdValidator* v, const MdYNode* node, MdLoudness* l)
{
  static const char* const keys[] = {"preset", "target_lufs", "true_peak_db"}; // md_loudness_params, after `preset`
  const MdYNode*           preset = node->kind == MD_YNODE_SCALAR ? node : NULL;
  l->true_peak_db                 = -1.0;
  if (node->kind == MD_YNODE_MAPPING) {
    md_check_keys(v, node, "loudness", keys, 3U);
    preset = md_ynode_get(node, "preset");
  } else if (node->kind != MD_YNODE_SCALAR) {
    md_report_error(v, node, "`loudness` must be a preset name or {target_lufs, true_peak_db}");
    return;
  }
  bool have_target = false;
  if (preset) {
    const char* names[16];
    size_t      n = 0U;
    while (n < 16U && (names[n] = mixdown_loudness_preset_name((uint32_t)n))) {
      ++n;
    }
    double index = 0.0;
    names[n]     = NULL;
    if (!md_read_choice(v, preset, "preset", names, &index)) {
      return;
    }
    mixdown_loudness_preset(names[(size_t)index], &l->target_lufs, &l->true_peak_db);
    have_target = true;
  }
  const MdYNode* item = NULL;
  if (node->kind == MD_YNODE_MAPPING && (item = md_ynode_get(node, "target_lufs"))) {
    have_target = md_read_table_number(v, item, &md_loudness_params[MD_LOUDNESS_TARGET_LUFS], &l->target_lufs);
  }
  if (node->kind == MD_YNODE_MAPPING && (item = md_ynode_get(node, "true_peak_db"))) {
    md_read_table_number(v, item, &md_loudness_params[MD_LOUDNESS_TRUE_PEAK_DB], &l->true_peak_db);
  }
  if (!have_target) {
    md_report_error(v, node, "`loudness` needs `target_lufs` or a `preset`");
    return;
  }
  l->enabled = true;
}

void
md_read_master(MdValidator* v, const MdYNode* master)
{
  MixdownSession* s = v->session;
  MdNode*         n = &s->nodes[md_session_master(s)];
  n->kind           = MD_NODE_MASTER;
  n->name           = strdup("master");
  n->output         = MD_NO_NODE;
  if (!n->name) {
    md_report_out_of_memory_at(v, master ? master->line : 1U, master ? master->column : 1U);
  }
  strip_defaults(n);
  if (!master || !md_expect_kind(v, master, MD_YNODE_MAPPING, "{gain_db, inserts}", "master")) {
    return;
  }
  md_check_key_set(v, master, &md_master_keys);
  const MdYNode* item = md_ynode_get(master, md_strip_params[MD_STRIP_GAIN_DB].info.name);
  if (item) {
    read_strip_value(v, item, MD_STRIP_GAIN_DB, n);
  }
  if ((item = md_ynode_get(master, "loudness"))) {
    md_read_loudness(v, item, &v->session->loudness);
  }
  md_read_inserts(v, master, n, (uint32_t)md_session_master(s));
}
