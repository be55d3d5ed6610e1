// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The session validator's private parts: the state of one validation and
// the readers every part of a session uses.  Shared by the files that turn
// a session's YAML tree into the model — validator.c (diagnostics, scalar
// readers, keys), values.c (times, envelopes, parameters), clips.c,
// inserts.c (inserts and sends), strips.c (tracks, buses, master),
// routing.c (names, destinations, keys, cycles), output.c and document.c
// (the top level and the public entry points) — and by no file outside
// src/session/.
//
// Every reader reports a problem at the node's line and column and returns
// false (or leaves its output as it was); validation goes on after an
// error so that one run shows them all.  Diagnostics are held and given in
// line order by md_flush_diagnostics().
//
// Thread: control (whoever opens a session).  A validation is one thread's;
// there is no global state.

#ifndef MD_SESSION_VALIDATOR_H
#define MD_SESSION_VALIDATOR_H

#include "dsp/registry.h"
#include "session/keys.h"
#include "session/model.h"
#include "session/session.h"
#include "session/session_params.h"
#include "session/yaml_access.h"
#include "util/attributes.h"
#include "util/name_index.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// A diagnostic held back until validation ends, to be given in line order.
typedef struct {
  unsigned        line;
  unsigned        column;
  MixdownSeverity severity;
  size_t          order; ///< Found n-th: ties keep the order found
  char*           message;
} MdHeldDiagnostic;

typedef struct {
  const char*           file_name;
  const char*           base_dir;
  MixdownDiagnosticFunc on_diagnostic;
  void*                 user_data;
  unsigned              n_errors;
  MixdownSession*       session;
  MdNameIndex           names; ///< Track, bus and master names → node index
  MdPluginCatalog*      plugins; ///< Loaded at the first `type: lv2` insert
  MdHeldDiagnostic*     held;  ///< Validation goes in model order, not the file's
  size_t                n_held;
  size_t                held_capacity;
  bool                  out_of_memory; ///< An allocation failed: the open gives MIXDOWN_ERR_NO_MEM
} MdValidator;

/* Diagnostics (validator.c) ---------------------------------------------- */

/// An error at a line and column (0: unknown, given last); counted in
/// `v->n_errors`.
void md_report_error_at(MdValidator* v, unsigned line, unsigned column, const char* fmt, ...) MD_PRINTF(4, 5);

/// An error at `node`.
#define md_report_error(v, node, ...) md_report_error_at((v), (node)->line, (node)->column, __VA_ARGS__)
/// "out of memory" at a line and column, as an error; the open then gives
/// MIXDOWN_ERR_NO_MEM rather than MIXDOWN_ERR_SESSION.
void md_report_out_of_memory_at(MdValidator* v, unsigned line, unsigned column);
/// "out of memory" at `node`.
#define md_report_out_of_memory(v, node) md_report_out_of_memory_at((v), (node)->line, (node)->column)

/// A warning at `node`: the session stays valid.
void md_report_warning(MdValidator* v, const MdYNode* node, const char* fmt, ...) MD_PRINTF(3, 4);

/// Gives the held diagnostics in line order: the first 50 errors and the
/// warnings among them, each repeat (a node reused through an alias) once.
void md_flush_diagnostics(MdValidator* v);

/* Shapes, keys and scalars (validator.c) --------------------------------- */

/// True when `node` is of `kind`; else reports "`key` must be a mapping
/// (what), not …".
bool md_expect_kind(MdValidator* v, const MdYNode* node, MdYNodeKind kind, const char* what, const char* key);

/// Checks that every key of `map` is one of `allowed` (or, with
/// `allow_extensions`, an `x-` key of the user's own) and none is given
/// twice; suggests the nearest.  `where` names the map in messages.
void md_check_keys_of(MdValidator* v, const MdYNode* map, const char* where, const char* const* allowed,
                      size_t n_allowed, bool allow_extensions);

/// md_check_keys_of() without extension keys.
void md_check_keys(MdValidator* v, const MdYNode* map, const char* where, const char* const* allowed,
                   size_t n_allowed);

/// md_check_keys() against a key set (keys.h): its keys, in its order, and
/// its name for the mapping.
void md_check_key_set(MdValidator* v, const MdYNode* map, const MdKeySet* set);

/// A number in min … max (`unit` for messages): md_range_check()'s
/// MD_RANGE_REFUSE policy, an error with the valid range.
bool md_read_number(MdValidator* v, const MdYNode* node, const char* key, double min, double max,
                    const char* unit, double* out);

