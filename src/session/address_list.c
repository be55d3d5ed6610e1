// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// An address's canonical text, its value in the model, and the list of
// every address a session has (address.h).  Thread: any.

#include "session/address.h"

#include "session/address_build.h"
#include "session/keys.h"
#include "session/session_params.h"

#include <stdio.h>
#include <string.h>

/* Text ------------------------------------------------------------------- */

typedef struct {
  char*  out;
  size_t size;
  size_t used;
} Text;

static void
put(Text* t, const char* fmt, const char* a)
{
  if (t->used < t->size) {
    const int n = snprintf(t->out + t->used, t->size - t->used, fmt, a);
    t->used += n > 0 ? (size_t)n : 0U;
  }
}

static void
put_number(Text* t, const char* fmt, unsigned long n)
{
  if (t->used < t->size) {
    const int k = snprintf(t->out + t->used, t->size - t->used, fmt, n);
    t->used += k > 0 ? (size_t)k : 0U;
  }
}

// "/" and a name, its `/` and `%` written %2F and %25.
static void
put_name(Text* t, const char* name)
{
  put(t, "/%s", "");
  for (const char* p = name; *p; ++p) {
    char one[2] = {*p, '\0'};
    put(t, "%s", *p == '/' ? "%2F" : *p == '%' ? "%25" : one);
  }
}

static void
put_strip(Text* t, const MixdownSession* s, uint32_t node)
{
  const MdNode* n = &s->nodes[node];
  if (n->kind == MD_NODE_MASTER) {
    put(t, "/master%s", "");
    return;
  }
  put(t, "/%s", n->kind == MD_NODE_TRACK ? "track" : "bus");
  put_name(t, n->name);
}

// A send by its bus's name, or by number when an earlier send of the
// strip feeds the same bus (the name reads as the first).
static void
put_send(Text* t, const MixdownSession* s, uint32_t node, uint32_t send)
{
  const MdNode* n = &s->nodes[node];
  for (uint32_t i = 0U; i < send; ++i) {
    if (n->sends[i].target == n->sends[send].target) {
      put_number(t, "/send/%lu", send + 1UL);
      return;
    }
  }
  put(t, "/send%s", "");
  put_name(t, s->nodes[n->sends[send].target].name);
}

static void
put_insert(Text* t, const MixdownSession* s, const MdAddress* a)
{
  const MdProcessorClass* cls   = s->nodes[a->node].inserts[a->index].cls;
  MdSlotPlace             place = {0};
  put_number(t, "/insert/%lu", a->index + 1UL);
  if (a->kind == MD_ADDRESS_VALUE || a->list == MD_LIST_POINTS) {
    if (md_processor_slot_place(cls, a->slot, &place) && place.in_list) {
      put(t, "/%s", cls->params[place.param].info.name);
      put_number(t, "/%lu", place.item + 1UL);
    }
  }
  put(t, "/%s", a->param->info.name);
}

void
md_address_format(const MixdownSession* s, const MdAddress* a, char* out, size_t size)
{
  static const char* const lists[] = {[MD_LIST_INSERTS] = "inserts", [MD_LIST_SENDS] = "sends",
                                      [MD_LIST_CLIPS] = "clips"};
  Text                     t       = {out, size, 0U};
  out[0]                           = '\0';
  if (a->kind == MD_ADDRESS_LIST && a->list != MD_LIST_POINTS && a->list != MD_LIST_ITEMS) {
    if (a->list == MD_LIST_OUTPUTS) {
      put(&t, "/outputs%s", "");
    } else {
      put_strip(&t, s, a->node);
      put(&t, "/%s", lists[a->list]);
    }
    return;
  }
  switch (a->owner) {
  case MD_OWNER_SESSION: break;
  case MD_OWNER_OUTPUT:
  case MD_OWNER_LOUDNESS:
    if (a->index != MD_ADDRESS_SINGLE) {
      put_number(&t, "/outputs/%lu", a->index + 1UL);
    } else {
      put(&t, "/%s", a->owner == MD_OWNER_OUTPUT ? "output" : "master");
    }
    put(&t, "%s", a->owner == MD_OWNER_LOUDNESS ? "/loudness" : "");
    break;
  case MD_OWNER_STRIP: put_strip(&t, s, a->node); break;
  case MD_OWNER_SEND:
    put_strip(&t, s, a->node);
    put_send(&t, s, a->node, a->index);
    break;
  case MD_OWNER_INSERT:
    put_strip(&t, s, a->node);
    put_insert(&t, s, a);
    put(&t, "%s", a->list == MD_LIST_POINTS ? "/points" : "");
    return;
  case MD_OWNER_INSERT_KEY:
    put_strip(&t, s, a->node);
    put_number(&t, "/insert/%lu", a->index + 1UL);
    break;
  case MD_OWNER_CLIP:
    put_strip(&t, s, a->node);
    put_number(&t, "/clip/%lu", a->index + 1UL);
    break;
  }
  put(&t, "/%s", a->param->info.name);
  put(&t, "%s", a->list == MD_LIST_POINTS ? "/points" : "");
}

