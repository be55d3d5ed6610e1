// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console's wire (protocol.h): the decoder of page messages, each
// message type's fields declared once in a table, and the encoders.
// Thread: any.

#include "serve/protocol.h"

#include "util/checked_number.h"
#include "util/suggest.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The messages a page sends ---------------------------------------------------- */

#define MAX_FIELDS 4

typedef struct {
  const char*        type;
  MdServeRequestKind kind;
  const char*        fields[MAX_FIELDS + 1]; ///< Besides `type`; NULL-terminated
} MessageSpec;

static const MessageSpec messages[] = {
  {"hello", MD_REQ_HELLO, {"audio", "tap", NULL}},
  {"set", MD_REQ_SET, {"address", "value", "gesture", NULL}},
  {"end", MD_REQ_END, {"gesture", NULL}},
  {"transport", MD_REQ_TRANSPORT, {"action", "position_s", "from_s", "to_s", NULL}},
  {"undo", MD_REQ_UNDO, {NULL}},
  {"redo", MD_REQ_REDO, {NULL}},
  {"save", MD_REQ_SAVE, {NULL}},
  {"save_as", MD_REQ_SAVE_AS, {"path", NULL}},
  {"credit", MD_REQ_CREDIT, {"frames", "underruns", "buffered", NULL}},
  {"listen", MD_REQ_LISTEN, {NULL}},
  {"curve", MD_REQ_CURVE, {"address", NULL}},
};
#define N_MESSAGES (sizeof messages / sizeof messages[0])

static const char* const actions[] = {[MD_TRANSPORT_PLAY] = "play", [MD_TRANSPORT_STOP] = "stop",
                                      [MD_TRANSPORT_LOCATE] = "locate", [MD_TRANSPORT_LOOP] = "loop"};
#define N_ACTIONS (sizeof actions / sizeof actions[0])

/* Reasons ----------------------------------------------------------------------- */

// `names` joined with ", " into `out`.
static void
join(const char* const* names, size_t n, char* out, size_t size)
{
  size_t at = 0U;
  out[0]    = '\0';
  for (size_t k = 0U; k < n && names[k] && at < size; ++k) {
    const int w = snprintf(out + at, size - at, "%s%s", k ? ", " : "", names[k]);
    at += w > 0 ? (size_t)w : 0U;
  }
}

// "unknown WHAT `word` (did you mean `x`?)" or "… (WHATs: a, b, c)".
static void
unknown_name(const char* what, const char* word, const char* const* names, size_t n, char* why, size_t why_size)
{
  const char* near = md_suggest(word, names, n);
  if (near) {
    snprintf(why, why_size, "unknown %s `%s` (did you mean `%s`?)", what, word, near);
    return;
  }
  char list[256];
  join(names, n, list, sizeof list);
  snprintf(why, why_size, "unknown %s `%s` (valid: %s)", what, word, list);
}

/* Fields ------------------------------------------------------------------------ */

typedef struct {
  json_t*            root;
  const MessageSpec* spec;
  char*              why;
  size_t             why_size;
} Reader;

static size_t
field_count(const MessageSpec* spec)
{
  size_t n = 0U;
  while (spec->fields[n]) {
    ++n;
  }
  return n;
}

// Every key is `type` or one of the message's fields.
static bool
fields_known(Reader* r)
{
  const char* key;
  json_t*     value;
  json_object_foreach(r->root, key, value)
  {
    (void)value;
    if (!strcmp(key, "type")) {
      continue;
    }
    const size_t n     = field_count(r->spec);
    bool         known = false;
    for (size_t k = 0U; k < n; ++k) {
      known = known || !strcmp(key, r->spec->fields[k]);
    }
    if (known) {
      continue;
    }
    const char* near = n ? md_suggest(key, r->spec->fields, n) : NULL;
    char        list[256];
    join(r->spec->fields, n, list, sizeof list);
    if (near) {
      snprintf(r->why, r->why_size, "`%s` has no field `%s` (did you mean `%s`?)", r->spec->type, key, near);
    } else if (n) {
      snprintf(r->why, r->why_size, "`%s` has no field `%s` (its fields: %s)", r->spec->type, key, list);
    } else {
      snprintf(r->why, r->why_size, "`%s` has no field `%s` (it has none besides `type`)", r->spec->type, key);
    }
    return false;
  }
  return true;
}

