// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The session as the console shows it (console_internal.h): every value of
// every strip, send and insert, read from md_address_list (the one list of
// what a session can hold) and the parameter tables (names, units, ranges,
// defaults, descriptions: what `mixdown describe` prints), grouped into
// strips in the player's node order.
//
// Thread: the server thread.

#include "serve/console_internal.h"

#include "engine/automation.h"
#include "serve/curves.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One value ---------------------------------------------------------------- */

// A value the console shows and moves: numbers, switches and choices of
// strips, sends and inserts (a list's fields included).  Routing, clips,
// envelopes' points and the session's own keys are the file's.
static bool
console_value(const MdAddress* a)
{
  if (a->kind != MD_ADDRESS_VALUE || !a->param) {
    return false;
  }
  switch (a->owner) {
  case MD_OWNER_STRIP:
  case MD_OWNER_SEND:
  case MD_OWNER_INSERT:
  case MD_OWNER_INSERT_KEY: break;
  default: return false;
  }
  return true;
}

static bool
movable_kind(MixdownParamKind kind)
{
  return kind == MIXDOWN_PARAM_NUMBER || kind == MIXDOWN_PARAM_BOOL || kind == MIXDOWN_PARAM_CHOICE;
}

// An envelope's value at `position_s`.
static double
envelope_at(const MdEnvelope* envelope, double position_s, double otherwise)
{
  MdAutomation* automation = md_automation_new(envelope);
  const double  v          = automation ? md_automation_value(automation, position_s) : otherwise;
  md_automation_free(automation);
  return isfinite(v) ? v : otherwise;
}

// The number `a` holds in `s` at `position_s` (a switch 0/1, a choice its
// index); false for text values and those the model does not keep.
static bool
number_at(const MixdownSession* s, const MdAddress* a, double position_s, double* value, bool* automated)
{
  MdAddressValue v;
  if (!movable_kind(a->param->info.kind) || !md_address_read(s, a, &v) || v.text) {
    return false;
  }
  *automated = v.envelope != NULL;
  *value     = v.envelope ? envelope_at(v.envelope, position_s, v.number) : v.set ? v.number : a->param->info.default_value;
  return isfinite(*value);
}

const MdPendingMove*
md_console_pending_at(const MdConsole* c, const char* address)
{
  for (size_t k = c->n_pending; k-- > 0U;) {
    if (!strcmp(c->pending[k].address, address)) {
      return &c->pending[k];
    }
  }
  return NULL;
}

static double
position_now(MdConsole* c)
{
  MdPlayerStatus status;
  md_player_status(c->player, &status);
  return status.position_s;
}

bool
md_console_value_now(MdConsole* c, const char* address, double* value, bool* automated)
{
  bool                 envelope = false;
  const MdPendingMove* p        = md_console_pending_at(c, address);
  if (automated) {
    *automated = false;
  }
  if (p) {
    *value = p->value;
    return true;
  }
  const MixdownSession* s = mixdown_editor_session(c->editor);
  MdAddress             a;
  char                  note[256];
  const bool            found = md_address_resolve(s, address, &a, note, sizeof note) && console_value(&a) &&
                                number_at(s, &a, position_now(c), value, &envelope);
  if (automated) {
    *automated = found && envelope;
  }
  return found;
}

typedef struct {
  const MixdownSession* session;
  double                position_s;
  void (*visit)(void* user, const char* address, double value, bool automated);
  void* user;
} EachValue;

static void
each_value(void* user, const MdAddress* a, const char* text)
{
  EachValue* e         = user;
  double     value     = 0.0;
  bool       automated = false;
  if (console_value(a) && number_at(e->session, a, e->position_s, &value, &automated)) {
    e->visit(e->user, text, value, automated);
  }
}

void
md_console_each_value(MdConsole* c, double position_s,
                      void (*visit)(void* user, const char* address, double value, bool automated), void* user)
{
  EachValue e = {mixdown_editor_session(c->editor), position_s, visit, user};
  md_address_list(e.session, each_value, &e);
}

// The strip's address at the start of `address`: `/master`, `/track/NAME`
// or `/bus/NAME` (a name's `/` is written %2F: the next `/` ends it).
static size_t
strip_prefix(const char* address)
{
  if (!strncmp(address, "/master", 7U) && (address[7] == '/' || !address[7])) {
    return 7U;
  }
  const char* kind_end = strchr(address + 1, '/');
  const char* name_end = kind_end ? strchr(kind_end + 1, '/') : NULL;
  return name_end ? (size_t)(name_end - address) : strlen(address);
}