bool
md_address_equal(const MdAddress* a, const MdAddress* b)
{
  if (a->kind != b->kind || a->list != b->list || a->owner != b->owner || a->param != b->param ||
      a->node != b->node || a->index != b->index || a->slot != b->slot || a->shorthand != b->shorthand ||
      a->depth != b->depth) {
    return false;
  }
  for (size_t i = 0U; i < a->depth; ++i) {
    const MdYPathStep* x = &a->path[i];
    const MdYPathStep* y = &b->path[i];
    if ((x->key == NULL) != (y->key == NULL) || (x->key ? strcmp(x->key, y->key) != 0 : x->index != y->index)) {
      return false;
    }
  }
  return true;
}

/* Values in the model ---------------------------------------------------- */

const MdValue*
md_address_model_value(const MixdownSession* s, const MdAddress* a)
{
  if (a->kind != MD_ADDRESS_VALUE) {
    return NULL;
  }
  MdNode* n = a->owner == MD_OWNER_STRIP || a->owner == MD_OWNER_SEND || a->owner == MD_OWNER_INSERT
                ? &s->nodes[a->node]
                : NULL;
  if (a->owner == MD_OWNER_STRIP) {
    return a->param == &md_strip_params[MD_STRIP_GAIN_DB] ? &n->gain_db
           : a->param == &md_strip_params[MD_STRIP_PAN]   ? &n->pan
           : a->param == &md_strip_params[MD_STRIP_MUTE]  ? &n->mute
                                                          : NULL;
  }
  if (a->owner == MD_OWNER_SEND) {
    return a->param == &md_send_params[MD_SEND_LEVEL_DB] ? &n->sends[a->index].level_db : NULL;
  }
  if (a->owner == MD_OWNER_INSERT) {
    const MixdownParamKind kind = a->param->info.kind;
    const bool number = kind == MIXDOWN_PARAM_NUMBER || kind == MIXDOWN_PARAM_BOOL || kind == MIXDOWN_PARAM_CHOICE;
    return number ? &n->inserts[a->index].values[a->slot] : NULL;
  }
  return NULL;
}

static bool
read_output(const MixdownSession* s, const MdAddress* a, MdAddressValue* v)
{
  const MdOutput* out = a->index == MD_ADDRESS_SINGLE ? &s->output : &s->outputs[a->index];
  const uint32_t  k   = (uint32_t)(a->param - md_output_params);
  switch (k) {
  case MD_OUTPUT_FILE: v->text = out->path; break;
  case MD_OUTPUT_BITS: v->number = (double)(out->format - MIXDOWN_FORMAT_PCM_16); break;
  case MD_OUTPUT_DITHER: v->number = (double)out->dither; break;
  case MD_OUTPUT_RATE: v->number = out->rate; break;
  case MD_OUTPUT_QUALITY: v->number = out->quality; break;
  default: v->text = out->tags[k - MD_OUTPUT_TAG]; break;
  }
  v->set = k == MD_OUTPUT_FILE || k >= MD_OUTPUT_TAG ? v->text != NULL
           : k == MD_OUTPUT_RATE                     ? out->rate > 0U
           : k == MD_OUTPUT_QUALITY                  ? out->quality >= 0.0
                                                     : true;
  return true;
}

