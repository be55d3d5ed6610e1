// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Recording live moves (mixdown play --record-automation FILE): the moves
// the audio thread applied, written out as envelopes in a copy of the
// session (the user's file with only those values changed), so that
// `mixdown render` of the copy plays the performance.

#ifndef MD_RECORD_H
#define MD_RECORD_H

#include "live/player.h"
#include "mixdown.h"

typedef struct MdRecorder MdRecorder;

/// Moves of one parameter closer together than this are kept as one: the
/// first's time with the last's value.  A controller sending a fader 1000
/// times a second records at most 100 moves a second for it.
#define MD_RECORDER_GRID_S 0.01
/// The most moves a take keeps (32 bytes each: 32 MiB); later ones are
/// counted, not kept.
#define MD_RECORDER_MAX_MOVES (1U << 20)

/// A recorder for moves at `rate` frames per second.
MdRecorder* md_recorder_new(double rate);
void        md_recorder_free(MdRecorder* recorder);
/// Keeps one applied move, or folds it into the last kept move of the same
/// parameter when that is less than MD_RECORDER_GRID_S earlier.  False
/// when it is dropped: out of memory, or MD_RECORDER_MAX_MOVES reached
/// (see md_recorder_dropped()).
bool md_recorder_add(MdRecorder* recorder, const MdAppliedMove* move);
/// Moves kept so far.
size_t md_recorder_count(const MdRecorder* recorder);
/// Moves folded into an earlier one (the grid), and moves dropped.
size_t md_recorder_folded(const MdRecorder* recorder);
size_t md_recorder_dropped(const MdRecorder* recorder);

/// Keeps the session file's text as it is now (before playing), so that
/// the take is built on the session that was played, whatever happens to
/// the file meanwhile.  #MIXDOWN_ERR_IO when it cannot be read.
MixdownStatus md_recorder_keep_session(MdRecorder* recorder, const MixdownSession* session, char* message,
                                       size_t message_size);

typedef struct {
  size_t envelopes;  ///< Parameters written as envelopes
  size_t moves;      ///< Moves they hold
  size_t constants;  ///< Choices and switches of inserts, and bypasses (no envelope in a session): their last value, from the start
  size_t switches;   ///< Solo and polarity moves, which a session cannot automate (not written)
  size_t unplaced;   ///< Moves with no place in the session file (not written; `note` says the first)
  size_t refused;    ///< Moves whose edit the editor refused (not written; `note` says each, with why)
  char   note[700];  ///< The constants written, the first unplaced move and each refused edit; or ""
} MdRecordReport;

/// Writes the take to `path`: the session's file as played (kept by
/// md_recorder_keep_session(), else read now) with only the moved
/// parameters' values changed, through the editor (src/edit: comments,
/// layout, key order, quoting, JSON and line ends kept, every other byte
/// the same).  Each moved parameter becomes an envelope: its session
/// value (or envelope) up to the first move, then each move as a glide of
/// `glide_s` from the value before it, as the audio thread played it.  A
/// choice or a switch of an insert (saturation.mode, delay.ping_pong) has
/// no envelope in a session: it is written as its last value.  Each value
/// is validated as any edit; a move that cannot be placed, or whose edit
/// is refused, costs only itself.  Relative paths are rewritten when
/// `path` is in another folder, so that the take reads the same files.
/// Written atomically (io/atomic_file.h: an unnamed or unpredictable
/// temporary file, never following a link, put in place whole), never
/// over a file the session reads.
MixdownStatus md_recorder_write(const MdRecorder* recorder, const MixdownSession* session, double rate,
                                double glide_s, const char* path, MdRecordReport* report, char* message,
                                size_t message_size);

/// Before playing: can a take be written at `path`?  Its folder must exist
/// and take a new file (tried: a temporary file made and removed), and
/// `path`, if it exists, must be a regular file that is not audio (a take
/// never replaces a recording, a device or a FIFO).  #MIXDOWN_ERR_BAD_ARG
/// with why in `message` otherwise.
MixdownStatus md_recorder_check_path(const char* path, char* message, size_t message_size);

#endif
