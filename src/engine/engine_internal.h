// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The engine's private types and the functions its files share (never
// included outside src/engine/).  The engine, file by file:
//
//   build.c      nodes, inserts, clips, edges, keys; new and free
//   block.c      one block in plan order; pulling the mix
//   strip.c      one strip: clips → polarity → inserts → fader → stems
//   insert.c     one insert: run, silence skip, key fetch; the NaN guards
//   fader.c      pan, mute and fader (constant, automated, live): one stage
//   edge.c       edges feeding buses; the delay line of keys, edges, stems
//   parallel.c   workers, banks, look-ahead
//   bus_sums.c   lazy tracks and the buses' prefix sums
//   cache_keys.c the render cache's keys, opening, restoring, committing
//   report.c     stems, levels, meters, the time profile, graph read-outs
//   live.c       going live, locating, live moves and meters
//
// Threads.  "control": the thread that owns the engine, between pulls
// (may allocate).  "audio": inside a pull — the calling thread, or (for
// parallel tracks' strips, marked "worker") any of the pool's helpers at
// once, each on its own track and its own MdWorker.  Audio functions never
// allocate, lock, log or touch files — except the render cache's reads and
// writes, offline only (a live engine has no cache).

#ifndef MD_ENGINE_INTERNAL_H
#define MD_ENGINE_INTERNAL_H

#include "dsp/kernels/kernels.h"
#include "engine/automation.h"
#include "engine/cache.h"
#include "engine/clip.h"
#include "engine/engine.h"
#include "engine/graph.h"
#include "engine/pool.h"
#include "engine/sum_tree.h"
#include "io/measure.h"
#include "util/attributes.h"
#include "util/realtime.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MD_BLOCK_FRAMES   MD_ENGINE_MAX_BLOCK_FRAMES // frames per offline block
#define MD_CONTROL_FRAMES 32U // automation reaches processors at this granularity

/// A delay line of `frames` per channel (keys, edges and stems align
/// latencies with it).  `frames` 0: no delay, no ring.
typedef struct {
  float*   ring[2];
  uint32_t frames;
  uint32_t pos; ///< Where the next sample goes (and the oldest comes out)
} MdDelayLine;

/// A value of the fader stage (pan, fader, mute) or a send level:
/// constant, or following a curve — the session's envelope, or a live
/// move's glide.  Every live move glides the same way: a straight line
/// (in the value's own unit: dB for faders and sends, as their envelopes
/// are) from where the move finds the value to the new one, over one block,
/// evaluated frame by frame by md_automation_render() as an envelope is —
/// so the take that records the moves (live/record.c) renders what played.
typedef struct {
  double        value;    ///< Constant (pan; fader and send level in dB; mute 0 open … 1 muted); a glide's end
  MdAutomation* envelope; ///< The session's envelope, or NULL (none, or taken over by a live move)
  MdAutomation* glide;    ///< Live: `line` while a move glides, else NULL
  int64_t       glide_last_frame; ///< …the frame it arrives on (on the timeline of the stage it acts in)
  MdAutomation* line;     ///< Live: the glide's two points (made at go-live)
  MdAutomation* detached; ///< Live: the envelope a move took over (freed with the engine)
} MdFaderValue;