static bool
read_session(const MixdownSession* s, const MdAddress* a, MdAddressValue* v)
{
  const MdLoudness* l = NULL;
  switch (a->owner) {
  case MD_OWNER_SESSION:
    switch (a->param - md_session_params) {
    case MD_SESSION_SAMPLE_RATE: v->number = s->sample_rate; break;
    case MD_SESSION_TEMPO: v->number = s->tempo_bpm; break;
    case MD_SESSION_LENGTH: v->number = s->length_s; break;
    default:
      snprintf(v->buffer, sizeof v->buffer, "%u/%u", s->beats_per_bar, s->beat_unit);
      v->text = v->buffer;
      break;
    }
    v->set = v->text || v->number > 0.0; // no tempo: 0; `length: auto`: < 0
    return true;
  case MD_OWNER_OUTPUT: return read_output(s, a, v);
  case MD_OWNER_LOUDNESS:
    l         = a->index == MD_ADDRESS_SINGLE ? &s->loudness : &s->outputs[a->index].loudness;
    v->set    = l->enabled;
    v->number = a->param == &md_loudness_params[MD_LOUDNESS_TARGET_LUFS] ? l->target_lufs : l->true_peak_db;
    return true;
  default: break;
  }
  return false;
}

// A strip's, a send's, an insert's or a clip's value that is not an MdValue.
static bool
read_node_value(const MixdownSession* s, const MdAddress* a, MdAddressValue* v)
{
  const MdNode* n = &s->nodes[a->node];
  v->set          = true;
  if (a->param == &md_route_param) {
    v->text = n->output == MD_NO_NODE ? NULL : s->nodes[n->output].name;
    v->set  = v->text != NULL;
  } else if (a->param == &md_strip_params[MD_STRIP_PAN_LAW]) {
    v->number = n->pan_law;
  } else if (a->param == &md_strip_params[MD_STRIP_SOLO] || a->param == &md_strip_params[MD_STRIP_INVERT]) {
    v->number = (a->param == &md_strip_params[MD_STRIP_SOLO] ? n->solo : n->invert) ? 1.0 : 0.0;
  } else if (a->param == &md_send_params[MD_SEND_TO]) {
    v->text = s->nodes[n->sends[a->index].target].name;
  } else if (a->param == &md_send_params[MD_SEND_PRE_FADER]) {
    v->number = n->sends[a->index].pre_fader ? 1.0 : 0.0;
  } else if (a->owner == MD_OWNER_INSERT) {
    const MdInsert* insert = &n->inserts[a->index];
    if (a->param->info.kind == MIXDOWN_PARAM_NOTE) {
      return false; // its milliseconds are in the parameter it names
    }
    v->text = a->param->info.kind == MIXDOWN_PARAM_FILE ? insert->file
              : insert->key != MD_NO_NODE               ? s->nodes[insert->key].name
                                                        : NULL;
    v->set  = v->text != NULL;
  } else if (a->owner == MD_OWNER_INSERT_KEY) {
    v->number = n->inserts[a->index].bypass ? 1.0 : 0.0; // md_insert_params: bypass alone
  } else if (a->owner == MD_OWNER_CLIP) {
    const MdClip* c                          = &n->clips[a->index];
    const double  numbers[MD_CLIP_N_PARAMS] = {
      [MD_CLIP_START_S] = c->start_s,   [MD_CLIP_OFFSET_S] = c->offset_s,   [MD_CLIP_LENGTH_S] = c->length_s,
      [MD_CLIP_GAIN_DB] = c->gain_db,   [MD_CLIP_FADE_IN_S] = c->fade_in_s, [MD_CLIP_FADE_OUT_S] = c->fade_out_s};
    const ptrdiff_t k = a->param - md_clip_params;
    v->text           = k == MD_CLIP_FILE ? c->path : NULL;
    v->number         = numbers[k];
  } else {
    return false;
  }
  return true;
}

bool
md_address_read(const MixdownSession* s, const MdAddress* a, MdAddressValue* v)
{
  memset(v, 0, sizeof *v);
  if (a->kind != MD_ADDRESS_VALUE) {
    return false;
  }
  const MdValue* value = md_address_model_value(s, a);
  if (value) {
    v->set      = true;
    v->number   = value->value;
    v->envelope = value->envelope;
    return true;
  }
  return a->owner == MD_OWNER_SESSION || a->owner == MD_OWNER_OUTPUT || a->owner == MD_OWNER_LOUDNESS
           ? read_session(s, a, v)
           : read_node_value(s, a, v);
}

/* Every address ---------------------------------------------------------- */

typedef struct {
  const MixdownSession* s;
  MdAddressVisit        visit;
  void*                 user;
} Lister;

// `a`, then its points when it has an envelope's.
static void
give(const Lister* l, MdAddress* a)
{
  char text[1100];
  md_address_format(l->s, a, text, sizeof text);
  l->visit(l->user, a, text);
  if (md_addr_points(a)) {
    md_address_format(l->s, a, text, sizeof text);
    l->visit(l->user, a, text);
  }
}

