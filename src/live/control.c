// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/control.h"

#include "dsp/strip.h"
#include "util/checked_number.h"
#include "util/suggest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 8

static const char* const node_kinds[] = {"track", "bus", "master", "transport"};

static void
suggest(char* note, size_t size, const char* what, const char* word, const char* const* names, size_t n)
{
  const char* near = md_suggest(word, names, n);
  if (near) {
    snprintf(note, size, "unknown %s `%s` (did you mean `%s`?)", what, word, near);
  } else {
    snprintf(note, size, "unknown %s `%s`", what, word);
  }
}

// Item i's name, or NULL when item i is not a candidate.
typedef const char* (*MdNameOf)(const void* items, size_t i);

// The item named `word` among `count`; on a miss (only then) the note
// names the nearest candidate.
static bool
find_named(const void* items, size_t count, MdNameOf name_of, const char* word, size_t* found, const char* what,
           char* note, size_t size)
{
  for (size_t i = 0U; i < count; ++i) {
    const char* name = name_of(items, i);
    if (name && !strcmp(name, word)) {
      *found = i;
      return true;
    }
  }
  const char** names = calloc(count + 1U, sizeof(char*));
  size_t       n     = 0U;
  for (size_t i = 0U; names && i < count; ++i) {
    if ((names[n] = name_of(items, i))) {
      ++n;
    }
  }
  suggest(note, size, what, word, names, n);
  free(names);
  return false;
}

static const char*
param_name(const void* table, size_t i)
{
  return ((const MdParam*)table)[i].info.name;
}

static const char*
insert_type(const void* node, size_t i)
{
  return ((const MdNode*)node)->inserts[i].cls->name;
}

typedef struct {
  const MixdownSession* session;
  MdNodeKind            kind;
} MdNodesOfKind;

static const char*
node_name(const void* nodes, size_t i)
{
  const MdNodesOfKind* of = nodes;
  return of->session->nodes[i].kind == of->kind ? of->session->nodes[i].name : NULL;
}

typedef struct {
  const MixdownSession* session;
  const MdNode*         node;
} MdSendsOf;

static const char*
send_target(const void* sends, size_t i)
{
  const MdSendsOf* of = sends;
  return of->session->nodes[of->node->sends[i].target].name;
}

// Splits "/a/b/c" into its segments (in `buf`); returns how many.
static size_t
split(const char* address, char* buf, size_t size, char** seg)
{
  snprintf(buf, size, "%s", address[0] == '/' ? address + 1 : address);
  size_t n = 0U;
  for (char* p = buf; p && n < MAX_SEGMENTS; ++n) {
    seg[n]      = p;
    char* slash = strchr(p, '/');
    if (slash) {
      *slash = '\0';
    }
    p = slash ? slash + 1 : NULL;
  }
  return n;
}

static bool
find_node(const MixdownSession* s, MdNodeKind kind, const char* name, uint32_t* node, char* note, size_t size)
{
  const MdNodesOfKind of    = {s, kind};
  size_t              found = 0U;
  if (!find_named(&of, s->n_nodes, node_name, name, &found, kind == MD_NODE_TRACK ? "track" : "bus", note, size)) {
    return false;
  }
  *node = (uint32_t)found;
  return true;
}

// The number a value slot takes (md_param_fit(), the range check the
// validator uses, under its clamping policy): 0/1 for a switch, a whole
// index for a choice, clamped to the table's range (and `note` says so).
// NaN and infinities are refused (false, `note` says why): `NaN < min` is
// false, so a plain clamp would pass them to the mix.
static bool
fit_value(const MdParam* p, double value, const char* address, double* out, char* note, size_t size)
{
  const MixdownParamInfo* info = &p->info;
  const char*             unit = info->unit;
  switch (md_param_fit(p, value, MD_RANGE_CLAMP, out)) {
  case MD_RANGE_NOT_FINITE:
    snprintf(note, size, "%g refused: %s (valid range %g…%g%s%s)", value, md_checked_number_finite(value), info->min,
             info->max, unit[0] ? " " : "", unit);
    return false;
  case MD_RANGE_CLAMPED:
    snprintf(note, size, "%s %g is out of range %g…%g%s%s: %g used", address, value, info->min, info->max,
             unit[0] ? " " : "", unit, *out);
    return true;
  case MD_RANGE_INSIDE:
  case MD_RANGE_OUTSIDE: break; // never under MD_RANGE_CLAMP
  }
  return true;
}

