// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Reading an address (address.h): the text split at `/`, each part found
// among the names the model and the tables have at that place, and on a
// miss the nearest one named (util/suggest.h) or the valid range given.
// What a part names is built by address_build.c.  Thread: any.

#include "session/address.h"

#include "session/address_build.h"
#include "session/keys.h"
#include "session/session_params.h"
#include "util/attributes.h"
#include "util/suggest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The most parts an address has (tracks' inserts' list fields' points: 8).
#define MAX_PARTS 10U
// The longest address read (names are at most this long).
#define MAX_TEXT 1024U

typedef struct {
  const MixdownSession* s;
  MdAddressScope        scope;
  char*                 note;
  size_t                size;
} Reader;

static bool
live(const Reader* r)
{
  return r->scope == MD_ADDRESS_LIVE;
}

static bool MD_PRINTF(2, 3)
fail(const Reader* r, const char* fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  vsnprintf(r->note, r->size, fmt, args);
  va_end(args);
  return false;
}

// "unknown WHAT `word` (did you mean `near`?)" among `names`.
static bool
suggest(const Reader* r, const char* what, const char* word, const char* const* names, size_t n)
{
  const char* near = md_suggest(word, names, n);
  if (near) {
    snprintf(r->note, r->size, "unknown %s `%s` (did you mean `%s`?)", what, word, near);
  } else {
    snprintf(r->note, r->size, "unknown %s `%s`", what, word);
  }
  return false;
}

// A count from 1 written in digits only ("3"), or 0 when `text` is not one.
static unsigned long
ordinal(const char* text)
{
  char*               end = NULL;
  const unsigned long n   = text[0] >= '0' && text[0] <= '9' ? strtoul(text, &end, 10) : 0UL;
  return end && !*end ? n : 0UL;
}

// A name's %2F and %25 back to `/` and `%` (address.h), in place.
static void
decode(char* name)
{
  char* out = name;
  for (const char* p = name; *p; ++p) {
    if (p[0] == '%' && p[1] == '2' && (p[2] == 'F' || p[2] == 'f' || p[2] == '5')) {
      *out++ = p[2] == '5' ? '%' : '/';
      p += 2;
    } else {
      *out++ = *p;
    }
  }
  *out = '\0';
}

// Splits "/a/b/c" into its parts (in `buf`); returns how many, or
// MAX_PARTS + 1 when there are more than MAX_PARTS.
static size_t
split(const char* address, char* buf, size_t size, char** part)
{
  snprintf(buf, size, "%s", address[0] == '/' ? address + 1 : address);
  size_t n = 0U;
  for (char* p = buf; p; ++n) {
    if (n == MAX_PARTS) {
      return MAX_PARTS + 1U;
    }
    part[n]     = p;
    char* slash = strchr(p, '/');
    if (slash) {
      *slash = '\0';
    }
    p = slash ? slash + 1 : NULL;
  }
  return n;
}

/* Names ------------------------------------------------------------------ */

// The node of `kind` named `name`.
static bool
find_node(const Reader* r, MdNodeKind kind, const char* name, uint32_t* node)
{
  const MixdownSession* s = r->s;
  for (size_t i = 0U; i < s->n_nodes; ++i) {
    if (s->nodes[i].kind == kind && !strcmp(s->nodes[i].name, name)) {
      *node = (uint32_t)i;
      return true;
    }
  }
  const char** names = calloc(s->n_nodes + 1U, sizeof(char*));
  size_t       n     = 0U;
  for (size_t i = 0U; names && i < s->n_nodes; ++i) {
    if (s->nodes[i].kind == kind) {
      names[n++] = s->nodes[i].name;
    }
  }
  suggest(r, kind == MD_NODE_TRACK ? "track" : "bus", name, names, n);
  free(names);
  return false;
}

// Entry `name` among `n` table entries, or -1 (no note).
static int
param_in(const MdParam* table, size_t n, const char* name)
{
  for (size_t i = 0U; i < n; ++i) {
    if (!strcmp(table[i].info.name, name)) {
      return (int)i;
    }
  }
  return -1;
}

