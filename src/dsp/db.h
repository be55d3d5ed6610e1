// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Conversions between dB and linear gain.  Thread: any; real-time
// (MD_REALTIME).

#ifndef MD_DB_H
#define MD_DB_H

#include "util/realtime.h"

#include <math.h>

/// Gains at or below this many dB are treated as silence (-inf).
#define MD_SILENCE_DB (-144.0)

MD_REALTIME static inline double
md_db_to_gain(double db)
{
  return db <= MD_SILENCE_DB ? 0.0 : pow(10.0, db / 20.0);
}

MD_REALTIME static inline double
md_gain_to_db(double gain)
{
  return gain <= 0.0 ? -HUGE_VAL : 20.0 * log10(gain);
}

#endif
