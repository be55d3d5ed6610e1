// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Inserts and sends: an insert's type from the processor registry (or an
// LV2 plugin by URI) and its parameters from the processor's table —
// numbers, switches, choices, lists, note values, files and sidechain
// keys —, the keys every insert has (`bypass`: session/keys.h) and a
// strip's sends.  Thread: control (validator.h).

#include "session/validator.h"

#include "dsp/registry.h"
#include "dsp/strip.h"
#include "session/keys.h"
#include "util/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// An audio file a processor loads (an impulse response): mono or stereo,
// any rate, at most a minute.
static void
read_file_param(MdValidator* v, const MdYNode* node, const MdParam* param, MdInsert* insert, MdValue* slot)
{
  const char* path = NULL;
  if (!md_read_string(v, node, param->info.name, &path)) {
    return;
  }
  MdClip probe = {0};
  if (!(probe.path = md_resolve_path(v, path))) {
    md_report_out_of_memory(v, node);
    return;
  }
  if (!md_probe_source(v, node, &probe)) {
    free(probe.path);
    return;
  }
  if ((double)probe.frames / probe.rate > 60.0) {
    md_report_error(v, node, "`%s`: `%s` is %.1f s long; at most 60 s", param->info.name, path,
                    (double)probe.frames / probe.rate);
    free(probe.path);
    return;
  }
  insert->file = probe.path;
  slot->value  = 1.0;
}

// The keys every insert has (md_insert_keys) into `names` after `n`
// others; returns the new count.
static size_t
add_common_keys(const char** names, size_t n, size_t room)
{
  for (size_t k = 0U; k < md_insert_keys.n_keys && n < room; ++k) {
    const char* name = md_key_name(&md_insert_keys.keys[k]);
    if (strcmp(name, "type")) { // the caller's first
      names[n++] = name;
    }
  }
  return n;
}

// `bypass: true|false`, read through its table entry (a switch: never an
// envelope, so the usual "must be true or false" for anything else).
static void
read_common_keys(MdValidator* v, const MdYNode* node, MdInsert* insert)
{
  const MdParam* param = &md_insert_params[MD_INSERT_BYPASS];
  const MdYNode* item  = md_ynode_get(node, param->info.name);
  MdValue        value = {.value = param->info.default_value};
  if (item && md_read_param(v, item, param, &value)) {
    insert->bypass = value.value != 0.0;
  }
}

// `{type: lv2, uri: URI, params: {SYMBOL: value, …}, preset: NAME}`: the
// plugin's control ports are its parameter table, checked like any other.
static void
read_lv2_insert(MdValidator* v, const MdYNode* node, MdInsert* insert)
{
  const char* keys[4U + MD_KEY_SET_MAX] = {"type", "uri", "params", "preset"};
  md_check_keys(v, node, "an `lv2` insert", keys, add_common_keys(keys, 4U, 4U + MD_KEY_SET_MAX));
  read_common_keys(v, node, insert);
  const MdYNode* uri = md_ynode_get(node, "uri");
  const char*    text = NULL;
  if (!uri) {
    md_report_error(v, node, "an `lv2` insert needs `uri:` (see `mixdown plugins`)");
    return;
  }
  if (!md_read_string(v, uri, "uri", &text)) {
    return;
  }
  if (!v->plugins && !(v->plugins = md_plugin_catalog_open())) {
    md_report_error(v, uri, "cannot load the LV2 plugin index");
    return;
  }
  char                    message[768] = "";
  const MdProcessorClass* cls =
    md_plugin_class_new(v->plugins, text, v->session->sample_rate, message, sizeof message);
  if (!cls) {
    md_report_error(v, uri, "%s", message);
    return;
  }
  insert->cls    = cls;
  insert->values = calloc(cls->n_params ? cls->n_params : 1U, sizeof(MdValue));
  double* preset = calloc(cls->n_params ? cls->n_params : 1U, sizeof(double));
  if (!insert->values || !preset) {
    free(preset);
    md_report_out_of_memory(v, node);
    return;
  }
  for (uint32_t k = 0U; k < cls->n_params; ++k) {
    preset[k] = cls->params[k].info.default_value;
  }
  const MdYNode* item = md_ynode_get(node, "preset");
  const char*    name = NULL;
  if (item && md_read_string(v, item, "preset", &name) && !md_plugin_apply_preset(cls, name, preset, message, sizeof message)) {
    md_report_error(v, item, "%s", message);
  }
  for (uint32_t k = 0U; k < cls->n_params; ++k) {
    insert->values[k].value = preset[k];
  }
  free(preset);
  const MdYNode* params = md_ynode_get(node, "params");
  if (!params || !md_expect_kind(v, params, MD_YNODE_MAPPING, "{SYMBOL: value, …}", "params")) {
    return;
  }
  const char* symbols[256];
  uint32_t    n = 0U;
  for (uint32_t k = 0U; k < cls->n_params && n < 256U; ++k) {
    symbols[n++] = cls->params[k].info.name;
  }
  char where[160];
  snprintf(where, sizeof where, "the parameters of LV2 plugin <%s>", text);
  md_check_keys(v, params, where, symbols, n);
  for (uint32_t k = 0U; k < cls->n_params; ++k) {
    if ((item = md_ynode_get(params, cls->params[k].info.name))) {
      md_read_param(v, item, &cls->params[k], &insert->values[k]);
    }
  }
}

