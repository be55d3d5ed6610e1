// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The public routing graph (mixdown_graph_*, for `mixdown graph`): the
// session's routing with the engine's plan laid over it.  The engine is
// built, read and freed at once, so the latencies are the ones a render of
// the session has; the graph then owns copies of everything it shows.

#include "dsp/processor.h"
#include "engine/engine.h"
#include "engine/graph.h"
#include "session/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  MixdownGraphNode    info;
  MixdownGraphEdge*   edges;   ///< info.n_edges
  MixdownGraphInsert* inserts; ///< info.n_inserts
} MdGraphEntry;

struct MixdownGraphImpl {
  MdGraphEntry* entries; ///< Session order
  uint32_t      n;
  uint32_t*     order;   ///< Node indices in run order
  uint32_t      latency; ///< On the master path
};

void
mixdown_graph_free(MixdownGraph* g)
{
  if (!g) {
    return;
  }
  for (uint32_t i = 0U; g->entries && i < g->n; ++i) {
    MdGraphEntry* entry = &g->entries[i];
    for (uint32_t k = 0U; entry->inserts && k < entry->info.n_inserts; ++k) {
      free((char*)entry->inserts[k].plugin);
    }
    free((char*)entry->info.name);
    free(entry->edges);
    free(entry->inserts);
  }
  free(g->entries);
  free(g->order);
  free(g);
}

// The value an automatable number starts at: an envelope holds its first
// point's value until that point.
static double
start_value(const MdValue* v)
{
  return v->envelope && v->envelope->n_points ? v->envelope->points[0].value : v->value;
}

static MixdownStatus
describe_edges(const MixdownSession* s, const MdPlan* plan, uint32_t i, MdGraphEntry* entry)
{
  const MdNode*  n       = &s->nodes[i];
  const uint32_t n_edges = (n->output != MD_NO_NODE ? 1U : 0U) + (uint32_t)n->n_sends;
  entry->edges           = calloc(n_edges ? n_edges : 1U, sizeof(MixdownGraphEdge));
  if (!entry->edges) {
    return MIXDOWN_ERR_NO_MEM;
  }
  // In the engine's order (md_plan_for_each_edge()): the output, then the sends.
  if (n->output != MD_NO_NODE) {
    entry->edges[entry->info.n_edges++] =
      (MixdownGraphEdge){.to = n->output, .delay_frames = md_plan_edge_delay(plan, i, n->output)};
  }
  for (size_t k = 0U; k < n->n_sends; ++k) {
    const MdSend* send                  = &n->sends[k];
    entry->edges[entry->info.n_edges++] = (MixdownGraphEdge){
      .to           = send->target,
      .is_send      = 1,
      .pre_fader    = send->pre_fader,
      .level_db     = start_value(&send->level_db),
      .automated    = send->level_db.envelope != NULL,
      .delay_frames = md_plan_edge_delay(plan, i, send->target),
    };
  }
  return MIXDOWN_SUCCESS;
}