typedef struct {
  const MdProcessorClass* cls;
  void*                   state;
  uint32_t                in_channels;
  uint32_t                out_channels;
  uint32_t                n_values;
  MdAutomation**          automation;         ///< Per value slot, NULL when constant
  bool                    automated;          ///< Any value has an envelope
  uint32_t                pre_latency_frames; ///< Latency of the inserts before this one
  uint32_t                key_node;           ///< Node keying the sidechain, or MD_NO_NODE
  MdDelayLine             key_line;           ///< Aligns the key with this insert
  float*                  key_buf[2];         ///< The aligned key for the current block
  double*                 meter_extreme;      ///< Per meter: furthest from 0 so far
  double                  seconds;            ///< Time spent in process() (render --stats)
  uint64_t                blocks;             ///< Blocks given to it…
  uint64_t                skipped;            ///< …and skipped as silence (render --stats)
  bool                    quiet;              ///< The last block it processed was silence in and out
  /// Live: per value slot, the slot as a fader value is — its value, the
  /// session's envelope (owned here, `automation` only points at it), a
  /// number's glide line and the envelope a move took over.  A move of a
  /// number glides like a fader's (live.c): `automation` points at the
  /// line until the glide has arrived.  NULL offline.
  MdFaderValue*           live;
  /// Bypass (`bypass: true`, or live: md_engine_live_set()): the input
  /// passes through `dry_line`, delayed by the insert's latency at build.
  /// `bypass_mix` is where the crossfade is (0 processed … 1 dry); live
  /// it moves by `bypass_step` a frame towards `bypass`.  Fully bypassed,
  /// the processor is not run.
  uint32_t                latency_frames;
  bool                    bypass;
  double                  bypass_mix;
  double                  bypass_step;
  MdDelayLine             dry_line;
  bool                    dry_always;         ///< Live: the dry line is fed every block (a bypass finds it full)
  /// Live insert meters (md_engine_live_insert_meters()): per meter, the
  /// furthest from 0 since the last read.
  double*                 live_meter;
} MdEngineInsert;

typedef struct {
  uint32_t      from;
  uint32_t      to;
  bool          pre_fader;
  bool          is_send;
  MdFaderValue  level_db;     ///< Send level (outputs: 0 dB)
  double        level_linear; ///< …its gain when constant
  MdDelayLine   delay;        ///< Latency alignment
  bool          in_prefix;    ///< Summed by a helper into its bus's prefix (bus_sums.c)
  bool          covered;      ///< …inside a partial sum read from the render cache: never read
} MdEdge;

/// A node's signal buffers.  Serial nodes share scratch (their edges use
/// it at once); parallel tracks own two banks and point buf/pre/post at
/// the bank of the block they render (bank = block number & 1), because
/// they render block k+1 while block k's edges are fed.
typedef struct {
  float*   buf[2];  ///< Input sum, then the insert chain in place (owned when own_buf)
  float*   pre[2];  ///< After pan, before the fader
  float*   post[2]; ///< After the fader (the master owns its own; NULL when lazy)
  bool     own_buf; ///< Buses, the master and tracks that key a sidechain
  float*   bank_buf[2][2]; ///< [bank][channel]
  float*   bank_pre[2][2];
  float*   bank_post[2][2];
  uint32_t bank;           ///< The bank md_engine_render_strip() uses now
} MdNodeBuffers;

/// A parallel track's render cache file (cache_keys.c).
typedef struct {
  MdRecipe     recipe; ///< What shapes its post-insert signal (the cache key)
  MdCacheFile* file;   ///< With --cache: its cache file, read or being written
  bool         hit;    ///< …read: clips and inserts are not run
  char         key[MD_CACHE_KEY_CHARS]; ///< …named by this ("" when not cached)
  bool         covered; ///< Every edge is inside cached partial sums: not rendered at all
  /// A lazy track's post-fader levels as its cache file keeps them (when
  /// measured at the same gains, they are not measured again).
  bool          has_stored_levels;
  float         stored_level_gains[2];
  MixdownLevels stored_levels;
  bool          levels_stored; ///< levels.post is not fed: stored_levels are the levels
} MdNodeCache;

/// A parallel track with constant pan and fader whose edges are plain sums
/// (constant level, no delay) — "plain sum" — joins the buses' sum trees
/// (offline; whether or not it is lazy, so stems and meters never change
/// the order of a sum).  With no stems or full meters it is also lazy: it
/// never writes its post-fader signal; its edges read the signal after the
/// inserts (or the cache) and apply pan × fader on the way
/// (mix_add_scaled: the same two roundings as scale, then mix_add).
typedef struct {
  bool         plain_sum;
  bool         active;         ///< Lazy
  float        gain_linear[2]; ///< pan × fader, per side
  const float* src[2][2];      ///< [bank][side]: the signal those apply to
  /// A lazy track whose gain boosts (> 1 on a side) may overflow: in a
  /// block where it would, its edges read a copy of the signal with the
  /// samples that overflow silenced (as the fader's guard does on other
  /// tracks), [bank][side].
  float* safe[2][2];
} MdNodeLazy;

