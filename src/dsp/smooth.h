// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A value that glides linearly to its target, so that parameter changes
// never step (zipper noise).  Thread: init() at prepare (control); set(),
// next() and settled() on the audio thread (MD_REALTIME).

#ifndef MD_SMOOTH_H
#define MD_SMOOTH_H

#include "util/realtime.h"

#include <stdint.h>

typedef struct {
  double   current;     ///< Value for the next frame
  double   target;      ///< Value being approached
  double   step;        ///< Increment per frame while gliding
  uint32_t left_frames; ///< Frames left to glide (0: settled)
  uint32_t ramp_frames; ///< Glide length
} MdSmoothed;

static inline void
md_smoothed_init(MdSmoothed* s, double value, double sample_rate_hz, double smoothing_ms)
{
  const double frames = sample_rate_hz * smoothing_ms * 0.001;
  s->current = s->target = value;
  s->step        = 0.0;
  s->left_frames = 0U;
  s->ramp_frames = frames < 1.0 ? 1U : (uint32_t)frames;
}

MD_REALTIME static inline void
md_smoothed_set(MdSmoothed* s, double target)
{
  if (target != s->target) {
    s->target      = target;
    s->left_frames = s->ramp_frames;
    s->step        = (target - s->current) / (double)s->ramp_frames;
  }
}

/// The value for this frame; advances one frame.
MD_REALTIME static inline double
md_smoothed_next(MdSmoothed* s)
{
  const double value = s->current;
  if (s->left_frames) {
    if (--s->left_frames == 0U) {
      s->current = s->target; // land exactly: no accumulated drift
    } else {
      s->current += s->step;
    }
  }
  return value;
}

MD_REALTIME static inline int
md_smoothed_settled(const MdSmoothed* s)
{
  return s->left_frames == 0U;
}

#endif
