// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Evaluating automation envelopes on the render timeline.  A cursor walks
// the breakpoints forward as time advances, so a block costs O(frames), not
// a search per sample; a jump backwards (a new render) restarts it.

#ifndef MD_AUTOMATION_H
#define MD_AUTOMATION_H

#include "session/model.h"
#include "util/realtime.h"

#include <stdint.h>

typedef struct {
  MdEnvelope envelope; ///< Owned copy of the breakpoints
  size_t     segment;  ///< Index of the point at or before the last time asked
} MdAutomation;

/// Thread: md_automation_new*() and _free() on the control thread; the
/// rest wherever the engine renders (audio, any worker).

/// Copies `env` (NULL when out of memory).
MdAutomation* md_automation_new(const MdEnvelope* env);
void          md_automation_free(MdAutomation* automation);

/// A straight line of two points (linear), to be set by
/// md_automation_set_line(): a live move's glide (NULL when out of memory).
MdAutomation* md_automation_new_line(void);
/// Makes `line` go from `from` at `from_s` to `to` at `to_s` (no allocation).
MD_REALTIME void md_automation_set_line(MdAutomation* line, double from_s, double from, double to_s, double to);

/// The envelope's value at `time_s`.
MD_REALTIME double md_automation_value(MdAutomation* automation, double time_s);

/// Values for `n` consecutive frames starting at frame `first_frame` at `rate_hz`.
MD_REALTIME void md_automation_render(MdAutomation* automation, int64_t first_frame, double rate_hz, uint32_t n,
                          double* values);

/// The value between two points `a` and `b` at fraction `t` (0…1) of the way.
MD_REALTIME double md_curve_interpolate(MdCurve curve, double a, double b, double t);

#endif
