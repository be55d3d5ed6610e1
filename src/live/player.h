// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Live playback of a session through JACK (mixdown play).
//
// Threads: JACK's audio thread runs the engine (engine/engine.h, live mode)
// and the transport; the disk thread (live/feeder.h) plays the clips ahead;
// one control thread (OSC, or the caller) sends commands.  Between them
// only lock-free queues and rings (live/queue.h, live/ring.h): the audio
// thread never allocates, locks, waits or touches a file.
//
// Headless (options.headless): no JACK client at all; the caller is the
// audio thread and calls md_player_process() itself — the unit tests and
// the OSC fuzzer drive the very player `mixdown play` runs this way.

#ifndef MD_PLAYER_H
#define MD_PLAYER_H

#include "util/realtime.h"

#include "live/control.h"
#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct MdPlayer MdPlayer;

typedef struct {
  const char*        client_name;  ///< JACK client name ("mixdown")
  double             from_s;       ///< Where playback starts
  bool               loop;         ///< Loop [loop_from_s, loop_to_s)
  double             loop_from_s;
  double             loop_to_s;
  const char* const* connect;      ///< Ports to connect left and right to (NULL: the system playback ports)
  size_t             n_connect;
  bool               record;          ///< Keep applied moves for md_player_take_move()
  double             meter_hz;        ///< Meter snapshots per second (0: none)
  double             stall_at_s;      ///< Tests: stall the disk thread once, at this time…
  double             stall_for_s;     ///< …for this long
  uint32_t           disk_ring_frames; ///< Frames per track the disk thread reads ahead (0: the feeder's default,
                                       ///< about a third of a second); tests that must never miss the disk
                                       ///< on a loaded machine hold a whole song (preroll waits for half)
  bool               start_stopped;   ///< md_player_start() leaves the transport stopped: a PLAY command starts it
  bool               headless;        ///< No JACK: the caller calls md_player_process() (at the session's rate)
  uint32_t           headless_period; ///< Headless: the most frames a md_player_process() call asks for (frames; named in the tests)
} MdPlayerOptions;

/// Opens the JACK client and builds the live engine; nothing plays yet.
/// NULL on failure, with the status in *status and why in `message` (no
/// JACK server: MIXDOWN_ERR_IO; a loop outside the session: MIXDOWN_ERR_BAD_ARG).
MdPlayer* md_player_new(const MixdownSession* session, const MdPlayerOptions* options, MixdownStatus* status,
                        char* message, size_t message_size);
/// Starts the disk thread and the JACK client, connects the outputs and
/// starts playing from options->from_s (or waits there for a PLAY command:
/// options->start_stopped).
MixdownStatus md_player_start(MdPlayer* player, char* message, size_t message_size);
/// Stops the audio thread (the JACK client leaves the graph); what it
/// queued can still be taken.
void md_player_halt(MdPlayer* player);
/// Stops and frees everything.
void md_player_free(MdPlayer* player);

/// Control threads (any number: they take turns, `serve --osc` has two):
/// queues a command for the audio thread (false: the queue is full).
bool md_player_send(MdPlayer* player, const MdCommand* command);

/// Audio thread: runs one period of `frames` (at most the period size):
/// the queued commands, the transport, the mix into `left` and `right`
/// (silence while stopped), the meters.  JACK's process callback calls it;
/// headless, the caller does (after md_player_start()).
MD_REALTIME void md_player_process(MdPlayer* player, float* left, float* right, uint32_t frames);

/// What the last md_player_process() put out: `rolled_frames` frames of mix
/// from its start (the rest of the period was silence: stopped, waiting for
/// the disk, or the end), the first at timeline frame `first_frame` (-1:
/// none); a loop's wrap makes the timeline jump to `wrap_frame` before
/// frame `wrap_at` of the period (wrap_at == rolled_frames: no wrap; a
/// loop shorter than a period that wraps twice in one says the last wrap).
typedef struct {
  uint32_t rolled_frames;
  int64_t  first_frame;
  uint32_t wrap_at;
  int64_t  wrap_frame;
} MdPlayerPeriod;