static bool
missing(Reader* r, const char* name)
{
  snprintf(r->why, r->why_size, "`%s` needs `%s`", r->spec->type, name);
  return false;
}

static bool
read_bool(Reader* r, const char* name, bool* out)
{
  json_t* v = json_object_get(r->root, name);
  if (!v) {
    *out = false;
    return true;
  }
  if (!json_is_boolean(v)) {
    snprintf(r->why, r->why_size, "`%s` of `%s` is true or false", name, r->spec->type);
    return false;
  }
  *out = json_is_true(v);
  return true;
}

// A string of 1 … size - 1 bytes (absent: "" unless required).
static bool
read_string(Reader* r, const char* name, bool required, char* out, size_t size)
{
  json_t* v = json_object_get(r->root, name);
  out[0]    = '\0';
  if (!v) {
    return !required || missing(r, name);
  }
  if (!json_is_string(v)) {
    snprintf(r->why, r->why_size, "`%s` of `%s` is a string", name, r->spec->type);
    return false;
  }
  const size_t length = json_string_length(v);
  if (length == 0U || length >= size) {
    snprintf(r->why, r->why_size, "`%s` of `%s` is 1 … %zu bytes long, not %zu", name, r->spec->type, size - 1U,
             length);
    return false;
  }
  memcpy(out, json_string_value(v), length + 1U);
  return true;
}

// An address: a string starting with `/`.
static bool
read_address(Reader* r, char* out, size_t size)
{
  if (!read_string(r, "address", true, out, size)) {
    return false;
  }
  if (out[0] != '/') {
    snprintf(r->why, r->why_size, "`address` of `%s` starts with `/` (as `/track/NAME/gain_db`)", r->spec->type);
    return false;
  }
  return true;
}

// A number within [min, max] (`bools`: true and false read as 1 and 0).
static bool
read_number(Reader* r, const char* name, double min, double max, bool bools, double* out)
{
  json_t* v = json_object_get(r->root, name);
  if (!v) {
    return missing(r, name);
  }
  if (bools && json_is_boolean(v)) {
    *out = json_is_true(v) ? 1.0 : 0.0;
    return true;
  }
  if (!json_is_number(v)) {
    snprintf(r->why, r->why_size, "`%s` of `%s` is a number%s", name, r->spec->type, bools ? " (or true, false)" : "");
    return false;
  }
  const double x   = json_number_value(v);
  const char*  bad = md_checked_number_in_range(x, min, max);
  if (bad) {
    snprintf(r->why, r->why_size, "`%s` of `%s` is %g: %s (%g … %g)", name, r->spec->type, x, bad, min, max);
    return false;
  }
  *out = x;
  return true;
}

// A whole number within 0 … max (absent: 0 unless required).
static bool
read_count(Reader* r, const char* name, bool required, double max, uint64_t* out)
{
  json_t* v = json_object_get(r->root, name);
  *out      = 0U;
  if (!v) {
    return !required || missing(r, name);
  }
  if (!json_is_integer(v) || json_integer_value(v) < 0 || (double)json_integer_value(v) > max) {
    snprintf(r->why, r->why_size, "`%s` of `%s` is a whole number of 0 … %.0f", name, r->spec->type, max);
    return false;
  }
  *out = (uint64_t)json_integer_value(v);
  return true;
}

/* Each message ---------------------------------------------------------------------- */

