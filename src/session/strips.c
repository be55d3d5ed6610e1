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
  n->pan_law_db    = -3.0;
}

static const double pan_law_values[] = {0.0, -3.0, -4.5, -6.0};

static void
read_strip(MdValidator* v, const MdYNode* entry, MdNode* n)
{
  const MdYNode* item = NULL;
  MdValue        tmp  = {0};
  if ((item = md_ynode_get(entry, "gain_db"))) {
    md_read_value(v, item, &md_strip_params[MD_STRIP_GAIN_DB], &n->gain_db);
  }
  if ((item = md_ynode_get(entry, "pan"))) {
    md_read_value(v, item, &md_strip_params[MD_STRIP_PAN], &n->pan);
  }
  if ((item = md_ynode_get(entry, "pan_law")) &&
      md_read_param(v, item, &md_strip_params[MD_STRIP_PAN_LAW], &tmp)) {
    n->pan_law_db = pan_law_values[(size_t)tmp.value];
  }
  bool muted = false;
  if ((item = md_ynode_get(entry, "mute")) && item->kind == MD_YNODE_MAPPING) {
    md_read_value(v, item, &md_mute_envelope_param, &n->mute);
  } else if (item && md_read_bool(v, item, "mute", &muted)) {
    n->mute.value = muted ? 1.0 : 0.0;
  }
  if ((item = md_ynode_get(entry, "solo"))) {
    md_read_bool(v, item, "solo", &n->solo);
  }
  if ((item = md_ynode_get(entry, "invert"))) {
    md_read_bool(v, item, "invert", &n->invert);
  }
}

static const char* const track_keys[] = {"name", "file", "clips", "gain_db", "pan", "pan_law",
                                         "mute", "solo", "invert", "output", "sends", "inserts"};
static const char* const bus_keys[]   = {"name", "gain_db", "pan", "mute", "solo",
                                         "invert", "output", "sends", "inserts"};
static const char* const master_keys[] = {"gain_db", "inserts", "loudness"};

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
    md_check_keys(v, entry, "a track", track_keys, sizeof track_keys / sizeof track_keys[0]);
    md_read_clips(v, entry, n);
  } else {
    md_check_keys(v, entry, "a bus", bus_keys, sizeof bus_keys / sizeof bus_keys[0]);
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
  static const char* const keys[] = {"preset", "target_lufs", "true_peak_db"};
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
    have_target = md_read_number(v, item, "target_lufs", -70.0, -5.0, "LUFS", &l->target_lufs);
  }
  if (node->kind == MD_YNODE_MAPPING && (item = md_ynode_get(node, "true_peak_db"))) {
    md_read_number(v, item, "true_peak_db", -20.0, 0.0, "dBTP", &l->true_peak_db);
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
  md_check_keys(v, master, "master", master_keys, sizeof master_keys / sizeof master_keys[0]);
  const MdYNode* item = md_ynode_get(master, "gain_db");
  if (item) {
    md_read_value(v, item, &md_strip_params[MD_STRIP_GAIN_DB], &n->gain_db);
  }
  if ((item = md_ynode_get(master, "loudness"))) {
    md_read_loudness(v, item, &v->session->loudness);
  }
  md_read_inserts(v, master, n, (uint32_t)md_session_master(s));
}
