// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The one interface every insert implements (EQ, compressor, reverb, gain,
// LV2 plugin …).  A processor knows nothing of sessions, files or threads: it
// gets a channel count, parameter values, a sample rate, a maximum block size
// and buffers.  Adding a processor means a new file here and one entry in
// registry.c; the engine never changes.
//
// Life cycle (control thread unless marked audio):
//   create(channels, values) → prepare(rate, max_frames) →
//   { set_param | process | reset }* (audio) → destroy
// process() never allocates, locks, logs or does I/O.

#ifndef MD_PROCESSOR_H
#define MD_PROCESSOR_H

#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

/// One parameter: the public description plus how process() glides to a
/// new value.  Parameters are declared once, in a table per processor; the
/// session validator, automation, `mixdown describe` and later OSC all read it.
typedef struct {
  MixdownParamInfo info;
  float            smoothing_ms; ///< Glide time to a new target (0: immediate)
} MdParam;

typedef struct MdProcessorClass MdProcessorClass;

struct MdProcessorClass {
  const char*    name;        ///< Insert `type:` in session files
  const char*    description; ///< One line, for `mixdown describe`
  const MdParam* params;      ///< The parameter table
  uint32_t       n_params;    ///< Entries in `params`

  /// Channels produced for `in_channels` input channels (NULL: the same).
  uint32_t (*output_channels)(uint32_t in_channels);

  /// New instance with initial values (one per parameter, choices and bools
  /// as numbers).  Returns NULL when out of memory.
  void* (*create)(uint32_t in_channels, const double* values);
  /// Allocate buffers and design filters for this rate and block size.
  MixdownStatus (*prepare)(void* self, double sample_rate, uint32_t max_frames);
  void (*destroy)(void* self);

  /// Audio: store a new target; process() glides to it.
  void (*set_param)(void* self, uint32_t id, double value);
  /// Audio: `in` has the input channel count, `out` the output one; they
  /// may be the same buffers (in-place).
  void (*process)(void* self, const float* const* in, float* const* out, uint32_t frames);
  /// Audio: clear history (delay lines, envelopes), keep parameters.
  void (*reset)(void* self);
  /// Any: frames of delay the processor adds (the engine compensates).
  uint32_t (*latency)(const void* self);
  /// Any: frames the output keeps ringing after the input stops.
  uint32_t (*tail)(const void* self);
};

/// Index of parameter `name` in `cls`, or -1.
int md_processor_param_index(const MdProcessorClass* cls, const char* name);

/// Output channels of `cls` for `in_channels` inputs.
uint32_t md_processor_output_channels(const MdProcessorClass* cls, uint32_t in_channels);

#endif