// Fields of another action are refused, so that a typo is not ignored.
static bool
only_fields(Reader* r, const char* action, const char* const* allowed, size_t n_allowed)
{
  static const char* const times[] = {"position_s", "from_s", "to_s"};
  for (size_t k = 0U; k < 3U; ++k) {
    bool ok = false;
    for (size_t j = 0U; j < n_allowed; ++j) {
      ok = ok || !strcmp(times[k], allowed[j]);
    }
    if (!ok && json_object_get(r->root, times[k])) {
      snprintf(r->why, r->why_size, "`%s` is not a field of the transport's `%s`", times[k], action);
      return false;
    }
  }
  return true;
}

static bool
read_transport(Reader* r, MdServeRequest* out)
{
  char action[16];
  json_t* v = json_object_get(r->root, "action");
  if (v && json_is_string(v) && json_string_length(v) >= sizeof action) {
    unknown_name("transport action", json_string_value(v), actions, N_ACTIONS, r->why, r->why_size);
    return false;
  }
  if (!read_string(r, "action", true, action, sizeof action)) {
    return false;
  }
  size_t k = 0U;
  while (k < N_ACTIONS && strcmp(actions[k], action)) {
    ++k;
  }
  if (k == N_ACTIONS) {
    unknown_name("transport action", action, actions, N_ACTIONS, r->why, r->why_size);
    return false;
  }
  out->action                    = (MdServeTransport)k;
  static const char* const locate[] = {"position_s"};
  static const char* const loop[]   = {"from_s", "to_s"};
  switch (out->action) {
  case MD_TRANSPORT_PLAY:
  case MD_TRANSPORT_STOP: return only_fields(r, action, NULL, 0U);
  case MD_TRANSPORT_LOCATE:
    return only_fields(r, action, locate, 1U) &&
           read_number(r, "position_s", 0.0, MD_CHECKED_MAX_TIME_S, false, &out->position_s);
  case MD_TRANSPORT_LOOP: break;
  }
  if (!only_fields(r, action, loop, 2U)) {
    return false;
  }
  const bool from = json_object_get(r->root, "from_s") != NULL, to = json_object_get(r->root, "to_s") != NULL;
  if (!from && !to) {
    out->loop_on = false; // the loop off
    return true;
  }
  if (!read_number(r, "from_s", 0.0, MD_CHECKED_MAX_TIME_S, false, &out->from_s) ||
      !read_number(r, "to_s", 0.0, MD_CHECKED_MAX_TIME_S, false, &out->to_s)) {
    return false;
  }
  if (out->to_s <= out->from_s) {
    snprintf(r->why, r->why_size, "a loop ends after it starts: `from_s` %g, `to_s` %g", out->from_s, out->to_s);
    return false;
  }
  out->loop_on = true;
  return true;
}

static bool
read_fields(Reader* r, MdServeRequest* out)
{
  switch (out->kind) {
  case MD_REQ_HELLO: return read_bool(r, "audio", &out->audio) && read_bool(r, "tap", &out->tap);
  case MD_REQ_SET:
    // Finite here; the parameter's range is the console's (it knows the session).
    return read_address(r, out->address, sizeof out->address) &&
           read_number(r, "value", -1e300, 1e300, true, &out->value) &&
           read_string(r, "gesture", false, out->gesture, sizeof out->gesture);
  case MD_REQ_END: return read_string(r, "gesture", true, out->gesture, sizeof out->gesture);
  case MD_REQ_TRANSPORT: return read_transport(r, out);
  case MD_REQ_SAVE_AS: return read_string(r, "path", true, out->path, sizeof out->path);
  case MD_REQ_CREDIT:
    return read_count(r, "frames", true, MD_SERVE_CREDIT_MAX, &out->frames) &&
           read_count(r, "underruns", false, MD_SERVE_COUNTER_MAX, &out->underruns) &&
           read_count(r, "buffered", false, MD_SERVE_COUNTER_MAX, &out->buffered);
  case MD_REQ_CURVE: return read_address(r, out->address, sizeof out->address);
  case MD_REQ_UNDO:
  case MD_REQ_REDO:
  case MD_REQ_SAVE:
  case MD_REQ_LISTEN: return true;
  }
  return true;
}

