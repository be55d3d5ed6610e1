// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Building the engine from the session model and the plan: nodes (clips,
// inserts and their processors), edges (outputs and sends, delayed to
// align latencies), sidechain keys; mixdown_engine_new() and _free().
// Thread: control.

#include "engine/engine_internal.h"

#include "dsp/db.h"
#include "io/audio_file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void MD_PRINTF(2, 3)
md_engine_set_message(MixdownEngine* e, const char* fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, args);
  va_end(args);
}

float*
md_engine_new_buffer(void)
{
  return calloc(MD_BLOCK_FRAMES, sizeof(float));
}

static bool
automation_for(const MdValue* value, MdAutomation** out)
{
  *out = NULL;
  return !value->envelope || (*out = md_automation_new(value->envelope)) != NULL;
}

// Decodes `path` whole, at the render rate (io/audio_file.c), for a
// processor's load().
static MixdownStatus
load_file(MixdownEngine* e, const MdProcessorClass* cls, void* state, const char* path)
{
  char          why[400];
  MdAudioFile   file;
  MixdownStatus st = md_audio_file_read(path, e->rate_hz, &file, why, sizeof why);
  if (st) {
    md_engine_set_message(e, "`%s` insert: %s", cls->name, why);
    return st;
  }
  st = cls->load(state, (const float* const*)file.planes, file.channels, file.length_frames);
  md_audio_file_free(&file);
  return st;
}

static MixdownStatus
build_insert(MixdownEngine* e, const MdInsert* model, uint32_t in_channels, MdEngineInsert* insert)
{
  const MdProcessorClass* cls = model->cls;
  insert->cls                 = cls;
  if (cls->retain) {
    cls->retain(cls); // a plugin's class outlives the session it came from
  }
  insert->in_channels         = in_channels;
  insert->out_channels        = md_processor_output_channels(cls, in_channels);
  insert->n_values            = md_processor_value_count(cls);
  insert->key_node            = model->key;
  insert->automation          = calloc(insert->n_values ? insert->n_values : 1U, sizeof(MdAutomation*));
  insert->meter_extreme       = calloc(cls->n_meters ? cls->n_meters : 1U, sizeof(double));
  double* values              = calloc(insert->n_values ? insert->n_values : 1U, sizeof(double));
  if (!insert->automation || !insert->meter_extreme || !values) {
    free(values);
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t p = 0U; p < insert->n_values; ++p) {
    values[p] = model->values[p].value;
    if (!automation_for(&model->values[p], &insert->automation[p])) {
      free(values);
      return MIXDOWN_ERR_NO_MEM;
    }
    if (insert->automation[p]) {
      insert->automated = true;
      values[p]         = md_automation_value(insert->automation[p], 0.0);
    }
  }
  insert->state = cls->create(cls, in_channels, values);
  free(values);
  if (!insert->state) {
    return MIXDOWN_ERR_NO_MEM;
  }
  if (model->file && cls->load) {
    const MixdownStatus st = load_file(e, cls, insert->state, model->file);
    if (st) {
      return st;
    }
  }
  MixdownStatus st = cls->prepare(insert->state, e->rate_hz, MD_BLOCK_FRAMES);
  if (st) {
    md_engine_set_message(e, "cannot prepare the `%s` processor: %s", cls->name, mixdown_strerror(st));
    return st;
  }
  // Bypassed, it is a pure delay of the latency it reports now, so that
  // the latencies the plan aligns do not change (insert.c).
  insert->latency_frames = cls->latency(insert->state);
  insert->bypass         = model->bypass;
  insert->bypass_mix     = model->bypass ? 1.0 : 0.0;
  if (model->bypass) {
    st = md_delay_line_init(&insert->dry_line, insert->latency_frames);
  }
  return st;
}

