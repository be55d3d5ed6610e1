// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The one place where a number that comes from outside — an OSC datagram,
// a session or cache file, a command-line option — is checked before it
// becomes a frame count or a parameter value.  `NaN < min` and `NaN > max`
// are both false, and llround() of NaN, ±Inf or 1e15 s × 48 kHz is
// INT64_MIN: a plain range check lets all of these through.  These
// functions check finiteness first, then the range, and say why a number
// is refused.
//
// Every function returns NULL when the number is accepted, or a short
// reason (a static string, never freed, no allocation: safe on any thread,
// the audio thread included) for the caller to put in its own message:
//
//   const char* why = md_checked_number_in_range(x, min, max);
//   if (why) report("`%s` is %g: %s (valid range is %g … %g)", key, x, why, min, max);
//
// Reasons, exactly (tests and callers may compare them):
//   MD_CHECKED_NUMBER_NAN       "not a number"
//   MD_CHECKED_NUMBER_INFINITE  "infinite"
//   MD_CHECKED_NUMBER_BELOW     "below the valid range"
//   MD_CHECKED_NUMBER_ABOVE     "above the valid range"
//
// The API is stable: other modules (the session reader, OSC, the CLI) use
// it; add functions, do not change these.

#ifndef MD_CHECKED_NUMBER_H
#define MD_CHECKED_NUMBER_H

#include <stdint.h>

/// The longest time a session may use, in seconds: 24 hours (as
/// src/session/session.c allows for times and lengths).
#define MD_CHECKED_MAX_TIME_S 86400.0

#define MD_CHECKED_NUMBER_NAN      "not a number"
#define MD_CHECKED_NUMBER_INFINITE "infinite"
#define MD_CHECKED_NUMBER_BELOW    "below the valid range"
#define MD_CHECKED_NUMBER_ABOVE    "above the valid range"

/// NULL when `value` is finite; else MD_CHECKED_NUMBER_NAN or _INFINITE.
const char* md_checked_number_finite(double value);

/// NULL when `value` is finite and min ≤ value ≤ max; else why not
/// (finiteness is checked first).
const char* md_checked_number_in_range(double value, double min, double max);

/// `seconds` as a whole number of frames at `rate_hz` (rounded to the
/// nearest frame) into *frames, only when `seconds` is finite and within
/// [0, max_s]; *frames is left alone otherwise.  `max_s` is capped at
/// MD_CHECKED_MAX_TIME_S, so the frame count always fits an int64_t with
/// room to add to it (24 h at 10 MHz is 8.6e11 frames).  A rate that is
/// not finite and positive is refused as MD_CHECKED_NUMBER_NAN (a caller's
/// bug, not a user's number).
const char* md_checked_number_frames(double seconds, double rate_hz, double max_s, int64_t* frames);

#endif
