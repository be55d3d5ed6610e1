// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The engine: builds runnable nodes from the session model and the plan,
// and renders the mix block by block.
//
// Per block, in plan order:
//   track:  clips (streamed, faded) → polarity → inserts
//   bus:    sum of its inputs       → polarity → inserts
//   both:   → pan/balance = "pre" (pre-fader taps) → fader = "post"
//           → edges: output and sends, each delayed to align latencies
//
// Threads: tracks that no sidechain keys into ("parallel" tracks) depend on
// nothing but their own clips, so each block first renders all of them up
// to their edges, on a fixed pool of workers (pool.h), into buffers of
// their own.  Then, on the calling thread and in plan order, their edges
// feed the buses and every other node renders as before.  The sums happen
// in the same order whatever the thread count, so the output is the same
// to the bit with 1 thread or 64.
// The engine knows nothing of any one processor: it drives them through
// MdProcessorClass and feeds automation to them through set_param().

#include "engine/engine.h"

#include "dsp/db.h"
#include "dsp/kernels/kernels.h"
#include "dsp/strip.h"
#include "engine/automation.h"
#include "engine/cache.h"
#include "engine/clip.h"
#include "engine/graph.h"
#include "engine/pool.h"
#include "engine/sum_tree.h"
#include "io/measure.h"
#include "io/source.h"
#include "platform/clock.h"
#include "platform/fpu.h"
#include "source_hash.h" // generated: MD_SOURCE_HASH, MD_BUILD_FLAVOUR
#include "util/attributes.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_BLOCK_FRAMES   1024U // frames per engine block
#define MD_CONTROL_FRAMES 32U   // automation reaches processors at this granularity

typedef struct {
  const MdProcessorClass* cls;
  void*                   state;
  uint32_t                in_channels;
  uint32_t                out_channels;
  uint32_t                n_values;
  MdAutomation**          automation;  ///< Per value slot, NULL when constant
  bool                    automated;   ///< Any value has an envelope
  uint32_t                pre_latency; ///< Latency of the inserts before this one
  uint32_t                key_node;    ///< Node keying the sidechain, or MD_NO_NODE
  uint32_t                key_delay;   ///< Frames that align the key with this insert
  float*                  key_ring[2]; ///< Key delay line per channel
  uint32_t                key_ring_pos;
  float*                  key_buf[2];  ///< The aligned key for the current block
  double*                 meter_extreme; ///< Per meter: furthest from 0 so far
  double                  seconds;       ///< Time spent in process() (render --stats)
  uint64_t                blocks;        ///< Blocks given to it…
  uint64_t                skipped;       ///< …and skipped as silence (render --stats)
  bool                    quiet;         ///< The last block it processed was silence in and out
  MdAutomation**          detached;      ///< Live: envelopes a live move took over, per value slot
} MdEngineInsert;


typedef struct {
  uint32_t      from;
  uint32_t      to;
  bool          pre_fader;
  bool          is_send;
  double        level;      ///< Linear gain when constant
  MdAutomation* level_auto; ///< Send level envelope (dB), or NULL
  uint32_t      delay;      ///< Latency alignment in frames
  bool          in_prefix;  ///< Summed by a helper into its bus's prefix (see sum_prefixes())
  bool          covered;    ///< …inside a partial sum read from the render cache: never read
  float*        ring[2];    ///< Delay line per channel (delay frames)
  uint32_t      ring_pos;
  double        level_target; ///< Live: the level glided to over the next block (= level offline)
  MdAutomation* level_detached; ///< Live: the envelope a live move took over
} MdEdge;

typedef struct {
  MdNodeKind      kind;
  char*           name;
  uint32_t        channels; ///< After the inserts (1 or 2); buses always 2
  uint32_t        source_channels; ///< 1 when every clip is mono: the pan is the pan law (see pan_gains())
  /// A track with both mono and stereo clips: its mono clips are summed
  /// apart (MdWorker.mono_buf) and spread onto the stereo pair before the
  /// inserts, at gains that the balance after them turns into the pan
  /// law's (md_pan_spread()), so a mono clip's level does not depend on
  /// the clips beside it.
  bool            spread_mono;
  MdAutomation*   spread_auto;     ///< The pan envelope's own cursor for the spread (at the input's time)
  MdAutomation*   spread_detached; ///< Live: …taken over by a pan move
  double          spread_pan;      ///< Live: the pan the spread has glided to
  MdClipPlayer*   clips;
  size_t          n_clips;
  MdEngineInsert* inserts;
  size_t          n_inserts;
  double          gain;       ///< Linear fader gain when constant
  MdAutomation*   gain_auto;  ///< Fader envelope (dB), or NULL
  double          pan;        ///< When constant
  MdAutomation*   pan_auto;   ///< Pan envelope, or NULL
  MdAutomation*   mute_auto;  ///< Mute envelope (0 open … 1 muted), or NULL
  double          pan_law_db;
  bool            invert;
  bool            audible;
  float*          buf[2];  ///< Input sum, then the insert chain in place (owned when own_buf)
  float*          pre[2];  ///< After pan, before the fader (serial nodes: shared scratch; parallel: a bank)
  float*          post[2]; ///< After the fader (likewise; the master owns its own; NULL when lazy_post)
  bool            own_buf; ///< Buses, the master and tracks that key a sidechain
  size_t          first_edge; ///< This node's edges in MixdownEngine.edges
  size_t          n_edges;
  uint32_t        latency_in;  ///< Delay of this node's input against the timeline
  uint32_t        latency_out; ///< …and of its output
  float*          stem[2];     ///< With stems: this block's post-fader output, aligned with the master's
  float*          stem_ring[2]; ///< The alignment delay line (master latency - this node's)
  uint32_t        stem_delay;
  uint32_t        stem_pos;
  MdMeasure*      level_pre;   ///< With levels: before the fader
  MdMeasure*      level_post;  ///< …and after
  /// level_post is level_pre's scaled twin (md_measure_scaled(): a
  /// constant fader), fed and freed through level_pre.
  bool            post_scaled;
  /// A lazy track's post-fader levels as its cache file keeps them (when
  /// measured at the same gains, they are not measured again).
  bool            has_stored_levels;
  float           stored_level_gains[2];
  MixdownLevels   stored_levels;
  bool            levels_stored; ///< level_post is not fed: stored_levels are the levels
  bool            parallel;    ///< A track keyed by no sidechain: rendered by any worker
  MdRecipe        recipe;      ///< What shapes its post-insert signal (the cache key)
  MdCacheFile*    cache;       ///< With --cache: its cache file, read or being written
  bool            cache_hit;   ///< …read: clips and inserts are not run
  char            cache_key[MD_CACHE_KEY_CHARS]; ///< …named by this ("" when not cached)
  bool            covered;     ///< Every edge is inside cached partial sums: not rendered at all
  bool            is_key;      ///< Keys a sidechain: its buf is read by another node
  bool            pre_sends;   ///< Has pre-fader sends: its pre-fader signal is used
  /// A parallel track with constant pan and fader whose edges are plain
  /// sums (constant level, no delay): its bus inputs join the buses' sum
  /// trees (offline; whether or not it is lazy, so stems and meters never
  /// change the order of a sum).
  bool            plain_sum;
  /// …and, with no stems or full meters, lazy: it never writes its
  /// post-fader signal; its edges read the signal after the inserts (or
  /// the cache) and apply pan × fader on the way (mix_add_scaled: the same
  /// two roundings as scale, then mix_add).
  bool            lazy_post;
  float           lazy_gain[2];    ///< pan × fader, per side
  const float*    lazy_src[2][2];  ///< [bank][side]: the signal those apply to
  /// A lazy track whose gain boosts (> 1 on a side) may overflow: in a
  /// block where it would, its edges read a copy of the signal with the
  /// samples that overflow silenced (as the fader's guard does on other
  /// tracks), [bank][side].
  float*          lazy_safe[2][2];
  /// A bus's inputs from plain-sum tracks: the helpers sum them (in
  /// prefix_tree's fixed order) into prefix[bank] once every parallel track
  /// of the block is done, and the bus starts from that sum instead of zero;
  /// its other inputs are added to it in plan order.
  uint32_t*       prefix_edges;
  uint32_t        n_prefix;
  MdSumTree*      prefix_tree;
  float*          prefix[2][2];
  uint64_t        non_finite;  ///< Non-finite samples replaced on this node (kept in the cache)
  /// Parallel tracks render block k+1 while block k's edges are fed, so
  /// they alternate between two banks of buffers (bank = block number & 1).
  float*          bank_buf[2][2];
  float*          bank_pre[2][2];
  float*          bank_post[2][2];
  uint32_t        bank;         ///< The bank render_strip() uses now
  char            notes[2][200]; ///< First non-finite event per bank (merged in plan order)
  char            first_note[200]; ///< The first of all (kept in the cache)
  /// …and of pan and fader, per bank: not kept in the cache (they do not
  /// shape the cached signal), merged after `notes`.
  char            fader_notes[2][200];
  /// Live playback (md_engine_go_live()): targets a live move sets, glided
  /// to over the next block; envelopes the moves took over; meters.
  double          gain_target;
  double          pan_target;
  double          mute_gain;   ///< 1 audible, 0 muted or silenced by a solo
  double          mute_target;
  MdAutomation*   gain_detached;
  MdAutomation*   pan_detached;
  MdAutomation*   mute_detached;
  float           live_peak;
  double          live_sum_squares;
  uint64_t        live_frames;
} MdEngineNode;

/// What one thread needs to render strips: scratch and its own tallies,
/// merged into the engine after each block's parallel part.
typedef struct {
  float*        clip_buf[2];
  float*        mono_buf;  ///< The mono clips of a track with spread_mono
  double*       scratch_a; ///< Per-sample automation values
  double*       scratch_b;
  uint64_t      non_finite;
  double        source_seconds;
  double        cache_seconds; ///< Reading and writing the render cache
  double        busy_seconds;
  MixdownStatus status;    ///< First failure of this worker in this block…
  size_t        failed_at; ///< …at this index of `parallel`
  char          message[512];
} MdWorker;

struct MixdownEngineImpl {
  double        rate;
  MdEngineNode* nodes;
  size_t        n_nodes;
  MdEdge*       edges;
  size_t        n_edges;
  MdPlan        plan;
  uint32_t      master;
  uint32_t      latency;     ///< Master path latency, dropped from the start
  uint64_t      length;      ///< Frames of mix to deliver
  int64_t       position;    ///< Timeline frame of the next block
  uint32_t      block_len;   ///< Frames in the current master block
  uint32_t      block_pos;   ///< Frames of it already delivered or dropped
  uint64_t      delivered;
  bool          stems;       ///< Stems enabled (mixdown_engine_enable_stems)
  uint64_t      non_finite;
  char          non_finite_where[200]; ///< Where the first non-finite audio appeared
  float*        shared_buf[2];  ///< The insert buffer of serial tracks that key nothing
  float*        shared_pre[2];  ///< Serial nodes' pre-fader signal, used at once by its edges
  float*        shared_post[2]; ///< …and their post-fader signal
  MdWorker*     workers;        ///< [0] is the calling thread
  uint32_t      n_workers;
  MdPool*       pool;           ///< Helpers 1 … n_workers - 1, or NULL
  const MdKernels* kernels;
  uint32_t*     parallel;       ///< Parallel tracks, in plan order
  size_t        n_parallel;
  atomic_size_t next_parallel;  ///< The next of them to take, this block
  atomic_size_t parallel_done;  ///< …and how many are rendered
  bool          prefixes_built;
  int64_t       block_t0;       ///< The block the parallel tracks render
  uint32_t      block_frames;
  uint32_t      block_bank;
  uint64_t      block_index;    ///< Blocks rendered so far
  bool          ahead;          ///< The helpers are rendering the next block's parallel tracks
  bool          ready;          ///< …and are done with them (joined early, by a read-out)
  uint32_t      cache_hits;     ///< Parallel tracks read from the cache
  uint32_t      cache_tracks;   ///< Parallel tracks with a cache file
  char*         cache_dir;      ///< With a cache: its folder (for the partial sums)
  uint64_t      cache_limit;    ///< …kept under this many bytes at the end of a render
  int64_t       cache_since_ns; ///< …by removing files not used since before this
  uint32_t      cache_removed;  ///< …: how many
  uint32_t      cache_damaged;  ///< Cache files whose checksum failed: re-rendered
  bool          skip_silence;   ///< Skip inserts at rest on silence (MIXDOWN_NO_SILENCE_SKIP unsets)
  double        source_seconds; ///< Time spent decoding and resampling
  double        cache_seconds;  ///< …reading and writing the render cache's tracks
  double        block_seconds;  ///< Time spent rendering blocks, all told (CPU, every worker)
  uint32_t      block_size;     ///< Frames per block (MD_BLOCK_FRAMES, or the live period)
  int64_t       drop_until;     ///< Timeline frames before this are the master latency: dropped
  int64_t       render_limit;   ///< Live: no block renders past this timeline frame (a loop's end)
  bool          live;           ///< md_engine_go_live(): sources come from `feed`, moves from live control
  bool          live_meters;    ///< md_engine_enable_live_meters(): strips measure their output
  bool          level_series;   ///< MIXDOWN_LEVELS_SERIES: every strip's meter keeps its loudness series
  MdClipFeed    feed;
  void*         feed_user;
  uint64_t      feed_misses;    ///< Blocks a track's feed could not fill (silence instead)
  const MixdownSession* session; ///< Live: for the routing solo follows
  bool*         live_mute;      ///< Live: per node
  bool*         live_solo;
  bool*         live_marks;     ///< md_plan_audible()'s scratch (2 × nodes), then its result
  char          message[512];
};