static void
read_insert(MdValidator* v, const MdYNode* node, MdInsert* insert, uint32_t self)
{
  insert->key = MD_NO_NODE;
  if (!md_expect_kind(v, node, MD_YNODE_MAPPING, "{type: NAME, …parameters}", "inserts")) {
    return;
  }
  const MdYNode* type = md_ynode_get(node, "type");
  if (!type || type->kind != MD_YNODE_SCALAR) {
    md_report_error(v, node, "an insert needs `type:` (see `mixdown describe`)");
    return;
  }
  if (!strcmp(type->text, "lv2")) {
    read_lv2_insert(v, node, insert);
    return;
  }
  const MdProcessorClass* cls = md_registry_find(type->text);
  if (!cls) {
    const char* names[65];
    uint32_t    n = md_registry_count() < 64U ? md_registry_count() : 64U;
    for (uint32_t i = 0U; i < n; ++i) {
      names[i] = md_registry_at(i)->name;
    }
    names[n++] = "lv2";
    const char* near = md_suggest(type->text, names, n);
    char        list[512] = "";
    size_t      used      = 0U;
    for (uint32_t i = 0U; i < n; ++i) {
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    }
    if (near) {
      md_report_error(v, type, "unknown insert type `%s` (did you mean `%s`?)", type->text, near);
    } else {
      md_report_error(v, type, "unknown insert type `%s` (available: %s)", type->text, list);
    }
    return;
  }
  const uint32_t n_values = md_processor_value_count(cls);
  insert->values          = calloc(n_values ? n_values : 1U, sizeof(MdValue));
  if (!insert->values) {
    md_report_out_of_memory(v, node);
    return;
  }
  insert->cls = cls;
  for (uint32_t slot = 0U; slot < n_values; ++slot) {
    insert->values[slot].value = md_processor_slot_param(cls, slot)->info.default_value;
  }
  const char* keys[65 + MD_KEY_SET_MAX] = {"type"};
  size_t      n_keys   = 1U;
  for (uint32_t i = 0U; i < cls->n_params && n_keys < 65U; ++i) {
    keys[n_keys++] = cls->params[i].info.name;
  }
  n_keys = add_common_keys(keys, n_keys, 65U + MD_KEY_SET_MAX);
  char where[96];
  snprintf(where, sizeof where, "a `%s` insert", cls->name);
  md_check_keys(v, node, where, keys, n_keys);
  read_common_keys(v, node, insert);
  for (uint32_t i = 0U; i < cls->n_params; ++i) {
    const MdParam* param = &cls->params[i];
    const MdYNode* item  = md_ynode_get(node, param->info.name);
    MdValue*       slots = &insert->values[md_processor_value_offset(cls, i)];
    if (!item) {
      continue;
    }
    if (param->info.kind == MIXDOWN_PARAM_LIST) {
      md_read_list(v, item, param, slots);
    } else if (param->info.kind == MIXDOWN_PARAM_NOTE) {
      md_read_note(v, item, cls, param, insert->values);
    } else if (param->info.kind == MIXDOWN_PARAM_FILE) {
      read_file_param(v, item, param, insert, slots);
    } else if (param->info.kind == MIXDOWN_PARAM_NODE) {
      if (md_find_key(v, item, param->info.name, self, &insert->key)) {
        slots[0].value = 1.0; // the processor keys on the external signal
      }
    } else {
      md_read_param(v, item, param, slots);
    }
  }
}

