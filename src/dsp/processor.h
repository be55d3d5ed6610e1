// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The one interface every insert implements (EQ, compressor, reverb, gain,
// LV2 plugin …).  A processor knows nothing of sessions, files or threads: it
// gets a channel count, parameter values, a sample rate, a maximum block size
// and buffers (and, for a sidechain, a key signal).  Adding a processor means
// a new file here and one entry in registry.c; the engine never changes.
//
// Life cycle (control thread unless marked audio):
//   create(channels, values) → prepare(rate, max_frames) →
//   { set_param | process | reset | read_meter }* (audio) → destroy
// process() never allocates, locks, logs or does I/O.

#ifndef MD_PROCESSOR_H
#define MD_PROCESSOR_H

#include "util/realtime.h"

#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

/// The largest block a processor is prepared for: prepare()'s max_frames
/// is at most this.  The engine's block (engine.h's MD_ENGINE_MAX_BLOCK_FRAMES
/// is this value), and what a host that instantiates a plugin before the
/// engine prepares it (host/lv2.c, at validation) declares as its block size.
#define MD_PROCESSOR_MAX_BLOCK_FRAMES 1024U

typedef struct MdParam MdParam;

/// One parameter: the public description plus how process() glides to a
/// new value.  Parameters are declared once, in a table per processor; the
/// session validator, automation, `mixdown describe` and later OSC all read it.
struct MdParam {
  MixdownParamInfo info;
  float            smoothing_ms; ///< Glide time to a new target (0: immediate)
  const MdParam*   fields;       ///< MIXDOWN_PARAM_LIST: the fields of one item
  uint32_t         n_fields;     ///< MIXDOWN_PARAM_LIST: entries in `fields`
  uint32_t         max_items;    ///< MIXDOWN_PARAM_LIST: the most items allowed
  uint32_t         note_target;  ///< MIXDOWN_PARAM_NOTE: the ms parameter it sets
};

/// Table entries, so that a parameter table reads as one line per parameter.
#define MD_NUMBER(name, unit, desc, min, max, def, smooth_ms)                                      \
  {.info = {name, unit, desc, MIXDOWN_PARAM_NUMBER, min, max, def, NULL}, .smoothing_ms = smooth_ms}
#define MD_BOOL(name, desc, def)                                                                   \
  {.info = {name, "", desc, MIXDOWN_PARAM_BOOL, 0.0, 1.0, def, NULL}}
#define MD_CHOICE(name, unit, desc, choices, n_choices, def)                                       \
  {.info = {name, unit, desc, MIXDOWN_PARAM_CHOICE, 0.0, (n_choices) - 1.0, def, choices}}
#define MD_NODE(name, desc) {.info = {name, "", desc, MIXDOWN_PARAM_NODE, 0.0, 1.0, 0.0, NULL}}
#define MD_FILE(name, desc) {.info = {name, "", desc, MIXDOWN_PARAM_FILE, 0.0, 1.0, 0.0, NULL}}
#define MD_NOTE(name, desc, target)                                                                \
  {.info = {name, "", desc, MIXDOWN_PARAM_NOTE, 0.0, 0.0, 0.0, NULL}, .note_target = target}
#define MD_LIST(name, desc, field_table, n, max)                                                   \
  {.info = {name, "", desc, MIXDOWN_PARAM_LIST, 0.0, max, 0.0, NULL}, .fields = field_table,      \
   .n_fields = n, .max_items = max}

/// A read-out of a processor, such as gain reduction.
typedef struct {
  const char* name;        ///< e.g. "gain_reduction_db"
  const char* description; ///< One line
} MdMeter;

/// One call of process().  `in` has the input channel count, `out` the
/// output one; they may be the same buffers (in-place).  `key` is the
/// external sidechain signal, or NULL when the processor keys on its input.
typedef struct {
  const float* const* in;
  float* const*       out;
  const float* const* key;
  uint32_t            key_channels;
  uint32_t            frames;
} MdBlock;

typedef struct MdProcessorClass MdProcessorClass;

