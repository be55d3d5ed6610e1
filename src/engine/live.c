// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Live playback (live/player.c): going live, locating, the render limit
// of a loop, live moves (fader, pan, mute, solo, polarity, sends, insert
// values, bypass) and live meters (strips' and inserts').
// Thread: md_engine_go_live() on the control thread, before the first
// pull; everything else on the audio thread between pulls.

#include "engine/engine_internal.h"

#include "dsp/db.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

// The frame on the timeline of the stage `c` acts in from which a move
// applied now glides: the frame before the next block there (the block's
// first frame takes the first step, its last arrives), never before 0.
// The fader, mute and sends act after the node's inserts; the pan of a
// mixed track first at its input (the spread), an insert at its place.
static int64_t
move_frame(const MixdownEngine* e, const MdLiveChange* c)
{
  if (c->node >= e->n_nodes) {
    return e->position_frame;
  }
  const MdEngineNode* node    = &e->nodes[c->node];
  uint32_t            latency = node->latency_out_frames;
  if (c->kind == MD_LIVE_PAN && node->spread_mono) {
    latency = node->latency_in_frames;
  } else if ((c->kind == MD_LIVE_INSERT || c->kind == MD_LIVE_BYPASS) && c->index < node->n_inserts) {
    latency = node->latency_in_frames + node->inserts[c->index].pre_latency_frames;
  }
  const int64_t frame = e->position_frame - (int64_t)latency - 1;
  return frame > 0 ? frame : 0;
}

int64_t
md_engine_live_move_frame(const MixdownEngine* e, const MdLiveChange* change)
{
  return move_frame(e, change);
}

// A live move takes an envelope over: it stops playing but lives on (freed
// with the engine: the audio thread never frees).
static void
take_over(MdAutomation** playing, MdAutomation** detached)
{
  if (*playing && !*detached) {
    *detached = *playing;
  }
  *playing = NULL;
}

// The one glide of every live move: from where `v` is at frame `start` (its
// envelope's or glide's value there, or its constant) straight to `to`
// over one block, as the take writes it (live/record.c).
static void
glide_line(const MixdownEngine* e, MdFaderValue* v, double from, double to, int64_t start)
{
  // Each end a frame's own time, so that the frame it arrives on is `to` exactly.
  const int64_t last = start + (int64_t)e->block_size_frames;
  md_automation_set_line(v->line, (double)start / e->rate_hz, from, (double)last / e->rate_hz, to);
  v->glide            = v->line;
  v->glide_last_frame = last;
  v->value            = to;
}

// Where `v` is at frame `start`: its glide's or envelope's value there, or
// its constant.
static double
value_at(const MixdownEngine* e, const MdFaderValue* v, int64_t start)
{
  MdAutomation* curve = v->glide ? v->glide : v->envelope;
  return curve ? md_automation_value(curve, (double)start / e->rate_hz) : v->value;
}

// An envelope a move took over, given back: from where `v` is at `start`
// to the envelope's value where the glide arrives, then the envelope (the
// glide ends and the curve read is the envelope again).
static void
give_back(const MixdownEngine* e, MdFaderValue* v, int64_t start)
{
  if (!v->detached || v->envelope) {
    return; // nothing taken over, or it plays already
  }
  const double  from = value_at(e, v, start);
  const int64_t last = start + (int64_t)e->block_size_frames;
  glide_line(e, v, from, md_automation_value(v->detached, (double)last / e->rate_hz), start);
  v->envelope = v->detached;
}

static void
glide(const MixdownEngine* e, MdFaderValue* v, double to, int64_t start)
{
  const double from = value_at(e, v, start);
  take_over(&v->envelope, &v->detached);
  glide_line(e, v, from, to, start);
}

