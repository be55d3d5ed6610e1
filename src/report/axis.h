// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Ticks and labels of the report's axes: how far apart time ticks (in
// seconds) and bar ticks (with a tempo) are so that their labels stay
// readable, and how a time is written on the axis.
//
// Thread: any (pure arithmetic and formatting).

#ifndef MD_AXIS_H
#define MD_AXIS_H

#include <stddef.h>
#include <stdint.h>

/// The spacing of time ticks in seconds for `duration_s` drawn over
/// `width_px`: the smallest of 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30 s, 1, 2,
/// 5, 10, 15, 30 min, 1, 2, 5, 10 … h that puts `min_gap_px` or more between
/// ticks.
double md_axis_time_step(double duration_s, double width_px, double min_gap_px);

/// The number of bars between bar ticks — 1, 2, 4, 8, … — for bars of
/// `bar_s` seconds over `duration_s` drawn over `width_px`, at least
/// `min_gap_px` apart.
uint32_t md_axis_bar_step(double bar_s, double duration_s, double width_px, double min_gap_px);

/// Writes time `t_s` as labelled on an axis whose ticks are `step_s` apart:
/// "2.5" below 1 s steps, "45" below a minute, "1:30" past a minute on an
/// axis reaching into minutes, "1:02:00" past an hour.  `duration_s` is
/// the axis' length (the format is the same along one axis).
void md_axis_time_label(double t_s, double step_s, double duration_s, char* out, size_t size);

#endif