bool
md_console_insert_of(const char* address, char* out, size_t size)
{
  const size_t strip = strip_prefix(address);
  const char*  rest  = address + strip;
  if (strncmp(rest, "/insert/", 8U)) {
    return false;
  }
  const char*  end    = strchr(rest + 8, '/');
  const size_t length = end ? (size_t)(end - address) : strlen(address);
  if (length >= size) {
    return false;
  }
  memcpy(out, address, length);
  out[length] = '\0';
  return true;
}

/* The state message --------------------------------------------------------- */

static const char*
kind_name(MixdownParamKind kind)
{
  switch (kind) {
  case MIXDOWN_PARAM_NUMBER: return "number";
  case MIXDOWN_PARAM_BOOL: return "bool";
  case MIXDOWN_PARAM_CHOICE: return "choice";
  case MIXDOWN_PARAM_LIST: return "list";
  case MIXDOWN_PARAM_NODE: return "node";
  case MIXDOWN_PARAM_NOTE: return "note";
  case MIXDOWN_PARAM_FILE: return "file";
  case MIXDOWN_PARAM_TEXT: return "text";
  }
  return "number";
}

static json_t*
number_json(double x)
{
  return isfinite(x) ? json_real(x) : json_null();
}

// Why a value cannot move while playing (the page shows it disabled with
// this), or NULL.
static const char*
fixed_reason(const MdParam* param)
{
  if (param->flags & MD_PARAM_FIXED_WHILE_PLAYING) {
    return param->fixed_why ? param->fixed_why
                            : "read when the mix is built, not while it plays: set it in the session file";
  }
  if (!movable_kind(param->info.kind) || (param->flags & MD_PARAM_TEXT)) {
    return "set in the session file (not a value that moves while playing)";
  }
  return NULL;
}

// A PARAM of the wire: the table's description of the value and its value now.
static json_t*
param_json(MdConsole* c, const MixdownSession* s, const MdAddress* a, const char* address, double position_s)
{
  const MixdownParamInfo* info  = &a->param->info;
  json_t*                 param = json_object();
  json_object_set_new(param, "name", json_string(info->name));
  json_object_set_new(param, "address", json_string(address));
  json_object_set_new(param, "unit", json_string(info->unit ? info->unit : ""));
  json_object_set_new(param, "kind", json_string(kind_name(info->kind)));
  json_object_set_new(param, "min", number_json(info->min));
  json_object_set_new(param, "max", number_json(info->max));
  json_object_set_new(param, "default", number_json(info->default_value));
  if (info->kind == MIXDOWN_PARAM_CHOICE && info->choices) {
    json_t* choices = json_array();
    for (const char* const* name = info->choices; *name; ++name) {
      json_array_append_new(choices, json_string(*name));
    }
    json_object_set_new(param, "choices", choices);
  }
  json_object_set_new(param, "description", json_string(info->description ? info->description : ""));
  double               value     = 0.0;
  bool                 automated = false;
  const MdPendingMove* pending   = md_console_pending_at(c, address);
  if (number_at(s, a, position_s, &value, &automated)) {
    json_object_set_new(param, "value", json_real(pending ? pending->value : value));
  } else {
    // Text (a sidechain's key, a note value, a file): as the file has it;
    // none given (`null`) is null.
    char*       text  = NULL;
    const char* unit  = NULL;
    const bool  known = !mixdown_editor_get(c->editor, address, &text, &unit) && strcmp(text, "null");
    json_object_set_new(param, "value", known ? json_string(text) : json_null());
    free(text);
  }
  json_object_set_new(param, "automated", json_boolean(automated && !pending));
  const char* fixed = fixed_reason(a->param);
  json_object_set_new(param, "fixed", fixed ? json_string(fixed) : json_null());
  return param;
}

// What the state is built of while md_address_list walks the session.
typedef struct {
  MdConsole*            console;
  const MixdownSession* session;
  double                position_s;
  json_t**              by_node;   ///< Each node's STRIP (NULL until seen)
  uint32_t              n_nodes;
  json_t*               insert;    ///< The insert being read, and its node and index
  uint32_t              insert_node, insert_index;
  json_t*               send;
  uint32_t              send_node, send_index;
  json_t*               list;      ///< The list parameter being read (an EQ's `bands`)
} StateBuilder;

