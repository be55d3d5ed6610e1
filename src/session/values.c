// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Values of a session: times (seconds or BAR:BEAT at the session's
// tempo), envelopes, and parameters from their table entries — numbers
// (constant or automated), switches, choices, lists (EQ bands) and note
// values (a delay of "1/8" at the tempo).  Thread: control (validator.h).

#include "session/validator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Seconds, or "BAR:BEAT[.FRACTION]" when the session has a tempo.
bool
md_read_time(MdValidator* v, const MdYNode* node, const char* key, double* seconds)
{
  const MixdownSession* s = v->session;
  double                x = 0.0;
  if (md_ynode_number(node, &x)) {
    if (md_range_check(x, 0.0, MD_SESSION_MAX_TIME_S, MD_RANGE_REFUSE, &x) != MD_RANGE_INSIDE) {
      md_report_error(v, node, "`%s` is %g s, out of range: valid range is 0 … %g s (24 hours)", key, x, MD_SESSION_MAX_TIME_S);
      return false;
    }
    *seconds = x;
    return true;
  }
  if (node->kind == MD_YNODE_SCALAR && strchr(node->text, ':')) {
    double                 beats  = 0.0;
    const MdPositionStatus status = md_position_parse(node->text, s->beats_per_bar, &beats);
    if (status == MD_POSITION_NOT_POSITION) {
      md_report_error(v, node, "`%s`: `%s` is not a BAR:BEAT position (for example \"17:1\" or \"17:2.5\")",
                      key, node->text);
      return false;
    }
    if (s->tempo_bpm <= 0.0) {
      md_report_error(v, node, "`%s`: the musical position `%s` needs a `tempo` at the top of the session", key,
                      node->text);
      return false;
    }
    if (status == MD_POSITION_OUT_OF_RANGE) {
      md_report_error(v, node, "`%s`: `%s` is out of range: bars count from 1, beats from 1 to %u.999", key,
                      node->text, s->beats_per_bar);
      return false;
    }
    *seconds = beats * 60.0 / s->tempo_bpm;
    if (*seconds > MD_SESSION_MAX_TIME_S) {
      md_report_error(v, node, "`%s`: `%s` is %g s, past the 24-hour limit", key, node->text, *seconds);
      return false;
    }
    return true;
  }
  md_report_error(v, node, "`%s` must be a time in seconds%s, not %s%s%s", key,
                  s->tempo_bpm > 0.0 ? " or \"BAR:BEAT\"" : "", node->kind == MD_YNODE_SCALAR ? "`" : "",
                  node->kind == MD_YNODE_SCALAR ? node->text : md_ynode_kind_name(node),
                  node->kind == MD_YNODE_SCALAR ? "`" : "");
  return false;
}

static const char* const curve_names[] = {"linear", "exponential", "smooth", "step", NULL};

static MdEnvelope*
read_envelope(MdValidator* v, const MdYNode* node, const MdParam* param)
{
  static const char* const keys[] = {"points", "curve"};
  const char*              name   = param->info.name;
  md_check_keys(v, node, "an envelope", keys, 2U);
  const MdYNode* points = md_ynode_get(node, "points");
  const MdYNode* curve  = md_ynode_get(node, "curve");
  double         curve_index = 0.0;
  if (curve && !md_read_choice(v, curve, "curve", curve_names, &curve_index)) {
    return NULL;
  }
  if (!points) {
    md_report_error(v, node, "the envelope of `%s` needs `points: [[TIME, VALUE], …]`", name);
    return NULL;
  }
  if (!md_expect_kind(v, points, MD_YNODE_SEQUENCE, "of [TIME, VALUE] pairs", "points")) {
    return NULL;
  }
  if (points->n_items == 0U) {
    md_report_error(v, points, "the envelope of `%s` has no points", name);
    return NULL;
  }
  MdEnvelope* env = calloc(1U, sizeof(MdEnvelope));
  if (!env || !(env->points = calloc(points->n_items, sizeof(MdEnvPoint)))) {
    free(env);
    md_report_out_of_memory(v, node);
    return NULL;
  }
  env->curve   = (MdCurve)curve_index;
  bool ok      = true;
  for (size_t i = 0U; i < points->n_items; ++i) {
    const MdYNode* pair = points->items[i];
    if (pair->kind != MD_YNODE_SEQUENCE || pair->n_items != 2U) {
      md_report_error(v, pair, "each envelope point must be [TIME, VALUE]");
      ok = false;
      continue;
    }
    MdEnvPoint* p = &env->points[env->n_points];
    if (!md_read_time(v, pair->items[0], "time", &p->time_s) ||
        !md_read_number(v, pair->items[1], name, param->info.min, param->info.max, param->info.unit,
                        &p->value)) {
      ok = false;
      continue;
    }
    if (env->n_points && p->time_s < env->points[env->n_points - 1U].time_s) {
      md_report_error(v, pair->items[0], "envelope points must be in time order: %g s comes after %g s",
                      p->time_s, env->points[env->n_points - 1U].time_s);
      ok = false;
      continue;
    }
    ++env->n_points;
  }
  if (!ok) {
    free(env->points);
    free(env);
    return NULL;
  }
  return env;
}

