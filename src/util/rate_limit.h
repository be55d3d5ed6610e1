// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// At most N lines a second: for warnings a sender on the network can cause
// at will (an OSC flood printed 942 MB of stderr in 25 s).  The lines over
// the limit are counted, and the count is given once the second is over
// ("… 1234 more suppressed").  Pure: the caller passes the time, so tests
// need no clock.  Not thread-safe: one limiter per thread.

#ifndef MD_RATE_LIMIT_H
#define MD_RATE_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  uint32_t max_per_s;      ///< Lines allowed in each second
  double   window_start_s; ///< When the current second began
  uint32_t in_window;      ///< Lines allowed in it so far
  uint32_t suppressed;     ///< Lines refused in it so far
  bool     started;
} MdRateLimit;

/// A limiter of `max_per_s` lines a second.
MdRateLimit md_rate_limit_init(uint32_t max_per_s);

/// May a line be given at `now_s`?  True for the first max_per_s of each
/// second; the rest are counted.  When a new second begins, *suppressed
/// gets the count of the one before (give it before this line), else 0.
bool md_rate_limit_allow(MdRateLimit* limit, double now_s, uint32_t* suppressed);

/// The lines suppressed in a second that is over by `now_s` (or in the
/// current one, when `final`), which are then forgotten; 0 when none.
/// Call it now and then, so that a flood's count is given when it stops.
uint32_t md_rate_limit_flush(MdRateLimit* limit, double now_s, bool final);

#endif