// An insert's value slots as fader values (engine_internal.h): the
// session's envelopes move into them first (nothing can fail then), then
// each number gets its glide line.
// Live, every insert can be bypassed: its dry line (of its latency) is
// fed every block, so that a bypass finds the dry signal already there;
// and its meters are read since the last read.
static MixdownStatus
live_insert(const MixdownEngine* e, MdEngineInsert* ins, const MdInsert* model)
{
  if (!(ins->live = calloc(ins->n_values ? ins->n_values : 1U, sizeof(MdFaderValue))) ||
      !(ins->live_meter = calloc(ins->cls->n_meters ? ins->cls->n_meters : 1U, sizeof(double)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  if (!ins->dry_line.ring[0] && md_delay_line_init(&ins->dry_line, ins->latency_frames)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const double fade_frames = fmax(1.0, round(MD_BYPASS_FADE_S * e->rate_hz));
  ins->bypass_step         = 1.0 / fade_frames;
  ins->dry_always          = true;
  for (uint32_t p = 0U; p < ins->n_values; ++p) {
    ins->live[p].value    = model->values[p].value;
    ins->live[p].envelope = ins->automation[p];
  }
  for (uint32_t p = 0U; p < ins->n_values; ++p) {
    const MdParam* param = md_processor_slot_param(ins->cls, p);
    if (param && param->info.kind == MIXDOWN_PARAM_NUMBER && !(ins->live[p].line = md_automation_new_line())) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_engine_go_live(MixdownEngine* e, const MixdownSession* session, uint32_t block_frames, MdClipFeed feed,
                  void* feed_user)
{
  if (!e || !session || !feed || e->position_frame != 0 || !block_frames || block_frames > MD_BLOCK_FRAMES ||
      session->n_nodes != e->n_nodes) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MixdownStatus st = md_engine_set_workers(e, 1U); // the audio thread alone: no waiting on helpers
  if (!st) {
    st = md_engine_unlazy(e); // every strip writes its post-fader signal: meters read it
  }
  e->live_mute  = calloc(e->n_nodes, sizeof(bool));
  e->live_solo  = calloc(e->n_nodes, sizeof(bool));
  e->live_marks = calloc(3U * e->n_nodes, sizeof(bool));
  if (st || !e->live_mute || !e->live_solo || !e->live_marks) {
    return st ? st : MIXDOWN_ERR_NO_MEM;
  }
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    MdEngineNode* node = &e->nodes[i];
    e->live_mute[i]    = md_node_muted(&session->nodes[i]);
    e->live_solo[i]    = session->nodes[i].solo;
    node->mute.value   = node->audible ? 0.0 : 1.0;
    node->audible      = true; // mute and solo act through node->mute
    if (!(node->gain_db.line = md_automation_new_line()) || !(node->pan.line = md_automation_new_line()) ||
        !(node->mute.line = md_automation_new_line())) {
      return MIXDOWN_ERR_NO_MEM;
    }
    for (size_t j = 0U; j < node->n_inserts; ++j) {
      if ((st = live_insert(e, &node->inserts[j], &session->nodes[i].inserts[j]))) {
        return st;
      }
    }
  }
  for (size_t k = 0U; k < e->n_edges; ++k) {
    if (!(e->edges[k].level_db.line = md_automation_new_line())) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  e->session      = session;
  e->live         = true;
  e->block_size_frames   = block_frames;
  e->feed         = feed;
  e->feed_user    = feed_user;
  return MIXDOWN_SUCCESS;
}

uint32_t
md_engine_input_latency(const MixdownEngine* e, uint32_t node)
{
  return node < e->n_nodes ? e->nodes[node].latency_in_frames : 0U;
}

// A glide lies on the timeline it began on: after a jump (a locate, a
// loop's wrap) it would read its start's value until the transport came
// back past its end — a move just before a loop's end held off for a lap.
// Every value is where its glide was going.
static void
end_glides(MixdownEngine* e)
{
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    MdEngineNode* node = &e->nodes[i];
    md_engine_settle_strip(node, INT64_MAX);
    for (size_t j = 0U; j < node->n_inserts; ++j) {
      if (node->inserts[j].live) {
        md_engine_settle_insert(&node->inserts[j], INT64_MAX);
      }
    }
  }
  for (size_t k = 0U; k < e->n_edges; ++k) {
    md_fader_value_settle(&e->edges[k].level_db, INT64_MAX);
  }
}

void
md_engine_locate(MixdownEngine* e, int64_t frame)
{
  md_engine_finish_ahead(e);
  if (e->live) {
    end_glides(e);
  }
  e->position_frame      = frame;
  e->block_length_frames = 0U;
  e->block_done_frames   = 0U;
  e->drop_until_frame    = frame + (int64_t)e->latency_frames;
  e->delivered_frames    = frame > 0 ? (uint64_t)frame : 0U;
}

void
md_engine_set_render_limit(MixdownEngine* e, int64_t limit_frame)
{
  e->render_limit_frame = limit_frame;
}

uint64_t
md_engine_position(const MixdownEngine* e)
{
  return e->delivered_frames;
}

// How far a strip is muted at `time_s`: its mute switch (`value`, or the
// glide towards it) and, while no mute move has taken it over, its mute
// envelope — both close it (fader.c multiplies their openings).
static double
mute_at(MdFaderValue* mute, double time_s)
{
  const double gate = mute->glide ? md_automation_value(mute->glide, time_s) : mute->value;
  if (!mute->envelope) {
    return gate;
  }
  const double envelope = md_automation_value(mute->envelope, time_s);
  return gate == 0.0 ? envelope : 1.0 - (1.0 - gate) * (1.0 - envelope);
}

// Mute and solo as they stand now: every strip whose audibility changes
// glides there.  `moved`, muted or unmuted by a move, glides even to where
// it was, from where it is: its move takes its mute envelope over (the
// take writes it so).  A strip a solo silences or gives back keeps its
// envelope: only its switch glides, and unsoloed it follows the envelope
// again.
static void
live_mute_solo(MixdownEngine* e, uint32_t moved)
{
  bool* audible = e->live_marks + 2U * e->n_nodes; // after md_plan_audible()'s scratch
  md_plan_audible(e->session, e->plan.order, e->live_mute, e->live_solo, e->live_marks, audible);
  for (uint32_t i = 0U; i < e->n_nodes; ++i) {
    MdFaderValue* mute   = &e->nodes[i].mute;
    const double  target = audible[i] ? 0.0 : 1.0;
    const int64_t start  = move_frame(e, &(MdLiveChange){.kind = MD_LIVE_MUTE, .node = i});
    if (i == moved && (mute->envelope || mute->glide)) {
      const double from = mute_at(mute, (double)start / e->rate_hz);
      take_over(&mute->envelope, &mute->detached);
      glide_line(e, mute, from, target, start);
    } else if (target != mute->value) {
      const double from = mute->glide ? md_automation_value(mute->glide, (double)start / e->rate_hz) : mute->value;
      glide_line(e, mute, from, target, start);
    }
  }
}

// Whether any value slot of `ins` follows a curve.
static bool
any_automation(const MdEngineInsert* ins)
{
  bool automated = false;
  for (uint32_t p = 0U; p < ins->n_values; ++p) {
    automated = automated || ins->automation[p];
  }
  return automated;
}

// A number glides as a fader does, and reaches the processor as automation
// does (every MD_CONTROL_FRAMES, insert.c) — as the take writes and renders
// it.  A choice, switch or list count (which a take writes as a constant)
// is set at once.
static void
live_insert_move(MixdownEngine* e, MdEngineInsert* ins, uint32_t slot, double to, int64_t start)
{
  MdFaderValue* v = &ins->live[slot];
  if (v->line) {
    glide(e, v, to, start);
    ins->automation[slot] = v->glide;
    ins->automated        = true;
  } else {
    take_over(&v->envelope, &v->detached);
    v->value              = to;
    ins->automation[slot] = NULL;
    ins->automated        = any_automation(ins);
    ins->cls->set_param(ins->state, slot, to);
  }
  ins->quiet = false; // a new value may move state that was at rest
}

// A bypass move: the crossfade starts at the insert's next block
// (insert.c).  Put back in after being out altogether, the processor starts
// from silence: what it held when it was bypassed is not played late.
static void
live_bypass(MdEngineInsert* ins, bool bypass)
{
  if (bypass == ins->bypass) {
    return;
  }
  if (!bypass && ins->bypass_mix == 1.0) {
    ins->cls->reset(ins->state);
  }
  ins->bypass = bypass;
  ins->quiet  = false;
}

void
md_engine_settle_insert(MdEngineInsert* ins, int64_t t_next)
{
  bool settled = false;
  for (uint32_t p = 0U; p < ins->n_values; ++p) {
    MdFaderValue* v = &ins->live[p];
    if (v->glide) {
      md_fader_value_settle(v, t_next);
      if (!v->glide && v->envelope) { // a given-back envelope: it plays on from where the glide arrived
        ins->automation[p] = v->envelope;
      } else if (!v->glide) {
        // Arrived: the value it arrived at, as the next block's automation
        // would give it, and then no more curve.
        ins->automation[p] = NULL;
        ins->cls->set_param(ins->state, p, v->value);
        settled = true;
      }
    }
  }
  if (settled) {
    ins->automated = any_automation(ins);
  }
}

// The send `index` of `node` (a node's edges are its output, then its
// sends), or NULL.
static MdEdge*
send_edge(MixdownEngine* e, const MdEngineNode* node, uint32_t index)
{
  const size_t first = node->n_edges && !e->edges[node->first_edge].is_send ? 1U : 0U;
  return first + index < node->n_edges ? &e->edges[node->first_edge + first + index] : NULL;
}

// A number of an insert: its glide, then its envelope (md_engine_settle_insert).
static void
live_insert_resume(MixdownEngine* e, MdEngineInsert* ins, uint32_t slot, int64_t start)
{
  MdFaderValue* v = &ins->live[slot];
  if (v->line && v->detached && !v->envelope) {
    give_back(e, v, start);
    ins->automation[slot] = v->glide;
    ins->automated        = true;
    ins->quiet            = false;
  }
}

void
md_engine_live_resume(MixdownEngine* e, const MdLiveChange* change)
{
  if (!e->live || change->node >= e->n_nodes) {
    return;
  }
  MdEngineNode* node  = &e->nodes[change->node];
  const int64_t start = move_frame(e, change);
  MdEdge*       ed    = NULL;
  switch (change->kind) {
  case MD_LIVE_GAIN_DB:
    give_back(e, &node->gain_db, start);
    node->gain_linear = md_db_to_gain(node->gain_db.value);
    break;
  case MD_LIVE_PAN:
    give_back(e, &node->pan, start); // the spread takes its envelope back when the glide ends (fader.c)
    break;
  case MD_LIVE_MUTE:
    if (node->mute.detached && !node->mute.envelope) {
      node->mute.envelope        = node->mute.detached;
      e->live_mute[change->node] = false;
      live_mute_solo(e, UINT32_MAX);
    }
    break;
  case MD_LIVE_SEND_DB:
    if ((ed = send_edge(e, node, change->index))) {
      give_back(e, &ed->level_db, start);
      ed->level_linear = md_db_to_gain(ed->level_db.value);
    }
    break;
  case MD_LIVE_INSERT:
    if (change->index < node->n_inserts && change->slot < node->inserts[change->index].n_values) {
      live_insert_resume(e, &node->inserts[change->index], change->slot, start);
    }
    break;
  case MD_LIVE_SOLO:
  case MD_LIVE_INVERT:
  case MD_LIVE_BYPASS:
    break; // no envelope to give back
  }
}

void
md_engine_live_set(MixdownEngine* e, const MdLiveChange* change)
{
  if (!e->live || change->node >= e->n_nodes) {
    return;
  }
  MdEngineNode* node  = &e->nodes[change->node];
  const int64_t start = move_frame(e, change);
  switch (change->kind) {
  case MD_LIVE_GAIN_DB:
    glide(e, &node->gain_db, change->value, start);
    node->gain_linear = md_db_to_gain(change->value);
    break;
  case MD_LIVE_PAN:
    take_over(&node->spread_cursor, &node->spread_detached); // the spread follows the pan's glide
    glide(e, &node->pan, change->value, start);
    break;
  case MD_LIVE_MUTE:
  case MD_LIVE_SOLO:
    (change->kind == MD_LIVE_MUTE ? e->live_mute : e->live_solo)[change->node] = change->value != 0.0;
    live_mute_solo(e, change->kind == MD_LIVE_MUTE ? change->node : UINT32_MAX);
    break;
  case MD_LIVE_INVERT:
    node->invert = change->value != 0.0;
    break;
  case MD_LIVE_SEND_DB: {
    MdEdge* ed = send_edge(e, node, change->index);
    if (!ed) {
      return;
    }
    glide(e, &ed->level_db, change->value, start);
    ed->level_linear = md_db_to_gain(change->value);
    break;
  }
  case MD_LIVE_INSERT: {
    if (change->index >= node->n_inserts || change->slot >= node->inserts[change->index].n_values) {
      return;
    }
    live_insert_move(e, &node->inserts[change->index], change->slot, change->value, start);
    break;
  }
  case MD_LIVE_BYPASS:
    if (change->index < node->n_inserts) {
      live_bypass(&node->inserts[change->index], change->value != 0.0);
    }
    break;
  }
}

// Live meters: peak and energy of the post-fader signal since last read.
void
md_engine_live_meter_add(MdEngineNode* node, uint32_t n)
{
  float  peak = node->live.peak_linear;
  double sum  = 0.0;
  for (int c = 0; c < 2; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      const float x = fabsf(node->io.post[c][i]);
      peak          = x > peak ? x : peak;
      sum += (double)x * x;
    }
  }
  node->live.peak_linear = peak;
  node->live.sum_squares += sum * 0.5;
  node->live.frames += n;
}

void
md_engine_live_meter(MixdownEngine* e, uint32_t index, float* peak_linear, double* sum_squares, uint64_t* frames)
{
  MdEngineNode* node     = &e->nodes[index];
  *peak_linear           = node->live.peak_linear;
  *sum_squares           = node->live.sum_squares;
  *frames                = node->live.frames;
  node->live.peak_linear = 0.0F;
  node->live.sum_squares = 0.0;
  node->live.frames      = 0U;
}

void
md_engine_enable_live_meters(MixdownEngine* e)
{
  e->live_meters = e->live;
}

uint64_t
md_engine_feed_misses(const MixdownEngine* e)
{
  return e->feed_misses;
}

uint32_t
md_engine_insert_meter_count(const MixdownEngine* e)
{
  uint32_t n = 0U;
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_inserts; ++j) {
      n += e->nodes[i].inserts[j].cls->n_meters;
    }
  }
  return n;
}

bool
md_engine_insert_meter_info(const MixdownEngine* e, uint32_t k, MdInsertMeterInfo* info)
{
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_inserts; ++j) {
      const MdProcessorClass* cls = e->nodes[i].inserts[j].cls;
      if (k < cls->n_meters) {
        *info = (MdInsertMeterInfo){(uint32_t)i, (uint32_t)j, k, cls->meters[k].name};
        return true;
      }
      k -= cls->n_meters;
    }
  }
  return false;
}

uint32_t
md_engine_live_insert_meters(MixdownEngine* e, float* out, uint32_t n)
{
  uint32_t k = 0U;
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    for (size_t j = 0U; j < e->nodes[i].n_inserts; ++j) {
      MdEngineInsert* ins = &e->nodes[i].inserts[j];
      for (uint32_t m = 0U; m < ins->cls->n_meters && k < n; ++m) {
        out[k++] = ins->live_meter ? (float)ins->live_meter[m] : 0.0F;
        if (ins->live_meter) {
          ins->live_meter[m] = 0.0;
        }
      }
    }
  }
  return k;
}