/* ------------------------------------------------------------------------ */
/* Building                                                                  */

static void finish_ahead(MixdownEngine* e);

// Read-outs (meters, levels, times) between pulls: the helpers may be
// rendering the next block's parallel tracks; let them finish first.
static void
settle(const MixdownEngine* e)
{
  if (e && e->ahead) {
    finish_ahead((MixdownEngine*)e); // logically const: completes work already under way
  }
}

static void MD_PRINTF(2, 3)
set_message(MixdownEngine* e, const char* fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, args);
  va_end(args);
}

static float*
new_buffer(void)
{
  return calloc(MD_BLOCK_FRAMES, sizeof(float));
}

static bool
automation_for(const MdValue* value, MdAutomation** out)
{
  *out = NULL;
  return !value->envelope || (*out = md_automation_new(value->envelope)) != NULL;
}

// Decodes `path` whole, at the render rate, for a processor's load().
static MixdownStatus
load_file(MixdownEngine* e, const MdProcessorClass* cls, void* state, const char* path)
{
  char      why[400];
  MdSource* source = md_source_open(path, 0, e->rate, why, sizeof why);
  if (!source) {
    set_message(e, "`%s` insert: %s", cls->name, why);
    return MIXDOWN_ERR_DECODE;
  }
  const uint64_t frames   = md_source_length(source);
  const uint32_t channels = md_source_channels(source);
  float*         data[2]  = {calloc(frames + 1U, sizeof(float)), calloc(frames + 1U, sizeof(float))};
  MixdownStatus  st       = data[0] && data[1] ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  uint64_t       ignored  = 0U;
  for (uint64_t done = 0U; !st && done < frames;) {
    const uint32_t n      = frames - done < 4096U ? (uint32_t)(frames - done) : 4096U;
    float* const   out[2] = {data[0] + done, data[1] + done};
    st = md_source_read(source, out, n, &ignored, NULL, why, sizeof why);
    done += n;
  }
  md_source_close(source);
  if (!st) {
    st = cls->load(state, (const float* const*)data, channels, frames);
  } else {
    set_message(e, "`%s` insert: cannot load `%s`", cls->name, path);
  }
  free(data[0]);
  free(data[1]);
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
  const MixdownStatus st = cls->prepare(insert->state, e->rate, MD_BLOCK_FRAMES);
  if (st) {
    set_message(e, "cannot prepare the `%s` processor: %s", cls->name, mixdown_strerror(st));
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
    if (md_clip_init(&node->clips[i], &model->clips[i], e->rate)) {
      return MIXDOWN_ERR_NO_MEM;
    }
    if (model->clips[i].channels > node->source_channels) {
      node->source_channels = model->clips[i].channels;
    }
  }
  node->spread_mono = md_clip_spreads_mono(model);
  return MIXDOWN_SUCCESS;
}

static void
describe_value(MdRecipe* r, const MdValue* v)
{
  md_recipe_add(r, " %a", v->value);
  for (size_t k = 0U; v->envelope && k < v->envelope->n_points; ++k) {
    md_recipe_add(r, " [%a %a %d]", v->envelope->points[k].time_s, v->envelope->points[k].value,
                  (int)v->envelope->curve);
  }
}

// Everything in the session that shapes a track's signal up to its
// inserts' output (not pan, fader or sends), for the render cache's key.
// Floats in hex: exact.
static void
describe_track(MdRecipe* r, const MdNode* model)
{
  md_recipe_add(r, "track invert %d\n", (int)model->invert);
  if (md_clip_spreads_mono(model)) {
    // Its mono clips are spread before the inserts at gains set by the pan.
    md_recipe_add(r, "spread %a", model->pan_law_db);
    describe_value(r, &model->pan);
    md_recipe_add(r, "\n");
  }
  for (size_t i = 0U; i < model->n_clips; ++i) {
    const MdClip* c = &model->clips[i];
    md_recipe_add_file(r, c->path);
    md_recipe_add(r, "clip %a %a %a %a %a %a %u %u %lld\n", c->start_s, c->offset_s, c->length_s, c->gain_db,
                  c->fade_in_s, c->fade_out_s, c->channels, c->rate, (long long)c->frames);
  }
  for (size_t i = 0U; i < model->n_inserts; ++i) {
    const MdInsert* ins = &model->inserts[i];
    md_recipe_add(r, "insert %s", ins->cls->name);
    for (uint32_t p = 0U; p < md_processor_value_count(ins->cls); ++p) {
      describe_value(r, &ins->values[p]);
    }
    md_recipe_add(r, "\n");
    if (ins->file) {
      md_recipe_add_file(r, ins->file);
    }
  }
}