// As param_in(), and on a miss "unknown WHAT" with the nearest entry.
static int
find_param(const Reader* r, const MdParam* table, size_t n, const char* name, const char* what)
{
  const int found = param_in(table, n, name);
  if (found < 0) {
    const char** names = calloc(n + 1U, sizeof(char*));
    for (size_t i = 0U; names && i < n; ++i) {
      names[i] = table[i].info.name;
    }
    suggest(r, what, name, names, names ? n : 0U);
    free(names);
  }
  return found;
}

/* Values with /points ---------------------------------------------------- */

// `rest` after a value: nothing, or (documents) `points`.
static bool
value_end(const Reader* r, MdAddress* a, char** rest, size_t n)
{
  if (n == 0U) {
    return true;
  }
  if (n == 1U && !strcmp(rest[0], "points") && !live(r)) {
    if (md_addr_points(a)) {
      return true;
    }
    return fail(r, "`%s` is %s: it has no envelope, so no points", a->param->info.name,
                a->param->flags & MD_PARAM_CONSTANT ? "a constant" : "not automatable");
  }
  if (live(r)) {
    return fail(r, "`%s` takes no further address", a->param->info.name);
  }
  return fail(r, "`%s` takes no further address (but `points`, for an automatable value's envelope)",
              a->param->info.name);
}

/* Inserts ---------------------------------------------------------------- */

static bool
find_insert(const Reader* r, uint32_t node, const char* which, uint32_t* index)
{
  const MdNode*       n     = &r->s->nodes[node];
  const unsigned long count = ordinal(which);
  if (which[0] >= '0' && which[0] <= '9') {
    if (count >= 1U && count <= n->n_inserts) {
      *index = (uint32_t)(count - 1U);
      return true;
    }
    snprintf(r->note, r->size, "`%s` has %zu insert%s: %s is not one (they count from 1)", n->name, n->n_inserts,
             n->n_inserts == 1U ? "" : "s", which);
    return false;
  }
  for (size_t i = 0U; i < n->n_inserts; ++i) {
    if (!strcmp(n->inserts[i].cls->name, which)) {
      *index = (uint32_t)i;
      return true;
    }
  }
  const char** names = calloc(n->n_inserts + 1U, sizeof(char*));
  for (size_t i = 0U; names && i < n->n_inserts; ++i) {
    names[i] = n->inserts[i].cls->name;
  }
  suggest(r, "insert", which, names, names ? n->n_inserts : 0U);
  free(names);
  return false;
}

// LIST/K/FIELD of insert `index`: item K must be one the session has (its
// count is the list's first slot).
static bool
read_list_field(const Reader* r, MdAddress* a, uint32_t node, uint32_t index, uint32_t p, char** part, size_t n)
{
  const MdInsert*         insert = &r->s->nodes[node].inserts[index];
  const MdProcessorClass* cls    = insert->cls;
  const MdParam*          list   = &cls->params[p];
  const unsigned long     item   = n >= 3U ? ordinal(part[1]) : 0UL;
  const double count = insert->values[md_processor_value_offset(cls, p)].value;
  md_addr_at_key(a, list->info.name); // a miss: said at the list
  if (n < 3U || item < 1U || item > list->max_items) {
    snprintf(r->note, r->size, "`%s` is a list: address one field of an item, as %s/1/%s (items 1…%u)",
             list->info.name, list->info.name, list->fields[0].info.name, list->max_items);
    return false;
  }
  if ((double)item > count) {
    snprintf(r->note, r->size, "this %s has %g item%s in `%s`: %lu is not one %s", cls->name, count,
             count == 1.0 ? "" : "s", list->info.name, item,
             live(r) ? "(a move there could not be recorded)" : "(they count from 1)");
    return false;
  }
  md_addr_at_index(a, (uint32_t)(item - 1U)); // an unknown field: said at the item
  const int field = find_param(r, list->fields, list->n_fields, part[2], "field");
  if (field < 0) {
    return false;
  }
  md_addr_insert_field(a, r->s, node, index, p, (uint32_t)(item - 1U), (uint32_t)field);
  return value_end(r, a, part + 3, n - 3U);
}