/// A bus's inputs from plain-sum tracks: the helpers sum them (in the
/// tree's fixed order) into sum[bank] once every parallel track of the
/// block is done, and the bus starts from that sum instead of zero; its
/// other inputs are added to it in plan order.
typedef struct {
  uint32_t*  edges;
  uint32_t   n_edges;
  MdSumTree* tree;
  float*     sum[2][2];
} MdBusPrefix;

/// Level meters (mixdown_engine_enable_levels()).
typedef struct {
  MdMeasure* pre;  ///< Before the fader (full detail only)
  MdMeasure* post; ///< …and after
  /// post is pre's scaled twin (md_measure_scaled(): a constant fader),
  /// fed and freed through pre.
  bool post_scaled;
} MdNodeLevels;

/// Live meters (md_engine_enable_live_meters()): since the last read.
typedef struct {
  float    peak_linear;
  double   sum_squares;
  uint64_t frames;
} MdNodeLive;

/// A stem: the node's post-fader output, delayed to line up with the master's.
typedef struct {
  float*      buf[2];
  MdDelayLine line; ///< master latency − this node's
} MdNodeStem;

typedef struct {
  MdNodeKind kind;
  char*      name;
  uint32_t   channels;        ///< After the inserts (1 or 2); buses always 2
  uint32_t   source_channels; ///< 1 when every clip is mono: the pan is the pan law (see md_engine_pan_gains())
  /// A track with both mono and stereo clips: its mono clips are summed
  /// apart (MdWorker.mono_buf) and spread onto the stereo pair before the
  /// inserts, at gains that the balance after them turns into the pan
  /// law's (md_pan_spread()), so a mono clip's level does not depend on
  /// the clips beside it.
  bool            spread_mono;
  MdAutomation*   spread_cursor;   ///< The pan envelope's own cursor for the spread (at the input's time)
  MdAutomation*   spread_detached; ///< Live: …taken over by a pan move
  MdClipPlayer*   clips;
  size_t          n_clips;
  MdEngineInsert* inserts;
  size_t          n_inserts;
  MdFaderValue    gain_db;
  double          gain_linear; ///< The fader's gain when constant
  MdFaderValue    pan;
  MdFaderValue    mute; ///< Offline: an envelope or 0 (a muted strip is not audible); live: mute and solo
  MdPanLaw        pan_law;
  bool            invert;
  bool            audible;
  size_t          first_edge; ///< This node's edges in MixdownEngine.edges
  size_t          n_edges;
  uint32_t        latency_in_frames;  ///< Delay of this node's input against the timeline
  uint32_t        latency_out_frames; ///< …and of its output
  bool            parallel;  ///< A track keyed by no sidechain: rendered by any worker
  bool            is_key;    ///< Keys a sidechain: its buf is read by another node
  bool            pre_sends; ///< Has pre-fader sends: its pre-fader signal is used
  uint64_t        non_finite; ///< Non-finite samples replaced on this node (kept in the cache)
  char            notes[2][200];   ///< First non-finite event per bank (merged in plan order)
  char            first_note[200]; ///< The first of all (kept in the cache)
  /// …and of pan and fader, per bank: not kept in the cache (they do not
  /// shape the cached signal), merged after `notes`.
  char          fader_notes[2][200];
  MdNodeBuffers io;
  MdNodeStem    stem;
  MdNodeLevels  levels;
  MdNodeCache   cache;
  MdNodeLazy    lazy;
  MdBusPrefix   prefix;
  MdNodeLive    live;
} MdEngineNode;

