// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "report/axis.h"

#include <math.h>
#include <stdio.h>

double
md_axis_time_step(double duration_s, double width_px, double min_gap_px)
{
  // Steps a reader counts in: decimal below a minute, then whole minutes
  // and hours that divide the clock evenly.
  static const double steps_s[] = {0.1,   0.2,   0.5,   1.0,    2.0,    5.0,    10.0,   15.0,
                                   30.0,  60.0,  120.0, 300.0,  600.0,  900.0,  1800.0, 3600.0,
                                   7200.0, 18000.0, 36000.0};
  const size_t        n         = sizeof steps_s / sizeof steps_s[0];
  if (!(duration_s > 0.0) || !(width_px > 0.0)) {
    return steps_s[n - 1U];
  }
  const double px_per_s = width_px / duration_s;
  for (size_t k = 0U; k < n; ++k) {
    if (steps_s[k] * px_per_s >= min_gap_px) {
      return steps_s[k];
    }
  }
  return steps_s[n - 1U];
}

uint32_t
md_axis_bar_step(double bar_s, double duration_s, double width_px, double min_gap_px)
{
  const double px_per_bar = duration_s > 0.0 ? bar_s * width_px / duration_s : 0.0;
  uint32_t     bars       = 1U;
  // Powers of two keep the ticks on phrase boundaries (bars 1, 5, 9, …).
  while (px_per_bar * bars < min_gap_px && bars < (1U << 20U)) {
    bars *= 2U;
  }
  return bars;
}

void
md_axis_time_label(double t_s, double step_s, double duration_s, char* out, size_t size)
{
  if (step_s < 1.0) {
    snprintf(out, size, "%.1f", t_s);
    return;
  }
  const long whole = lround(t_s);
  if (duration_s < 60.0) {
    snprintf(out, size, "%ld", whole);
  } else if (duration_s < 3600.0) {
    snprintf(out, size, "%ld:%02ld", whole / 60L, whole % 60L);
  } else {
    snprintf(out, size, "%ld:%02ld:%02ld", whole / 3600L, whole / 60L % 60L, whole % 60L);
  }
}