// "unknown parameter" with the nearest of the class's and the keys every
// insert has (bypass).
static bool
unknown_insert_param(const Reader* r, const MdProcessorClass* cls, const char* word)
{
  const char** names = calloc(cls->n_params + MD_INSERT_N_PARAMS + 1U, sizeof(char*));
  size_t       n     = 0U;
  for (uint32_t i = 0U; names && i < MD_INSERT_N_PARAMS; ++i) {
    names[n++] = md_insert_params[i].info.name;
  }
  for (uint32_t i = 0U; names && i < cls->n_params; ++i) {
    names[n++] = cls->params[i].info.name;
  }
  suggest(r, "parameter", word, names, n);
  free(names);
  return false;
}

// insert/N/… after `insert`: bypass, PARAM, LIST, LIST/K/FIELD (and /points).
static bool
read_insert(const Reader* r, MdAddress* a, uint32_t node, char** part, size_t n)
{
  uint32_t index = 0U;
  md_addr_at_key(a, "inserts"); // an unknown insert: said at the list
  if (!find_insert(r, node, part[0], &index)) {
    return false;
  }
  const int common = param_in(md_insert_params, MD_INSERT_N_PARAMS, part[1]);
  if (common >= 0) {
    md_addr_insert_key(a, r->s, node, index, (uint32_t)common);
    return value_end(r, a, part + 2, n - 2U);
  }
  md_addr_at_insert(a, r->s, node, index); // an unknown parameter: said at the insert
  const MdProcessorClass* cls = r->s->nodes[node].inserts[index].cls;
  const int               p   = param_in(cls->params, cls->n_params, part[1]);
  if (p < 0) {
    return unknown_insert_param(r, cls, part[1]);
  }
  if (cls->params[p].info.kind != MIXDOWN_PARAM_LIST) {
    md_addr_insert(a, r->s, node, index, (uint32_t)p);
    return value_end(r, a, part + 2, n - 2U);
  }
  if (n == 2U && !live(r)) {
    md_addr_insert_items(a, r->s, node, index, (uint32_t)p); // OSC moves values: read_list_field() says how
    return true;
  }
  return read_list_field(r, a, node, index, (uint32_t)p, part + 1, n - 1U);
}

/* Sends and clips -------------------------------------------------------- */

// send/BUS/KEY: BUS by its name (the first send to it) or N from 1.
static bool
read_send(const Reader* r, MdAddress* a, uint32_t node, char** part, size_t n)
{
  const MdNode* model = &r->s->nodes[node];
  md_addr_at_key(a, "sends"); // an unknown send: said at the list
  if (n < 2U) {
    return fail(r, "a send is addressed as send/BUS/level_db%s", live(r) ? "" : " (or pre_fader, to)");
  }
  decode(part[0]);
  size_t              send  = model->n_sends;
  const unsigned long count = ordinal(part[0]);
  for (size_t i = 0U; i < model->n_sends && send == model->n_sends; ++i) {
    send = strcmp(r->s->nodes[model->sends[i].target].name, part[0]) ? send : i;
  }
  if (send == model->n_sends && count >= 1U && count <= model->n_sends) {
    send = count - 1U;
  }
  if (send == model->n_sends) {
    const char** names = calloc(model->n_sends + 1U, sizeof(char*));
    for (size_t i = 0U; names && i < model->n_sends; ++i) {
      names[i] = r->s->nodes[model->sends[i].target].name;
    }
    suggest(r, "send of this strip", part[0], names, names ? model->n_sends : 0U);
    free(names);
    return false;
  }
  md_addr_at_index(a, (uint32_t)send); // an unknown key: said at the send
  const int k = param_in(md_send_params, MD_SEND_N_PARAMS, part[1]);
  if (k < 0) {
    find_param(r, md_send_params, MD_SEND_N_PARAMS, part[1], "send parameter");
    const size_t used = strlen(r->note);
    snprintf(r->note + used, r->size - used, "; a send is addressed as send/BUS/level_db, send/BUS/pre_fader or send/BUS/to");
    return false;
  }
  md_addr_send(a, r->s, node, (uint32_t)send, (uint32_t)k);
  return value_end(r, a, part + 2, n - 2U);
}

