// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What each kind of address names, and its path in the document
// (address_build.h).  A track is item I of `tracks:` and node I; a bus is
// item J of `buses:` and node n_tracks + J; the master is `master:` and
// the last node (document.c builds the model in that order).

#include "session/address_build.h"

#include "session/session_params.h"

#include <string.h>

static void
reset(MdAddress* a, MdAddressOwner owner)
{
  memset(a, 0, sizeof *a);
  a->kind  = MD_ADDRESS_VALUE;
  a->list  = MD_LIST_NONE;
  a->owner = owner;
}

static void
push_key(MdAddress* a, const char* key)
{
  if (a->depth < MD_ADDRESS_MAX_DEPTH) {
    a->path[a->depth++] = (MdYPathStep){key, 0U};
  }
}

static void
push_index(MdAddress* a, size_t index)
{
  if (a->depth < MD_ADDRESS_MAX_DEPTH) {
    a->path[a->depth++] = (MdYPathStep){NULL, index};
  }
}

// The path of node `node`'s mapping.
static void
node_path(MdAddress* a, const MixdownSession* s, uint32_t node)
{
  a->node = node;
  if (node == md_session_master(s)) {
    push_key(a, "master");
  } else if (node < s->n_tracks) {
    push_key(a, "tracks");
    push_index(a, node);
  } else {
    push_key(a, "buses");
    push_index(a, node - s->n_tracks);
  }
}

void
md_addr_session(MdAddress* a, uint32_t k)
{
  reset(a, MD_OWNER_SESSION);
  a->param = &md_session_params[k];
  push_key(a, a->param->info.name);
}

// `output:`, or item `index` of `outputs:`.
static void
output_path(MdAddress* a, uint32_t index)
{
  a->index = index;
  if (index == MD_ADDRESS_SINGLE) {
    push_key(a, "output");
  } else {
    push_key(a, "outputs");
    push_index(a, index);
  }
}

void
md_addr_output(MdAddress* a, uint32_t index, uint32_t k)
{
  reset(a, MD_OWNER_OUTPUT);
  a->param = &md_output_params[k];
  output_path(a, index);
  push_key(a, a->param->info.name);
}

void
md_addr_loudness(MdAddress* a, uint32_t index, uint32_t k)
{
  reset(a, MD_OWNER_LOUDNESS);
  a->param = &md_loudness_params[k];
  if (index == MD_ADDRESS_SINGLE) {
    a->index = index;
    push_key(a, "master");
  } else {
    output_path(a, index);
  }
  push_key(a, "loudness");
  push_key(a, a->param->info.name);
}

void
md_addr_outputs_list(MdAddress* a)
{
  reset(a, MD_OWNER_OUTPUT);
  a->kind  = MD_ADDRESS_LIST;
  a->list  = MD_LIST_OUTPUTS;
  a->index = MD_ADDRESS_SINGLE;
  push_key(a, "outputs");
}

void
md_addr_strip(MdAddress* a, const MixdownSession* s, uint32_t node, const MdParam* p)
{
  reset(a, MD_OWNER_STRIP);
  a->param = p;
  node_path(a, s, node);
  push_key(a, p->info.name);
}

void
md_addr_strip_list(MdAddress* a, const MixdownSession* s, uint32_t node, MdAddressList list)
{
  static const MdAddressOwner owners[] = {[MD_LIST_INSERTS] = MD_OWNER_INSERT, [MD_LIST_SENDS] = MD_OWNER_SEND,
                                          [MD_LIST_CLIPS] = MD_OWNER_CLIP};
  static const char* const    keys[]   = {[MD_LIST_INSERTS] = "inserts", [MD_LIST_SENDS] = "sends",
                                          [MD_LIST_CLIPS] = "clips"};
  reset(a, owners[list]);
  a->kind = MD_ADDRESS_LIST;
  a->list = list;
  node_path(a, s, node);
  push_key(a, keys[list]);
  a->shorthand = list == MD_LIST_CLIPS && s->nodes[node].file_key;
}

void
md_addr_send(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t send, uint32_t k)
{
  reset(a, MD_OWNER_SEND);
  a->param = &md_send_params[k];
  a->index = send;
  node_path(a, s, node);
  push_key(a, "sends");
  push_index(a, send);
  push_key(a, a->param->info.name);
}

// Insert `insert` of `node`: the path to its mapping, and to `params:` for
// an LV2 plugin (whose values are its ports, under `params:`).
static const MdProcessorClass*
insert_path(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert)
{
  const MdProcessorClass* cls = s->nodes[node].inserts[insert].cls;
  a->owner                    = MD_OWNER_INSERT;
  a->index                    = insert;
  node_path(a, s, node);
  push_key(a, "inserts");
  push_index(a, insert);
  if (!strcmp(cls->name, "lv2")) {
    push_key(a, "params");
  }
  return cls;
}

void
md_addr_insert(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert, uint32_t p)
{
  reset(a, MD_OWNER_INSERT);
  const MdProcessorClass* cls = insert_path(a, s, node, insert);
  a->param                    = &cls->params[p];
  a->slot                     = md_processor_value_offset(cls, p);
  push_key(a, a->param->info.name);
}

void
md_addr_insert_key(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert, uint32_t k)
{
  reset(a, MD_OWNER_INSERT_KEY);
  a->param = &md_insert_params[k];
  a->index = insert;
  node_path(a, s, node);
  push_key(a, "inserts");
  push_index(a, insert);
  push_key(a, a->param->info.name);
}

void
md_addr_insert_items(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert, uint32_t p)
{
  md_addr_insert(a, s, node, insert, p);
  a->kind = MD_ADDRESS_LIST;
  a->list = MD_LIST_ITEMS;
}

void
md_addr_insert_field(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert, uint32_t p,
                     uint32_t item, uint32_t field)
{
  md_addr_insert(a, s, node, insert, p);
  const MdParam* list = a->param;
  a->param            = &list->fields[field];
  a->slot             = md_processor_list_slot(s->nodes[node].inserts[insert].cls, p, item, field);
  push_index(a, item);
  push_key(a, a->param->info.name);
}

void
md_addr_clip(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t clip, uint32_t k)
{
  reset(a, MD_OWNER_CLIP);
  a->param     = &md_clip_params[k];
  a->index     = clip;
  a->shorthand = s->nodes[node].file_key;
  node_path(a, s, node);
  if (a->shorthand && k == MD_CLIP_FILE) {
    push_key(a, a->param->info.name); // the track's own `file:`
    return;
  }
  push_key(a, "clips");
  push_index(a, clip);
  push_key(a, a->param->info.name);
}

bool
md_addr_points(MdAddress* a)
{
  if (a->kind != MD_ADDRESS_VALUE || !md_param_automatable(a->param)) {
    return false;
  }
  a->kind = MD_ADDRESS_LIST;
  a->list = MD_LIST_POINTS;
  push_key(a, "points");
  return true;
}

/* Where a failed read's names are ------------------------------------------ */

void
md_addr_at_root(MdAddress* a)
{
  reset(a, MD_OWNER_SESSION);
}

void
md_addr_at_node(MdAddress* a, const MixdownSession* s, uint32_t node)
{
  reset(a, MD_OWNER_STRIP);
  node_path(a, s, node);
}

void
md_addr_at_insert(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert)
{
  reset(a, MD_OWNER_INSERT);
  insert_path(a, s, node, insert);
}

void
md_addr_at_key(MdAddress* a, const char* key)
{
  push_key(a, key);
}

void
md_addr_at_index(MdAddress* a, uint32_t index)
{
  push_index(a, index);
}
