// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The mix assistants' shared frame (private to src/assist/): what one
// assistant is (a name, an option table, a run function), the context it
// runs in (its editor, its parsed options, its report), and the helpers
// every assistant uses to read options, render the session's stems for
// analysis, report what it measured and write values through the editor.
//
// An assistant is one file (duck.c, level.c, balance.c, unmask.c,
// match.c) defining one `const AssistKind`, listed in registry.c.  It never
// writes a file: it edits the editor it is given, and only through the
// helpers below, so every value it writes is in its report.
//
// Thread: control, all of it.  Nothing here is real-time.

#ifndef MD_ASSIST_H
#define MD_ASSIST_H

#include "mixdown.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct AssistContext AssistContext;

/// One assistant.
typedef struct {
  const char*             name;        ///< "duck"
  const char*             description; ///< One line
  const MixdownParamInfo* options;     ///< Its options' table
  uint32_t                n_options;
  /// Analyses and writes; on failure sets the message (assist_fail()).
  MixdownStatus (*run)(AssistContext* ctx);
} AssistKind;

/// The assistants, in the order `mixdown assist` lists them (registry.c).
extern const AssistKind* const assist_kinds[];
extern const uint32_t          assist_kind_count;

/// The assistant named `name`, or NULL; the nearest name, or NULL.
const AssistKind* assist_kind_named(const char* name);
const char*       assist_kind_nearest(const char* name);

/// Each assistant, defined in its own file (duck.c …).
extern const AssistKind assist_duck;
extern const AssistKind assist_level;
extern const AssistKind assist_balance;
extern const AssistKind assist_unmask;
extern const AssistKind assist_match;

/// A given option, parsed against its table entry.
typedef struct {
  bool        given;
  double      number; ///< Numbers (the default when not given), switches (0/1), choices (index)
  const char* text;   ///< As given (NULL when not given)
} AssistValue;

struct AssistContext {
  MixdownEditor*         editor;
  const AssistKind*      kind;
  AssistValue*           values; ///< One per option of kind->options
  uint32_t               threads;
  bool                   dry_run;     ///< Write no file of the assistant's own (--plot)
  void                   (*progress)(void* user_data, const char* stage, double fraction);
  void*                  user_data;
  json_t*                report;      ///< The JSON report: {"assistant": …, "writes": [...], …}
  char*                  text;        ///< The text report so far
  size_t                 text_length;
  char*                  message;     ///< The caller's message buffer (may be NULL)
  size_t                 message_size;
};

/* --- failing ------------------------------------------------------------ */

