// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Time for measuring and pacing: a monotonic clock (read through the vDSO,
// no system call — fine on the audio thread) and a sleep that resumes
// after signals.

#ifndef MD_CLOCK_H
#define MD_CLOCK_H

#include "util/realtime.h"

#include <stdint.h>

/// Nanoseconds on the monotonic clock.
MD_REALTIME uint64_t md_clock_ns(void);

/// Seconds on the monotonic clock.
MD_REALTIME double md_clock_seconds(void);

/// Sleeps `seconds`, the whole of it even when a signal arrives.
void md_sleep_seconds(double seconds);

#endif
