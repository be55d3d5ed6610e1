// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Live control addresses, as OSC sends them, read against the session and
// the parameter tables — so every parameter a session can set is reachable
// and named as in the session file:
//
//   /track/NAME/gain_db  pan  mute  solo  invert        (the strip table)
//   /bus/NAME/…  and  /master/…                          (the same)
//   /track/NAME/send/BUS/level_db
//   /track/NAME/insert/N/PARAM         N counts from 1, or names the type
//   /track/NAME/insert/N/bypass        1 bypassed, 0 in (crossfades)
//   /track/NAME/insert/N/bands/K/FIELD  a field of list item K (from 1)
//   /transport/play  /transport/stop  /transport/locate SECONDS
//   /transport/loop A B (seconds)  /transport/loop (no arguments: off)

#ifndef MD_CONTROL_H
#define MD_CONTROL_H

#include "engine/engine.h"
#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  MD_COMMAND_LIVE,
  MD_COMMAND_PLAY,
  MD_COMMAND_STOP,
  MD_COMMAND_LOCATE,
  MD_COMMAND_LOOP,
  MD_COMMAND_RESUME, ///< `change`'s envelope plays again (md_engine_live_resume(); not a move: not recorded)
} MdCommandKind;

typedef struct {
  MdCommandKind kind;
  MdLiveChange  change;      ///< MD_COMMAND_LIVE: its value is finite and within the parameter's range
  int64_t       frame;       ///< MD_COMMAND_LOCATE; MD_COMMAND_LOOP: where it starts (0 … 24 h of frames)
  int64_t       until_frame; ///< MD_COMMAND_LOOP: where it ends, after `frame` (0: loop off)
} MdCommand;

/// Reads `address` with its numeric arguments (`n_values` of them) into
/// `command`.  Every number is checked here (util/checked_number.h), the
/// one gate between the network and the audio thread: a value that is NaN
/// or infinite is refused, never clamped; a finite value out of the
/// parameter's range is clamped, and `note` says so; times must be within
/// 0 … 24 h and become frames at the session's rate.  A move the session
/// could not hold is refused too: a list item the session does not have
/// (an EQ band past its last), or a value the processor fixes while it
/// plays (one that changes its latency or its filter's shape).  On failure
/// returns false and `note` says why, naming the nearest valid name or the
/// valid range.
bool md_control_parse(const MixdownSession* session, const char* address, const double* values,
                      uint32_t n_values, MdCommand* command, char* note, size_t note_size);

/// The address that sets what `change` sets (for messages and recording).
void md_control_address(const MixdownSession* session, const MdLiveChange* change, char* out, size_t size);

/// The table entry of what `change` sets.
const MdParam* md_control_param(const MixdownSession* session, const MdLiveChange* change);

#endif