static void
list_outputs(const Lister* l)
{
  const MixdownSession* s = l->s;
  MdAddress             a;
  if (s->n_outputs) {
    md_addr_outputs_list(&a);
    give(l, &a);
  }
  for (uint32_t o = 0U; o < (s->n_outputs ? s->n_outputs : 1U); ++o) {
    const uint32_t index = s->n_outputs ? o : MD_ADDRESS_SINGLE;
    for (uint32_t k = 0U; k < MD_OUTPUT_N_PARAMS; ++k) {
      md_addr_output(&a, index, k);
      give(l, &a);
    }
    for (uint32_t k = 0U; s->n_outputs && k < MD_LOUDNESS_N_PARAMS; ++k) {
      md_addr_loudness(&a, index, k);
      give(l, &a);
    }
  }
}

static void
list_inserts(const Lister* l, uint32_t node)
{
  const MdNode* n = &l->s->nodes[node];
  MdAddress     a;
  md_addr_strip_list(&a, l->s, node, MD_LIST_INSERTS);
  give(l, &a);
  for (uint32_t i = 0U; i < n->n_inserts; ++i) {
    const MdProcessorClass* cls = n->inserts[i].cls;
    for (uint32_t k = 0U; k < MD_INSERT_N_PARAMS; ++k) {
      md_addr_insert_key(&a, l->s, node, i, k); // bypass, first: as a session writes it after `type`
      give(l, &a);
    }
    for (uint32_t p = 0U; p < cls->n_params; ++p) {
      const MdParam* list = &cls->params[p];
      if (list->info.kind != MIXDOWN_PARAM_LIST) {
        md_addr_insert(&a, l->s, node, i, p);
        give(l, &a);
        continue;
      }
      md_addr_insert_items(&a, l->s, node, i, p);
      give(l, &a);
      const double count = n->inserts[i].values[md_processor_value_offset(cls, p)].value;
      for (uint32_t item = 0U; (double)item < count; ++item) {
        for (uint32_t f = 0U; f < list->n_fields; ++f) {
          md_addr_insert_field(&a, l->s, node, i, p, item, f);
          give(l, &a);
        }
      }
    }
  }
}

static void
list_node(const Lister* l, uint32_t node)
{
  const MdNode*   n   = &l->s->nodes[node];
  const MdKeySet* set = n->kind == MD_NODE_TRACK ? &md_track_keys : n->kind == MD_NODE_BUS ? &md_bus_keys : &md_master_keys;
  MdAddress       a;
  for (size_t k = 0U; k < set->n_keys; ++k) {
    const MdParam* p = set->keys[k].param;
    if (p && p >= md_strip_params && p < md_strip_params + MD_STRIP_N_PARAMS) {
      md_addr_strip(&a, l->s, node, p);
      give(l, &a);
    }
  }
  if (n->kind == MD_NODE_MASTER) {
    for (uint32_t k = 0U; k < MD_LOUDNESS_N_PARAMS; ++k) {
      md_addr_loudness(&a, MD_ADDRESS_SINGLE, k);
      give(l, &a);
    }
  } else {
    md_addr_strip(&a, l->s, node, &md_route_param);
    give(l, &a);
    md_addr_strip_list(&a, l->s, node, MD_LIST_SENDS);
    give(l, &a);
    for (uint32_t i = 0U; i < n->n_sends; ++i) {
      for (uint32_t k = 0U; k < MD_SEND_N_PARAMS; ++k) {
        md_addr_send(&a, l->s, node, i, k);
        give(l, &a);
      }
    }
  }
  list_inserts(l, node);
  if (n->kind == MD_NODE_TRACK) {
    md_addr_strip_list(&a, l->s, node, MD_LIST_CLIPS);
    give(l, &a);
    for (uint32_t c = 0U; c < n->n_clips; ++c) {
      for (uint32_t k = 0U; k < MD_CLIP_N_PARAMS; ++k) {
        md_addr_clip(&a, l->s, node, c, k);
        give(l, &a);
      }
    }
  }
}

void
md_address_list(const MixdownSession* s, MdAddressVisit visit, void* user)
{
  const Lister l = {s, visit, user};
  MdAddress    a;
  for (uint32_t k = 0U; k < MD_SESSION_N_PARAMS; ++k) {
    md_addr_session(&a, k);
    give(&l, &a);
  }
  list_outputs(&l);
  for (uint32_t node = 0U; node < s->n_nodes; ++node) {
    list_node(&l, node);
  }
}