struct MdProcessorClass {
  const char*    name;        ///< Insert `type:` in session files
  const char*    description; ///< One line, for `mixdown describe`
  const MdParam* params;      ///< The parameter table
  uint32_t       n_params;    ///< Entries in `params`
  const MdMeter* meters;      ///< Read-outs (may be NULL)
  uint32_t       n_meters;    ///< Entries in `meters`
  const void*    context;     ///< Data of a class built at run time (an LV2 plugin), or NULL

  /// Channels produced for `in_channels` input channels (NULL: the same).
  uint32_t (*output_channels)(const MdProcessorClass* cls, uint32_t in_channels);
  /// Control: a class built at run time is reference-counted (NULL for the
  /// static classes): whoever keeps a pointer to it retains it.
  void (*retain)(const MdProcessorClass* cls);
  void (*release)(const MdProcessorClass* cls);

  /// New instance of `cls` (this class, or one built from it at run time,
  /// such as an LV2 plugin's) with initial values, one per value slot (see
  /// md_processor_value_count(); choices, bools and node references as
  /// numbers).  Returns NULL when out of memory.
  void* (*create)(const MdProcessorClass* cls, uint32_t in_channels, const double* values);
  /// Control, before prepare(): the audio of the class's MIXDOWN_PARAM_FILE
  /// parameter, decoded and converted to the render rate (NULL when the
  /// class has none).  The processor copies what it needs.
  MixdownStatus (*load)(void* self, const float* const* channels, uint32_t n_channels, uint64_t frames);
  /// Allocate buffers and design filters for this rate and block size.
  MixdownStatus (*prepare)(void* self, double sample_rate_hz, uint32_t max_frames);
  void (*destroy)(void* self);

  /// Audio: store a new target for value slot `id`; process() glides to it.
  MD_REALTIME void (*set_param)(void* self, uint32_t id, double value);
  /// Audio: process one block.
  MD_REALTIME void (*process)(void* self, const MdBlock* block);
  /// Audio: clear history (delay lines, envelopes), keep parameters.
  MD_REALTIME void (*reset)(void* self);
  /// Any: frames of delay the processor adds (the engine compensates).
  MD_REALTIME uint32_t (*latency)(const void* self);
  /// Any: frames the output keeps ringing after the input stops, beyond
  /// the latency (a pure delay has none).
  MD_REALTIME uint32_t (*tail)(const void* self);
  /// Audio: meter `id` over the last block (NULL when there are no meters).
  MD_REALTIME double (*read_meter)(const void* self, uint32_t id);
  /// Audio, optional: true when the state is at rest — a block of silence
  /// in would come out as silence and leave the state exactly as it is —
  /// so the engine may skip process() until sound returns, with no change
  /// in the output.  NULL: never (state that moves on silence, such as a
  /// limiter's frame count, or tails that FFT round-off keeps from zero).
  MD_REALTIME bool (*idle)(const void* self);
  /// Audio, optional: NULL while the processor can run, else why it cannot
  /// go on (an LV2 plugin whose process died); the engine then stops the
  /// render with this message.  NULL member: never fails.
  MD_REALTIME const char* (*fault)(const void* self);
};

/// latency() or tail() of a processor that adds none: 0 frames.
MD_REALTIME uint32_t md_processor_no_frames(const void* self);

/// Index of parameter `name` in `cls`, or -1.
int md_processor_param_index(const MdProcessorClass* cls, const char* name);

/// Output channels of `cls` for `in_channels` inputs.
uint32_t md_processor_output_channels(const MdProcessorClass* cls, uint32_t in_channels);

/// Value slots of `cls`: one per plain parameter; a list parameter takes one
/// slot for its item count and then `max_items × n_fields` slots, item by item.
uint32_t md_processor_value_count(const MdProcessorClass* cls);

/// First value slot of parameter `param`.
uint32_t md_processor_value_offset(const MdProcessorClass* cls, uint32_t param);

/// The parameter description of value slot `slot` (for list fields, the field's).
const MdParam* md_processor_slot_param(const MdProcessorClass* cls, uint32_t slot);

#endif