/// Audio thread (headless: the caller of md_player_process(), right after
/// it): what that period put out, so a stream of it can say where each
/// frame lies on the timeline (serve/audio.c's PCM packets).
MD_REALTIME void md_player_last_period(const MdPlayer* player, MdPlayerPeriod* period);

typedef struct {
  bool     playing;
  bool     finished;        ///< Reached the end of the session (not looping) and stopped
  double   position_s;      ///< Where the transport is
  double   length_s;        ///< Length of the mix
  uint64_t cycles;          ///< Periods run so far…
  double   busy_s;          ///< …and the audio thread's time in them
  uint64_t xruns;
  double   first_xrun_s;    ///< Transport position at the first xrun (negative: none)
  uint64_t late_blocks;     ///< Track blocks the disk did not deliver in time (played as silence)
  double   dsp_load_max;    ///< The worst period's audio thread time over the period, 0…1
  double   longest_gap_ms;  ///< Longest time between the starts of two periods
  double   jack_cpu_load;   ///< JACK's own figure, percent
  uint32_t period_frames;
  uint32_t sample_rate_hz;
  bool     loop;            ///< Looping [loop_from_s, loop_to_s), as the audio thread plays it
  double   loop_from_s;
  double   loop_to_s;
  uint64_t loop_changes;    ///< Loops applied so far (a change from OSC or a page shows here)
  bool     failed;          ///< The engine stopped on an error (see message)
  char     message[512];    ///< The disk's or the engine's first error, or ""
} MdPlayerStatus;

void md_player_status(MdPlayer* player, MdPlayerStatus* status);

/// A move the audio thread applied, at timeline frame `frame`.
typedef struct {
  MdLiveChange change;
  int64_t      frame;
} MdAppliedMove;

/// Control thread: the next applied move (options->record), false when none.
bool md_player_take_move(MdPlayer* player, MdAppliedMove* move);

/// Who reads the meters: each reader has its own queues and its own copy of
/// the master's output (one thread each: they are single-consumer), so
/// mixdown serve's console and OSC beside it (--osc) both see every
/// snapshot.  A reader that never reads costs a copy and drops the rest.
typedef enum {
  MD_METERS_MAIN, ///< The console (mixdown serve), the tests
  MD_METERS_OSC,  ///< The OSC thread (live/osc.c)
  MD_METER_READERS
} MdMeterReader;

/// Meter thread of `reader`: the next meter snapshot into `snapshot` (2 × nodes
/// floats: each node's post-fader peak, then each one's mean square, since
/// the last snapshot), false when none.
bool md_player_take_meters(MdPlayer* player, MdMeterReader reader, float* snapshot);
/// Insert read-outs (a compressor's gain reduction …): how many each
/// insert snapshot holds, and which each is (node, insert, meter name: see
/// engine.h's MdInsertMeterInfo; the order of mixdown_engine_meter()).
/// Any thread once made (constant).
uint32_t md_player_insert_meter_count(const MdPlayer* player);
bool     md_player_insert_meter_info(const MdPlayer* player, uint32_t k, MdInsertMeterInfo* info);

/// Meter thread of `reader`: the next insert snapshot into `values`
/// (md_player_insert_meter_count() floats: each read-out's value furthest
/// from 0 since the last snapshot, in its unit — gain_reduction_db ≤ 0 —,
/// 0 for a bypassed insert), false when none.  One is queued with each
/// strip snapshot (md_player_take_meters(), options->meter_hz), so a
/// reader that takes both in turn gets them in pairs.
bool md_player_take_insert_meters(MdPlayer* player, MdMeterReader reader, float* values);

/// Meter thread of `reader`: the master's output since its last call,
/// interleaved stereo, at most `max_frames` (its count in *frames).
void md_player_take_master(MdPlayer* player, MdMeterReader reader, float* interleaved, uint32_t max_frames,
                           uint32_t* frames);

#endif