static MixdownStatus
build_node(MixdownEngine* e, const MdNode* model, MdEngineNode* node)
{
  node->kind       = model->kind;
  node->name       = strdup(model->name);
  node->pan_law_db = model->pan_law_db;
  node->invert     = model->invert;
  node->gain       = md_db_to_gain(model->gain_db.value);
  node->pan        = model->pan.value;
  if (!node->name || !automation_for(&model->gain_db, &node->gain_auto) ||
      !automation_for(&model->pan, &node->pan_auto) || !automation_for(&model->mute, &node->mute_auto)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  // Memory stays small: a serial node's pre/post signals are consumed by
  // its edges right away, so all share one scratch pair, and a track's
  // insert buffer is shared too unless another node keys from it later in
  // the block (see build_keys()).  Buses accumulate, so own theirs;
  // parallel tracks get their own (build_parallel()).
  node->own_buf = model->kind != MD_NODE_TRACK;
  for (int c = 0; c < 2; ++c) {
    node->buf[c]  = node->own_buf ? new_buffer() : e->shared_buf[c];
    node->pre[c]  = e->shared_pre[c];
    node->post[c] = model->kind == MD_NODE_MASTER ? new_buffer() : e->shared_post[c];
    if (!node->buf[c] || !node->post[c]) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  if (model->kind == MD_NODE_TRACK) {
    st = build_clips(e, model, node);
  } else {
    node->source_channels = 2U;
  }
  node->spread_pan = node->pan;
  if (!st && node->spread_mono && !automation_for(&model->pan, &node->spread_auto)) {
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
    describe_track(&node->recipe, model);
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
      *ed        = (MdEdge){.from = i, .to = model->output, .level = 1.0, .level_target = 1.0};
    }
    for (size_t j = 0U; j < model->n_sends; ++j) {
      const MdSend* send = &model->sends[j];
      MdEdge*       ed   = &e->edges[e->n_edges++];
      *ed = (MdEdge){.from = i, .to = send->target, .is_send = true, .pre_fader = send->pre_fader,
                     .level = md_db_to_gain(send->level_db.value)};
      ed->level_target = ed->level;
      if (!automation_for(&send->level_db, &ed->level_auto)) {
        return MIXDOWN_ERR_NO_MEM;
      }
    }
    e->nodes[i].n_edges = e->n_edges - e->nodes[i].first_edge;
  }
  // Each edge delays its source so that everything meeting at a node is
  // aligned to the latest arrival.
  for (size_t k = 0U; k < e->n_edges; ++k) {
    MdEdge* ed = &e->edges[k];
    ed->delay  = e->plan.latency_in[ed->to] - e->plan.latency_out[ed->from];
    for (int c = 0; c < 2 && ed->delay; ++c) {
      if (!(ed->ring[c] = calloc(ed->delay, sizeof(float)))) {
        return MIXDOWN_ERR_NO_MEM;
      }
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
      if (!key->own_buf) {
        key->own_buf = true;
        for (int c = 0; c < 2; ++c) {
          if (!(key->buf[c] = new_buffer())) {
            return MIXDOWN_ERR_NO_MEM;
          }
        }
      }
      ins->key_delay = host->latency_in + ins->pre_latency - e->nodes[ins->key_node].latency_out;
      for (int c = 0; c < 2; ++c) {
        if (!(ins->key_buf[c] = new_buffer()) ||
            (ins->key_delay && !(ins->key_ring[c] = calloc(ins->key_delay, sizeof(float))))) {
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

// Left and right gains at `pan`: the pan law for a track whose clips are
// all mono, balance for any other strip.  Its sources decide, not what its
// inserts make of them: a stereo reverb, delay or chorus on a mono track
// gets the law's gain on each side, so with its mix at 0 it is a null.
static void
pan_gains(const MdEngineNode* node, double pan, double gains[2])
{
  if (node->source_channels == 1U) {
    md_pan_mono(pan, node->pan_law_db, &gains[0], &gains[1]);
  } else {
    md_pan_balance(pan, &gains[0], &gains[1]);
  }
}

static bool
lazy_candidate(const MixdownEngine* e, MdEngineNode* node)
{
  if (node->pan_auto || node->gain_auto || node->mute_auto || node->pre_sends || !node->audible) {
    return false;
  }
  for (size_t j = 0U; j < node->n_edges; ++j) {
    const MdEdge* ed = &e->edges[node->first_edge + j];
    if (ed->level_auto || ed->delay) {
      return false;
    }
  }
  double pan[2];
  pan_gains(node, node->pan, pan);
  // As pan_and_fade() rounds them.
  node->lazy_gain[0] = (float)(pan[0] * node->gain);
  node->lazy_gain[1] = (float)(pan[1] * node->gain);
  return true;
}

// Stems and meters read the post-fader signal: lazy tracks get theirs.
static MixdownStatus
unlazy(MixdownEngine* e)
{
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    if (!node->lazy_post) {
      continue;
    }
    for (int b = 0; b < 2; ++b) {
      for (int c = 0; c < 2; ++c) {
        if (!(node->bank_post[b][c] = new_buffer())) {
          return MIXDOWN_ERR_NO_MEM;
        }
      }
    }
    node->post[0]   = node->bank_post[0][0];
    node->post[1]   = node->bank_post[0][1];
    node->lazy_post = false;
  }
  return MIXDOWN_SUCCESS;
}

// Parallel tracks get insert, pre- and post-fader buffers of their own:
// they are all rendered before any of them feeds its edges.
static MixdownStatus
build_parallel(MixdownEngine* e)
{
  if (!(e->parallel = calloc(e->n_nodes, sizeof(uint32_t)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t k = 0U; k < e->n_nodes; ++k) {
    const uint32_t index = e->plan.order[k];
    MdEngineNode*  node  = &e->nodes[index];
    bool           keyed = false;
    for (size_t j = 0U; j < node->n_inserts; ++j) {
      keyed = keyed || node->inserts[j].key_node != MD_NO_NODE;
    }
    if (node->kind != MD_NODE_TRACK || keyed) {
      continue;
    }
    node->parallel               = true;
    e->parallel[e->n_parallel++] = index;
    const bool had_buf           = node->own_buf; // a key node's: it becomes bank 0
    node->own_buf                = false;         // the banks own every buffer now
    // Only what the calling thread reads while the helpers render ahead
    // needs a second bank: the insert output of a sidechain key, the
    // pre-fader signal of a node with pre-fader sends, the post-fader one.
    const bool pre_sends = node->pre_sends;
    node->plain_sum      = lazy_candidate(e, node);
    node->lazy_post      = node->plain_sum;
    for (int b = 0; b < 2 && node->lazy_post && (node->lazy_gain[0] > 1.0f || node->lazy_gain[1] > 1.0f); ++b) {
      for (int c = 0; c < 2; ++c) {
        if (!(node->lazy_safe[b][c] = new_buffer())) {
          return MIXDOWN_ERR_NO_MEM;
        }
      }
    }
    for (int b = 0; b < 2; ++b) {
      for (int c = 0; c < 2; ++c) {
        node->bank_buf[b][c]  = b == 0 ? (had_buf ? node->buf[c] : new_buffer())
                                : node->is_key || node->lazy_post ? new_buffer()
                                                                  : node->bank_buf[0][c];
        node->bank_pre[b][c]  = b == 0 || pre_sends ? new_buffer() : node->bank_pre[0][c];
        node->bank_post[b][c] = node->lazy_post ? NULL : new_buffer();
        if (!node->bank_buf[b][c] || !node->bank_pre[b][c] || (!node->lazy_post && !node->bank_post[b][c])) {
          return MIXDOWN_ERR_NO_MEM;
        }
      }
    }
    for (int c = 0; c < 2; ++c) {
      node->buf[c]  = node->bank_buf[0][c];
      node->pre[c]  = node->bank_pre[0][c];
      node->post[c] = node->bank_post[0][c];
    }
  }
  return MIXDOWN_SUCCESS;
}

static void
free_worker(MdWorker* w)
{
  free(w->clip_buf[0]);
  free(w->clip_buf[1]);
  free(w->mono_buf);
  free(w->scratch_a);
  free(w->scratch_b);
}

// `count` workers (0: none) and a pool of count - 1 helper threads.
static MixdownStatus
set_workers(MixdownEngine* e, uint32_t count)
{
  md_pool_free(e->pool);
  e->pool = NULL;
  for (uint32_t i = 0U; i < e->n_workers; ++i) {
    free_worker(&e->workers[i]);
  }
  free(e->workers);
  e->workers   = NULL;
  e->n_workers = 0U;
  if (!count) {
    return MIXDOWN_SUCCESS;
  }
  if (!(e->workers = calloc(count, sizeof(MdWorker)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  e->n_workers = count;
  for (uint32_t i = 0U; i < count; ++i) {
    MdWorker* w     = &e->workers[i];
    w->clip_buf[0]  = new_buffer();
    w->clip_buf[1]  = new_buffer();
    w->mono_buf     = new_buffer();
    w->scratch_a    = calloc(MD_BLOCK_FRAMES, sizeof(double));
    w->scratch_b    = calloc(MD_BLOCK_FRAMES, sizeof(double));
    if (!w->clip_buf[0] || !w->clip_buf[1] || !w->mono_buf || !w->scratch_a || !w->scratch_b) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  if (count > 1U && !(e->pool = md_pool_new(count - 1U))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_engine_set_threads(MixdownEngine* e, uint32_t threads)
{
  if (!e || e->position != 0) {
    return MIXDOWN_ERR_BAD_ARG; // only before the first pull
  }
  uint32_t count = threads ? threads : md_pool_cores();
  // More workers than parallel tracks would only wait.
  if (count > e->n_parallel) {
    count = e->n_parallel ? (uint32_t)e->n_parallel : 1U;
  }
  if (count == e->n_workers) {
    return MIXDOWN_SUCCESS;
  }
  const MixdownStatus st = set_workers(e, count);
  if (st) {
    set_workers(e, 1U);
  }
  return st;
}

#define MD_CACHE_MAX_METERS 64U
#define MD_STRINGIFY_(x) #x
#define MD_STRINGIFY(x)  MD_STRINGIFY_(x)
#define MD_BUILD_ID \
  MD_STRINGIFY(MIXDOWN_VERSION_MAJOR) "." MD_STRINGIFY(MIXDOWN_VERSION_MINOR) "." MD_STRINGIFY(MIXDOWN_VERSION_MICRO)

static uint32_t
count_meters(const MdEngineNode* node)
{
  uint32_t n = 0U;
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    n += node->inserts[j].cls->n_meters;
  }
  return n < MD_CACHE_MAX_METERS ? n : MD_CACHE_MAX_METERS;
}

// Cache files of this render: in its folder, as long as the render.  A
// track and a partial sum above it may be written at once: their write
// buffers share 64 MiB (at most 1 MiB, at least 16 KiB each).
static MdCacheSpec
cache_spec(const MixdownEngine* e)
{
  const size_t writers = 2U * (e->n_parallel ? e->n_parallel : 1U);
  size_t       bytes   = (64U << 20U) / writers;
  bytes                = bytes > (1U << 20U) ? (1U << 20U) : bytes < (16U << 10U) ? (16U << 10U) : bytes;
  return (MdCacheSpec){.dir = e->cache_dir, .frames = e->length + e->latency, .write_on_miss = true,
                       .write_buffer_bytes = bytes, .damaged = (uint32_t*)&e->cache_damaged};
}

// A track's cache file under its key: *hit when it holds the track already
// (NULL when it can be neither read nor written: the track renders uncached).
static MdCacheFile*
open_track_cache(const MixdownEngine* e, const MdEngineNode* node, bool* hit)
{
  MdCacheSpec spec = cache_spec(e);
  spec.kind        = MD_CACHE_TRACK;
  spec.channels    = node->channels;
  spec.n_meters    = count_meters(node);
  char why[256];
  return md_cache_open(&spec, node->cache_key, hit, why, sizeof why);
}

// A hit brings back what the track's render left besides audio.
static void
restore_from_cache(MixdownEngine* e, MdEngineNode* node)
{
  const MdCacheExtras* extras = md_cache_extras(node->cache);
  e->non_finite += extras->non_finite;
  snprintf(node->notes[0], sizeof node->notes[0], "%s", extras->note); // merged with block 0
  uint32_t m = 0U;
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    for (uint32_t k = 0U; k < node->inserts[j].cls->n_meters && m < extras->n_meters; ++k) {
      node->inserts[j].meter_extreme[k] = extras->meters[m++];
    }
  }
  node->has_stored_levels = extras->has_levels;
  memcpy(node->stored_level_gains, extras->level_gains, sizeof node->stored_level_gains);
  node->stored_levels = extras->levels;
}

MixdownStatus
mixdown_engine_set_cache(MixdownEngine* e, const char* dir)
{
  if (!e || !dir || e->position != 0) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (mkdir(dir, 0777) && errno != EEXIST) {
    set_message(e, "cannot create the cache folder `%s`: %s", dir, strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  free(e->cache_dir);
  if (!(e->cache_dir = strdup(dir))) {
    set_message(e, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  // File times come from the kernel's coarse clock: a second's margin.
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  e->cache_since_ns = ((int64_t)now.tv_sec - 1) * 1000000000 + now.tv_nsec;
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    if (node->cache) {
      continue;
    }
    // The rest of the key: where the track sits on the timeline, how long
    // the render is, and what computes it.
    MdRecipe* r = &node->recipe;
    md_recipe_add(r, "rate %a frames %llu latency_in %u block %u kernels %s build %s %s %s\n", e->rate,
                  (unsigned long long)(e->length + e->latency), node->latency_in, MD_BLOCK_FRAMES,
                  e->kernels->name, MD_BUILD_ID, MD_SOURCE_HASH, MD_BUILD_FLAVOUR);
    if (r->failed) {
      continue; // a source cannot be looked at: render this track every time
    }
    md_cache_key(r, node->cache_key);
    bool hit = false;
    // A hit is checked later, only if it is read (verify_track_hits()).
    node->cache = open_track_cache(e, node, &hit);
    if (!node->cache) {
      continue; // cannot be written (no file slot, a read-only folder): rendered uncached
    }
    node->cache_hit = hit;
    ++e->cache_tracks;
    if (hit) {
      ++e->cache_hits;
      restore_from_cache(e, node);
    }
  }
  return MIXDOWN_SUCCESS;
}

void
mixdown_engine_cache_hits(const MixdownEngine* e, uint32_t* hits, uint32_t* tracks)
{
  *hits   = e ? e->cache_hits : 0U;
  *tracks = e ? e->cache_tracks : 0U;
}

MixdownStatus
mixdown_engine_set_cache_limit(MixdownEngine* e, uint64_t bytes)
{
  if (!e) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  e->cache_limit = bytes;
  return MIXDOWN_SUCCESS;
}

uint32_t
mixdown_engine_cache_removed(const MixdownEngine* e)
{
  return e ? e->cache_removed : 0U;
}

uint32_t
mixdown_engine_cache_damaged(const MixdownEngine* e)
{
  return e ? e->cache_damaged : 0U;
}

void
mixdown_engine_cache_sums(const MixdownEngine* e, uint32_t* sums_read, uint32_t* tracks_skipped)
{
  *sums_read = *tracks_skipped = 0U;
  for (size_t i = 0U; e && i < e->n_nodes; ++i) {
    const MdEngineNode* node = &e->nodes[i];
    uint32_t            sums = 0U, covered = 0U;
    if (node->prefix_tree) {
      md_sum_tree_cache_stats(node->prefix_tree, &sums, &covered);
    }
    *sums_read += sums;
    *tracks_skipped += node->covered ? 1U : 0U;
  }
}

uint32_t
mixdown_engine_threads(const MixdownEngine* e)
{
  return e ? e->n_workers : 0U;
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
  e->rate    = s->sample_rate;
  e->kernels = md_kernels();
  e->skip_silence = !getenv("MIXDOWN_NO_SILENCE_SKIP");
  e->master  = (uint32_t)md_session_master(s);
  e->nodes   = calloc(s->n_nodes, sizeof(MdEngineNode));
  e->n_nodes = s->n_nodes;
  for (int c = 0; c < 2; ++c) {
    e->shared_buf[c]  = new_buffer();
    e->shared_pre[c]  = new_buffer();
    e->shared_post[c] = new_buffer();
  }
  uint32_t* latency = calloc(s->n_nodes, sizeof(uint32_t));
  uint64_t* tail    = calloc(s->n_nodes, sizeof(uint64_t));
  MixdownStatus st = MIXDOWN_SUCCESS;
  if (!e->nodes || set_workers(e, 1U) || !latency || !tail || !e->shared_buf[0] || !e->shared_buf[1] || !e->shared_pre[0] || !e->shared_pre[1] ||
      !e->shared_post[0] || !e->shared_post[1]) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  size_t n_keys = 0U;
  for (size_t i = 0U; i < s->n_nodes && !st; ++i) {
    st = build_node(e, &s->nodes[i], &e->nodes[i]);
    for (size_t j = 0U; j < e->nodes[i].n_inserts && !st; ++j) {
      MdEngineInsert* ins = &e->nodes[i].inserts[j];
      ins->pre_latency    = latency[i];
      latency[i] += ins->cls->latency(ins->state);
      tail[i] += longest_tail(ins, &s->nodes[i].inserts[j]);
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
        keys[n_keys++] = (MdKeyLink){(uint32_t)i, ins->key_node, ins->pre_latency};
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
      e->nodes[i].latency_in  = e->plan.latency_in[i];
      e->nodes[i].latency_out = e->plan.latency_out[i];
    }
    st = build_keys(e);
    for (size_t k = 0U; k < e->n_edges; ++k) {
      e->nodes[e->edges[k].from].pre_sends |= e->edges[k].pre_fader;
    }
    if (!st) {
      st = build_parallel(e);
    }
    e->latency      = e->plan.latency_out[e->master];
    e->drop_until   = (int64_t)e->latency;
    e->render_limit = INT64_MAX;
    e->block_size = MD_BLOCK_FRAMES;
    e->length  = s->length_s >= 0.0 ? (uint64_t)llround(s->length_s * e->rate)
                                    : timeline_end(e) + e->plan.tail_out[e->master];
  }
  free(latency);
  free(tail);
  if (st == MIXDOWN_ERR_NO_MEM && !e->message[0]) {
    set_message(e, "out of memory");
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
  e->cache_limit         = MIXDOWN_CACHE_DEFAULT_LIMIT;
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
  finish_ahead(e); // no helper may still be rendering a node
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
        md_automation_free(ins->automation[p]);
        md_automation_free(ins->detached ? ins->detached[p] : NULL);
      }
      free(ins->automation);
      free(ins->detached);
      free(ins->meter_extreme);
      for (int c = 0; c < 2; ++c) {
        free(ins->key_ring[c]);
        free(ins->key_buf[c]);
      }
    }
    for (int c = 0; c < 2; ++c) {
      if (n->own_buf) {
        free(n->buf[c]);
      }
      if (n->kind == MD_NODE_MASTER) {
        free(n->post[c]);
      }
      // Bank 1 may share bank 0's buffer (build_parallel()).
      if (n->bank_buf[1][c] != n->bank_buf[0][c]) {
        free(n->bank_buf[1][c]);
      }
      if (n->bank_pre[1][c] != n->bank_pre[0][c]) {
        free(n->bank_pre[1][c]);
      }
      free(n->bank_buf[0][c]);
      free(n->bank_pre[0][c]);
      free(n->bank_post[0][c]);
      free(n->bank_post[1][c]);
      free(n->lazy_safe[0][c]);
      free(n->lazy_safe[1][c]);
    }
    for (int c = 0; c < 2; ++c) {
      free(n->stem[c]);
      free(n->stem_ring[c]);
    }
    md_cache_close(n->cache);
    free(n->prefix_edges);
    md_sum_tree_free(n->prefix_tree);
    for (int b = 0; b < 2; ++b) {
      free(n->prefix[b][0]);
      free(n->prefix[b][1]);
    }
    md_recipe_free(&n->recipe);
    md_measure_free(n->level_pre); // and a scaled twin
    if (!n->post_scaled) {
      md_measure_free(n->level_post);
    }
    md_automation_free(n->gain_auto);
    md_automation_free(n->pan_auto);
    md_automation_free(n->gain_detached);
    md_automation_free(n->pan_detached);
    md_automation_free(n->spread_auto);
    md_automation_free(n->spread_detached);
    md_automation_free(n->mute_auto);
    md_automation_free(n->mute_detached);
    free(n->clips);
    free(n->inserts);
    free(n->name);
  }
  for (size_t k = 0U; k < e->n_edges; ++k) {
    md_automation_free(e->edges[k].level_auto);
    md_automation_free(e->edges[k].level_detached);
    free(e->edges[k].ring[0]);
    free(e->edges[k].ring[1]);
  }
  md_plan_free(&e->plan);
  free(e->live_mute);
  free(e->live_solo);
  free(e->live_marks);
  free(e->edges);
  free(e->nodes);
  free(e->parallel);
  free(e->cache_dir);
  set_workers(e, 0U);
  for (int c = 0; c < 2; ++c) {
    free(e->shared_buf[c]);
    free(e->shared_pre[c]);
    free(e->shared_post[c]);
  }
  free(e);
}

/* ------------------------------------------------------------------------ */
/* Rendering one block                                                       */

// True when no sample is NaN or infinite (exponent bits all ones): integer
// operations, so the loop vectorises.
static bool
all_finite(float* const* buf, uint32_t channels, uint32_t n)
{
  uint32_t any = 0U;
  for (uint32_t c = 0U; c < channels; ++c) {
    const float* x = buf[c];
    for (uint32_t i = 0U; i < n; ++i) {
      uint32_t bits;
      memcpy(&bits, &x[i], sizeof bits);
      any |= (bits & 0x7f800000U) == 0x7f800000U;
    }
  }
  return !any;
}

// Replaces non-finite samples with silence; returns how many.
static uint64_t
scrub(MdWorker* w, float* const* buf, uint32_t channels, uint32_t n)
{
  if (all_finite(buf, channels, n)) {
    return 0U; // nearly always: one vectorised pass and done
  }
  uint64_t bad = 0U;
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      if (!isfinite(buf[c][i])) {
        buf[c][i] = 0.0f;
        ++bad;
      }
    }
  }
  w->non_finite += bad;
  return bad;
}

// Kept per node, then merged in plan order (render_nodes), so the note
// that survives is the same whichever worker got there first.
static void MD_PRINTF(2, 3)
note_non_finite(MdEngineNode* node, const char* fmt, ...)
{
  char* note = node->notes[node->bank];
  if (note[0]) {
    return; // the first place is the one worth reading
  }
  va_list args;
  va_start(args, fmt);
  vsnprintf(note, sizeof node->notes[0], fmt, args);
  va_end(args);
}

// The strip as messages name it: "track `a`", "bus `b`", "the master".
static const char*
strip_label(const MdEngineNode* node, char* out, size_t size)
{
  if (node->kind == MD_NODE_MASTER) {
    snprintf(out, size, "the master");
  } else {
    snprintf(out, size, "%s `%s`", node->kind == MD_NODE_TRACK ? "track" : "bus", node->name);
  }
  return out;
}

// The guard on a node's input: its clips' or inputs' sum, before the
// inserts.  Sources are finite (decoding replaces NaN and infinity), but
// clip gains and a bus's sum of loud inputs can overflow the float range.
// What overflowed is silenced and counted like an insert's NaN, and is
// part of the signal the cache keeps.
static void
guard_input(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_in, uint32_t n)
{
  const uint64_t bad = scrub(w, node->buf, node->source_channels, n);
  if (bad) {
    char label[200];
    node->non_finite += bad;
    note_non_finite(node, "%s, %s at %.3f s: samples beyond the float range (infinite) replaced with silence",
                    strip_label(node, label, sizeof label),
                    node->kind == MD_NODE_TRACK ? "sum of its clips" : "sum of its inputs",
                    (double)(t_in > 0 ? t_in : 0) / e->rate);
  }
}

// Kept apart from `notes`: pan and fader are not part of the cached signal.
static void MD_PRINTF(2, 3)
note_fader(MdEngineNode* node, const char* fmt, ...)
{
  char* note = node->fader_notes[node->bank];
  if (note[0]) {
    return;
  }
  va_list args;
  va_start(args, fmt);
  vsnprintf(note, sizeof node->fader_notes[0], fmt, args);
  va_end(args);
}

// The guard after pan and fader: a finite signal times a gain above 1
// can overflow.  Silenced and counted (not in the node's cached tally).
static void
guard_output(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_out, uint32_t n)
{
  uint64_t bad = 0U;
  if (node->pre_sends || node->level_pre) {
    bad += scrub(w, node->pre, 2U, n);
  }
  bad += scrub(w, node->post, 2U, n);
  if (bad) {
    char label[200];
    note_fader(node, "%s, fader at %.3f s: samples beyond the float range (infinite) replaced with silence",
               strip_label(node, label, sizeof label), (double)(t_out > 0 ? t_out : 0) / e->rate);
  }
}

// The largest magnitude in `x`, from the bits (positive floats order as
// their bit patterns do): integer operations, so the loop vectorises.
static float
peak_of(const float* x, uint32_t n)
{
  uint32_t top = 0U;
  for (uint32_t i = 0U; i < n; ++i) {
    uint32_t bits;
    memcpy(&bits, &x[i], sizeof bits);
    bits &= 0x7fffffffU;
    top = bits > top ? bits : top;
  }
  float peak;
  memcpy(&peak, &top, sizeof peak);
  return peak;
}

// A lazy track that boosts: if its gain would take a sample of this block
// beyond the float range, its edges read a copy with those samples
// silenced — what the fader's guard leaves on a track that writes its
// post-fader signal, so the sums are the same bytes either way.
static void
guard_lazy(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_out, uint32_t n)
{
  uint64_t bad = 0U;
  for (int c = 0; c < 2 && node->lazy_safe[0][0]; ++c) {
    const float* x = node->lazy_src[node->bank][c];
    const float  g = node->lazy_gain[c];
    if (!isinf(peak_of(x, n) * g)) {
      continue; // nearly always: one vectorised pass and done
    }
    float* safe = node->lazy_safe[node->bank][c];
    for (uint32_t i = 0U; i < n; ++i) {
      const bool over = isinf(x[i] * g);
      safe[i]         = over ? 0.0f : x[i];
      bad += over;
    }
    node->lazy_src[node->bank][c] = safe;
  }
  if (bad) {
    char label[200];
    w->non_finite += bad;
    note_fader(node, "%s, fader at %.3f s: samples beyond the float range (infinite) replaced with silence",
               strip_label(node, label, sizeof label), (double)(t_out > 0 ? t_out : 0) / e->rate);
  }
}

static void MD_PRINTF(2, 3)
worker_message(MdWorker* w, const char* fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  vsnprintf(w->message, sizeof w->message, fmt, args);
  va_end(args);
}

static MixdownStatus
play_clip(MixdownEngine* e, MdWorker* w, MdEngineNode* node, MdClipPlayer* clip, int64_t t0, uint32_t n)
{
  char         why[400];
  MdClipScrub  scrub   = {.non_finite = 0U, .first_bad = UINT32_MAX};
  const bool   apart   = node->spread_mono && clip->channels == 1U; // summed apart, spread later
  float* const mono[1] = {w->mono_buf};
  const MixdownStatus st = md_clip_play(clip, e->rate, t0, n, apart ? mono : node->buf,
                                        apart ? 1U : node->source_channels, w->clip_buf, &scrub, why, sizeof why);
  w->non_finite += scrub.non_finite;
  node->non_finite += scrub.non_finite;
  if (scrub.first_bad != UINT32_MAX) {
    note_non_finite(node, "track `%s`, source `%s` at %.3f s: non-finite samples replaced with silence",
                    node->name, clip->path, (double)(t0 + scrub.first_bad) / e->rate);
  }
  if (st) {
    worker_message(w, "track `%s`: %s", node->name, why);
  }
  return st;
}

// Copies the key node's post-insert, pre-fader signal (taken before fader
// and mute, so a muted trigger track still keys) through the key's delay line.
static void
fetch_key(MixdownEngine* e, MdEngineInsert* ins, uint32_t n, uint32_t bank)
{
  const MdEngineNode* key = &e->nodes[ins->key_node];
  for (uint32_t c = 0U; c < key->channels; ++c) {
    // A parallel key may already be rendering the next block in the other bank.
    const float* in  = key->parallel ? key->bank_buf[bank][c] : key->buf[c];
    float*       out = ins->key_buf[c];
    uint32_t     pos = ins->key_ring_pos;
    if (!ins->key_delay) {
      memcpy(out, in, n * sizeof(float));
      continue;
    }
    for (uint32_t i = 0U; i < n; ++i) {
      out[i]              = ins->key_ring[c][pos];
      ins->key_ring[c][pos] = in[i];
      pos                 = pos + 1U == ins->key_delay ? 0U : pos + 1U;
    }
    if (c + 1U == key->channels) {
      ins->key_ring_pos = pos;
    }
  }
}

static void
update_meters(MdEngineInsert* ins)
{
  for (uint32_t m = 0U; m < ins->cls->n_meters; ++m) {
    const double value = ins->cls->read_meter(ins->state, m);
    if (fabs(value) > fabs(ins->meter_extreme[m])) {
      ins->meter_extreme[m] = value;
    }
  }
}

// True when the first `channels` buffers hold only +0.0 (the bit pattern:
// -0.0 is not silence here, so a skipped block cannot change a sign).
// Sound usually shows in the first sample, so this is cheap on music.
static bool
is_silent(float* const* buf, uint32_t channels, uint32_t n)
{
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      uint32_t bits;
      memcpy(&bits, &buf[c][i], sizeof bits);
      if (bits) {
        return false;
      }
    }
  }
  return true;
}

// Silence is free: an insert may sit out a block when silence comes in,
// its state is at rest (idle()), and the last block it did process was
// silence in and out — then processing would give silence and change
// nothing, so skipping is exact.  Not with automation (a value may move)
// or a sidechain (the key may not be silent).
static bool
may_skip(const MixdownEngine* e, const MdEngineInsert* ins, bool silent_in)
{
  return silent_in && e->skip_silence && ins->quiet && ins->cls->idle && !ins->automated &&
         ins->key_node == MD_NO_NODE && ins->in_channels == ins->out_channels && ins->cls->idle(ins->state);
}

// Runs one insert over `n` frames at timeline frame `t` (this insert's own
// latency position); automated values reach it every MD_CONTROL_FRAMES
// frames and the processor glides between them.  `silent_in`: the block
// coming in is silence.  Returns whether the block going out is.
static bool
run_insert(MixdownEngine* e, MdWorker* w, MdEngineNode* node, MdEngineInsert* ins, int64_t t, uint32_t n,
           bool silent_in, uint32_t bank)
{
  ++ins->blocks;
  if (may_skip(e, ins, silent_in)) {
    ++ins->skipped;
    return true;
  }
  float* const io[2] = {node->buf[0], node->buf[1]};
  const MdEngineNode* key = ins->key_node != MD_NO_NODE ? &e->nodes[ins->key_node] : NULL;
  if (key) {
    fetch_key(e, ins, n, bank);
  }
  const uint32_t step  = ins->automated ? MD_CONTROL_FRAMES : n;
  const double   start = md_clock_seconds();
  for (uint32_t done = 0U; done < n; done += step) {
    const uint32_t len = n - done < step ? n - done : step;
    for (uint32_t p = 0U; ins->automated && p < ins->n_values; ++p) {
      if (ins->automation[p]) {
        ins->cls->set_param(ins->state, p, md_automation_value(ins->automation[p], (double)(t + done) / e->rate));
      }
    }
    float* const       part[2] = {io[0] + done, io[1] + done};
    const float* const keys[2] = {key ? ins->key_buf[0] + done : NULL, key ? ins->key_buf[1] + done : NULL};
    const MdBlock      block   = {(const float* const*)part, part, key ? keys : NULL, key ? key->channels : 0U, len};
    ins->cls->process(ins->state, &block);
  }
  ins->seconds += md_clock_seconds() - start;
  // A processor whose output went NaN or infinite has poisoned state: its
  // output is silenced for this block and it starts over.
  const uint64_t bad = scrub(w, io, ins->out_channels, n);
  if (bad) {
    node->non_finite += bad;
    ins->cls->reset(ins->state);
    note_non_finite(node, "track or bus `%s`, insert %u (%s) at %.3f s: its state went non-finite and was reset",
                    node->name, (unsigned)(ins - node->inserts) + 1U, ins->cls->name, (double)t / e->rate);
  }
  update_meters(ins);
  const bool silent_out = is_silent(io, ins->out_channels, n);
  ins->quiet            = silent_in && silent_out;
  return silent_out;
}

static void
apply_pan(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* in, int64_t t0,
          uint32_t n)
{
  const float* const source[2] = {in[0], in[node->channels == 1U ? 0 : 1]};
  double             gains[2];
  if (!node->pan_auto) {
    pan_gains(node, node->pan, gains);
    e->kernels->scale(node->pre[0], source[0], (float)gains[0], n);
    e->kernels->scale(node->pre[1], source[1], (float)gains[1], n);
    return;
  }
  double* pan = w->scratch_a;
  md_automation_render(node->pan_auto, t0, e->rate, n, pan);
  for (uint32_t i = 0U; i < n; ++i) {
    pan_gains(node, pan[i], gains);
    node->pre[0][i] = (float)(source[0][i] * gains[0]);
    node->pre[1][i] = (float)(source[1][i] * gains[1]);
  }
}

// A mute envelope (a recorded live mute): the signal × (1 − mute), before
// the pre-fader taps as a mute switch acts.  Uses scratch_a (pan is done).
static void
apply_mute_envelope(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t0, uint32_t n,
                    bool post_too)
{
  double* mute = w->scratch_a;
  md_automation_render(node->mute_auto, t0, e->rate, n, mute);
  for (int c = 0; c < 2; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      node->pre[c][i] = (float)(node->pre[c][i] * (1.0 - mute[i]));
      if (post_too) {
        node->post[c][i] = (float)(node->post[c][i] * (1.0 - mute[i]));
      }
    }
  }
}

// Constant pan and fader in one pass: post = signal × (pan × fader); the
// pre-fader signal only when something reads it (pre-fader sends, the full
// level meter).
static void
pan_and_fade(const MixdownEngine* e, MdEngineNode* node, const float* const* in, uint32_t n)
{
  const float* const source[2] = {in[0], in[node->channels == 1U ? 0 : 1]};
  double             pan[2];
  pan_gains(node, node->pan, pan);
  for (int c = 0; c < 2; ++c) {
    if (node->pre_sends || node->level_pre) {
      e->kernels->scale(node->pre[c], source[c], (float)pan[c], n);
    }
    e->kernels->scale(node->post[c], source[c], (float)(pan[c] * node->gain), n);
  }
}

static void
apply_fader(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t0, uint32_t n)
{
  if (!node->audible) {
    for (int c = 0; c < 2; ++c) {
      memset(node->pre[c], 0, n * sizeof(float));
      memset(node->post[c], 0, n * sizeof(float));
    }
    return;
  }
  if (!node->gain_auto) {
    for (int c = 0; c < 2; ++c) {
      e->kernels->scale(node->post[c], node->pre[c], (float)node->gain, n);
    }
    return;
  }
  // Sample-accurate: the envelope is evaluated at every frame, so even a
  // fast move has no steps (zipper noise).
  double* gain_db = w->scratch_b;
  md_automation_render(node->gain_auto, t0, e->rate, n, gain_db);
  for (uint32_t i = 0U; i < n; ++i) {
    const double g  = md_db_to_gain(gain_db[i]);
    node->post[0][i] = (float)(node->pre[0][i] * g);
    node->post[1][i] = (float)(node->pre[1][i] * g);
  }
}

// `n` values gliding in a straight line from `from` (exclusive) to `to`
// (reached on the last frame): how a live move is smoothed over one block.
static void
ramp(double* values, double from, double to, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    values[i] = from + (to - from) * (double)(i + 1U) / (double)n;
  }
}

// Live: a fader, pan or mute move is gliding, or the strip is muted.
static bool
live_moving(const MdEngineNode* node)
{
  return node->gain_target != node->gain || node->pan_target != node->pan ||
         node->mute_target != node->mute_gain || node->mute_gain != 1.0;
}

// Live pan, mute and fader, each gliding to its target over this block
// (an envelope no live move has taken over still plays).  Mute acts before
// the pre-fader taps, as offline.
static void
live_pan_and_fade(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* in,
                  int64_t t0, uint32_t n)
{
  const float* const source[2] = {in[0], in[node->channels == 1U ? 0 : 1]};
  double*            pan       = w->scratch_a;
  double*            gain      = w->scratch_b;
  if (node->mute_gain == 0.0 && node->mute_target == 0.0) {
    // Muted (or silenced by a solo) and staying so: silence, and the
    // moves that came meanwhile are where they will be when it returns.
    for (int c = 0; c < 2; ++c) {
      memset(node->pre[c], 0, n * sizeof(float));
      memset(node->post[c], 0, n * sizeof(float));
    }
    node->pan  = node->pan_target;
    node->gain = node->gain_target;
    return;
  }
  if (node->pan_auto) {
    md_automation_render(node->pan_auto, t0, e->rate, n, pan);
  } else {
    ramp(pan, node->pan, node->pan_target, n);
  }
  if (node->gain_auto) {
    md_automation_render(node->gain_auto, t0, e->rate, n, gain);
    for (uint32_t i = 0U; i < n; ++i) {
      gain[i] = md_db_to_gain(gain[i]);
    }
  } else {
    ramp(gain, node->gain, node->gain_target, n);
  }
  const double mute_from = node->mute_gain;
  const double mute_to   = node->mute_target;
  for (uint32_t i = 0U; i < n; ++i) {
    double gains[2];
    pan_gains(node, pan[i], gains);
    const double mute = mute_from + (mute_to - mute_from) * (double)(i + 1U) / (double)n;
    for (int c = 0; c < 2; ++c) {
      node->pre[c][i]  = (float)(source[c][i] * gains[c] * mute);
      node->post[c][i] = (float)(node->pre[c][i] * gain[i]);
    }
  }
  node->pan       = node->pan_target;
  node->gain      = node->gain_target;
  node->mute_gain = mute_to;
  if (node->mute_auto) {
    apply_mute_envelope(e, w, node, t0, n, true);
  }
}

// A track with both mono and stereo clips: the sum of its mono clips is
// spread onto the stereo pair at md_pan_spread()'s gains, at the pan of the
// input's time (the balance after the inserts takes the pan of the
// output's time, so the two meet on the same audio).  Live, it glides to a
// pan move over one block, as the balance does.
static void
spread_mono_clips(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_in, uint32_t n)
{
  const float* mono = w->mono_buf;
  double       gains[2];
  if (!node->spread_auto && (!e->live || node->spread_pan == node->pan_target)) {
    md_pan_spread(node->spread_pan, node->pan_law_db, &gains[0], &gains[1]);
    for (int c = 0; c < 2; ++c) {
      for (uint32_t i = 0U; i < n; ++i) {
        node->buf[c][i] += (float)(mono[i] * gains[c]);
      }
    }
    return;
  }
  double* pan = w->scratch_a;
  if (node->spread_auto) {
    md_automation_render(node->spread_auto, t_in, e->rate, n, pan);
  } else {
    ramp(pan, node->spread_pan, node->pan_target, n);
    node->spread_pan = node->pan_target;
  }
  for (uint32_t i = 0U; i < n; ++i) {
    md_pan_spread(pan[i], node->pan_law_db, &gains[0], &gains[1]);
    node->buf[0][i] += (float)(mono[i] * gains[0]);
    node->buf[1][i] += (float)(mono[i] * gains[1]);
  }
}

// Live meters: peak and energy of the post-fader signal since last read.
static void
live_meter(MdEngineNode* node, uint32_t n)
{
  float  peak = node->live_peak;
  double sum  = 0.0;
  for (int c = 0; c < 2; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      const float x = fabsf(node->post[c][i]);
      peak          = x > peak ? x : peak;
      sum += (double)x * x;
    }
  }
  node->live_peak = peak;
  node->live_sum_squares += sum * 0.5;
  node->live_frames += n;
}

static void
feed_edge(MixdownEngine* e, MdWorker* w, MdEdge* ed, int64_t t0, uint32_t n, uint32_t bank)
{
  const MdEngineNode* src   = &e->nodes[ed->from];
  MdEngineNode*       dst   = &e->nodes[ed->to];
  double*             level = w->scratch_b;
  // A parallel source may already be rendering the next block in the other bank.
  float* const* const pre  = src->parallel ? src->bank_pre[bank] : src->pre;
  float* const* const post = src->parallel ? src->bank_post[bank] : src->post;
  // A live move glides the level over this block (never offline).
  const bool per_sample = ed->level_auto || ed->level_target != ed->level;
  if (ed->level_auto) {
    md_automation_render(ed->level_auto, t0, e->rate, n, level);
    for (uint32_t i = 0U; i < n; ++i) {
      level[i] = md_db_to_gain(level[i]);
    }
  } else if (per_sample) {
    ramp(level, ed->level, ed->level_target, n);
    ed->level = ed->level_target;
  }
  if (src->lazy_post) {
    for (int c = 0; c < 2; ++c) {
      e->kernels->mix_add_scaled(dst->buf[c], src->lazy_src[bank][c], src->lazy_gain[c], (float)ed->level, n);
    }
    return;
  }
  if (!per_sample && !ed->delay) {
    // The common edge, a constant level with no alignment delay: the
    // vectorised mix kernel (a float product: within an ulp of the double
    // one below, and exact at unity level).
    for (int c = 0; c < 2; ++c) {
      e->kernels->mix_add(dst->buf[c], ed->pre_fader ? pre[c] : post[c], (float)ed->level, n);
    }
    return;
  }
  for (int c = 0; c < 2; ++c) {
    const float* in  = ed->pre_fader ? pre[c] : post[c];
    float*       out = dst->buf[c];
    uint32_t     pos = ed->ring_pos;
    for (uint32_t i = 0U; i < n; ++i) {
      float x = per_sample ? (float)(in[i] * level[i]) : ed->level == 1.0 ? in[i] : (float)(in[i] * ed->level);
      if (ed->delay) {
        const float delayed = ed->ring[c][pos];
        ed->ring[c][pos]    = x;
        pos                 = pos + 1U == ed->delay ? 0U : pos + 1U;
        x                   = delayed;
      }
      out[i] += x;
    }
    if (c == 1) {
      ed->ring_pos = pos;
    }
  }
}

// A stem is the node's post-fader output, delayed so that it lines up with
// the master's output frame for frame (the master comes after every node).
static void
capture_stem(MdEngineNode* node, uint32_t n)
{
  for (int c = 0; c < 2; ++c) {
    if (!node->stem_delay) {
      memcpy(node->stem[c], node->post[c], n * sizeof(float));
      continue;
    }
    uint32_t pos = node->stem_pos;
    for (uint32_t i = 0U; i < n; ++i) {
      node->stem[c][i]        = node->stem_ring[c][pos];
      node->stem_ring[c][pos] = node->post[c][i];
      pos                     = pos + 1U == node->stem_delay ? 0U : pos + 1U;
    }
    if (c == 1) {
      node->stem_pos = pos;
    }
  }
}

static MixdownStatus finish_strip(MixdownEngine* e, MdWorker* w, MdEngineNode* node,
                                  const float* const* signal, int64_t t_out, uint32_t n);

// Everything a node does in a block but feed its edges: clips or inputs,
// polarity, inserts, pan, fader, stem, meters.  It touches only the node's
// own state and the worker's scratch (a parallel track's buffers are its
// own), so parallel tracks can run on any worker at once.
static MixdownStatus
render_strip(MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t0, uint32_t n, uint32_t bank)
{
  if (node->parallel) {
    node->bank = bank;
    for (int c = 0; c < 2; ++c) {
      node->buf[c]  = node->bank_buf[bank][c];
      node->pre[c]  = node->bank_pre[bank][c];
      node->post[c] = node->bank_post[bank][c];
    }
  }
  // Each stage runs on the timeline as delayed by the latency before it,
  // so automation stays with the audio it shapes.
  const int64_t t_in  = t0 - (int64_t)node->latency_in;
  const int64_t t_out = t0 - (int64_t)node->latency_out;
  if (node->cache_hit) {
    // Straight from the cache file's read buffer; copied only for a sidechain.
    const float*        cached[2] = {NULL, NULL};
    const double        start     = md_clock_seconds();
    const MixdownStatus viewed    = md_cache_view(node->cache, cached, n);
    w->cache_seconds += md_clock_seconds() - start;
    if (viewed) {
      worker_message(w, "track `%s`: the render cache file cannot be read", node->name);
      return MIXDOWN_ERR_IO;
    }
    for (uint32_t c = 0U; node->is_key && c < node->channels; ++c) {
      memcpy(node->buf[c], cached[c], n * sizeof(float));
    }
    const MixdownStatus st = finish_strip(e, w, node, cached, t_out, n);
    md_cache_release(node->cache); // after the last block: closed here, on this worker
    return st;
  }
  if (node->kind == MD_NODE_TRACK) {
    memset(node->buf[0], 0, n * sizeof(float));
    memset(node->buf[1], 0, n * sizeof(float));
    if (node->spread_mono) {
      memset(w->mono_buf, 0, n * sizeof(float));
    }
    const double start = md_clock_seconds();
    if (e->feed) {
      // Live: the disk thread played the clips (a spreading track's mono
      // ones as a third channel); a late disk gives silence.
      float* const planes[3] = {node->buf[0], node->buf[1], w->mono_buf};
      if (!e->feed(e->feed_user, (uint32_t)(node - e->nodes), t_in, n, planes,
                   node->source_channels + (node->spread_mono ? 1U : 0U))) {
        ++e->feed_misses;
      }
    } else {
      for (size_t j = 0U; j < node->n_clips; ++j) {
        const MixdownStatus st = play_clip(e, w, node, &node->clips[j], t_in, n);
        if (st) {
          return st;
        }
      }
    }
    w->source_seconds += md_clock_seconds() - start;
    if (node->spread_mono) {
      spread_mono_clips(e, w, node, t_in, n);
    }
  }
  guard_input(e, w, node, t_in, n);
  if (node->invert) {
    for (uint32_t c = 0U; c < node->source_channels; ++c) {
      for (uint32_t i = 0U; i < n; ++i) {
        node->buf[c][i] = -node->buf[c][i];
      }
    }
  }
  bool silent = node->n_inserts && is_silent(node->buf, node->source_channels, n);
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    MdEngineInsert* ins = &node->inserts[j];
    silent              = run_insert(e, w, node, ins, t_in - (int64_t)ins->pre_latency, n, silent, bank);
    const char* fault   = ins->cls->fault ? ins->cls->fault(ins->state) : NULL;
    if (fault) { // a processor that cannot go on (an LV2 plugin's process died): the render stops
      worker_message(w, "track or bus `%s`, insert %zu, in the block from %.3f s: %s", node->name, j + 1U,
                     (double)(t_in > 0 ? t_in : 0) / e->rate, fault);
      return MIXDOWN_ERR_IO;
    }
  }
  if (node->cache) {
    const double start = md_clock_seconds();
    if (md_cache_write(node->cache, (const float* const*)node->buf, n)) {
      md_cache_close(node->cache); // a full disk costs the cache, not the render
      node->cache = NULL;
    }
    w->cache_seconds += md_clock_seconds() - start;
  }
  return finish_strip(e, w, node, (const float* const*)node->buf, t_out, n);
}

// A lazy track's summary meter: its post-fader signal, made in the
// worker's scratch as pan_and_fade() would have made it, measured, and
// let go.
static void
measure_lazy(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, uint32_t n)
{
  float* const post[2] = {w->clip_buf[0], w->clip_buf[1]}; // free once the clips are played
  for (int c = 0; c < 2; ++c) {
    e->kernels->scale(post[c], node->lazy_src[node->bank][c], node->lazy_gain[c], n);
  }
  md_measure_add_planar(node->level_post, (const float* const*)post, n);
}

// Pan, fader, stem and meters of `signal` (the inserts' output, or the
// cache's).
static MixdownStatus
finish_strip(MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* signal, int64_t t_out,
             uint32_t n)
{
  if (node->lazy_post) {
    node->lazy_src[node->bank][0] = signal[0];
    node->lazy_src[node->bank][1] = signal[node->channels == 1U ? 0 : 1];
    guard_lazy(e, w, node, t_out, n);
    if (node->level_post && !node->levels_stored) {
      measure_lazy(e, w, node, n);
    }
    return MIXDOWN_SUCCESS; // no stems on a lazy track
  }
  if (e->live && live_moving(node)) {
    live_pan_and_fade(e, w, node, signal, t_out, n);
  } else if (node->audible && !node->pan_auto && !node->gain_auto && !node->mute_auto) {
    pan_and_fade(e, node, signal, n);
  } else {
    apply_pan(e, w, node, signal, t_out, n);
    if (node->mute_auto) {
      apply_mute_envelope(e, w, node, t_out, n, false);
    }
    apply_fader(e, w, node, t_out, n);
  }
  guard_output(e, w, node, t_out, n);
  if (e->stems && node->kind != MD_NODE_MASTER) {
    capture_stem(node, n);
  }
  if (node->level_post) {
    if (node->level_pre) {
      md_measure_add_planar(node->level_pre, (const float* const*)node->pre, n);
    }
    if (!node->post_scaled) {
      md_measure_add_planar(node->level_post, (const float* const*)node->post, n);
    }
  }
  if (e->live_meters) {
    live_meter(node, n);
  }
  return MIXDOWN_SUCCESS;
}

// The whole timeline is rendered: the tracks written to the cache are kept,
// with their meters and non-finite tally.
static void
commit_cache(MixdownEngine* e)
{
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    if (!node->cache) {
      continue;
    }
    MdCacheExtras extras = {.non_finite = node->non_finite};
    if (node->lazy_post && node->level_post && !node->levels_stored) {
      extras.has_levels = true;
      memcpy(extras.level_gains, node->lazy_gain, sizeof extras.level_gains);
      md_measure_levels(node->level_post, &extras.levels);
    }
    if (node->cache_hit) {
      // Read, but measured afresh (its file had no levels at these gains):
      // kept for the next render (a failure costs the cache, not the render).
      if (extras.has_levels) {
        md_cache_update_levels(node->cache, &extras);
      }
      continue;
    }
    snprintf(extras.note, sizeof extras.note, "%s", node->first_note);
    double meters[64];
    for (size_t j = 0U; j < node->n_inserts; ++j) {
      for (uint32_t m = 0U; m < node->inserts[j].cls->n_meters && extras.n_meters < 64U; ++m) {
        meters[extras.n_meters++] = node->inserts[j].meter_extreme[m];
      }
    }
    extras.meters = meters;
    md_cache_commit(node->cache, &extras); // a failure costs the cache, not the render
    md_cache_close(node->cache);
    node->cache = NULL;
  }
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    if (e->nodes[i].prefix_tree) {
      md_sum_tree_commit(e->nodes[i].prefix_tree);
    }
  }
  if (e->cache_dir) {
    e->cache_removed = md_cache_prune(e->cache_dir, e->cache_limit, e->cache_since_ns);
  }
}

typedef struct {
  MixdownEngine*      e;
  const MdEngineNode* bus;
  uint32_t            bank;
} MdPrefixInputs;

// One input of a bus's prefix, added in: the track's signal × pan × fader
// (done here for a lazy track; the same roundings) × edge level.
static void
add_prefix_input(void* user, uint32_t input, float* const* out, uint32_t n)
{
  const MdPrefixInputs* in  = user;
  const MdEdge*         ed  = &in->e->edges[in->bus->prefix_edges[input]];
  const MdEngineNode*   src = &in->e->nodes[ed->from];
  for (int c = 0; c < 2; ++c) {
    if (src->lazy_post) {
      in->e->kernels->mix_add_scaled(out[c], src->lazy_src[in->bank][c], src->lazy_gain[c], (float)ed->level, n);
    } else {
      in->e->kernels->mix_add(out[c], src->bank_post[in->bank][c], (float)ed->level, n);
    }
  }
}

// Every bus's prefix: its inputs from plain-sum tracks, summed in
// the fixed order of its sum tree (or read from the cache).
static MixdownStatus
sum_prefixes(MixdownEngine* e, MdWorker* w, uint32_t n, uint32_t bank)
{
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    MdEngineNode* bus = &e->nodes[i];
    if (!bus->n_prefix) {
      continue;
    }
    MdPrefixInputs inputs = {e, bus, bank};
    if (md_sum_tree_sum(bus->prefix_tree, bus->prefix[bank], n, add_prefix_input, &inputs)) {
      worker_message(w, "`%s`: the render cache file of a partial sum cannot be read", bus->name);
      return MIXDOWN_ERR_IO;
    }
  }
  return MIXDOWN_SUCCESS;
}

// With a cache: a bus's prefix tree opens its partial sums, keyed by each
// input's track key and gains; the edges under sums read from the cache
// are covered.
static MixdownStatus
open_prefix_cache(MixdownEngine* e, MdEngineNode* bus)
{
  MdSumInput* inputs = calloc(bus->n_prefix, sizeof *inputs);
  if (!inputs) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t j = 0U; j < bus->n_prefix; ++j) {
    const MdEdge*       ed  = &e->edges[bus->prefix_edges[j]];
    const MdEngineNode* src = &e->nodes[ed->from];
    inputs[j].reused        = src->cache_hit;
    if (!src->cache_key[0]) {
      continue;
    }
    MdRecipe recipe = {0};
    md_recipe_add(&recipe, "input %s channels %u gains %a %a level %a\n", src->cache_key, src->channels,
                  (double)src->lazy_gain[0], (double)src->lazy_gain[1], (double)(float)ed->level);
    if (!recipe.failed) {
      md_cache_key(&recipe, inputs[j].key);
    }
    md_recipe_free(&recipe);
  }
  const MdCacheSpec spec = cache_spec(e);
  md_sum_tree_open_cache(bus->prefix_tree, &spec, inputs);
  free(inputs);
  for (uint32_t j = 0U; j < bus->n_prefix; ++j) {
    e->edges[bus->prefix_edges[j]].covered = md_sum_tree_covered(bus->prefix_tree, j);
  }
  return MIXDOWN_SUCCESS;
}