// clip/N/KEY of a track.
static bool
read_clip(const Reader* r, MdAddress* a, uint32_t node, char** part, size_t n)
{
  const MdNode*       track = &r->s->nodes[node];
  const unsigned long clip  = n ? ordinal(part[0]) : 0UL;
  if (!track->file_key) {
    md_addr_at_key(a, "clips"); // an unknown clip: said at the list (else at the track)
  }
  if (n == 0U) {
    return fail(r, "a clip's value is addressed as clip/N/KEY (N from 1; the list is /track/%s/clips)", track->name);
  }
  if (clip < 1U || clip > track->n_clips) {
    snprintf(r->note, r->size, "`%s` has %zu clip%s: %s is not one (they count from 1)", track->name,
             track->n_clips, track->n_clips == 1U ? "" : "s", part[0]);
    return false;
  }
  if (!track->file_key) {
    md_addr_at_index(a, (uint32_t)(clip - 1U)); // an unknown key: said at the clip
  }
  if (n < 2U) {
    return fail(r, "a clip's value is addressed as clip/N/KEY (%s …)", md_clip_params[MD_CLIP_FILE].info.name);
  }
  const int k = find_param(r, md_clip_params, MD_CLIP_N_PARAMS, part[1], "clip key");
  if (k < 0) {
    return false;
  }
  md_addr_clip(a, r->s, node, (uint32_t)(clip - 1U), (uint32_t)k);
  return value_end(r, a, part + 2, n - 2U);
}

/* Strips ----------------------------------------------------------------- */

// The key set of node `node`'s kind (session/keys.h).
static const MdKeySet*
key_set(const MixdownSession* s, uint32_t node)
{
  switch (s->nodes[node].kind) {
  case MD_NODE_TRACK: return &md_track_keys;
  case MD_NODE_BUS: return &md_bus_keys;
  case MD_NODE_MASTER: break;
  }
  return &md_master_keys;
}

// The strip value named `name` that the scope allows on `node`: live, the
// whole strip table; a document, the strip values of its key set.
static const MdParam*
strip_param(const Reader* r, uint32_t node, const char* name)
{
  const int k = param_in(md_strip_params, MD_STRIP_N_PARAMS, name);
  if (k < 0) {
    return NULL;
  }
  const MdKey* key = md_key_find(key_set(r->s, node), name);
  return live(r) || (key && key->param == &md_strip_params[k]) ? &md_strip_params[k] : NULL;
}

// "unknown strip parameter" with the names the scope has on `node`.
static bool
unknown_strip_name(const Reader* r, uint32_t node, const char* word)
{
  const char*  names[MD_STRIP_N_PARAMS + MD_KEY_SET_MAX + 4U];
  size_t       n   = 0U;
  const MdNode* it = &r->s->nodes[node];
  for (int k = 0; k < MD_STRIP_N_PARAMS; ++k) {
    if (strip_param(r, node, md_strip_params[k].info.name)) {
      names[n++] = md_strip_params[k].info.name;
    }
  }
  if (it->kind != MD_NODE_MASTER || live(r)) {
    names[n++] = "send";
  }
  names[n++] = "insert";
  if (!live(r)) {
    const MdKeySet* set = key_set(r->s, node);
    for (size_t i = 0U; i < set->n_keys; ++i) {
      if (!set->keys[i].param && strcmp(set->keys[i].name, "name")) {
        names[n++] = set->keys[i].name; // output, sends, inserts, clips, loudness
      }
    }
    if (it->kind == MD_NODE_TRACK) {
      names[n++] = "clip";
      names[n++] = "file";
    }
  }
  return suggest(r, "strip parameter", word, names, n);
}

// One part after a strip: a value, routing, or a list.
static bool
read_strip_word(const Reader* r, MdAddress* a, uint32_t node, const char* word)
{
  const MdNode* it = &r->s->nodes[node];
  if (live(r)) {
    return unknown_strip_name(r, node, word);
  }
  if (!strcmp(word, "output") && it->kind != MD_NODE_MASTER) {
    md_addr_strip(a, r->s, node, &md_route_param);
    return true;
  }
  static const char* const lists[] = {[MD_LIST_INSERTS] = "inserts", [MD_LIST_SENDS] = "sends",
                                      [MD_LIST_CLIPS] = "clips"};
  for (MdAddressList l = MD_LIST_INSERTS; l <= MD_LIST_CLIPS; ++l) {
    if (!strcmp(word, lists[l]) && md_key_find(key_set(r->s, node), word)) {
      md_addr_strip_list(a, r->s, node, l);
      return true;
    }
  }
  if (!strcmp(word, "loudness") && it->kind == MD_NODE_MASTER) {
    md_addr_at_key(a, "loudness");
    return fail(r, "`loudness` is not a value of its own: address /master/loudness/target_lufs or "
                   "/master/loudness/true_peak_db");
  }
  if (!strcmp(word, "file") && it->kind == MD_NODE_TRACK) {
    if (!it->file_key) {
      return fail(r, "`%s` gives no `file:` (its clips are /track/%s/clips; each one's is /track/%s/clip/N/file)", it->name, it->name, it->name);
    }
    md_addr_clip(a, r->s, node, 0U, MD_CLIP_FILE);
    return true;
  }
  return unknown_strip_name(r, node, word);
}