/// md_read_number() with the name, range and unit of table entry `p`
/// (session/session_params.h for the session's own values).
bool md_read_table_number(MdValidator* v, const MdYNode* node, const MdParam* p, double* out);

/// true/false/yes/no/on/off (any case, unquoted) or 1/0.
bool md_read_bool(MdValidator* v, const MdYNode* node, const char* key, bool* out);

/// A non-empty scalar (a name or path); `*out` points into the tree.
bool md_read_string(MdValidator* v, const MdYNode* node, const char* key, const char** out);

/// One of a NULL-terminated list; numeric choices match by value
/// (`pan_law: -3.0` is `-3`).  Stores the index.
bool md_read_choice(MdValidator* v, const MdYNode* node, const char* key, const char* const* choices,
                    double* index);

/* Times and values (values.c) -------------------------------------------- */

/// Seconds, or "BAR:BEAT[.FRACTION]" when the session has a tempo; at most
/// MD_SESSION_MAX_TIME_S.
bool md_read_time(MdValidator* v, const MdYNode* node, const char* key, double* seconds);

/// A numeric parameter: a number in the table's range, or an envelope
/// mapping {points, curve}.
bool md_read_value(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* out);

/// Any parameter of the kinds number, switch and choice from its table
/// entry: numbers may be envelopes unless MD_PARAM_CONSTANT (then a number
/// alone), a switch with MD_PARAM_SWITCH_ENVELOPE too.  False for the kinds
/// read by inserts.c.
bool md_read_param(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* out);

/// A list parameter (EQ bands …) into its slots: the count, then each
/// item's fields.
void md_read_list(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* slots);

/// A note value ("1/8", "1/8.", "1/8t") at the session's tempo into the
/// milliseconds of the parameter it names.
void md_read_note(MdValidator* v, const MdYNode* node, const MdProcessorClass* cls, const MdParam* param,
                  MdValue* values);

/* Sources and clips (clips.c) -------------------------------------------- */

/// `path` from the session's folder (absolute paths as they are); the
/// caller frees it.  NULL when out of memory.
char* md_resolve_path(const MdValidator* v, const char* path);

/// Opens the source `clip->path` to learn its channels, rate and length;
/// reports a missing, unreadable, damaged or unsupported file at `node`.
bool md_probe_source(MdValidator* v, const MdYNode* node, MdClip* clip);

/// A track's `file:` (one clip at 0 s) or `clips:`.
void md_read_clips(MdValidator* v, const MdYNode* entry, MdNode* track);

/* Inserts and sends (inserts.c) ------------------------------------------ */

/// `inserts:` of a track, bus or the master (node `self`).
void md_read_inserts(MdValidator* v, const MdYNode* entry, MdNode* target, uint32_t self);

/// `sends:` of a track or bus (node `self`).
void md_read_sends(MdValidator* v, const MdYNode* entry, MdNode* target, uint32_t self);

/* Tracks, buses and master (strips.c) ------------------------------------ */

/// First pass over `tracks:` or `buses:`: names (so that routing may name
/// a bus declared later) into nodes from `*next`.
void md_declare_nodes(MdValidator* v, const MdYNode* list, MdNodeKind kind, size_t* next);

/// Second pass: node `index` from its entry.
void md_read_node(MdValidator* v, const MdYNode* entry, uint32_t index);

/// `loudness:` a preset name, or {preset, target_lufs, true_peak_db}.
void md_read_loudness(MdValidator* v, const MdYNode* node, MdLoudness* l);

/// `master:` (NULL when not given: the defaults).
void md_read_master(MdValidator* v, const MdYNode* master);

/* Routing (routing.c) ---------------------------------------------------- */

/// The bus (or master) that `node` names as `key`; reports an unknown name
/// with the nearest real one, a track, or `self`.
bool md_find_destination(MdValidator* v, const MdYNode* node, const char* key, uint32_t self,
                         uint32_t* index);

/// The track or bus that `node` names as a sidechain key.
bool md_find_key(MdValidator* v, const MdYNode* node, const char* key, uint32_t self, uint32_t* index);

/// Reports the first routing cycle (outputs, sends and sidechain keys);
/// `entries` holds each node's YAML entry, for where it is written.
void md_check_routing(MdValidator* v, const MdYNode* const* entries);

/* Output files (output.c) ------------------------------------------------ */

/// `output:` (NULL when not given: the defaults).
void md_read_output(MdValidator* v, const MdYNode* node);

/// `outputs:` of the session's root, when given.
void md_read_outputs(MdValidator* v, const MdYNode* root);

#endif
