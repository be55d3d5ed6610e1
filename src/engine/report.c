// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What a render reports besides the mix: stems, level meters (per strip,
// pre and post fader), insert meters, the time profile (render --stats),
// and the plan's read-outs for the routing graph (graph_info.c).
// Thread: enabling on the control thread before the first pull;
// md_engine_capture_stem() in a pull; read-outs between pulls.

#include "engine/engine_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE_TYPES (MIXDOWN_MAX_TIME_REPORTS - 3U)

// A stem is the node's post-fader output, delayed so that it lines up with
// the master's output frame for frame (the master comes after every node).
void
md_engine_capture_stem(MdEngineNode* node, uint32_t n)
{
  for (uint32_t c = 0U; c < 2U; ++c) {
    uint32_t pos = node->stem.line.pos;
    md_delay_line_run(&node->stem.line, c, &pos, node->io.post[c], node->stem.buf[c], n);
    if (c == 1U) {
      node->stem.line.pos = pos;
    }
  }
}

MixdownStatus
mixdown_engine_enable_stems(MixdownEngine* e)
{
  if (!e || e->position_frame != 0) {
    return MIXDOWN_ERR_BAD_ARG; // only before the first block
  }
  if (md_engine_unlazy(e)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const uint32_t master_latency = e->nodes[e->master].latency_out_frames;
  for (uint32_t k = 0U; k < e->master; ++k) {
    MdEngineNode* node = &e->nodes[k];
    if (md_delay_line_init(&node->stem.line, master_latency - node->latency_out_frames)) {
      return MIXDOWN_ERR_NO_MEM; // what was allocated is freed with the engine
    }
    for (int c = 0; c < 2; ++c) {
      if (!(node->stem.buf[c] = md_engine_new_buffer())) {
        return MIXDOWN_ERR_NO_MEM;
      }
    }
  }
  e->stems = true;
  return MIXDOWN_SUCCESS;
}

uint32_t
mixdown_engine_stem_count(const MixdownEngine* e)
{
  return e ? e->master : 0U;
}

const char*
mixdown_engine_stem_name(const MixdownEngine* e, uint32_t index)
{
  return e && index < e->master ? e->nodes[index].name : NULL;
}

uint32_t
mixdown_engine_meter_count(const MixdownEngine* e)
{
  uint32_t n = 0U;
  for (size_t i = 0U; e && i < e->n_nodes; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_inserts; ++j) {
      n += e->nodes[i].inserts[j].cls->n_meters;
    }
  }
  return n;
}

MixdownStatus
mixdown_engine_meter(const MixdownEngine* e, uint32_t index, MixdownMeterReport* meter)
{
  md_engine_settle(e);
  for (size_t i = 0U; e && meter && i < e->n_nodes; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_inserts; ++j) {
      const MdEngineInsert* ins = &e->nodes[i].inserts[j];
      if (index < ins->cls->n_meters) {
        memset(meter, 0, sizeof *meter);
        snprintf(meter->node, sizeof meter->node, "%s", e->nodes[i].name);
        snprintf(meter->processor, sizeof meter->processor, "%s", ins->cls->name);
        snprintf(meter->meter, sizeof meter->meter, "%s", ins->cls->meters[index].name);
        meter->extreme = ins->meter_extreme[index];
        meter->insert  = (uint32_t)j;
        return MIXDOWN_SUCCESS;
      }
      index -= ins->cls->n_meters;
    }
  }
  return MIXDOWN_ERR_BAD_ARG;
}