// A value the table fixes while playing (MD_PARAM_FIXED_WHILE_PLAYING, or
// a kind no move can set: a list, a file, a sidechain key): a move would
// be heard as nothing and recorded as a change the render would make, so
// it is refused on arrival with the table's reason.  False, with the note.
static bool
refuse_fixed(const MdParam* p, char* note, size_t size)
{
  const char* why = p->fixed_why;
  snprintf(note, size, "`%s` is fixed while playing%s%s", p->info.name, why ? ": " : "", why ? why : "");
  return false;
}

// "N" (from 1) or a type name: the first insert of that type.
static bool
find_insert(const MdNode* node, const char* which, uint32_t* index, char* note, size_t size)
{
  char*               end = NULL;
  const unsigned long n   = strtoul(which, &end, 10);
  if (end != which && !*end) {
    if (n >= 1U && n <= node->n_inserts) {
      *index = (uint32_t)(n - 1U);
      return true;
    }
    snprintf(note, size, "`%s` has %zu insert%s: %s is not one (they count from 1)", node->name, node->n_inserts,
             node->n_inserts == 1U ? "" : "s", which);
    return false;
  }
  size_t found = 0U;
  if (!find_named(node, node->n_inserts, insert_type, which, &found, "insert", note, size)) {
    return false;
  }
  *index = (uint32_t)found;
  return true;
}

// PARAM, or LIST/K/FIELD, of an insert: its value slot.  Item K must be
// one the session has (its count is the list's first slot).
static bool
find_slot(const MdInsert* insert, char** seg, size_t n, uint32_t* slot, const MdParam** param, char* note,
          size_t size)
{
  const MdProcessorClass* cls = insert->cls;
  size_t                  p   = 0U;
  if (!find_named(cls->params, cls->n_params, param_name, seg[0], &p, "parameter", note, size)) {
    return false;
  }
  const MdParam* table = &cls->params[p];
  *slot                = md_processor_value_offset(cls, (uint32_t)p);
  if (table->info.kind == MIXDOWN_PARAM_LIST) {
    char*               end   = NULL;
    const unsigned long item  = n >= 3U ? strtoul(seg[1], &end, 10) : 0U;
    const double        count = insert->values[*slot].value;
    if (n != 3U || end == seg[1] || *end || item < 1U || item > table->max_items) {
      snprintf(note, size, "`%s` is a list: address one field of an item, as %s/1/%s (items 1…%u)", seg[0],
               seg[0], table->fields[0].info.name, table->max_items);
      return false;
    }
    if ((double)item > count) {
      snprintf(note, size, "this %s has %g item%s in `%s`: %lu is not one (a move there could not be recorded)",
               cls->name, count, count == 1.0 ? "" : "s", seg[0], item);
      return false;
    }
    size_t f = 0U;
    if (!find_named(table->fields, table->n_fields, param_name, seg[2], &f, "field", note, size)) {
      return false;
    }
    *slot  = md_processor_list_slot(cls, (uint32_t)p, (uint32_t)(item - 1U), (uint32_t)f);
    *param = &table->fields[f];
  } else if (n != 1U) {
    snprintf(note, size, "`%s` takes no further address", seg[0]);
    return false;
  } else {
    *param = table;
  }
  return md_param_live(*param) || refuse_fixed(*param, note, size);
}

