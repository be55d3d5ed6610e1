// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Parsing and validation of session files (YAML or JSON) into the model.
// The entry points are the public mixdown_session_* functions.

#ifndef MD_SESSION_H
#define MD_SESSION_H

#include "session/model.h"

/// Session files larger than this are refused unread (`check /dev/zero`
/// read until memory ran out).  Measured: a million-point envelope is
/// 22.6 MB of YAML and `check` peaks at 382 MB (the tree holds ~17 bytes
/// per byte of text), so 64 MiB — three such envelopes — bounds a parse
/// near 1.1 GB; 256 MiB would have allowed 4.3 GB.
#define MD_SESSION_MAX_BYTES (64U * 1024U * 1024U)

/// Times and lengths in a session stop at a day (24 hours): a longer mix
/// is a mistake, and its render would run for hours.
#define MD_SESSION_MAX_TIME_S 86400.0

typedef enum {
  MD_POSITION_OK,           ///< A musical position, in range
  MD_POSITION_NOT_POSITION, ///< Not "BAR:BEAT" or "BAR:BEAT.FRACTION" in digits
  MD_POSITION_OUT_OF_RANGE, ///< Bar 0 or past 1 000 000, beat 0 or past the bar
} MdPositionStatus;

/// Reads a musical position "BAR:BEAT[.FRACTION]" — digits only, so that
/// no sign, space, exponent, hex, `nan` or `inf` gets in — bars and beats
/// counted from 1, into beats from the start (0 at "1:1").  Any thread.
MdPositionStatus md_position_parse(const char* text, unsigned beats_per_bar, double* beats);

#endif