void
md_read_inserts(MdValidator* v, const MdYNode* entry, MdNode* target, uint32_t self)
{
  const MdYNode* inserts = md_ynode_get(entry, "inserts");
  if (!inserts || !md_expect_kind(v, inserts, MD_YNODE_SEQUENCE, "of {type: …} entries", "inserts")) {
    return;
  }
  target->inserts = calloc(inserts->n_items ? inserts->n_items : 1U, sizeof(MdInsert));
  if (!target->inserts) {
    md_report_out_of_memory(v, inserts);
    return;
  }
  for (size_t i = 0U; i < inserts->n_items; ++i) {
    read_insert(v, inserts->items[i], &target->inserts[i], self);
    target->n_inserts = i + 1U;
  }
}

void
md_read_sends(MdValidator* v, const MdYNode* entry, MdNode* target, uint32_t self)
{
  const MdYNode* sends = md_ynode_get(entry, "sends");
  if (!sends || !md_expect_kind(v, sends, MD_YNODE_SEQUENCE, "of {to, level_db, pre_fader}", "sends")) {
    return;
  }
  target->sends = calloc(sends->n_items ? sends->n_items : 1U, sizeof(MdSend));
  if (!target->sends) {
    md_report_out_of_memory(v, sends);
    return;
  }
  for (size_t i = 0U; i < sends->n_items; ++i) {
    const MdYNode* send = sends->items[i];
    if (!md_expect_kind(v, send, MD_YNODE_MAPPING, "{to, level_db, pre_fader}", "sends")) {
      continue;
    }
    md_check_key_set(v, send, &md_send_keys);
    const MdParam* to_param    = &md_send_params[MD_SEND_TO];
    const MdParam* level_param = &md_send_params[MD_SEND_LEVEL_DB];
    const MdParam* pre_param   = &md_send_params[MD_SEND_PRE_FADER];
    MdSend*        out         = &target->sends[target->n_sends];
    const MdYNode* to          = md_ynode_get(send, to_param->info.name);
    const MdYNode* item        = NULL;
    MdValue        pre_fader   = {.value = out->pre_fader ? 1.0 : 0.0};
    if (!to) {
      md_report_error(v, send, "a send needs `to: BUS`");
      continue;
    }
    if (!md_find_destination(v, to, to_param->info.name, self, &out->target)) {
      continue;
    }
    if ((item = md_ynode_get(send, level_param->info.name)) && !md_read_param(v, item, level_param, &out->level_db)) {
      continue;
    }
    if ((item = md_ynode_get(send, pre_param->info.name)) && !md_read_param(v, item, pre_param, &pre_fader)) {
      // The send is not kept: the envelope its level read goes with it.
      free(out->level_db.envelope ? out->level_db.envelope->points : NULL);
      free(out->level_db.envelope);
      out->level_db.envelope = NULL;
      continue;
    }
    out->pre_fader = pre_fader.value != 0.0;
    ++target->n_sends;
  }
}
