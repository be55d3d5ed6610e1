// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The engine's entry points are the public mixdown_engine_* functions.
// Live playback (live/player.c) drives it further through the md_engine_*
// functions below.  Thread: md_engine_go_live(), md_engine_set_silence_skip()
// and the read-outs for the graph (md_engine_plan(),
// md_engine_insert_latency()) on the control thread; every function marked
// MD_REALTIME on the audio thread between pulls (no allocation, no locks,
// no files).  The engine's files and their private types:
// engine_internal.h.

#ifndef MD_ENGINE_H
#define MD_ENGINE_H

#include "dsp/processor.h"
#include "engine/graph.h"
#include "mixdown.h"
#include "session/model.h"
#include "util/realtime.h"

#include <stdbool.h>
#include <stdint.h>

/// The engine renders in blocks of at most this many frames (offline:
/// exactly this many; live: the period, when smaller): the largest block
/// its processors are prepared for.
#define MD_ENGINE_MAX_BLOCK_FRAMES MD_PROCESSOR_MAX_BLOCK_FRAMES

/// Live sources: fills `out` (`channels` buffers) with what track `track`
/// plays in timeline frames [t, t + frames) — its clips, summed and faded —
/// or returns false (silence) when the audio is not there in time.
typedef bool (*MdClipFeed)(void* user, uint32_t track, int64_t t, uint32_t frames, float* const* out,
                           uint32_t channels);

/// Switches a new engine (before its first pull) to live playback: one
/// thread (the audio thread), blocks of `block_frames` (at most 1024),
/// track audio from `feed`, and live moves through md_engine_live_set().
/// `session` must outlive the engine.
MixdownStatus md_engine_go_live(MixdownEngine* engine, const MixdownSession* session, uint32_t block_frames,
                                MdClipFeed feed, void* feed_user);

/// Timeline frames by which track `node`'s input lags the output (its feed
/// is asked for frame t − this when the master renders frame t).
MD_REALTIME uint32_t md_engine_input_latency(const MixdownEngine* engine, uint32_t node);

/// The next pull delivers the mix from frame `frame` (processors keep their
/// state: a reverb's tail rings on over a locate, as on a desk).
MD_REALTIME void md_engine_locate(MixdownEngine* engine, int64_t frame);

/// No block renders past timeline frame `limit_frame` (INT64_MAX: none): a
/// pull then stops short, at a loop's end, until md_engine_locate().
MD_REALTIME void md_engine_set_render_limit(MixdownEngine* engine, int64_t limit_frame);

/// Delivered frames so far (the frame the next pull starts at).
MD_REALTIME uint64_t md_engine_position(const MixdownEngine* engine);

/// What a live move sets.
typedef enum {
  MD_LIVE_GAIN_DB, ///< Fader of `node`
  MD_LIVE_PAN,     ///< Pan or balance of `node`
  MD_LIVE_MUTE,    ///< 0 or 1
  MD_LIVE_SOLO,    ///< 0 or 1
  MD_LIVE_INVERT,  ///< Polarity of `node`, 0 or 1 (a step: it clicks, as a polarity switch does)
  MD_LIVE_SEND_DB, ///< Level of send `index` of `node`
  MD_LIVE_INSERT,  ///< Value slot `slot` of insert `index` of `node`
  MD_LIVE_BYPASS,  ///< Bypass of insert `index` of `node`, 0 or 1 (crossfades: md_engine_live_set())
} MdLiveKind;

/// The length of a bypass crossfade (md_engine_live_set()): 5 ms.
#define MD_BYPASS_FADE_S 0.005

typedef struct {
  MdLiveKind kind;
  uint32_t   node;
  uint32_t   index;
  uint32_t   slot;
  double     value;
} MdLiveChange;