static json_t*
strip_of(StateBuilder* b, uint32_t node, const char* address)
{
  if (node >= b->n_nodes) {
    return NULL;
  }
  if (!b->by_node[node]) {
    const MdNode* n     = &b->session->nodes[node];
    json_t*       strip = json_object();
    const char*   kind  = n->kind == MD_NODE_TRACK ? "track" : n->kind == MD_NODE_BUS ? "bus" : "master";
    json_object_set_new(strip, "kind", json_string(kind));
    json_object_set_new(strip, "name", json_string(n->kind == MD_NODE_MASTER ? "master" : n->name));
    json_object_set_new(strip, "address", json_stringn(address, strip_prefix(address)));
    json_object_set_new(strip, "params", json_array());
    json_object_set_new(strip, "sends", json_array());
    json_object_set_new(strip, "inserts", json_array());
    b->by_node[node] = strip;
  }
  return b->by_node[node];
}

// The insert a value belongs to (a new one when it is the first value of it).
static json_t*
insert_of(StateBuilder* b, json_t* strip, const MdAddress* a, const char* address)
{
  if (b->insert && b->insert_node == a->node && b->insert_index == a->index) {
    return b->insert;
  }
  const MdInsert* insert = &b->session->nodes[a->node].inserts[a->index];
  char            insert_address[MD_CONSOLE_ADDRESS_MAX];
  if (!md_console_insert_of(address, insert_address, sizeof insert_address)) {
    return NULL;
  }
  json_t* meters = json_array();
  for (uint32_t k = 0U, n = md_player_insert_meter_count(b->console->player); k < n; ++k) {
    MdInsertMeterInfo info;
    if (md_player_insert_meter_info(b->console->player, k, &info) && info.node == a->node &&
        info.insert == a->index) {
      json_array_append_new(meters, json_string(info.name));
    }
  }
  const char* curve = md_serve_curve_kind_name(md_serve_curve_kind(insert->cls));
  b->insert         = json_pack("{s:i, s:s, s:s, s:[], s:o, s:o}", "n", (json_int_t)a->index + 1, "type",
                                insert->cls->name, "address", insert_address, "params", "meters", meters, "curve",
                                curve ? json_string(curve) : json_null());
  b->insert_node    = a->node;
  b->insert_index   = a->index;
  b->list           = NULL;
  json_array_append_new(json_object_get(strip, "inserts"), b->insert);
  return b->insert;
}

static json_t*
send_of(StateBuilder* b, json_t* strip, const MdAddress* a, const char* address)
{
  if (b->send && b->send_node == a->node && b->send_index == a->index) {
    return b->send;
  }
  const MdNode* n   = &b->session->nodes[a->node];
  const char*   end = strrchr(address, '/');
  b->send           = json_pack("{s:s, s:s%, s:[]}", "to", b->session->nodes[n->sends[a->index].target].name,
                                "address", address, (size_t)(end - address), "params");
  b->send_node      = a->node;
  b->send_index     = a->index;
  json_array_append_new(json_object_get(strip, "sends"), b->send);
  return b->send;
}

// A field of a list's item K (`…/insert/N/bands/K/FIELD`): into the list
// parameter's items[K-1].
static void
add_list_field(StateBuilder* b, const char* address, json_t* param)
{
  char insert_address[MD_CONSOLE_ADDRESS_MAX];
  json_t* items = b->list ? json_object_get(b->list, "items") : NULL;
  if (!items || !md_console_insert_of(address, insert_address, sizeof insert_address)) {
    json_decref(param);
    return;
  }
  const char*         rest = address + strlen(insert_address) + 1U; // LIST/K/FIELD
  const char*         k    = strchr(rest, '/');
  const unsigned long item = k ? strtoul(k + 1, NULL, 10) : 0UL;
  if (item == 0UL || item > 4096UL) {
    json_decref(param);
    return;
  }
  while (json_array_size(items) < item) {
    json_array_append_new(items, json_array());
  }
  json_array_append_new(json_array_get(items, item - 1U), param);
}

