// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Recording live moves (mixdown play --record-automation FILE): the moves
// the audio thread applied, written out as envelopes in a copy of the
// session, so that `mixdown render` of the copy plays the performance.

#ifndef MD_RECORD_H
#define MD_RECORD_H

#include "live/player.h"
#include "mixdown.h"

typedef struct MdRecorder MdRecorder;

MdRecorder* md_recorder_new(void);
void        md_recorder_free(MdRecorder* recorder);
/// Keeps one applied move (false when out of memory).
bool md_recorder_add(MdRecorder* recorder, const MdAppliedMove* move);
/// Moves kept so far.
size_t md_recorder_count(const MdRecorder* recorder);

typedef struct {
  size_t envelopes;  ///< Parameters written as envelopes
  size_t moves;      ///< Moves they hold
  size_t switches;   ///< Solo and polarity moves, which a session cannot automate (not written)
} MdRecordReport;

/// Writes the session file of `session` to `path` as flow YAML (JSON-like;
/// comments are not kept), each moved parameter an envelope: its session
/// value (or envelope) up to the first move, then each move as a glide of
/// `glide_s` from the value before it, as the audio thread played it.
/// Relative paths are made absolute when `path` is in another folder.
/// Written beside `path` and renamed: never a partial file.
MixdownStatus md_recorder_write(const MdRecorder* recorder, const MixdownSession* session, double rate,
                                double glide_s, const char* path, MdRecordReport* report, char* message,
                                size_t message_size);

#endif