// A lazy track whose every edge is covered by cached sums, which keys no
// sidechain, and whose levels (if the summary wants them) its cache file
// kept at the same gains, is not needed: its own cache file is let go,
// and it is not rendered.  Hits whose audio or levels are read are marked
// used.
static void
skip_covered_tracks(MixdownEngine* e)
{
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    // A cache file keeps a track's levels but not its loudness series.
    node->levels_stored = node->lazy_post && node->level_post && node->has_stored_levels && !e->level_series &&
                          !memcmp(node->stored_level_gains, node->lazy_gain, sizeof node->lazy_gain);
    bool covered = node->lazy_post && !node->is_key && node->n_edges && (!node->level_post || node->levels_stored);
    for (size_t j = 0U; covered && j < node->n_edges; ++j) {
      covered = e->edges[node->first_edge + j].covered;
    }
    if (node->cache_hit && (!covered || node->levels_stored)) {
      md_cache_touch(node->cache); // read, or its levels were: recently used
    }
    if (covered) {
      node->covered = true;
      e->cache_hits += node->cache_hit ? 0U : 1U; // its own file was gone: reused all the same
      md_cache_close(node->cache);
      node->cache = NULL;
    }
  }
}

// A hit found damaged: what restore_from_cache() brought back is taken
// back, its file removed, and the track rendered (and written) afresh.
static void
unrestore_damaged(MixdownEngine* e, MdEngineNode* node)
{
  const MdCacheExtras* extras = md_cache_extras(node->cache);
  e->non_finite -= extras->non_finite;
  node->notes[0][0] = '\0';
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    memset(node->inserts[j].meter_extreme, 0, node->inserts[j].cls->n_meters * sizeof(double));
  }
  node->has_stored_levels = false;
  node->levels_stored     = false;
  md_cache_discard(node->cache);
  node->cache     = NULL;
  node->cache_hit = false;
  --e->cache_hits;
  ++e->cache_damaged;
  bool hit   = false;
  node->cache = open_track_cache(e, node, &hit); // the file is gone: a fresh one to write
}