/// Writes "assist NAME: …" into the caller's message; returns `status`.
MixdownStatus assist_fail(AssistContext* ctx, MixdownStatus status, const char* fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* --- options (args.c) --------------------------------------------------- */

/// The option's number: the value given, else its table default.  `name`
/// must be in the table (a typo is a programming error: abort()).
double assist_number(const AssistContext* ctx, const char* name);
/// A switch: given (true) or not.
bool assist_flag(const AssistContext* ctx, const char* name);
/// The text as given, or NULL (names, files, free text).
const char* assist_text(const AssistContext* ctx, const char* name);
/// Was the option given?
bool assist_given(const AssistContext* ctx, const char* name);

/// Splits a comma-separated list ("vox,guest") into `*items` (malloc'd
/// array of malloc'd strings; free with assist_free_list()).  Returns the
/// count; 0 for NULL or "".  Empty pieces are dropped.
size_t assist_split_list(const char* text, char*** items);
void   assist_free_list(char** items, size_t n);

/* --- the session's strips (strips.c) ------------------------------------ */

/// Kinds of strip an assistant may read or write.
typedef enum { ASSIST_TRACK, ASSIST_BUS, ASSIST_MASTER } AssistStripKind;

/// A strip of the session held by the editor, by name ("master" is the
/// master unless a track or bus has that name).  Returns false and fails
/// the context (with the nearest name) when there is none.
typedef struct {
  AssistStripKind kind;
  char*           name;    ///< malloc'd
  char*           address; ///< "/track/NAME", "/bus/NAME", "/master" (escaped), malloc'd
  uint32_t        stem;    ///< Its stem in assist_render (tracks, then buses); UINT32_MAX for the master
} AssistStrip;

bool assist_find_strip(AssistContext* ctx, const char* option, const char* name, AssistStrip* strip);
void assist_strip_free(AssistStrip* strip);

/// Does `from`'s signal reach `to` (itself, or through outputs and sends,
/// at any depth)?
bool assist_strip_feeds(AssistContext* ctx, const AssistStrip* from, const AssistStrip* to);

/// Every track and bus of the session, in session order (tracks, then
/// buses).  Returns the count; `*strips` malloc'd (free each and the array).
size_t assist_all_strips(AssistContext* ctx, AssistStrip** strips);
void   assist_strips_free(AssistStrip* strips, size_t n);

/* --- rendering for analysis (render.c) ---------------------------------- */

/// What a render for analysis delivers.
typedef struct {
  uint32_t           rate;          ///< Session rate, Hz
  uint64_t           length_frames; ///< Mix length
  uint32_t           n_stems;       ///< Tracks, then buses
  const char* const* stem_names;
} AssistRenderInfo;

/// Called once before the first block (may be NULL).
typedef MixdownStatus (*AssistBeginFunc)(void* user_data, const AssistRenderInfo* info);

/// Called with each block: `first_frame` on the timeline, the mix
/// (`mix_left`, `mix_right`) and every stem (`stems[2k]` left and
/// `stems[2k + 1]` right of stem k: each track's and bus's post-fader
/// output, as mixdown_engine_pull_stems() gives them).
typedef MixdownStatus (*AssistBlockFunc)(void* user_data, uint64_t first_frame, const float* mix_left,
                                         const float* mix_right, const float* const* stems, uint32_t frames);

/// Renders `session` (NULL: the editor's session as edited so far) from
/// start to end, block by block, with `ctx->threads` threads (0: one) and no output
/// file, reporting progress as `stage`.  `with_stems`: also the stems.
MixdownStatus assist_render(AssistContext* ctx, const MixdownSession* session, bool with_stems, const char* stage,
                            AssistBeginFunc begin, AssistBlockFunc block, void* user_data);

/* --- reporting (report.c) ----------------------------------------------- */

/// Appends a line (no '\n' needed) to the text report.
void assist_say(AssistContext* ctx, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/// Sets `key` of the JSON report to `value` (stolen; NULL is ignored).
void assist_report_set(AssistContext* ctx, const char* key, json_t* value);

/// A number for the JSON report, rounded to `digits` decimals (JSON has no
/// NaN or Inf: those become null).
json_t* assist_json_number(double value, int digits);

/* --- writing (write.c) -------------------------------------------------- */

/// Every write goes through these: the editor is edited, and the address
/// and value are added to the report's "writes" (and to the text report as
/// "  wrote ADDRESS = VALUE").  A refusal fails the context with the
/// editor's message.

MixdownStatus assist_set(AssistContext* ctx, const char* address, const char* yaml_value);
MixdownStatus assist_set_number(AssistContext* ctx, const char* address, double value, int digits);
MixdownStatus assist_append(AssistContext* ctx, const char* list_address, const char* yaml_item);
MixdownStatus assist_remove(AssistContext* ctx, const char* list_address, uint32_t item);

/// A breakpoint of an envelope: seconds on the timeline, value in the
/// parameter's unit.
typedef struct {
  double time_s;
  double value;
} AssistPoint;

/// The YAML of an envelope `{points: [[T, V], …], curve: linear}` with times
/// rounded to `time_digits` decimals and values to `value_digits`;
/// consecutive points of equal value on both sides of a run are kept (they
/// hold a level); malloc'd.
char* assist_envelope_yaml(const AssistPoint* points, size_t n, int time_digits, int value_digits);

/// The inserts of `strip_address` as JSON (a list; an empty list when it has
/// none), as the editor reads them; json_decref() it.  NULL on failure.
json_t* assist_inserts(AssistContext* ctx, const char* strip_address);

/// The assistant's own insert on a strip: the strip's *last* insert when it
/// is of `type` and (when `enveloped` is not NULL) its parameter `enveloped`
/// is an envelope.  Returns its number (from 1), 0 when there is none.
/// This is how a re-run finds what an earlier run wrote (docs/assistants.md).
uint32_t assist_own_insert(AssistContext* ctx, const char* strip_address, const char* type,
                           const char* enveloped);

#endif
