// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "util/checked_number.h"

#include <math.h>
#include <stddef.h>

// Above any sample rate a session or JACK uses (384 kHz) by far; keeps
// MD_CHECKED_MAX_TIME_S × rate well inside an int64_t.
#define MAX_RATE_HZ 1e7

const char*
md_checked_number_finite(double value)
{
  if (isnan(value)) {
    return MD_CHECKED_NUMBER_NAN;
  }
  return isinf(value) ? MD_CHECKED_NUMBER_INFINITE : NULL;
}

const char*
md_checked_number_in_range(double value, double min, double max)
{
  const char* why = md_checked_number_finite(value);
  if (why) {
    return why;
  }
  if (value < min) {
    return MD_CHECKED_NUMBER_BELOW;
  }
  return value > max ? MD_CHECKED_NUMBER_ABOVE : NULL;
}

const char*
md_checked_number_frames(double seconds, double rate_hz, double max_s, int64_t* frames)
{
  if (!(rate_hz > 0.0 && rate_hz <= MAX_RATE_HZ)) {
    return MD_CHECKED_NUMBER_NAN;
  }
  // !(max_s <= limit) also catches a NaN limit.
  const double limit_s = !(max_s <= MD_CHECKED_MAX_TIME_S) ? MD_CHECKED_MAX_TIME_S : max_s;
  const char*  why     = md_checked_number_in_range(seconds, 0.0, limit_s);
  if (why) {
    return why;
  }
  *frames = llround(seconds * rate_hz); // ≤ 8.64e11: exact and in range
  return NULL;
}
