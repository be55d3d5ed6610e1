// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Routing: names of tracks and buses as destinations (`output:`, a
// send's `to:`) and as sidechain keys, and the search for routing cycles
// once every node is read.  Thread: control (validator.h).

#include "session/validator.h"

#include "util/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Index of the bus (or master) called `name`; reports an unknown name with
// the nearest real one.
bool
md_find_destination(MdValidator* v, const MdYNode* node, const char* key, uint32_t self,
                    uint32_t* index)
{
  const MixdownSession* s = v->session;
  if (node->kind != MD_YNODE_SCALAR) {
    md_report_error(v, node, "`%s` must name a bus or `master`", key);
    return false;
  }
  const uint32_t found = md_name_index_find(&v->names, node->text);
  if (found == self) {
    md_report_error(v, node, "`%s`: `%s` cannot feed itself", key, node->text);
    return false;
  }
  if (found != MD_NAME_NONE && found >= s->n_tracks) {
    *index = found;
    return true;
  }
  if (found != MD_NAME_NONE) {
    md_report_error(v, node, "`%s`: `%s` is a track; audio can only go to a bus or `master`", key, node->text);
    return false;
  }
  const char* names[4096];
  size_t      n = 0U;
  for (size_t i = s->n_tracks; i < s->n_nodes && n < 4096U; ++i) {
    names[n++] = s->nodes[i].name;
  }
  const char* near = md_suggest(node->text, names, n);
  if (near) {
    md_report_error(v, node, "`%s`: no bus called `%s` (did you mean `%s`?)", key, node->text, near);
  } else {
    md_report_error(v, node, "`%s`: no bus called `%s` (buses are declared under `buses:`; `master` is the master bus)",
                    key, node->text);
  }
  return false;
}

// A track or bus named as a sidechain key.
bool
md_find_key(MdValidator* v, const MdYNode* node, const char* key, uint32_t self, uint32_t* index)
{
  const MixdownSession* s = v->session;
  if (node->kind != MD_YNODE_SCALAR) {
    md_report_error(v, node, "`%s` must name a track or bus", key);
    return false;
  }
  const uint32_t found = md_name_index_find(&v->names, node->text);
  if (found == self) {
    md_report_error(v, node, "`%s`: `%s` cannot key itself", key, node->text);
    return false;
  }
  if (found != MD_NAME_NONE && found != md_session_master(s)) {
    *index = found;
    return true;
  }
  const char* names[4096];
  size_t      n = 0U;
  for (size_t i = 0U; i < md_session_master(s) && n < 4096U; ++i) {
    names[n++] = s->nodes[i].name;
  }
  const char* near = md_suggest(node->text, names, n);
  if (near) {
    md_report_error(v, node, "`%s`: no track or bus called `%s` (did you mean `%s`?)", key, node->text, near);
  } else {
    md_report_error(v, node, "`%s`: no track or bus called `%s`", key, node->text);
  }
  return false;
}

// Routing must be a DAG: audio flows along outputs and sends, and a
// sidechain key must be rendered before the insert it keys.  A depth-first
// search over both names the first cycle found, at the key that closes it.
// The search keeps its own stack (`path`, with the next edge to follow of
// each node on it), so that a chain of 100 000 buses needs no C stack: a
// recursion per bus overflowed a musl thread's 128 KiB at ~1 500 buses.
typedef struct {
  const MdYNode* const* entries;   // YAML entry per node (for marks)
  uint8_t*              state;     // 0 new, 1 on the path, 2 done
  uint32_t*             path;      // the nodes on the path, root first
  size_t*               next_edge; // per place on the path: the edge to follow next
  size_t                depth;
  uint32_t*             key_start; // CSR: hosts keyed by node i are
  uint32_t*             key_hosts; //   key_hosts[key_start[i] .. key_start[i+1])
} MdCycleSearch;

static const MdYNode*
scalar_named(const MdYNode* node, const char* name)
{
  return node && node->kind == MD_YNODE_SCALAR && !strcmp(node->text, name) ? node : NULL;
}

// Where the edge from → to is written: an output or send in `from`'s entry,
// or a `sidechain:` naming `from` in `to`'s entry.
static const MdYNode*
edge_mark(const MdCycleSearch* c, const MixdownSession* s, uint32_t from, uint32_t to)
{
  const MdYNode* mark = scalar_named(md_ynode_get(c->entries[from], "output"), s->nodes[to].name);
  const MdYNode* sends = md_ynode_get(c->entries[from], "sends");
  for (size_t i = 0U; !mark && sends && sends->kind == MD_YNODE_SEQUENCE && i < sends->n_items; ++i) {
    mark = scalar_named(md_ynode_get(sends->items[i], "to"), s->nodes[to].name);
  }
  const MdYNode* inserts = md_ynode_get(c->entries[to], "inserts");
  for (size_t i = 0U; !mark && inserts && inserts->kind == MD_YNODE_SEQUENCE && i < inserts->n_items; ++i) {
    mark = scalar_named(md_ynode_get(inserts->items[i], "sidechain"), s->nodes[from].name);
  }
  return mark ? mark : c->entries[from];
}