/// What one thread needs to render strips: scratch and its own tallies,
/// merged into the engine after each block's parallel part.
typedef struct {
  float*        clip_buf[2];
  float*        mono_buf;  ///< The mono clips of a track with spread_mono
  double*       scratch_a; ///< Per-sample automation values
  double*       scratch_b;
  float*        dry_buf[2]; ///< An insert's dry path while bypassed or crossfading (insert.c)
  const MdKernels* kernels; ///< md_kernels(): the scrub's finiteness check
  uint64_t      non_finite;
  double        source_seconds;
  double        cache_seconds; ///< Reading and writing the render cache
  double        busy_seconds;
  MixdownStatus status;    ///< First failure of this worker in this block…
  size_t        failed_at; ///< …at this index of `parallel`
  char          message[512];
} MdWorker;

struct MixdownEngineImpl {
  double           rate_hz;
  MdEngineNode*    nodes;
  size_t           n_nodes;
  MdEdge*          edges;
  size_t           n_edges;
  MdPlan           plan;
  uint32_t         master;
  uint32_t         latency_frames;  ///< Master path latency, dropped from the start
  uint64_t         length_frames;   ///< Frames of mix to deliver
  int64_t          position_frame;  ///< Timeline frame of the next block
  uint32_t         block_length_frames; ///< Frames in the current master block
  uint32_t         block_done_frames;   ///< Frames of it already delivered or dropped
  uint64_t         delivered_frames; ///< Frames of mix delivered so far (the live position)
  bool             stems;           ///< Stems enabled (mixdown_engine_enable_stems)
  uint64_t         non_finite;
  char             non_finite_where[200]; ///< Where the first non-finite audio appeared
  float*           shared_buf[2];   ///< The insert buffer of serial tracks that key nothing
  float*           shared_pre[2];   ///< Serial nodes' pre-fader signal, used at once by its edges
  float*           shared_post[2];  ///< …and their post-fader signal
  MdWorker*        workers;         ///< [0] is the calling thread
  uint32_t         n_workers;
  MdPool*          pool;            ///< Helpers 1 … n_workers - 1, or NULL
  const MdKernels* kernels;
  uint32_t*        parallel;        ///< Parallel tracks, in plan order
  size_t           n_parallel;
  atomic_size_t    next_parallel;   ///< The next of them to take, this block
  atomic_size_t    parallel_done;   ///< …and how many are rendered
  bool             prefixes_built;
  int64_t          block_start_frame; ///< The block the parallel tracks render
  uint32_t         block_frames;
  uint32_t         block_bank;
  uint64_t         block_index;     ///< Blocks rendered so far
  bool             ahead;           ///< The helpers are rendering the next block's parallel tracks
  bool             ready;           ///< …and are done with them (joined early, by a read-out)
  uint32_t         cache_hits;      ///< Parallel tracks read from the cache
  uint32_t         cache_tracks;    ///< Parallel tracks with a cache file
  char*            cache_dir;       ///< With a cache: its folder (for the partial sums)
  uint64_t         cache_limit_bytes; ///< …kept under this many bytes at the end of a render
  int64_t          cache_since_ns;  ///< …by removing files not used since before this
  uint32_t         cache_removed;   ///< …: how many
  uint32_t         cache_damaged;   ///< Cache files whose checksum failed: re-rendered
  bool             skip_silence;    ///< Skip inserts at rest on silence (md_engine_set_silence_skip())
  double           source_seconds;  ///< Time spent decoding and resampling
  double           cache_seconds;   ///< …reading and writing the render cache's tracks
  double           block_seconds;   ///< Time spent rendering blocks, all told (CPU, every worker)
  uint32_t         block_size_frames; ///< Frames per block (MD_BLOCK_FRAMES, or the live period)
  int64_t          drop_until_frame; ///< Timeline frames before this are the master latency: dropped
  int64_t          render_limit_frame; ///< Live: no block renders past this timeline frame (a loop's end)
  bool             live;            ///< md_engine_go_live(): sources come from `feed`, moves from live control
  bool             live_meters;     ///< md_engine_enable_live_meters(): strips measure their output
  bool             level_series;    ///< MIXDOWN_LEVELS_SERIES: every strip's meter keeps its loudness series
  MdClipFeed       feed;
  void*            feed_user;
  uint64_t         feed_misses;     ///< Blocks a track's feed could not fill (silence instead)
  const MixdownSession* session;    ///< Live: for the routing solo follows
  bool*            live_mute;       ///< Live: per node
  bool*            live_solo;
  bool*            live_marks;      ///< md_plan_audible()'s scratch (2 × nodes), then its result
  char             message[512];
};