// The hits that will be read (not covered by cached sums) are checked
// against their checksums before the first block: a damaged file is a
// miss, never audio.  Covered ones are never read, so never checked.
static void
verify_track_hits(MixdownEngine* e)
{
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    if (node->cache_hit && !node->covered && !md_cache_verify(node->cache)) {
      unrestore_damaged(e, node);
    }
  }
}

// Which inputs of each bus form its prefix: every edge into it from a
// plain-sum track, in the order the calling thread would add them (by the
// source's plan position, then its edge order).  The bus's other inputs
// are added to the prefix's sum afterwards, in plan order.  Live, there is
// none: moves glide gains and levels, and every input is added in plan
// order.
static MixdownStatus
collect_prefix_edges(MixdownEngine* e)
{
  for (int pass = 0; pass < 2; ++pass) { // count, then fill
    for (size_t k = 0U; k < e->n_nodes; ++k) {
      const MdEngineNode* src = &e->nodes[e->plan.order[k]];
      for (size_t j = 0U; src->plain_sum && !e->live && j < src->n_edges; ++j) {
        MdEdge*       ed  = &e->edges[src->first_edge + j];
        MdEngineNode* bus = &e->nodes[ed->to];
        if (pass == 1) {
          bus->prefix_edges[bus->n_prefix] = (uint32_t)(src->first_edge + j);
          ed->in_prefix                    = true;
        }
        ++bus->n_prefix;
      }
    }
    for (size_t i = 0U; pass == 0 && i < e->n_nodes; ++i) {
      MdEngineNode* bus = &e->nodes[i];
      if (bus->n_prefix && !(bus->prefix_edges = calloc(bus->n_prefix, sizeof(uint32_t)))) {
        return MIXDOWN_ERR_NO_MEM;
      }
      bus->n_prefix = 0U;
    }
  }
  return MIXDOWN_SUCCESS;
}