// Edge `e` out of `node`: its output (0), its sends (1 …), then the hosts
// whose inserts it keys.  False past the last.  The target may be
// MD_NO_NODE (the master's output).
static bool
edge_at(const MixdownSession* s, const MdCycleSearch* c, uint32_t node, size_t e, uint32_t* to)
{
  const MdNode* n = &s->nodes[node];
  if (e == 0U) {
    *to = n->output;
    return true;
  }
  if (e - 1U < n->n_sends) {
    *to = n->sends[e - 1U].target;
    return true;
  }
  const size_t key = c->key_start[node] + (e - 1U - n->n_sends);
  if (key < c->key_start[node + 1U]) {
    *to = c->key_hosts[key];
    return true;
  }
  return false;
}

// Reports the cycle that the edge from → to closes (`to` is on the path).
static void
report_cycle(MdValidator* v, const MdCycleSearch* c, uint32_t from, uint32_t to)
{
  const MixdownSession* s = v->session;
  char                  names[1024];
  size_t                used  = 0U;
  size_t                start = 0U;
  while (c->path[start] != to) {
    ++start;
  }
  for (size_t i = start; i < c->depth && used < sizeof names - 80U; ++i) {
    used += (size_t)snprintf(names + used, sizeof names - used, "%s → ", s->nodes[c->path[i]].name);
  }
  snprintf(names + used, sizeof names - used, "%s", s->nodes[to].name);
  md_report_error(v, edge_mark(c, s, from, to), "routing cycle: %s", names);
}

// Depth-first from `root`; true (and reported) when a cycle is found.
static bool
find_cycle(MdValidator* v, MdCycleSearch* c, uint32_t root)
{
  c->state[root]   = 1U;
  c->path[0]       = root;
  c->next_edge[0]  = 0U;
  c->depth         = 1U;
  while (c->depth) {
    const uint32_t node = c->path[c->depth - 1U];
    uint32_t       to   = MD_NO_NODE;
    if (!edge_at(v->session, c, node, c->next_edge[c->depth - 1U]++, &to)) {
      c->state[node] = 2U; // every edge followed
      --c->depth;
      continue;
    }
    if (to == MD_NO_NODE || c->state[to] == 2U) {
      continue;
    }
    if (c->state[to] == 1U) {
      report_cycle(v, c, node, to);
      return true;
    }
    c->state[to]             = 1U;
    c->path[c->depth]        = to;
    c->next_edge[c->depth++] = 0U;
  }
  return false;
}

// Lists, for every node, the nodes whose inserts it keys.
static bool
index_keys(const MixdownSession* s, MdCycleSearch* c)
{
  size_t n_links = 0U;
  c->key_start   = calloc(s->n_nodes + 1U, sizeof(uint32_t));
  for (size_t i = 0U; c->key_start && i < s->n_nodes; ++i) {
    for (size_t j = 0U; j < s->nodes[i].n_inserts; ++j) {
      if (s->nodes[i].inserts[j].key != MD_NO_NODE) {
        ++c->key_start[s->nodes[i].inserts[j].key + 1U];
        ++n_links;
      }
    }
  }
  c->key_hosts = calloc(n_links ? n_links : 1U, sizeof(uint32_t));
  uint32_t* fill = calloc(s->n_nodes + 1U, sizeof(uint32_t));
  const bool ok  = c->key_start && c->key_hosts && fill;
  for (size_t i = 0U; ok && i < s->n_nodes; ++i) {
    c->key_start[i + 1U] += c->key_start[i];
  }
  for (size_t i = 0U; ok && i < s->n_nodes; ++i) {
    for (size_t j = 0U; j < s->nodes[i].n_inserts; ++j) {
      const uint32_t key = s->nodes[i].inserts[j].key;
      if (key != MD_NO_NODE) {
        c->key_hosts[c->key_start[key] + fill[key]++] = (uint32_t)i;
      }
    }
  }
  free(fill);
  return ok;
}

void
md_check_routing(MdValidator* v, const MdYNode* const* entries)
{
  MixdownSession* s = v->session;
  MdCycleSearch   c = {entries, calloc(s->n_nodes, 1U), calloc(s->n_nodes, sizeof(uint32_t)),
                       calloc(s->n_nodes, sizeof(size_t)), 0U, NULL, NULL};
  if (!c.state || !c.path || !c.next_edge || !index_keys(s, &c)) {
    md_report_out_of_memory_at(v, 1U, 1U);
  } else {
    for (size_t i = 0U; i < s->n_nodes; ++i) {
      if (!c.state[i] && find_cycle(v, &c, (uint32_t)i)) {
        break;
      }
    }
  }
  free(c.state);
  free(c.path);
  free(c.next_edge);
  free(c.key_start);
  free(c.key_hosts);
}