/* build.c (control) */
float* md_engine_new_buffer(void);
void   md_engine_set_message(MixdownEngine* e, const char* fmt, ...) MD_PRINTF(2, 3);

/* parallel.c */
/// `count` workers (0: none) and a pool of count - 1 helper threads (control).
MixdownStatus md_engine_set_workers(MixdownEngine* e, uint32_t count);
/// Parallel tracks get buffers of their own, in two banks (control).
MixdownStatus md_engine_build_parallel(MixdownEngine* e);
/// Starts the parallel tracks of the block at `t0` (audio).
MD_REALTIME void md_engine_start_parallel(MixdownEngine* e, int64_t t0, uint32_t n, uint32_t bank, bool ahead);
/// Waits for (and helps with) parallel tracks started ahead, if any (audio or control).
MD_REALTIME void md_engine_finish_ahead(MixdownEngine* e);
/// Before a read-out between pulls: lets work already under way finish (control).
void md_engine_settle(const MixdownEngine* e);
/// Folds the workers' tallies into the engine (audio).
MD_REALTIME MixdownStatus md_engine_merge_workers(MixdownEngine* e);

/* bus_sums.c */
/// Whether a parallel track may be lazy; sets its lazy gains (control).
bool md_engine_lazy_candidate(const MixdownEngine* e, MdEngineNode* node);
/// Stems and meters read the post-fader signal: lazy tracks get theirs (control).
MixdownStatus md_engine_unlazy(MixdownEngine* e);
/// Every bus's prefix, once, before the first block (control, in the first pull).
MixdownStatus md_engine_build_prefixes(MixdownEngine* e);
/// Sums every bus's prefix for this block (audio, worker: the last to finish).
MD_REALTIME MixdownStatus md_engine_sum_prefixes(MixdownEngine* e, MdWorker* w, uint32_t n, uint32_t bank);
/// A lazy track's signal guard and summary meter (audio, worker).
MD_REALTIME void md_engine_guard_lazy(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_out,
                                      uint32_t n);
MD_REALTIME void md_engine_measure_lazy(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, uint32_t n);

/* cache_keys.c (offline only) */
/// What shapes a track's signal up to its inserts' output (control).
void md_engine_describe_track(MdRecipe* r, const MdNode* model);
/// The whole timeline is rendered: keeps what was written (in the last pull).
void md_engine_commit_cache(MixdownEngine* e);
/// A bus's partial sums from the cache; marks the covered edges (control).
MixdownStatus md_engine_open_prefix_cache(MixdownEngine* e, MdEngineNode* bus);
/// Lets go of tracks covered by cached sums and checks the hits that will be read (control).
void md_engine_check_cached_tracks(MixdownEngine* e);

/* insert.c */
/// Replaces non-finite samples with silence; returns how many (audio, worker).
MD_REALTIME uint64_t md_engine_scrub(MdWorker* w, float* const* buf, uint32_t channels, uint32_t n);
MD_REALTIME void     md_engine_note_non_finite(MdEngineNode* node, const char* fmt, ...) MD_PRINTF(2, 3);
MD_REALTIME void     md_engine_note_fader(MdEngineNode* node, const char* fmt, ...) MD_PRINTF(2, 3);
MD_REALTIME void     md_engine_worker_message(MdWorker* w, const char* fmt, ...) MD_PRINTF(2, 3);
MD_REALTIME const char* md_engine_strip_label(const MdEngineNode* node, char* out, size_t size);
MD_REALTIME bool     md_engine_is_silent(float* const* buf, uint32_t channels, uint32_t n);
MD_REALTIME void md_engine_guard_input(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_in,
                                       uint32_t n);