static void
add_value(StateBuilder* b, const MdAddress* a, const char* address)
{
  json_t* strip = strip_of(b, a->node, address);
  if (!strip) {
    return;
  }
  if (a->owner == MD_OWNER_STRIP) {
    if (a->param->info.kind != MIXDOWN_PARAM_NODE) { // the routing is the file's
      json_array_append_new(json_object_get(strip, "params"),
                            param_json(b->console, b->session, a, address, b->position_s));
    }
    return;
  }
  if (a->owner == MD_OWNER_SEND) {
    json_array_append_new(json_object_get(send_of(b, strip, a, address), "params"),
                          param_json(b->console, b->session, a, address, b->position_s));
    return;
  }
  json_t* insert = insert_of(b, strip, a, address);
  if (!insert) {
    return;
  }
  json_t*      param = param_json(b->console, b->session, a, address, b->position_s);
  char         prefix[MD_CONSOLE_ADDRESS_MAX];
  const size_t n     = strlen(json_string_value(json_object_get(insert, "address")));
  snprintf(prefix, sizeof prefix, "%s", address + n + 1U);
  if (strchr(prefix, '/')) {
    add_list_field(b, address, param);
  } else {
    json_array_append_new(json_object_get(insert, "params"), param);
  }
}

static void
add_list(StateBuilder* b, const MdAddress* a, const char* address)
{
  json_t* strip  = strip_of(b, a->node, address);
  json_t* insert = strip ? insert_of(b, strip, a, address) : NULL;
  if (!insert) {
    return;
  }
  const MixdownParamInfo* info = &a->param->info;
  b->list = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:[], s:b, s:n}", "name", info->name, "address", address,
                      "unit", "", "kind", "list", "max", (json_int_t)a->param->max_items, "description",
                      info->description ? info->description : "", "items", "automated", 0, "fixed");
  json_array_append_new(json_object_get(insert, "params"), b->list);
}

static void
build_visit(void* user, const MdAddress* a, const char* address)
{
  StateBuilder* b = user;
  if (console_value(a)) {
    add_value(b, a, address);
  } else if (a->kind == MD_ADDRESS_LIST && a->list == MD_LIST_ITEMS && a->param &&
             (a->owner == MD_OWNER_INSERT || a->owner == MD_OWNER_INSERT_KEY)) {
    add_list(b, a, address);
  }
}

static json_t*
strips_json(MdConsole* c, double position_s)
{
  const MixdownSession* s = mixdown_editor_session(c->editor);
  StateBuilder          b = {.console = c, .session = s, .position_s = position_s, .n_nodes = (uint32_t)s->n_nodes};
  b.by_node               = calloc(s->n_nodes ? s->n_nodes : 1U, sizeof *b.by_node);
  json_t* strips          = json_array();
  if (!b.by_node || !strips) {
    free(b.by_node);
    json_decref(strips);
    return NULL;
  }
  md_address_list(s, build_visit, &b);
  for (uint32_t node = 0U; node < b.n_nodes; ++node) { // the player's node order: the meters'
    if (b.by_node[node]) {
      json_array_append_new(strips, b.by_node[node]);
    }
  }
  free(b.by_node);
  return strips;
}

char*
md_console_state_json(MdConsole* c, int client)
{
  MdPlayerStatus status;
  md_player_status(c->player, &status);
  json_t* strips = strips_json(c, status.position_s);
  json_t* loop   = c->loop_on ? json_pack("[f, f]", c->loop_from_s, c->loop_to_s) : json_null();
  json_t* state  = strips ? json_pack("{s:s, s:i, s:s, s:i, s:f, s:b, s:b, s:b, s:b, s:b, s:{s:b, s:f, s:o}, s:o}",
                                      "type", "state", "client", (json_int_t)client, "session", c->session_name,
                                      "rate", (json_int_t)c->rate_hz, "length_s", status.length_s, "jack", 0,
                                      "listener", 0, "dirty", md_console_dirty(c), "can_undo", c->undo.count > 0U,
                                      "can_redo", c->redo.count > 0U, "transport", "playing", status.playing,
                                      "position_s", status.position_s, "loop", loop, "strips", strips)
                         : NULL;
  if (!state) {
    json_decref(strips);
    json_decref(loop);
    return NULL;
  }
  // jansson keeps an object's keys in insertion order: `type` comes first,
  // as the server needs (it recognises a state by its first bytes).
  char* text = json_dumps(state, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(state);
  return text;
}
