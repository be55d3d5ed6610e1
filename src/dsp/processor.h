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

/// What a parameter allows beyond its kind (MdParam.flags).  Zero, as every
/// processor parameter has unless its table says otherwise: a number may be
/// an envelope, and every number, switch and choice may move while playing.
enum {
  /// A number that is always a constant, never an envelope (a clip's gain).
  MD_PARAM_CONSTANT = 1U << 0,
  /// Read only when the processor (or strip) is built: live control refuses
  /// a move of it, which would be heard as nothing and recorded as a change
  /// the render would make.  MdParam.fixed_why says why (or is NULL).
  MD_PARAM_FIXED_WHILE_PLAYING = 1U << 1,
  /// A switch that a session may also give as an envelope of 0 … 1 (a
  /// strip's mute: what a recorded live mute becomes; values between fade).
  MD_PARAM_SWITCH_ENVELOPE = 1U << 2,
  /// A value written as text and read by its own reader (a session's
  /// tags, its time signature: session/session_params.h).  The public
  /// kinds have no text: such an entry's kind is MIXDOWN_PARAM_FILE (a
  /// string written as it is).
  MD_PARAM_TEXT = 1U << 3,
};

/// One parameter: the public description plus how process() glides to a
/// new value.  Parameters are declared once, in a table per processor (the
/// channel strip's, sends' and clips' in dsp/strip.c); the session
/// validator, automation, `mixdown describe`, live control (OSC) and the
/// recording of a take all read it.
struct MdParam {
  MixdownParamInfo info;
  float            smoothing_ms; ///< Glide time to a new target (0: immediate)
  const MdParam*   fields;       ///< MIXDOWN_PARAM_LIST: the fields of one item
  uint32_t         n_fields;     ///< MIXDOWN_PARAM_LIST: entries in `fields`
  uint32_t         max_items;    ///< MIXDOWN_PARAM_LIST: the most items allowed
  uint32_t         note_target;  ///< MIXDOWN_PARAM_NOTE: the ms parameter it sets
  uint32_t         flags;        ///< MD_PARAM_CONSTANT, _FIXED_WHILE_PLAYING, _SWITCH_ENVELOPE, _TEXT
  const char*      fixed_why;    ///< MD_PARAM_FIXED_WHILE_PLAYING: why, for the refusal (or NULL)
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
/// Entries fixed while playing (MD_PARAM_FIXED_WHILE_PLAYING), with why.
#define MD_FIXED_NUMBER(name, unit, desc, min, max, def, why)                                      \
  {.info  = {name, unit, desc, MIXDOWN_PARAM_NUMBER, min, max, def, NULL},                        \
   .flags = MD_PARAM_FIXED_WHILE_PLAYING, .fixed_why = why}
#define MD_FIXED_BOOL(name, desc, def, why)                                                        \
  {.info = {name, "", desc, MIXDOWN_PARAM_BOOL, 0.0, 1.0, def, NULL}, .flags = MD_PARAM_FIXED_WHILE_PLAYING, \
   .fixed_why = why}
#define MD_FIXED_CHOICE(name, unit, desc, choices, n_choices, def, why)                            \
  {.info  = {name, unit, desc, MIXDOWN_PARAM_CHOICE, 0.0, (n_choices) - 1.0, def, choices},       \
   .flags = MD_PARAM_FIXED_WHILE_PLAYING, .fixed_why = why}

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

/* List slots ------------------------------------------------------------- */
/* A list parameter (an EQ's bands) holds, from its first value slot, the
 * item count and then `max_items` items of `n_fields` values each.  These
 * functions are the one place that layout is written: the processors read
 * their values with them, the session validator stores them, live control
 * (OSC) addresses them as LIST/K/FIELD and the recorder finds them again. */

/// Value slot of field `field` of item `item` (both from 0) of list `list`,
/// counted from the list's first slot (slot 0 is the item count).  Any thread.
static inline uint32_t
md_list_slot(const MdParam* list, uint32_t item, uint32_t field)
{
  return 1U + item * list->n_fields + field;
}

/// The item and field (from 0) of slot `slot` of list `list` (counted as
/// md_list_slot() does); false for the count (0) and past the last item.
/// Any thread.
static inline bool
md_list_slot_place(const MdParam* list, uint32_t slot, uint32_t* item, uint32_t* field)
{
  if (slot == 0U || list->n_fields == 0U || slot > list->max_items * list->n_fields) {
    return false;
  }
  *item  = (slot - 1U) / list->n_fields;
  *field = (slot - 1U) % list->n_fields;
  return true;
}

/// Index of field `name` of list `list`, or -1.
int md_list_field_index(const MdParam* list, const char* name);

/// Where a value slot of a class lies: its parameter, and for a list's
/// field its item and field (both from 0).
typedef struct {
  uint32_t param;   ///< Index in the class's table
  bool     in_list; ///< A field of a list item (not a plain value, not the count)
  uint32_t item;    ///< in_list: the item, from 0
  uint32_t field;   ///< in_list: the field, from 0
} MdSlotPlace;

/// Value slot of field `field` of item `item` of list parameter `param` of `cls`.
uint32_t md_processor_list_slot(const MdProcessorClass* cls, uint32_t param, uint32_t item, uint32_t field);

/// Where value slot `slot` of `cls` lies; false past the last slot.
bool md_processor_slot_place(const MdProcessorClass* cls, uint32_t slot, MdSlotPlace* place);

/* Ranges ----------------------------------------------------------------- */

/// What to do with a number outside its range: a session file's is an
/// error (the validator reports the valid range); a live move's is clamped
/// to the nearest bound (live control says so).
typedef enum {
  MD_RANGE_REFUSE,
  MD_RANGE_CLAMP,
} MdRangePolicy;

typedef enum {
  MD_RANGE_INSIDE,     ///< min ≤ value ≤ max: stored as it is
  MD_RANGE_CLAMPED,    ///< MD_RANGE_CLAMP: outside, the nearest bound stored
  MD_RANGE_OUTSIDE,    ///< MD_RANGE_REFUSE: outside, nothing stored
  MD_RANGE_NOT_FINITE, ///< NaN or infinite, under either policy: nothing stored
} MdRangeResult;

/// The one range check of parameter values: `value` against min … max
/// under `policy`, into `*out`.  Any thread (no allocation, no I/O).
MD_REALTIME MdRangeResult md_range_check(double value, double min, double max, MdRangePolicy policy, double* out);

/// md_range_check() against the range of `p`, then as the kind stores it:
/// a switch is 0 or 1 (any non-zero number is on; no range), a choice the
/// nearest whole index.  Any thread.
MD_REALTIME MdRangeResult md_param_fit(const MdParam* p, double value, MdRangePolicy policy, double* out);

/* Flags ------------------------------------------------------------------ */

/// True when a session may give `p` as an envelope: a number without
/// MD_PARAM_CONSTANT, or a switch with MD_PARAM_SWITCH_ENVELOPE (its
/// points then take the switch's range, 0 … 1).
bool md_param_automatable(const MdParam* p);

/// True when live control may move `p` while playing: a number, switch or
/// choice without MD_PARAM_FIXED_WHILE_PLAYING.
bool md_param_live(const MdParam* p);

#endif