MD_REALTIME void md_engine_guard_output(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_out,
                                        uint32_t n);
/// Runs one insert over the block; returns whether its output is silence (audio, worker).
MD_REALTIME bool md_engine_run_insert(MixdownEngine* e, MdWorker* w, MdEngineNode* node, MdEngineInsert* ins,
                                      int64_t t, uint32_t n, bool silent_in, uint32_t bank);

/* fader.c (audio, worker) */
/// Left and right gains at `pan` (the pan law or balance).
MD_REALTIME void md_engine_pan_gains(const MdEngineNode* node, double pan, double gains[2]);
/// Pan, mute and fader of `in` into the node's pre and post.
MD_REALTIME void md_engine_fader_stage(const MixdownEngine* e, MdWorker* w, MdEngineNode* node,
                                       const float* const* in, int64_t t_out, uint32_t n);
/// The values of `v` for frames [t, t + n) into `out`; NULL when it is
/// constant (v->value).
MD_REALTIME const double* md_fader_value_curve(const MixdownEngine* e, const MdFaderValue* v, int64_t t,
                                               uint32_t n, double* out);
/// A glide that arrived before frame `t_next` is over: `v` is constant again.
MD_REALTIME void md_fader_value_settle(MdFaderValue* v, int64_t t_next);
/// A strip's pan, mute and fader glides that end before `t_next` end (and
/// a pan envelope given back takes the spread back: live.c).
MD_REALTIME void md_engine_settle_strip(MdEngineNode* node, int64_t t_next);
/// A mixed track's mono clips spread onto its stereo pair.
MD_REALTIME void md_engine_spread_mono(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_in,
                                       uint32_t n);

/* edge.c */
/// A line of `frames` per channel (control).
MixdownStatus md_delay_line_init(MdDelayLine* line, uint32_t frames);
void          md_delay_line_free(MdDelayLine* line);
/// Channel `c`'s next `n` samples through the line (`*pos` advances; audio).
MD_REALTIME void md_delay_line_run(MdDelayLine* line, uint32_t c, uint32_t* pos, const float* in, float* out,
                                   uint32_t n);
/// Pushes `x` into channel `c` at `*pos` and returns what comes out (audio).
static inline MD_REALTIME float
md_delay_line_step(MdDelayLine* line, uint32_t c, uint32_t* pos, float x)
{
  const float delayed  = line->ring[c][*pos];
  line->ring[c][*pos]  = x;
  *pos                 = *pos + 1U == line->frames ? 0U : *pos + 1U;
  return delayed;
}
/// Adds edge `ed`'s signal of this block into its destination (audio).
MD_REALTIME void md_engine_feed_edge(MixdownEngine* e, MdWorker* w, MdEdge* ed, int64_t t0, uint32_t n,
                                     uint32_t bank);

/* strip.c */
/// Everything a node does in a block but feed its edges (audio, worker).
MD_REALTIME MixdownStatus md_engine_render_strip(MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t0,
                                                 uint32_t n, uint32_t bank);

/* report.c */
/// This block's stem of `node` (audio).
MD_REALTIME void md_engine_capture_stem(MdEngineNode* node, uint32_t n);

/* live.c */
/// Adds the node's post-fader signal to its live meter (audio).
MD_REALTIME void md_engine_live_meter_add(MdEngineNode* node, uint32_t n);
/// Live: ends the insert's glides that have arrived by `t_next` (its next
/// block's first frame): the slot's value reaches the processor once and the
/// insert is no longer automated for them (live.c).
MD_REALTIME void md_engine_settle_insert(MdEngineInsert* ins, int64_t t_next);
/// Frees a value's envelopes and glide (control).
void md_fader_value_free(MdFaderValue* v);

#endif