// A prefix's sum buffers and tree; with a cache, its partial sums.
static MixdownStatus
build_prefix_sum(MixdownEngine* e, MdEngineNode* bus)
{
  for (int b = 0; b < 2; ++b) {
    for (int c = 0; c < 2; ++c) {
      if (!(bus->prefix[b][c] = new_buffer())) {
        return MIXDOWN_ERR_NO_MEM;
      }
    }
  }
  if (!(bus->prefix_tree = md_sum_tree_new(bus->n_prefix, MD_BLOCK_FRAMES, e->kernels))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  return e->cache_dir ? open_prefix_cache(e, bus) : MIXDOWN_SUCCESS;
}

// Every bus's prefix, once, before the first block (after stems and
// meters have had their say on which tracks are lazy).
static MixdownStatus
build_prefixes(MixdownEngine* e)
{
  e->prefixes_built = true;
  MixdownStatus st  = collect_prefix_edges(e);
  for (size_t i = 0U; i < e->n_nodes && !st; ++i) {
    if (e->nodes[i].n_prefix) {
      st = build_prefix_sum(e, &e->nodes[i]);
    }
  }
  if (!st && e->cache_dir) {
    skip_covered_tracks(e);
    verify_track_hits(e);
  }
  return st;
}

// A pool job: take parallel tracks one by one until none are left.
static void
render_parallel_tracks(void* context, uint32_t worker)
{
  MixdownEngine* e     = context;
  MdWorker*      w     = &e->workers[worker];
  const double   start = md_clock_seconds();
  for (size_t k; !w->status && (k = atomic_fetch_add(&e->next_parallel, 1U)) < e->n_parallel;) {
    MdEngineNode*       node = &e->nodes[e->parallel[k]];
    const MixdownStatus st =
      node->covered ? MIXDOWN_SUCCESS : render_strip(e, w, node, e->block_t0, e->block_frames, e->block_bank);
    if (st) {
      w->status    = st;
      w->failed_at = k;
    } else if (atomic_fetch_add(&e->parallel_done, 1U) + 1U == e->n_parallel &&
               (w->status = sum_prefixes(e, w, e->block_frames, e->block_bank))) {
      w->failed_at = k; // the last one done: all inputs are ready
    }
  }
  w->busy_seconds += md_clock_seconds() - start;
}

// Folds the workers' tallies into the engine; the failure that counts is
// the one earliest in plan order, as a single thread would have met it.
static MixdownStatus
merge_workers(MixdownEngine* e)
{
  MixdownStatus st    = MIXDOWN_SUCCESS;
  size_t        first = SIZE_MAX;
  for (uint32_t i = 0U; i < e->n_workers; ++i) {
    MdWorker* w = &e->workers[i];
    e->non_finite += w->non_finite;
    e->source_seconds += w->source_seconds;
    e->cache_seconds += w->cache_seconds;
    e->block_seconds += w->busy_seconds;
    w->non_finite = 0U;
    w->source_seconds = w->cache_seconds = w->busy_seconds = 0.0;
    if (w->status && w->failed_at < first) {
      first = w->failed_at;
      st    = w->status;
      snprintf(e->message, sizeof e->message, "%s", w->message);
    }
    w->status = MIXDOWN_SUCCESS;
  }
  return st;
}

// Sets the parallel tracks of the block at `t0` going: on the helpers only
// (the caller joins later), or, without a pool, right here.
static void
start_parallel(MixdownEngine* e, int64_t t0, uint32_t n, uint32_t bank, bool ahead)
{
  e->block_t0     = t0;
  e->block_frames = n;
  e->block_bank   = bank;
  atomic_store(&e->next_parallel, 0U);
  atomic_store(&e->parallel_done, 0U);
  if (ahead) {
    md_pool_start(e->pool, render_parallel_tracks, e);
    e->ahead = true;
  } else if (e->pool) {
    md_pool_run(e->pool, render_parallel_tracks, e);
  } else {
    render_parallel_tracks(e, 0U);
  }
}

// Waits for (and helps with) parallel tracks started ahead, if any.
static void
finish_ahead(MixdownEngine* e)
{
  if (e->ahead) {
    md_pool_join(e->pool);
    e->ahead = false;
    e->ready = true; // the next block's parallel tracks are rendered: not again
  }
}

// A node's non-finite note of this block, merged in plan order.
static void
merge_note(MixdownEngine* e, MdEngineNode* node, uint32_t bank)
{
  char* fader = node->fader_notes[node->parallel ? bank : 0U];
  char* note  = node->notes[node->parallel ? bank : 0U];
  if (fader[0] && !note[0] && !e->non_finite_where[0]) {
    snprintf(e->non_finite_where, sizeof e->non_finite_where, "%s", fader);
  }
  fader[0] = '\0';
  if (!note[0]) {
    return;
  }
  if (!node->first_note[0]) {
    snprintf(node->first_note, sizeof node->first_note, "%s", note);
  }
  if (!e->non_finite_where[0]) {
    snprintf(e->non_finite_where, sizeof e->non_finite_where, "%s", note);
  }
  note[0] = '\0';
}

// One block: the parallel tracks (started during the previous block, or
// now), then — while the helpers already start the next block's parallel
// tracks in the other bank — the edges and serial nodes in plan order.
static MixdownStatus
render_nodes(MixdownEngine* e, uint32_t n)
{
  const int64_t  t0   = e->position;
  const uint32_t bank = (uint32_t)(e->block_index & 1U);
  if (!e->prefixes_built && build_prefixes(e)) {
    set_message(e, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  finish_ahead(e);
  if (!e->ready) {
    start_parallel(e, t0, n, bank, false);
  }
  e->ready         = false;
  MixdownStatus st = merge_workers(e);
  if (st) {
    return st;
  }
  const uint64_t total = e->length + e->latency;
  const uint64_t next  = (uint64_t)t0 + n;
  // Stems are copied out of the nodes after the block: no look-ahead then.
  if (e->pool && !e->stems && next < total) {
    const uint32_t next_frames = total - next < e->block_size ? (uint32_t)(total - next) : e->block_size;
    start_parallel(e, (int64_t)next, next_frames, bank ^ 1U, true);
  }
  const double start = md_clock_seconds();
  MdWorker*    w     = &e->workers[0];
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    MdEngineNode* bus = &e->nodes[i];
    for (int c = 0; bus->kind != MD_NODE_TRACK && c < 2; ++c) {
      if (bus->n_prefix) {
        memcpy(bus->buf[c], bus->prefix[bank][c], n * sizeof(float));
      } else {
        memset(bus->buf[c], 0, n * sizeof(float));
      }
    }
  }
  for (size_t k = 0U; k < e->n_nodes && !st; ++k) {
    MdEngineNode* node = &e->nodes[e->plan.order[k]];
    if (!node->parallel && (st = render_strip(e, w, node, t0, n, bank))) {
      snprintf(e->message, sizeof e->message, "%s", w->message);
      break;
    }
    merge_note(e, node, bank);
    for (size_t j = 0U; j < node->n_edges; ++j) {
      MdEdge* ed = &e->edges[node->first_edge + j];
      if (!ed->in_prefix) {
        feed_edge(e, w, ed, t0 - (int64_t)node->latency_out, n, bank);
      }
    }
  }
  e->non_finite += w->non_finite;
  e->source_seconds += w->source_seconds;
  e->cache_seconds += w->cache_seconds;
  w->non_finite     = 0U;
  w->source_seconds = w->cache_seconds = 0.0;
  e->block_seconds += md_clock_seconds() - start;
  e->position += n;
  ++e->block_index;
  if (!st && (uint64_t)e->position == total) {
    commit_cache(e);
  }
  return st;
}

/* ------------------------------------------------------------------------ */
/* Pulling                                                                   */

MixdownStatus
mixdown_engine_pull_stems(MixdownEngine* e, float* left, float* right, float* const* stems,
                          uint32_t max_frames, uint32_t* frames_done)
{
  if (!e || !left || !right || !frames_done || (stems && !e->stems)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *frames_done             = 0U;
  const MdFpuState fpu     = md_fpu_enter_ftz();
  MixdownStatus    st      = MIXDOWN_SUCCESS;
  const MdEngineNode* master = &e->nodes[e->master];
  while (*frames_done < max_frames && e->delivered < e->length) {
    if (e->block_pos == e->block_len) {
      // The timeline runs `latency` frames longer than the mix; those first
      // frames are the master path's delay and are dropped below.
      const int64_t total = (int64_t)(e->length + e->latency);
      const int64_t end   = total < e->render_limit ? total : e->render_limit;
      if (e->position >= end) {
        break; // live: at the end of a loop, until md_engine_locate()
      }
      const int64_t left_to_render = end - e->position;
      e->block_len = left_to_render < e->block_size ? (uint32_t)left_to_render : e->block_size;
      e->block_pos = 0U;
      if ((st = render_nodes(e, e->block_len))) {
        break;
      }
      const int64_t block_start = e->position - (int64_t)e->block_len;
      if (block_start < e->drop_until) {
        const int64_t drop = e->drop_until - block_start;
        e->block_pos       = drop < e->block_len ? (uint32_t)drop : e->block_len;
        continue;
      }
    }
    uint32_t n = e->block_len - e->block_pos;
    if (n > max_frames - *frames_done) {
      n = max_frames - *frames_done;
    }
    if (n > e->length - e->delivered) {
      n = (uint32_t)(e->length - e->delivered);
    }
    memcpy(left + *frames_done, master->post[0] + e->block_pos, n * sizeof(float));
    memcpy(right + *frames_done, master->post[1] + e->block_pos, n * sizeof(float));
    for (uint32_t k = 0U; stems && k < e->master; ++k) {
      memcpy(stems[2U * k] + *frames_done, e->nodes[k].stem[0] + e->block_pos, n * sizeof(float));
      memcpy(stems[2U * k + 1U] + *frames_done, e->nodes[k].stem[1] + e->block_pos, n * sizeof(float));
    }
    e->block_pos += n;
    e->delivered += n;
    *frames_done += n;
  }
  md_fpu_leave(fpu);
  return st;
}

MixdownStatus
mixdown_engine_pull(MixdownEngine* e, float* left, float* right, uint32_t max_frames,
                    uint32_t* frames_done)
{
  return mixdown_engine_pull_stems(e, left, right, NULL, max_frames, frames_done);
}

MixdownStatus
mixdown_engine_enable_stems(MixdownEngine* e)
{
  if (!e || e->position != 0) {
    return MIXDOWN_ERR_BAD_ARG; // only before the first block
  }
  if (unlazy(e)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const uint32_t master_latency = e->nodes[e->master].latency_out;
  for (uint32_t k = 0U; k < e->master; ++k) {
    MdEngineNode* node = &e->nodes[k];
    node->stem_delay   = master_latency - node->latency_out;
    for (int c = 0; c < 2; ++c) {
      if (!(node->stem[c] = new_buffer()) ||
          (node->stem_delay && !(node->stem_ring[c] = calloc(node->stem_delay, sizeof(float))))) {
        return MIXDOWN_ERR_NO_MEM; // what was allocated is freed with the engine
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

uint64_t
mixdown_engine_length(const MixdownEngine* e)
{
  return e ? e->length : 0U;
}

uint32_t
mixdown_engine_latency(const MixdownEngine* e)
{
  return e ? e->latency : 0U;
}

const char*
mixdown_engine_message(const MixdownEngine* e)
{
  return e ? e->message : "";
}

uint64_t
mixdown_engine_non_finite_count(const MixdownEngine* e)
{
  return e ? e->non_finite : 0U;
}

const char*
mixdown_engine_non_finite_where(const MixdownEngine* e)
{
  return e ? e->non_finite_where : "";
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
  settle(e);
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
  if (!e || e->position != 0) {
    return MIXDOWN_ERR_BAD_ARG; // only before the first block
  }
  // The pre-fader signal is measured only in full detail; a lazy track
  // makes its post-fader signal for the light meter itself.
  if (detail == MIXDOWN_LEVELS_FULL && unlazy(e)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const bool     full   = detail == MIXDOWN_LEVELS_FULL;
  const unsigned series = detail == MIXDOWN_LEVELS_SERIES ? MD_MEASURE_LIGHT | MD_MEASURE_SERIES : 0U;
  e->level_series       = series != 0U;
  for (size_t k = 0U; k < e->n_nodes; ++k) {
    MdEngineNode* node = &e->nodes[k];
    if (node->level_post) {
      continue;
    }
    node->level_pre = full ? md_measure_new(2U, e->rate, MD_MEASURE_FULL) : NULL;
    if (full && !node->level_pre) {
      return MIXDOWN_ERR_NO_MEM;
    }
    // Behind a constant fader, post = pre × gain (a mute envelope acts
    // before the fader; a muted strip is silence on both sides): its levels
    // come from the pre-fader meter, scaled, at a fraction of the cost.
    node->post_scaled = full && !e->live && !node->gain_auto;
    node->level_post  = node->post_scaled ? md_measure_scaled(node->level_pre, node->audible ? node->gain : 0.0)
                                          : md_measure_new(2U, e->rate, full ? MD_MEASURE_FULL : MD_MEASURE_LIGHT | series);
    if (!node->level_post) {
      node->post_scaled = false;
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
  settle(e);
  if (!e || !levels || index >= e->n_nodes || !e->nodes[index].level_post) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  const MdEngineNode* node = &e->nodes[index];
  memset(levels, 0, sizeof *levels);
  levels->name   = node->name;
  levels->is_bus = node->kind == MD_NODE_TRACK ? 0 : node->kind == MD_NODE_BUS ? 1 : 2;
  if (node->level_pre) {
    md_measure_levels(node->level_pre, &levels->pre_fader);
  } else {
    levels->pre_fader.peak_dbfs = levels->pre_fader.rms_dbfs = levels->pre_fader.integrated_lufs = -HUGE_VAL;
    levels->pre_fader.true_peak_dbtp = levels->pre_fader.momentary_max_lufs = -HUGE_VAL;
    levels->pre_fader.short_term_max_lufs                                    = -HUGE_VAL;
  }
  if (node->levels_stored) {
    levels->post_fader = node->stored_levels;
  } else {
    md_measure_levels(node->level_post, &levels->post_fader);
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
  settle(e);
  if (!e || index >= e->n_nodes || !e->nodes[index].level_post) {
    return 0U;
  }
  const MdMeasure* meter = e->nodes[index].level_post;
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

/* ------------------------------------------------------------------------ */
/* Time profile                                                              */

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

#define PROFILE_TYPES (MIXDOWN_MAX_TIME_REPORTS - 3U)

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
    if (e->nodes[i].prefix_tree) {
      seconds += md_sum_tree_cache_seconds(e->nodes[i].prefix_tree);
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
  settle(e);
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

/* ------------------------------------------------------------------------ */
/* Live playback                                                             */

// A live move takes an envelope over: it stops playing but lives on (freed
// with the engine: the audio thread never frees).  Returns whether there
// was one, with the value it had reached in *now (when not NULL).
static bool
take_over(const MixdownEngine* e, MdAutomation** playing, MdAutomation** detached, double* now)
{
  MdAutomation* envelope = *playing;
  if (!envelope) {
    return false;
  }
  if (now) {
    *now = md_automation_value(envelope, (double)e->position / e->rate);
  }
  if (!*detached) {
    *detached = envelope;
  }
  *playing = NULL;
  return true;
}

MixdownStatus
md_engine_go_live(MixdownEngine* e, const MixdownSession* session, uint32_t block_frames, MdClipFeed feed,
                  void* feed_user)
{
  if (!e || !session || !feed || e->position != 0 || !block_frames || block_frames > MD_BLOCK_FRAMES ||
      session->n_nodes != e->n_nodes) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MixdownStatus st = set_workers(e, 1U); // the audio thread alone: no waiting on helpers
  if (!st) {
    st = unlazy(e); // every strip writes its post-fader signal: meters read it
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
    node->gain_target  = node->gain;
    node->pan_target   = node->pan;
    node->spread_pan   = node->pan;
    node->mute_gain = node->mute_target = node->audible ? 1.0 : 0.0;
    node->audible                       = true; // mute and solo act through mute_gain
    for (size_t j = 0U; j < node->n_inserts; ++j) {
      MdEngineInsert* ins = &node->inserts[j];
      if (!(ins->detached = calloc(ins->n_values ? ins->n_values : 1U, sizeof(MdAutomation*)))) {
        return MIXDOWN_ERR_NO_MEM;
      }
    }
  }
  e->session      = session;
  e->live         = true;
  e->block_size   = block_frames;
  e->feed         = feed;
  e->feed_user    = feed_user;
  return MIXDOWN_SUCCESS;
}

uint32_t
md_engine_input_latency(const MixdownEngine* e, uint32_t node)
{
  return node < e->n_nodes ? e->nodes[node].latency_in : 0U;
}

void
md_engine_locate(MixdownEngine* e, int64_t frame)
{
  finish_ahead(e);
  e->position   = frame;
  e->block_len  = 0U;
  e->block_pos  = 0U;
  e->drop_until = frame + (int64_t)e->latency;
  e->delivered  = frame > 0 ? (uint64_t)frame : 0U;
}

void
md_engine_set_render_limit(MixdownEngine* e, int64_t limit)
{
  e->render_limit = limit;
}

uint64_t
md_engine_position(const MixdownEngine* e)
{
  return e->delivered;
}

static void
live_mute_solo(MixdownEngine* e)
{
  bool* audible = e->live_marks + 2U * e->n_nodes; // after md_plan_audible()'s scratch
  md_plan_audible(e->session, e->plan.order, e->live_mute, e->live_solo, e->live_marks, audible);
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    e->nodes[i].mute_target = audible[i] ? 1.0 : 0.0;
  }
}

void
md_engine_live_set(MixdownEngine* e, const MdLiveChange* change)
{
  if (!e->live || change->node >= e->n_nodes) {
    return;
  }
  MdEngineNode* node = &e->nodes[change->node];
  double        now  = 0.0; // an envelope's value where a move takes it over
  switch (change->kind) {
  case MD_LIVE_GAIN_DB:
    if (take_over(e, &node->gain_auto, &node->gain_detached, &now)) {
      node->gain = md_db_to_gain(now); // the glide starts where the envelope had got to
    }
    node->gain_target = md_db_to_gain(change->value);
    break;
  case MD_LIVE_PAN:
    take_over(e, &node->pan_auto, &node->pan_detached, &node->pan);
    take_over(e, &node->spread_auto, &node->spread_detached, &node->spread_pan);
    node->pan_target = change->value;
    break;
  case MD_LIVE_MUTE:
    if (take_over(e, &node->mute_auto, &node->mute_detached, &now)) {
      node->mute_gain *= 1.0 - now;
    }
    // fall through
  case MD_LIVE_SOLO:
    (change->kind == MD_LIVE_MUTE ? e->live_mute : e->live_solo)[change->node] = change->value != 0.0;
    live_mute_solo(e);
    break;
  case MD_LIVE_INVERT:
    node->invert = change->value != 0.0;
    break;
  case MD_LIVE_SEND_DB: {
    // A node's edges are its output, then its sends.
    const size_t first = node->n_edges && !e->edges[node->first_edge].is_send ? 1U : 0U;
    if (first + change->index >= node->n_edges) {
      return;
    }
    MdEdge* ed = &e->edges[node->first_edge + first + change->index];
    if (take_over(e, &ed->level_auto, &ed->level_detached, &now)) {
      ed->level = md_db_to_gain(now);
    }
    ed->level_target = md_db_to_gain(change->value);
    break;
  }
  case MD_LIVE_INSERT: {
    if (change->index >= node->n_inserts || change->slot >= node->inserts[change->index].n_values) {
      return;
    }
    MdEngineInsert* ins = &node->inserts[change->index];
    take_over(e, &ins->automation[change->slot], &ins->detached[change->slot], NULL);
    ins->automated = false;
    for (uint32_t p = 0U; p < ins->n_values; ++p) {
      ins->automated = ins->automated || ins->automation[p];
    }
    ins->cls->set_param(ins->state, change->slot, change->value);
    ins->quiet = false; // a new value may move state that was at rest
    break;
  }
  }
}

void
md_engine_live_meter(MixdownEngine* e, uint32_t index, float* peak, double* sum_squares, uint64_t* frames)
{
  MdEngineNode* node = &e->nodes[index];
  *peak              = node->live_peak;
  *sum_squares       = node->live_sum_squares;
  *frames            = node->live_frames;
  node->live_peak        = 0.0F;
  node->live_sum_squares = 0.0;
  node->live_frames      = 0U;
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

/* ------------------------------------------------------------------------ */
/* Read-outs for the routing graph (graph_info.c)                            */

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