static const MessageSpec*
spec_of(json_t* root, char* why, size_t why_size)
{
  json_t* type = json_object_get(root, "type");
  if (!type) {
    snprintf(why, why_size, "a message has a `type`");
    return NULL;
  }
  if (!json_is_string(type)) {
    snprintf(why, why_size, "`type` is a string");
    return NULL;
  }
  for (size_t k = 0U; k < N_MESSAGES; ++k) {
    if (!strcmp(messages[k].type, json_string_value(type))) {
      return &messages[k];
    }
  }
  const char* names[N_MESSAGES];
  for (size_t k = 0U; k < N_MESSAGES; ++k) {
    names[k] = messages[k].type;
  }
  char word[48];
  snprintf(word, sizeof word, "%s", json_string_value(type)); // a message is short: so is its echo
  unknown_name("message type", word, names, N_MESSAGES, why, why_size);
  return NULL;
}

bool
md_serve_request_parse(const char* text, size_t length, MdServeRequest* out, char* why, size_t why_size)
{
  memset(out, 0, sizeof *out);
  if (length > MD_SERVE_MESSAGE_MAX) {
    snprintf(why, why_size, "a message over %u KiB", MD_SERVE_MESSAGE_MAX / 1024U);
    return false;
  }
  json_error_t error;
  json_t*      root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &error);
  if (!root) {
    snprintf(why, why_size, "not JSON: %s (column %d)", error.text, error.column);
    return false;
  }
  bool ok = json_is_object(root);
  if (!ok) {
    snprintf(why, why_size, "a message is a JSON object with a `type`");
  }
  const MessageSpec* spec = ok ? spec_of(root, why, why_size) : NULL;
  Reader             r    = {root, spec, why, why_size};
  if (spec) {
    out->kind = spec->kind;
  }
  ok = spec && fields_known(&r) && read_fields(&r, out);
  json_decref(root);
  if (!ok) {
    memset(out, 0, sizeof *out);
  }
  return ok;
}

/* The console's messages --------------------------------------------------------------- */

static json_t*
number_or_zero(double x)
{
  return json_real(isfinite(x) ? x : 0.0);
}

static char*
dump(json_t* message)
{
  // jansson keeps keys in insertion order: `type` comes first.
  char* text = message ? json_dumps(message, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(message);
  return text;
}

char*
md_serve_value_json(const char* address, double value, int client, bool automated)
{
  return dump(json_pack("{s:s, s:s, s:o, s:o, s:b}", "type", "value", "address", address, "value", number_or_zero(value),
                        "client", client < 0 ? json_null() : json_integer(client), "automated", automated));
}

char*
md_serve_history_json(bool dirty, bool can_undo, bool can_redo)
{
  return dump(json_pack("{s:s, s:b, s:b, s:b}", "type", "history", "dirty", dirty, "can_undo", can_undo, "can_redo",
                        can_redo));
}

char*
md_serve_transport_json(bool playing, double position_s, bool loop_on, double from_s, double to_s)
{
  return dump(json_pack("{s:s, s:b, s:o, s:o}", "type", "transport", "playing", playing, "position_s",
                        number_or_zero(position_s), "loop", loop_on ? json_pack("[o, o]", number_or_zero(from_s), number_or_zero(to_s))
                                                              : json_null()));
}

char*
md_serve_error_json(const char* message, const char* address)
{
  return dump(json_pack("{s:s, s:s, s:o}", "type", "error", "message", message, "address",
                        address ? json_string(address) : json_null()));
}

char*
md_serve_note_json(const char* message)
{
  return dump(json_pack("{s:s, s:s}", "type", "note", "message", message));
}

char*
md_serve_saved_json(const char* path)
{
  return dump(json_pack("{s:s, s:s}", "type", "saved", "path", path));
}