MixdownStatus
mixdown_engine_enable_levels(MixdownEngine* e, MixdownLevelDetail detail)
{
  if (!e || e->position_frame != 0) {
    return MIXDOWN_ERR_BAD_ARG; // only before the first block
  }
  // The pre-fader signal is measured only in full detail; a lazy track
  // makes its post-fader signal for the light meter itself.
  if (detail == MIXDOWN_LEVELS_FULL && md_engine_unlazy(e)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const bool     full   = detail == MIXDOWN_LEVELS_FULL;
  const unsigned series = detail == MIXDOWN_LEVELS_SERIES ? MD_MEASURE_LIGHT | MD_MEASURE_SERIES : 0U;
  e->level_series       = series != 0U;
  for (size_t k = 0U; k < e->n_nodes; ++k) {
    MdEngineNode* node = &e->nodes[k];
    if (node->levels.post) {
      continue;
    }
    node->levels.pre = full ? md_measure_new(2U, e->rate_hz, MD_MEASURE_FULL) : NULL;
    if (full && !node->levels.pre) {
      return MIXDOWN_ERR_NO_MEM;
    }
    // Behind a constant fader, post = pre × gain (a mute envelope acts
    // before the fader; a muted strip is silence on both sides): its levels
    // come from the pre-fader meter, scaled, at a fraction of the cost.
    node->levels.post_scaled = full && !e->live && !node->gain_db.envelope;
    node->levels.post  = node->levels.post_scaled ? md_measure_scaled(node->levels.pre, node->audible ? node->gain_linear : 0.0)
                                          : md_measure_new(2U, e->rate_hz, full ? MD_MEASURE_FULL : MD_MEASURE_LIGHT | series);
    if (!node->levels.post) {
      node->levels.post_scaled = false;
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

uint32_t
mixdown_engine_node_count(const MixdownEngine* e)
{
  return e ? (uint32_t)e->n_nodes : 0U;
}

MixdownStatus
mixdown_engine_node_levels(const MixdownEngine* e, uint32_t index, MixdownNodeLevels* levels)
{
  md_engine_settle(e);
  if (!e || !levels || index >= e->n_nodes || !e->nodes[index].levels.post) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  const MdEngineNode* node = &e->nodes[index];
  memset(levels, 0, sizeof *levels);
  levels->name   = node->name;
  levels->is_bus = node->kind == MD_NODE_TRACK ? 0 : node->kind == MD_NODE_BUS ? 1 : 2;
  if (node->levels.pre) {
    md_measure_levels(node->levels.pre, &levels->pre_fader);
  } else {
    levels->pre_fader.peak_dbfs = levels->pre_fader.rms_dbfs = levels->pre_fader.integrated_lufs = -HUGE_VAL;
    levels->pre_fader.true_peak_dbtp = levels->pre_fader.momentary_max_lufs = -HUGE_VAL;
    levels->pre_fader.short_term_max_lufs                                    = -HUGE_VAL;
  }
  if (node->cache.levels_stored) {
    levels->post_fader = node->cache.stored_levels;
  } else {
    md_measure_levels(node->levels.post, &levels->post_fader);
  }
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    const MdEngineInsert* ins = &node->inserts[j];
    for (uint32_t m = 0U; m < ins->cls->n_meters; ++m) {
      if (!strcmp(ins->cls->meters[m].name, "gain_reduction_db")) {
        levels->max_gain_reduction_db = fmin(levels->max_gain_reduction_db, ins->meter_extreme[m]);
      }
    }
  }
  return MIXDOWN_SUCCESS;
}

size_t
mixdown_engine_node_loudness_series(const MixdownEngine* e, uint32_t index, double* momentary_lufs,
                                    double* short_term_lufs, size_t max)
{
  md_engine_settle(e);
  if (!e || index >= e->n_nodes || !e->nodes[index].levels.post) {
    return 0U;
  }
  const MdMeasure* meter = e->nodes[index].levels.post;
  size_t           n     = 0U;
  const double*    m     = md_measure_momentary(meter, &n);
  const double*    s     = md_measure_short_term(meter, &n);
  const size_t     copy  = n < max ? n : max;
  if (momentary_lufs && copy) {
    memcpy(momentary_lufs, m, copy * sizeof(double));
  }
  if (short_term_lufs && copy) {
    memcpy(short_term_lufs, s, copy * sizeof(double));
  }
  return n;
}

// The distinct processor types in session order, into `names`; returns
// how many (at most `max`).
static uint32_t
profile_types(const MixdownEngine* e, const char** names, uint32_t max)
{
  uint32_t count = 0U;
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_inserts; ++j) {
      const char* name = e->nodes[i].inserts[j].cls->name;
      uint32_t    k    = 0U;
      while (k < count && strcmp(names[k], name)) {
        ++k;
      }
      if (k == count && count < max) {
        names[count++] = name;
      }
    }
  }
  return count;
}

// Rows after the processor types: sources, mixing and, with a cache, cache.
static uint32_t
profile_extra_rows(const MixdownEngine* e)
{
  return e->cache_dir ? 3U : 2U;
}

// Reading and writing the cache: tracks', and the bus trees' sums.
static double
cache_seconds(const MixdownEngine* e)
{
  double seconds = e->cache_seconds;
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    if (e->nodes[i].prefix.tree) {
      seconds += md_sum_tree_cache_seconds(e->nodes[i].prefix.tree);
    }
  }
  return seconds;
}

uint32_t
mixdown_engine_time_count(const MixdownEngine* e)
{
  const char* names[PROFILE_TYPES];
  return e ? profile_types(e, names, PROFILE_TYPES) + profile_extra_rows(e) : 0U;
}

MixdownStatus
mixdown_engine_time(const MixdownEngine* e, uint32_t index, MixdownTimeReport* time)
{
  md_engine_settle(e);
  if (!e || !time) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  const char*    names[PROFILE_TYPES];
  const uint32_t types = profile_types(e, names, PROFILE_TYPES);
  if (index >= types + profile_extra_rows(e)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  memset(time, 0, sizeof *time);
  double in_inserts = 0.0;
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_inserts; ++j) {
      const MdEngineInsert* ins = &e->nodes[i].inserts[j];
      in_inserts += ins->seconds;
      if (index < types && !strcmp(ins->cls->name, names[index])) {
        time->seconds += ins->seconds;
        time->blocks += ins->blocks;
        time->skipped += ins->skipped;
        ++time->instances;
      }
    }
  }
  if (index < types) {
    snprintf(time->what, sizeof time->what, "%s", names[index]);
  } else if (index == types) {
    snprintf(time->what, sizeof time->what, "sources");
    time->seconds = e->source_seconds;
  } else if (index == types + 1U) {
    snprintf(time->what, sizeof time->what, "mixing");
    time->seconds = fmax(0.0, e->block_seconds - e->source_seconds - in_inserts - cache_seconds(e));
  } else {
    snprintf(time->what, sizeof time->what, "cache");
    time->seconds = cache_seconds(e);
  }
  return MIXDOWN_SUCCESS;
}

const MdPlan*
md_engine_plan(const MixdownEngine* e)
{
  return &e->plan;
}

uint32_t
md_engine_insert_latency(const MixdownEngine* e, uint32_t node, uint32_t insert)
{
  const MdEngineInsert* ins = &e->nodes[node].inserts[insert];
  return ins->cls->latency(ins->state);
}