// What follows /track/NAME, /bus/NAME or /master.
static bool
read_strip(const Reader* r, MdAddress* a, uint32_t node, char** part, size_t n)
{
  const MdNode*  it    = &r->s->nodes[node];
  const MdParam* param = strip_param(r, node, part[0]);
  md_addr_at_node(a, r->s, node); // an unknown name: said at the strip
  if (param) {
    md_addr_strip(a, r->s, node, param);
    return value_end(r, a, part + 1, n - 1U);
  }
  if (!strcmp(part[0], "send") && it->kind != MD_NODE_MASTER) {
    return read_send(r, a, node, part + 1, n - 1U);
  }
  if (!live(r) && !strcmp(part[0], "clip") && it->kind == MD_NODE_TRACK) {
    return read_clip(r, a, node, part + 1, n - 1U);
  }
  if (!strcmp(part[0], "insert") && n < 3U) {
    md_addr_at_key(a, "inserts");
    return fail(r, "an insert's value is addressed as insert/N/PARAM (N from 1, or the type's name)");
  }
  if (n == 1U) {
    return read_strip_word(r, a, node, part[0]);
  }
  if (!strcmp(part[0], "insert")) {
    return read_insert(r, a, node, part + 1, n - 1U);
  }
  if (!live(r) && !strcmp(part[0], "loudness") && it->kind == MD_NODE_MASTER && n == 2U) {
    md_addr_at_key(a, "loudness");
    const int k = find_param(r, md_loudness_params, MD_LOUDNESS_N_PARAMS, part[1], "loudness key");
    if (k >= 0) {
      md_addr_loudness(a, MD_ADDRESS_SINGLE, (uint32_t)k);
    }
    return k >= 0;
  }
  if (live(r)) {
    return fail(r, "unknown address: a strip takes PARAM, send/BUS/level_db or insert/N/PARAM");
  }
  return fail(r, "unknown address: a strip takes PARAM, PARAM/points, send/BUS/PARAM, insert/N/PARAM%s%s",
              it->kind == MD_NODE_TRACK ? ", clip/N/KEY" : "", it->kind == MD_NODE_MASTER ? ", loudness/KEY" : "");
}

/* The top level ---------------------------------------------------------- */

// /output/KEY (index MD_ADDRESS_SINGLE) or /outputs/N/KEY[/…].
static bool
read_output_key(const Reader* r, MdAddress* a, uint32_t index, char** part, size_t n)
{
  if (n == 1U && !strcmp(part[0], "loudness") && index != MD_ADDRESS_SINGLE) {
    md_addr_at_key(a, "loudness");
    return fail(r, "`loudness` is not a value of its own: address /outputs/%u/loudness/target_lufs or "
                   "/outputs/%u/loudness/true_peak_db", index + 1U, index + 1U);
  }
  if (n == 2U && !strcmp(part[0], "loudness") && index != MD_ADDRESS_SINGLE) {
    md_addr_at_key(a, "loudness");
    const int k = find_param(r, md_loudness_params, MD_LOUDNESS_N_PARAMS, part[1], "loudness key");
    if (k >= 0) {
      md_addr_loudness(a, index, (uint32_t)k);
    }
    return k >= 0;
  }
  const int k = find_param(r, md_output_params, MD_OUTPUT_N_PARAMS, part[0], "output key");
  if (k < 0) {
    return false;
  }
  md_addr_output(a, index, (uint32_t)k);
  return value_end(r, a, part + 1, n - 1U);
}