static bool
parse_strip(const MixdownSession* s, uint32_t node, char** seg, size_t n, MdLiveChange* change,
            const MdParam** param, char* note, size_t size)
{
  const MdNode* model = &s->nodes[node];
  change->node        = node;
  if (n == 1U) {
    static const MdLiveKind kinds[MD_STRIP_N_PARAMS] = {
      [MD_STRIP_GAIN_DB] = MD_LIVE_GAIN_DB, [MD_STRIP_PAN] = MD_LIVE_PAN,   [MD_STRIP_PAN_LAW] = MD_LIVE_GAIN_DB,
      [MD_STRIP_MUTE] = MD_LIVE_MUTE,       [MD_STRIP_SOLO] = MD_LIVE_SOLO, [MD_STRIP_INVERT] = MD_LIVE_INVERT,
    };
    const char* names[MD_STRIP_N_PARAMS + 2];
    for (int k = 0; k < MD_STRIP_N_PARAMS; ++k) {
      names[k] = md_strip_params[k].info.name;
      if (!strcmp(seg[0], names[k])) {
        if (!md_param_live(&md_strip_params[k])) {
          return refuse_fixed(&md_strip_params[k], note, size); // the pan law
        }
        change->kind = kinds[k];
        *param       = &md_strip_params[k];
        return true;
      }
    }
    names[MD_STRIP_N_PARAMS]     = "send";
    names[MD_STRIP_N_PARAMS + 1] = "insert";
    suggest(note, size, "strip parameter", seg[0], names, MD_STRIP_N_PARAMS + 2);
    return false;
  }
  if (!strcmp(seg[0], "send")) {
    if (n != 3U || strcmp(seg[2], md_send_params[MD_SEND_LEVEL_DB].info.name)) {
      snprintf(note, size, "a send is addressed as send/BUS/level_db");
      return false;
    }
    const MdSendsOf of   = {s, model};
    size_t          send = 0U;
    if (!find_named(&of, model->n_sends, send_target, seg[1], &send, "send of this strip", note, size)) {
      return false;
    }
    change->kind  = MD_LIVE_SEND_DB;
    change->index = (uint32_t)send;
    *param        = &md_send_params[MD_SEND_LEVEL_DB];
    return true;
  }
  if (!strcmp(seg[0], "insert") && n >= 3U) {
    change->kind = MD_LIVE_INSERT;
    return find_insert(model, seg[1], &change->index, note, size) &&
           find_slot(&model->inserts[change->index], seg + 2, n - 2U, &change->slot, param, note, size);
  }
  snprintf(note, size, "unknown address: a strip takes PARAM, send/BUS/level_db or insert/N/PARAM");
  return false;
}

// A time from the network as frames at the session's rate, or false with
// why in `note`.
static bool
time_frames(const MixdownSession* s, const char* what, double seconds, int64_t* frames, char* note, size_t size)
{
  const char* why = md_checked_number_frames(seconds, (double)mixdown_session_sample_rate(s), MD_CHECKED_MAX_TIME_S,
                                             frames);
  if (why) {
    snprintf(note, size, "%s %g s refused: %s (valid range 0 … %g s)", what, seconds, why, MD_CHECKED_MAX_TIME_S);
  }
  return !why;
}

static bool
parse_transport(const MixdownSession* s, char** seg, size_t n, const double* values, uint32_t n_values,
                MdCommand* cmd, char* note, size_t size)
{
  static const char* const verbs[] = {"play", "stop", "locate", "loop"};
  if (n == 2U && !strcmp(seg[1], "play")) {
    cmd->kind = MD_COMMAND_PLAY;
    return true;
  }
  if (n == 2U && !strcmp(seg[1], "stop")) {
    cmd->kind = MD_COMMAND_STOP;
    return true;
  }
  if (n == 2U && !strcmp(seg[1], "locate")) {
    if (n_values < 1U) {
      snprintf(note, size, "/transport/locate takes a time in seconds (0 or more)");
      return false;
    }
    cmd->kind = MD_COMMAND_LOCATE;
    return time_frames(s, "a time of", values[0], &cmd->frame, note, size);
  }
  if (n == 2U && !strcmp(seg[1], "loop")) {
    cmd->kind = MD_COMMAND_LOOP;
    if (n_values == 0U) {
      return true; // loop off
    }
    if (n_values != 2U) {
      snprintf(note, size, "/transport/loop takes two times A < B in seconds, or nothing (loop off)");
      return false;
    }
    if (!time_frames(s, "a loop from", values[0], &cmd->frame, note, size) ||
        !time_frames(s, "a loop to", values[1], &cmd->until_frame, note, size)) {
      return false;
    }
    if (cmd->until_frame <= cmd->frame) {
      snprintf(note, size, "/transport/loop takes two times A < B in seconds, or nothing (loop off)");
      return false;
    }
    return true;
  }
  suggest(note, size, "transport command", n >= 2U ? seg[1] : "", verbs, 4U);
  return false;
}