static MixdownStatus
build_clips(MixdownEngine* e, const MdNode* model, MdEngineNode* node)
{
  node->clips = calloc(model->n_clips ? model->n_clips : 1U, sizeof(MdClipPlayer));
  if (!node->clips) {
    return MIXDOWN_ERR_NO_MEM;
  }
  node->n_clips         = model->n_clips;
  node->source_channels = 1U;
  for (size_t i = 0U; i < model->n_clips; ++i) {
    if (md_clip_init(&node->clips[i], &model->clips[i], e->rate_hz)) {
      return MIXDOWN_ERR_NO_MEM;
    }
    if (model->clips[i].channels > node->source_channels) {
      node->source_channels = model->clips[i].channels;
    }
  }
  node->spread_mono = md_clip_spreads_mono(model);
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
build_node(MixdownEngine* e, const MdNode* model, MdEngineNode* node)
{
  node->kind       = model->kind;
  node->name       = strdup(model->name);
  node->pan_law    = model->pan_law;
  node->invert     = model->invert;
  node->gain_db.value = model->gain_db.value;
  node->gain_linear   = md_db_to_gain(model->gain_db.value);
  node->pan.value     = model->pan.value;
  node->mute.value    = 0.0; // a muted strip is not audible (plan.audible)
  if (!node->name || !automation_for(&model->gain_db, &node->gain_db.envelope) ||
      !automation_for(&model->pan, &node->pan.envelope) || !automation_for(&model->mute, &node->mute.envelope)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  // Memory stays small: a serial node's pre/post signals are consumed by
  // its edges right away, so all share one scratch pair, and a track's
  // insert buffer is shared too unless another node keys from it later in
  // the block (see build_keys()).  Buses accumulate, so own theirs;
  // parallel tracks get their own (md_engine_build_parallel()).
  node->io.own_buf = model->kind != MD_NODE_TRACK;
  for (int c = 0; c < 2; ++c) {
    node->io.buf[c]  = node->io.own_buf ? md_engine_new_buffer() : e->shared_buf[c];
    node->io.pre[c]  = e->shared_pre[c];
    node->io.post[c] = model->kind == MD_NODE_MASTER ? md_engine_new_buffer() : e->shared_post[c];
    if (!node->io.buf[c] || !node->io.post[c]) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  if (model->kind == MD_NODE_TRACK) {
    st = build_clips(e, model, node);
  } else {
    node->source_channels = 2U;
  }
  if (!st && node->spread_mono && !automation_for(&model->pan, &node->spread_cursor)) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  node->channels = node->source_channels;
  node->inserts  = calloc(model->n_inserts ? model->n_inserts : 1U, sizeof(MdEngineInsert));
  if (st || !node->inserts) {
    return st ? st : MIXDOWN_ERR_NO_MEM;
  }
  for (size_t i = 0U; i < model->n_inserts && !st; ++i) {
    node->n_inserts = i + 1U;
    st              = build_insert(e, &model->inserts[i], node->channels, &node->inserts[i]);
    if (!st) {
      node->channels = node->inserts[i].out_channels;
    }
  }
  if (!st && model->kind == MD_NODE_TRACK) {
    md_engine_describe_track(&node->cache.recipe, model);
  }
  return st;
}

static MixdownStatus
build_edges(MixdownEngine* e, const MixdownSession* s)
{
  size_t n = 0U;
  for (size_t i = 0U; i < s->n_nodes; ++i) {
    n += (s->nodes[i].output != MD_NO_NODE ? 1U : 0U) + s->nodes[i].n_sends;
  }
  e->edges = calloc(n ? n : 1U, sizeof(MdEdge));
  if (!e->edges) {
    return MIXDOWN_ERR_NO_MEM;
  }
  // A node's edges are contiguous: its output, then its sends.
  for (uint32_t i = 0U; i < s->n_nodes; ++i) {
    const MdNode* model   = &s->nodes[i];
    e->nodes[i].first_edge = e->n_edges;
    if (model->output != MD_NO_NODE) {
      MdEdge* ed = &e->edges[e->n_edges++];
      *ed        = (MdEdge){.from = i, .to = model->output, .level_linear = 1.0};
    }
    for (size_t j = 0U; j < model->n_sends; ++j) {
      const MdSend* send = &model->sends[j];
      MdEdge*       ed   = &e->edges[e->n_edges++];
      *ed = (MdEdge){.from = i, .to = send->target, .is_send = true, .pre_fader = send->pre_fader,
                     .level_db.value = send->level_db.value, .level_linear = md_db_to_gain(send->level_db.value)};
      if (!automation_for(&send->level_db, &ed->level_db.envelope)) {
        return MIXDOWN_ERR_NO_MEM;
      }
    }
    e->nodes[i].n_edges = e->n_edges - e->nodes[i].first_edge;
  }
  // Each edge delays its source so that everything meeting at a node is
  // aligned to the latest arrival.
  for (size_t k = 0U; k < e->n_edges; ++k) {
    MdEdge* ed = &e->edges[k];
    if (md_delay_line_init(&ed->delay, e->plan.latency_in[ed->to] - e->plan.latency_out[ed->from])) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

// Key delay lines: each key arrives at its insert as late as the audio does.
// A track that keys another node keeps its own insert buffer.
static MixdownStatus
build_keys(MixdownEngine* e)
{
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    MdEngineNode* host = &e->nodes[i];
    for (size_t j = 0U; j < host->n_inserts; ++j) {
      MdEngineInsert* ins = &host->inserts[j];
      if (ins->key_node == MD_NO_NODE) {
        continue;
      }
      MdEngineNode* key = &e->nodes[ins->key_node];
      key->is_key = true;
      if (!key->io.own_buf) {
        // Both or neither: until then buf[] is the shared buffer, which
        // mixdown_engine_free() must not free as the key's own.
        float* own[2] = {md_engine_new_buffer(), md_engine_new_buffer()};
        if (!own[0] || !own[1]) {
          free(own[0]);
          free(own[1]);
          return MIXDOWN_ERR_NO_MEM;
        }
        key->io.buf[0]  = own[0];
        key->io.buf[1]  = own[1];
        key->io.own_buf = true;
      }
      if (md_delay_line_init(&ins->key_line, host->latency_in_frames + ins->pre_latency_frames -
                                                 e->nodes[ins->key_node].latency_out_frames)) {
        return MIXDOWN_ERR_NO_MEM;
      }
      for (int c = 0; c < 2; ++c) {
        if (!(ins->key_buf[c] = md_engine_new_buffer())) {
          return MIXDOWN_ERR_NO_MEM;
        }
      }
    }
  }
  return MIXDOWN_SUCCESS;
}

static uint64_t
timeline_end(const MixdownEngine* e)
{
  int64_t end = 0;
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_clips; ++j) {
      if (e->nodes[i].clips[j].end > end) {
        end = e->nodes[i].clips[j].end;
      }
    }
  }
  return (uint64_t)end;
}

// The longest tail an insert may ring for.  A class reports the tail of
// its present values, which for an automated parameter are the envelope's
// first: a reverb whose `decay_s` rose later was cut at -39 dBFS by
// `length: auto`.  Each automated slot is tried at its envelope's lowest
// and highest point (every curve stays between them), one slot after the
// other, keeping the value that rings longest; then all are put back.
// Control thread, before the first block: set_param only stores targets.
static uint64_t
longest_tail(const MdEngineInsert* ins, const MdInsert* model)
{
  uint64_t longest = ins->cls->tail(ins->state);
  if (!ins->automated) {
    return longest;
  }
  for (uint32_t p = 0U; p < ins->n_values; ++p) {
    const MdEnvelope* env = model->values[p].envelope;
    if (!ins->automation[p] || !env || !env->n_points) {
      continue;
    }
    double low = env->points[0].value, high = low;
    for (size_t k = 1U; k < env->n_points; ++k) {
      low  = env->points[k].value < low ? env->points[k].value : low;
      high = env->points[k].value > high ? env->points[k].value : high;
    }
    const double tried[2] = {low, high};
    double       keep     = md_automation_value(ins->automation[p], 0.0);
    for (int i = 0; i < 2; ++i) {
      ins->cls->set_param(ins->state, p, tried[i]);
      const uint64_t tail = ins->cls->tail(ins->state);
      if (tail > longest) {
        longest = tail;
        keep    = tried[i];
      }
    }
    ins->cls->set_param(ins->state, p, keep); // the next slot is tried with this one at its longest
  }
  for (uint32_t p = 0U; p < ins->n_values; ++p) {
    if (ins->automation[p]) {
      ins->cls->set_param(ins->state, p, md_automation_value(ins->automation[p], 0.0));
    }
  }
  return longest;
}

static MixdownStatus
build(MixdownEngine* e, const MixdownSession* s)
{
  e->rate_hz = s->sample_rate;
  e->kernels = md_kernels();
  e->skip_silence = true;
  e->master  = (uint32_t)md_session_master(s);
  e->nodes   = calloc(s->n_nodes, sizeof(MdEngineNode));
  e->n_nodes = s->n_nodes;
  for (int c = 0; c < 2; ++c) {
    e->shared_buf[c]  = md_engine_new_buffer();
    e->shared_pre[c]  = md_engine_new_buffer();
    e->shared_post[c] = md_engine_new_buffer();
  }
  uint32_t* latency = calloc(s->n_nodes, sizeof(uint32_t));
  uint64_t* tail    = calloc(s->n_nodes, sizeof(uint64_t));
  MixdownStatus st = MIXDOWN_SUCCESS;
  if (!e->nodes || md_engine_set_workers(e, 1U) || !latency || !tail || !e->shared_buf[0] || !e->shared_buf[1] || !e->shared_pre[0] || !e->shared_pre[1] ||
      !e->shared_post[0] || !e->shared_post[1]) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  size_t n_keys = 0U;
  for (size_t i = 0U; i < s->n_nodes && !st; ++i) {
    st = build_node(e, &s->nodes[i], &e->nodes[i]);
    for (size_t j = 0U; j < e->nodes[i].n_inserts && !st; ++j) {
      MdEngineInsert* ins = &e->nodes[i].inserts[j];
      ins->pre_latency_frames    = latency[i];
      latency[i] += ins->latency_frames;
      // A bypassed insert is a pure delay: no tail (put back in live, it
      // rings past a `length: auto` end as it will).
      tail[i] += ins->bypass ? 0U : longest_tail(ins, &s->nodes[i].inserts[j]);
      n_keys += ins->key_node != MD_NO_NODE;
    }
  }
  MdKeyLink* keys = calloc(n_keys ? n_keys : 1U, sizeof(MdKeyLink));
  if (!st && !keys) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  n_keys = 0U;
  for (size_t i = 0U; i < s->n_nodes && !st; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_inserts; ++j) {
      const MdEngineInsert* ins = &e->nodes[i].inserts[j];
      if (ins->key_node != MD_NO_NODE) {
        keys[n_keys++] = (MdKeyLink){(uint32_t)i, ins->key_node, ins->pre_latency_frames};
      }
    }
  }
  if (!st) {
    st = md_plan_build(s, latency, tail, keys, n_keys, &e->plan);
  }
  free(keys);
  if (!st) {
    st = build_edges(e, s);
  }
  if (!st) {
    for (size_t i = 0U; i < s->n_nodes; ++i) {
      e->nodes[i].audible     = e->plan.audible[i];
      e->nodes[i].latency_in_frames  = e->plan.latency_in[i];
      e->nodes[i].latency_out_frames = e->plan.latency_out[i];
    }
    st = build_keys(e);
    for (size_t k = 0U; k < e->n_edges; ++k) {
      e->nodes[e->edges[k].from].pre_sends |= e->edges[k].pre_fader;
    }
    if (!st) {
      st = md_engine_build_parallel(e);
    }
    e->latency_frames      = e->plan.latency_out[e->master];
    e->drop_until_frame   = (int64_t)e->latency_frames;
    e->render_limit_frame = INT64_MAX;
    e->block_size_frames = MD_BLOCK_FRAMES;
    e->length_frames      = s->length_s >= 0.0 ? (uint64_t)llround(s->length_s * e->rate_hz)
                                    : timeline_end(e) + e->plan.tail_out[e->master];
  }
  free(latency);
  free(tail);
  if (st == MIXDOWN_ERR_NO_MEM && !e->message[0]) {
    md_engine_set_message(e, "out of memory");
  }
  return st;
}

MixdownStatus
mixdown_engine_new(const MixdownSession* session, MixdownEngine** engine, char* message,
                   size_t message_size)
{
  if (!engine) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *engine = NULL;
  if (!session) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MixdownEngine* e = calloc(1U, sizeof(MixdownEngine));
  if (!e) {
    return MIXDOWN_ERR_NO_MEM;
  }
  e->cache_limit_bytes   = MIXDOWN_CACHE_DEFAULT_LIMIT;
  const MixdownStatus st = build(e, session);
  if (st) {
    if (message && message_size) {
      snprintf(message, message_size, "%s", e->message);
    }
    mixdown_engine_free(e);
    return st;
  }
  *engine = e;
  return MIXDOWN_SUCCESS;
}

void
mixdown_engine_free(MixdownEngine* e)
{
  if (!e) {
    return;
  }
  md_engine_finish_ahead(e); // no helper may still be rendering a node
  for (size_t i = 0U; e->nodes && i < e->n_nodes; ++i) {
    MdEngineNode* n = &e->nodes[i];
    for (size_t j = 0U; j < n->n_clips; ++j) {
      md_clip_free(&n->clips[j]);
    }
    for (size_t j = 0U; j < n->n_inserts; ++j) {
      MdEngineInsert* ins = &n->inserts[j];
      if (ins->state) {
        ins->cls->destroy(ins->state);
      }
      if (ins->cls && ins->cls->release) {
        ins->cls->release(ins->cls);
      }
      for (uint32_t p = 0U; ins->automation && p < ins->n_values; ++p) {
        if (ins->live) {
          md_fader_value_free(&ins->live[p]); // owns the envelope `automation` points at
        } else {
          md_automation_free(ins->automation[p]);
        }
      }
      free(ins->automation);
      free(ins->live);
      free(ins->meter_extreme);
      for (int c = 0; c < 2; ++c) {
        free(ins->key_buf[c]);
      }
      md_delay_line_free(&ins->key_line);
      md_delay_line_free(&ins->dry_line);
      free(ins->live_meter);
    }
    for (int c = 0; c < 2; ++c) {
      if (n->io.own_buf) {
        free(n->io.buf[c]);
      }
      if (n->kind == MD_NODE_MASTER) {
        free(n->io.post[c]);
      }
      // Bank 1 may share bank 0's buffer (md_engine_build_parallel()).
      if (n->io.bank_buf[1][c] != n->io.bank_buf[0][c]) {
        free(n->io.bank_buf[1][c]);
      }
      if (n->io.bank_pre[1][c] != n->io.bank_pre[0][c]) {
        free(n->io.bank_pre[1][c]);
      }
      free(n->io.bank_buf[0][c]);
      free(n->io.bank_pre[0][c]);
      free(n->io.bank_post[0][c]);
      free(n->io.bank_post[1][c]);
      free(n->lazy.safe[0][c]);
      free(n->lazy.safe[1][c]);
    }
    for (int c = 0; c < 2; ++c) {
      free(n->stem.buf[c]);
    }
    md_delay_line_free(&n->stem.line);
    md_cache_close(n->cache.file);
    free(n->prefix.edges);
    md_sum_tree_free(n->prefix.tree);
    for (int b = 0; b < 2; ++b) {
      free(n->prefix.sum[b][0]);
      free(n->prefix.sum[b][1]);
    }
    md_recipe_free(&n->cache.recipe);
    md_measure_free(n->levels.pre); // and a scaled twin
    if (!n->levels.post_scaled) {
      md_measure_free(n->levels.post);
    }
    md_fader_value_free(&n->gain_db);
    md_fader_value_free(&n->pan);
    md_fader_value_free(&n->mute);
    if (n->spread_cursor != n->spread_detached) { // given back (fader.c): the two are one
      md_automation_free(n->spread_cursor);
    }
    md_automation_free(n->spread_detached);
    free(n->clips);
    free(n->inserts);
    free(n->name);
  }
  for (size_t k = 0U; k < e->n_edges; ++k) {
    md_fader_value_free(&e->edges[k].level_db);
    md_delay_line_free(&e->edges[k].delay);
  }
  md_plan_free(&e->plan);
  free(e->live_mute);
  free(e->live_solo);
  free(e->live_marks);
  free(e->edges);
  free(e->nodes);
  free(e->parallel);
  free(e->cache_dir);
  md_engine_set_workers(e, 0U);
  for (int c = 0; c < 2; ++c) {
    free(e->shared_buf[c]);
    free(e->shared_pre[c]);
    free(e->shared_post[c]);
  }
  free(e);
}

void
md_engine_set_silence_skip(MixdownEngine* e, bool skip)
{
  e->skip_silence = skip;
}