static bool
read_outputs(const Reader* r, MdAddress* a, char** part, size_t n)
{
  const MixdownSession* s = r->s;
  if (n == 0U) {
    md_addr_outputs_list(a);
    return true;
  }
  const unsigned long item = ordinal(part[0]);
  md_addr_at_key(a, "outputs"); // an unknown item: said at the list
  if (item < 1U || item > s->n_outputs) {
    snprintf(r->note, r->size, "the session has %zu `outputs` item%s: %s is not one (they count from 1)%s",
             s->n_outputs, s->n_outputs == 1U ? "" : "s", part[0],
             s->n_outputs ? "" : "; its one file is /output/KEY");
    return false;
  }
  md_addr_at_index(a, (uint32_t)(item - 1U)); // an unknown key: said at the item
  if (n < 2U) {
    return fail(r, "an output's value is addressed as /outputs/N/KEY");
  }
  return read_output_key(r, a, (uint32_t)(item - 1U), part + 1, n - 1U);
}

static bool
read_top(const Reader* r, MdAddress* a, char** part, size_t n)
{
  static const char* const osc[] = {"track", "bus", "master", "transport"};
  if (live(r)) {
    return suggest(r, "address", part[0], osc, 4U); // OSC moves only strips (and the transport)
  }
  const int k = param_in(md_session_params, MD_SESSION_N_PARAMS, part[0]);
  if (k >= 0) {
    md_addr_session(a, (uint32_t)k);
    return value_end(r, a, part + 1, n - 1U);
  }
  if (!strcmp(part[0], "output")) {
    md_addr_at_key(a, r->s->n_outputs ? "outputs" : "output");
    if (r->s->n_outputs) {
      return fail(r, "the session writes `outputs:` (a list): address /outputs/N/KEY");
    }
    if (n < 2U) {
      return fail(r, "the output file's values are addressed as /output/KEY");
    }
    return read_output_key(r, a, MD_ADDRESS_SINGLE, part + 1, n - 1U);
  }
  if (!strcmp(part[0], "outputs")) {
    return read_outputs(r, a, part + 1, n - 1U);
  }
  static const char* const doc[] = {"track", "bus", "master", "output", "outputs",
                                    "sample_rate", "tempo", "time_signature", "length"};
  return suggest(r, "address", part[0], doc, 9U);
}

bool
md_address_resolve_in(const MixdownSession* s, const char* address, MdAddressScope scope, MdAddress* out,
                      char* note, size_t size)
{
  char         buf[MAX_TEXT];
  char*        part[MAX_PARTS];
  const Reader r = {s, scope, note, size};
  note[0]        = '\0';
  memset(out, 0, sizeof *out);
  if (strlen(address) >= sizeof buf) {
    return fail(&r, "the address is longer than %u bytes", MAX_TEXT - 1U);
  }
  const size_t n = split(address, buf, sizeof buf, part);
  if (n > MAX_PARTS) {
    return fail(&r, "the address has more than %u parts: no address has", MAX_PARTS);
  }
  if (!strcmp(part[0], "track") || !strcmp(part[0], "bus")) {
    md_addr_at_key(out, !strcmp(part[0], "track") ? "tracks" : "buses"); // an unknown name: said at the list
    if (n < 3U) {
      snprintf(note, size, "a %s is addressed as /%s/NAME/PARAM", part[0], part[0]);
      return false;
    }
    uint32_t node = 0U;
    decode(part[1]);
    return find_node(&r, !strcmp(part[0], "track") ? MD_NODE_TRACK : MD_NODE_BUS, part[1], &node) &&
           read_strip(&r, out, node, part + 2, n - 2U);
  }
  if (!strcmp(part[0], "master")) {
    if (n < 2U) {
      return fail(&r, "the master is addressed as /master/PARAM");
    }
    return read_strip(&r, out, (uint32_t)md_session_master(s), part + 1, n - 1U);
  }
  return read_top(&r, out, part, n);
}

bool
md_address_resolve(const MixdownSession* s, const char* address, MdAddress* out, char* note, size_t size)
{
  return md_address_resolve_in(s, address, MD_ADDRESS_DOCUMENT, out, note, size);
}
