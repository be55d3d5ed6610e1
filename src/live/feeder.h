// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The disk thread of live playback: it plays every track's clips (decode,
// resample, fades — engine/clip.h, as the offline render does) ahead of
// time into one lock-free ring per track, and the audio thread takes them
// from there (md_feeder_read(), an MdClipFeed).  Nothing here blocks the
// audio thread: a late disk costs silence, counted, never a wait.
//
// A locate starts a new generation: the disk thread refills every ring from
// the new place, and the audio thread ignores a ring until it has caught
// up.  A loop is known to both sides in advance, so its wrap is seamless.

#ifndef MD_FEEDER_H
#define MD_FEEDER_H

#include "util/realtime.h"

#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct MdFeeder MdFeeder;

typedef struct {
  uint32_t ring_frames;  ///< Per track (0: a default of about a third of a second)
  bool     loop;         ///< Loop [loop_from, loop_to) (content frames)
  int64_t  loop_from_frame;
  int64_t  loop_to_frame;
  double   stall_at_s;   ///< Tests: the disk thread stalls once, at this time…
  double   stall_for_s;  ///< …for this long (0: never)
} MdFeederOptions;

/// A feeder for the tracks of `session` as `engine` (already live) plays
/// them.  NULL on failure, with why in `message`.
MdFeeder* md_feeder_new(const MixdownSession* session, const MixdownEngine* engine,
                        const MdFeederOptions* options, char* message, size_t message_size);
/// Starts the disk thread (`session` as given to md_feeder_new()).
MixdownStatus md_feeder_start(MdFeeder* feeder, const MixdownSession* session);
/// Stops the disk thread and frees everything.
void md_feeder_free(MdFeeder* feeder);

/// Audio thread: the mix is to play from content frame `frame` (what
/// md_engine_locate() was given).
MD_REALTIME void md_feeder_locate(MdFeeder* feeder, int64_t frame);
/// Audio thread: the loop [from, to) (content frames) the next locate's
/// generation plays, or none.
MD_REALTIME void md_feeder_set_loop(MdFeeder* feeder, bool loop, int64_t from, int64_t to);
/// Audio thread: every ring holds enough of the current generation to
/// start (or the disk thread has filled all it may).
MD_REALTIME bool md_feeder_ready(MdFeeder* feeder);
/// Audio thread: the MdClipFeed given to md_engine_go_live() (`user` is the feeder).
MD_REALTIME bool md_feeder_read(void* user, uint32_t track, int64_t t, uint32_t frames, float* const* out,
                    uint32_t channels);

/// Any thread: the first decode failure on the disk thread ("" when none).
/// Its clip plays as silence.
const char* md_feeder_error(MdFeeder* feeder);

#endif