bool
md_control_parse(const MixdownSession* s, const char* address, const double* values, uint32_t n_values,
                 MdCommand* cmd, char* note, size_t size)
{
  char   buf[512];
  char*  seg[MAX_SEGMENTS];
  size_t n = split(address, buf, sizeof buf, seg);
  note[0]  = '\0';
  memset(cmd, 0, sizeof *cmd);
  if (!strcmp(seg[0], "transport")) {
    return parse_transport(s, seg, n, values, n_values, cmd, note, size);
  }
  uint32_t node = (uint32_t)md_session_master(s);
  size_t   used = 1U;
  if (!strcmp(seg[0], "track") || !strcmp(seg[0], "bus")) {
    if (n < 3U) {
      snprintf(note, size, "a %s is addressed as /%s/NAME/PARAM", seg[0], seg[0]);
      return false;
    }
    if (!find_node(s, !strcmp(seg[0], "track") ? MD_NODE_TRACK : MD_NODE_BUS, seg[1], &node, note, size)) {
      return false;
    }
    used = 2U;
  } else if (strcmp(seg[0], "master") || n < 2U) {
    suggest(note, size, "address", seg[0], node_kinds, 4U);
    return false;
  }
  const MdParam* param = NULL;
  cmd->kind            = MD_COMMAND_LIVE;
  if (!parse_strip(s, node, seg + used, n - used, &cmd->change, &param, note, size)) {
    return false;
  }
  if (!n_values) {
    snprintf(note, size, "%s needs a value", address);
    return false;
  }
  return fit_value(param, values[0], address, &cmd->change.value, note, size);
}

void
md_control_address(const MixdownSession* s, const MdLiveChange* c, char* out, size_t size)
{
  const MdNode* node = &s->nodes[c->node];
  char          strip[300];
  if (node->kind == MD_NODE_MASTER) {
    snprintf(strip, sizeof strip, "/master");
  } else {
    snprintf(strip, sizeof strip, "/%s/%s", node->kind == MD_NODE_TRACK ? "track" : "bus", node->name);
  }
  const MdParam* p = md_control_param(s, c);
  switch (c->kind) {
  case MD_LIVE_SEND_DB:
    snprintf(out, size, "%s/send/%s/level_db", strip, s->nodes[node->sends[c->index].target].name);
    break;
  case MD_LIVE_INSERT: {
    const MdProcessorClass* cls   = node->inserts[c->index].cls;
    MdSlotPlace             place = {0};
    if (md_processor_slot_place(cls, c->slot, &place) && place.in_list) {
      snprintf(out, size, "%s/insert/%u/%s/%u/%s", strip, c->index + 1U, cls->params[place.param].info.name,
               place.item + 1U, p->info.name);
      return;
    }
    snprintf(out, size, "%s/insert/%u/%s", strip, c->index + 1U, p->info.name);
    break;
  }
  default:
    snprintf(out, size, "%s/%s", strip, p->info.name);
    break;
  }
}

const MdParam*
md_control_param(const MixdownSession* s, const MdLiveChange* c)
{
  switch (c->kind) {
  case MD_LIVE_GAIN_DB: return &md_strip_params[MD_STRIP_GAIN_DB];
  case MD_LIVE_PAN: return &md_strip_params[MD_STRIP_PAN];
  case MD_LIVE_MUTE: return &md_strip_params[MD_STRIP_MUTE];
  case MD_LIVE_SOLO: return &md_strip_params[MD_STRIP_SOLO];
  case MD_LIVE_INVERT: return &md_strip_params[MD_STRIP_INVERT];
  case MD_LIVE_SEND_DB: return &md_send_params[MD_SEND_LEVEL_DB];
  case MD_LIVE_INSERT: return md_processor_slot_param(s->nodes[c->node].inserts[c->index].cls, c->slot);
  }
  return NULL;
}