/// Applies a live move: fader, pan, mute and send levels glide to it over
/// the next block (in dB for faders and sends, as automation does, from
/// md_engine_live_move_frame()); a processor glides as it does on a new
/// value.  An envelope on that parameter stops playing from here on.
/// A bypass crossfades, equal-gain (raised-cosine gains summing to 1), between
/// the processed signal and the dry one delayed by the insert's latency
/// over MD_BYPASS_FADE_S (across blocks when they are shorter): no
/// click.  Bypassed, the processor is not run (its tail stops with the
/// fade); put back in, it starts from silence (reset(): no stale tail).
/// That costs a dry delay line of the insert's latency, fed every block
/// of a live engine.
MD_REALTIME void md_engine_live_set(MixdownEngine* engine, const MdLiveChange* change);

/// Gives back the session's envelope of the value `change` names (its
/// `value` unread), which a live move took over (mixdown serve: an undo put
/// it back in the text): from where the value is, a glide over one block
/// to the envelope's value where the glide arrives, then the envelope
/// plays again.  A mute's switch opens as well (its envelope mutes it now;
/// what a solo silences stays silent).  Nothing when no move took it over,
/// or the value has no envelope (solo, polarity, bypass, a choice).
MD_REALTIME void md_engine_live_resume(MixdownEngine* engine, const MdLiveChange* change);

/// The timeline frame (on the timeline of the stage the move acts in: the
/// node's fader, its input for a mixed track's pan, the insert's place)
/// from which `change`, applied now, glides: a take writes the move there
/// (live/record.c) so that its render glides where the live one did.
/// Audio thread, with md_engine_live_set().
MD_REALTIME int64_t md_engine_live_move_frame(const MixdownEngine* engine, const MdLiveChange* change);

/// Live: every strip measures its post-fader output for
/// md_engine_live_meter() (off by default: work nobody reads otherwise).
MD_REALTIME void md_engine_enable_live_meters(MixdownEngine* engine);

/// Peak (linear), sum of squares (mean of the two channels per frame) and
/// frames of node `node`'s post-fader output since the last call, then
/// starts over.
MD_REALTIME void md_engine_live_meter(MixdownEngine* engine, uint32_t node, float* peak_linear, double* sum_squares,
                                      uint64_t* frames);

/// One live insert read-out: meter `meter` (named `name`, e.g.
/// "gain_reduction_db", from the processor's table) of insert `insert`
/// (from 0) of node `node` (the session's node index).
typedef struct {
  uint32_t    node;
  uint32_t    insert;
  uint32_t    meter;
  const char* name; ///< The processor class's (static, or the plugin's while the engine lives)
} MdInsertMeterInfo;

/// How many insert read-outs the engine has: every meter of every insert,
/// node by node, insert by insert, meter by meter (mixdown_engine_meter()'s
/// order).  Control thread (constant once built).
uint32_t md_engine_insert_meter_count(const MixdownEngine* engine);

/// Read-out `k` of that order; false past the end.  Control thread.
bool md_engine_insert_meter_info(const MixdownEngine* engine, uint32_t k, MdInsertMeterInfo* info);

/// Live: the first `n` insert read-outs, in md_engine_insert_meter_info()'s
/// order, into `out`: each meter's value furthest from 0 (in its unit:
/// dB for gain reduction, ≤ 0) since the last call, then starts over; 0
/// for an insert that did not run (bypassed).  Returns how many were
/// written.  Audio thread, between pulls.
MD_REALTIME uint32_t md_engine_live_insert_meters(MixdownEngine* engine, float* out, uint32_t n);

/// Blocks a track's feed could not fill, so far.
MD_REALTIME uint64_t md_engine_feed_misses(const MixdownEngine* engine);

/// Whether inserts at rest sit out blocks of silence (on by default; exact
/// either way: the tests render with it off to prove it).  Control thread,
/// before the first pull.
void md_engine_set_silence_skip(MixdownEngine* engine, bool skip);

/// The plan the engine was built from (`mixdown graph` shows it).
const MdPlan* md_engine_plan(const MixdownEngine* engine);

/// The latency insert `insert` of node `node` reports, in frames.
uint32_t md_engine_insert_latency(const MixdownEngine* engine, uint32_t node, uint32_t insert);

#endif