// The inserts in chain order, with the latency each reports and the delay
// that aligns a sidechain key; the node's channels follow the chain.
static MixdownStatus
describe_inserts(const MixdownSession* s, const MixdownEngine* engine, uint32_t i, MdGraphEntry* entry)
{
  const MdNode* n = &s->nodes[i];
  entry->inserts  = calloc(n->n_inserts ? n->n_inserts : 1U, sizeof(MixdownGraphInsert));
  if (!entry->inserts) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const MdPlan* plan     = md_engine_plan(engine);
  uint32_t      before   = 0U; // latency of the inserts before this one
  uint32_t      channels = 2U;
  if (n->kind == MD_NODE_TRACK) {
    channels = 1U; // as the engine's clip players: the widest source
    for (size_t k = 0U; k < n->n_clips; ++k) {
      channels = n->clips[k].channels > channels ? n->clips[k].channels : channels;
    }
  }
  for (uint32_t k = 0U; k < n->n_inserts; ++k) {
    const MdInsert*     model = &n->inserts[k];
    MixdownGraphInsert* ins   = &entry->inserts[k];
    entry->info.n_inserts     = k + 1U;
    ins->type                 = model->cls->name;
    ins->latency_frames       = md_engine_insert_latency(engine, i, k);
    ins->key                  = model->key == MD_NO_NODE ? MIXDOWN_GRAPH_NONE : model->key;
    if (model->key != MD_NO_NODE) {
      ins->key_delay_frames = md_plan_key_delay(plan, &(MdKeyLink){i, model->key, before});
    }
    // A class built at run time is an LV2 plugin: its description is its name.
    if (model->cls->context && !(ins->plugin = strdup(model->cls->description))) {
      return MIXDOWN_ERR_NO_MEM;
    }
    before += ins->latency_frames;
    channels = md_processor_output_channels(model->cls, channels);
  }
  entry->info.channels = channels;
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
describe_node(const MixdownSession* s, const MixdownEngine* engine, uint32_t i, MdGraphEntry* entry)
{
  const MdPlan* plan = md_engine_plan(engine);
  const MdNode* n    = &s->nodes[i];
  entry->info        = (MixdownGraphNode){
    .name                  = strdup(n->name),
    .kind                  = n->kind == MD_NODE_TRACK ? 0 : n->kind == MD_NODE_BUS ? 1 : 2,
    .latency_in_frames     = plan->latency_in[i],
    .insert_latency_frames = plan->latency_out[i] - plan->latency_in[i],
    .latency_out_frames    = plan->latency_out[i],
    .tail_frames           = plan->tail_out[i],
    .audible               = plan->audible[i],
  };
  if (!entry->info.name) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const MixdownStatus st = describe_edges(s, plan, i, entry);
  return st ? st : describe_inserts(s, engine, i, entry);
}

static MixdownStatus
describe(const MixdownSession* s, const MixdownEngine* engine, MixdownGraph* g)
{
  const MdPlan* plan = md_engine_plan(engine);
  g->n               = (uint32_t)s->n_nodes;
  g->entries         = calloc(g->n, sizeof(MdGraphEntry));
  g->order           = calloc(g->n, sizeof(uint32_t));
  g->latency         = mixdown_engine_latency(engine);
  if (!g->entries || !g->order) {
    return MIXDOWN_ERR_NO_MEM;
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t i = 0U; i < g->n && !st; ++i) {
    st = describe_node(s, engine, i, &g->entries[i]);
  }
  for (uint32_t k = 0U; k < g->n; ++k) {
    g->order[k]                                  = plan->order[k];
    g->entries[plan->order[k]].info.run_position = k;
  }
  return st;
}

MixdownStatus
mixdown_graph_new(const MixdownSession* session, MixdownGraph** graph, char* message, size_t message_size)
{
  if (!graph || !session) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *graph                = NULL;
  MixdownEngine* engine = NULL;
  MixdownStatus  st     = mixdown_engine_new(session, &engine, message, message_size);
  if (st) {
    return st;
  }
  MixdownGraph* g = calloc(1U, sizeof(MixdownGraph));
  st              = g ? describe(session, engine, g) : MIXDOWN_ERR_NO_MEM;
  mixdown_engine_free(engine);
  if (st) {
    if (message && message_size) {
      snprintf(message, message_size, "out of memory");
    }
    mixdown_graph_free(g);
    return st;
  }
  *graph = g;
  return MIXDOWN_SUCCESS;
}

uint32_t
mixdown_graph_node_count(const MixdownGraph* g)
{
  return g ? g->n : 0U;
}

const MixdownGraphNode*
mixdown_graph_node(const MixdownGraph* g, uint32_t index)
{
  return g && index < g->n ? &g->entries[index].info : NULL;
}

uint32_t
mixdown_graph_run_order(const MixdownGraph* g, uint32_t position)
{
  return g && position < g->n ? g->order[position] : MIXDOWN_GRAPH_NONE;
}

const MixdownGraphEdge*
mixdown_graph_edge(const MixdownGraph* g, uint32_t node, uint32_t edge)
{
  return g && node < g->n && edge < g->entries[node].info.n_edges ? &g->entries[node].edges[edge] : NULL;
}

const MixdownGraphInsert*
mixdown_graph_insert(const MixdownGraph* g, uint32_t node, uint32_t insert)
{
  return g && node < g->n && insert < g->entries[node].info.n_inserts ? &g->entries[node].inserts[insert] : NULL;
}

uint32_t
mixdown_graph_latency(const MixdownGraph* g)
{
  return g ? g->latency : 0U;
}