// A numeric parameter: a number, or an envelope mapping.
bool
md_read_value(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* out)
{
  if (node->kind == MD_YNODE_MAPPING) {
    out->envelope = read_envelope(v, node, param);
    if (out->envelope) {
      out->value = out->envelope->points[0].value;
    }
    return out->envelope != NULL;
  }
  return md_read_number(v, node, param->info.name, param->info.min, param->info.max, param->info.unit,
                        &out->value);
}

// Any kind of parameter from its table entry; numbers may be envelopes.
bool
md_read_param(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* out)
{
  const MixdownParamInfo* info = &param->info;
  bool                    flag = false;
  if (node->kind == MD_YNODE_MAPPING && md_param_automatable(param)) {
    return md_read_value(v, node, param, out); // an envelope (of a switch: 0 … 1)
  }
  switch (param->info.kind) {
  case MIXDOWN_PARAM_NUMBER:
    if (md_param_automatable(param)) {
      return md_read_value(v, node, param, out);
    }
    return md_read_number(v, node, info->name, info->min, info->max, info->unit, &out->value);
  case MIXDOWN_PARAM_BOOL:
    if (!md_read_bool(v, node, param->info.name, &flag)) {
      return false;
    }
    out->value = flag ? 1.0 : 0.0;
    return true;
  case MIXDOWN_PARAM_CHOICE: return md_read_choice(v, node, param->info.name, param->info.choices, &out->value);
  case MIXDOWN_PARAM_LIST:
  case MIXDOWN_PARAM_NODE:
  case MIXDOWN_PARAM_NOTE:
  case MIXDOWN_PARAM_FILE:
  case MIXDOWN_PARAM_TEXT: break; // read by read_insert(); never nested (text: assistants' options only)
  }
  return false;
}

// A list parameter (EQ bands …): a list of mappings, each checked against
// the field table; values land in the list's slots, item by item.
void
md_read_list(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* slots)
{
  if (!md_expect_kind(v, node, MD_YNODE_SEQUENCE, "of mappings", param->info.name)) {
    return;
  }
  if (node->n_items > param->max_items) {
    md_report_error(v, node, "`%s` holds at most %u items, not %zu", param->info.name, param->max_items,
                    node->n_items);
    return;
  }
  const char* keys[32];
  uint32_t    n_keys = 0U;
  for (uint32_t f = 0U; f < param->n_fields && n_keys < 32U; ++f) {
    keys[n_keys++] = param->fields[f].info.name;
  }
  char where[96];
  snprintf(where, sizeof where, "an item of `%s`", param->info.name);
  slots[0].value = (double)node->n_items;
  for (size_t i = 0U; i < node->n_items; ++i) {
    const MdYNode* item = node->items[i];
    if (param->n_fields == 1U && item->kind == MD_YNODE_SCALAR) {
      // Items of one field may be written bare: `notes: [A, C, E]`.
      md_read_param(v, item, &param->fields[0], &slots[md_list_slot(param, (uint32_t)i, 0U)]);
      continue;
    }
    if (!md_expect_kind(v, item, MD_YNODE_MAPPING, where, param->info.name)) {
      continue;
    }
    md_check_keys(v, item, where, keys, n_keys);
    for (uint32_t f = 0U; f < param->n_fields; ++f) {
      const MdYNode* value = md_ynode_get(item, param->fields[f].info.name);
      if (value) {
        md_read_param(v, value, &param->fields[f], &slots[md_list_slot(param, (uint32_t)i, f)]);
      }
    }
  }
}

// A note value with the session tempo ("1/8", dotted "1/8.", triplet
// "1/8t") sets the milliseconds of the parameter it names.  A beat is the
// time signature's note value and lasts 60 / tempo seconds.
void
md_read_note(MdValidator* v, const MdYNode* node, const MdProcessorClass* cls, const MdParam* param,
             MdValue* values)
{
  const MixdownSession* s    = v->session;
  const MdParam*        ms   = &cls->params[param->note_target];
  unsigned              num  = 0U, den = 0U;
  char                  kind = '\0', extra = '\0';
  const int             got  = node->kind == MD_YNODE_SCALAR ? sscanf(node->text, "%u/%u%c%c", &num, &den, &kind, &extra) : 0;
  if (got < 2 || got > 3 || num < 1U || den < 1U || den > 128U || (got == 3 && kind != '.' && kind != 't')) {
    md_report_error(v, node, "`%s` must be a note value like \"1/4\", \"1/8.\" (dotted) or \"1/8t\" (triplet)",
                    param->info.name);
    return;
  }
  if (s->tempo_bpm <= 0.0) {
    md_report_error(v, node, "`%s`: a note value needs a `tempo` at the top of the session (or give `%s`)",
                    param->info.name, ms->info.name);
    return;
  }
  double beats = (double)num / den * s->beat_unit;
  beats *= got == 3 ? (kind == '.' ? 1.5 : 2.0 / 3.0) : 1.0;
  double value = beats * 60000.0 / s->tempo_bpm;
  if (md_range_check(value, ms->info.min, ms->info.max, MD_RANGE_REFUSE, &value) != MD_RANGE_INSIDE) {
    md_report_error(v, node, "`%s`: %s at %g BPM is %g ms, out of range: valid range is %g … %g ms", param->info.name,
                    node->text, s->tempo_bpm, value, ms->info.min, ms->info.max);
    return;
  }
  values[md_processor_value_offset(cls, param->note_target)].value = value;
}
