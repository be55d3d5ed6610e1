// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The validator's diagnostics and its scalar readers.  Diagnostics are
// held while the model is read (in model order, not the file's) and given
// at the end by line and column; only the first MD_MAX_ERRORS errors are
// shown.  The readers of numbers, switches, names and choices, and the
// check of a mapping's keys, give the messages every part of a session
// shares: the valid range, the valid keys or the nearest valid name.
// Thread: control (validator.h).

#include "session/validator.h"

#include "util/suggest.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MD_MAX_ERRORS 50U

// More diagnostics than this are not kept: only the first MD_MAX_ERRORS
// errors are shown, and a session with thousands of problems is generated.
#define MD_MAX_HELD 4096U

static void
deliver(const MdValidator* v, unsigned line, unsigned column, const char* message, MixdownSeverity severity)
{
  if (v->on_diagnostic) {
    const MixdownDiagnostic d = {v->file_name, line, column, message, severity};
    v->on_diagnostic(v->user_data, &d);
  }
}

// Keeps a diagnostic for md_flush_diagnostics(); given at once when it cannot
// be kept (out of memory), so that it is never lost.
static void
hold(MdValidator* v, unsigned line, unsigned column, const char* message, MixdownSeverity severity)
{
  if (!v->on_diagnostic || v->n_held >= MD_MAX_HELD) {
    return;
  }
  if (v->n_held == v->held_capacity) {
    const size_t      bigger = v->held_capacity ? 2U * v->held_capacity : 16U;
    MdHeldDiagnostic* grown  = realloc(v->held, bigger * sizeof(MdHeldDiagnostic));
    if (!grown) {
      deliver(v, line, column, message, severity);
      return;
    }
    v->held          = grown;
    v->held_capacity = bigger;
  }
  char* copy = strdup(message);
  if (!copy) {
    deliver(v, line, column, message, severity);
    return;
  }
  v->held[v->n_held] = (MdHeldDiagnostic){line, column, severity, v->n_held, copy};
  ++v->n_held;
}

// By line, then column, then the order found; an unknown line (0) last.
static int
compare_held(const void* a, const void* b)
{
  const MdHeldDiagnostic* x      = a;
  const MdHeldDiagnostic* y      = b;
  const unsigned          x_line = x->line ? x->line : UINT_MAX;
  const unsigned          y_line = y->line ? y->line : UINT_MAX;
  if (x_line != y_line) {
    return x_line < y_line ? -1 : 1;
  }
  if (x->column != y->column) {
    return x->column < y->column ? -1 : 1;
  }
  return x->order < y->order ? -1 : x->order > y->order;
}

static bool
same_diagnostic(const MdHeldDiagnostic* a, const MdHeldDiagnostic* b)
{
  return a->line == b->line && a->column == b->column && a->severity == b->severity &&
         !strcmp(a->message, b->message);
}

// Gives the held diagnostics in line order: the first MD_MAX_ERRORS errors
// and the warnings among them.  A node reused through a YAML alias is
// validated once per use but keeps the anchor's lines: its problems are
// given once.
void
md_flush_diagnostics(MdValidator* v)
{
  if (v->n_held) {
    qsort(v->held, v->n_held, sizeof(MdHeldDiagnostic), compare_held);
  }
  unsigned shown  = 0U;
  unsigned held   = 0U; // errors held, repeats included
  unsigned hidden = 0U; // errors past MD_MAX_ERRORS, repeats not
  for (size_t i = 0U; i < v->n_held; ++i) {
    const MdHeldDiagnostic* d     = &v->held[i];
    const bool              error = d->severity == MIXDOWN_SEVERITY_ERROR;
    held += error;
    if (i && same_diagnostic(d, &v->held[i - 1U])) {
      continue;
    }
    if (error && shown >= MD_MAX_ERRORS) {
      ++hidden;
      continue;
    }
    shown += error;
    deliver(v, d->line, d->column, d->message, d->severity);
  }
  if (shown >= MD_MAX_ERRORS && (hidden || v->n_errors > held)) {
    char more[128];
    snprintf(more, sizeof more, "%u more errors not shown; fix these first", hidden + (v->n_errors - held));
    deliver(v, 0U, 0U, more, MIXDOWN_SEVERITY_ERROR);
  }
  for (size_t i = 0U; i < v->n_held; ++i) {
    free(v->held[i].message);
  }
  free(v->held);
  v->held   = NULL;
  v->n_held = v->held_capacity = 0U;
}

void
md_report_error_at(MdValidator* v, unsigned line, unsigned column, const char* fmt, ...)
{
  char    message[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  ++v->n_errors;
  hold(v, line, column, message, MIXDOWN_SEVERITY_ERROR);
}

void
md_report_out_of_memory_at(MdValidator* v, unsigned line, unsigned column)
{
  v->out_of_memory = true;
  md_report_error_at(v, line, column, "out of memory");
}

// A warning: the session stays valid.
void
md_report_warning(MdValidator* v, const MdYNode* node, const char* fmt, ...)
{
  char    message[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  hold(v, node->line, node->column, message, MIXDOWN_SEVERITY_WARNING);
}

bool
md_expect_kind(MdValidator* v, const MdYNode* node, MdYNodeKind kind, const char* what,
               const char* key)
{
  if (node->kind == kind) {
    return true;
  }
  const char* want = kind == MD_YNODE_MAPPING ? "a mapping" : kind == MD_YNODE_SEQUENCE ? "a list" : "a value";
  md_report_error(v, node, "`%s` must be %s (%s), not %s", key, want, what, md_ynode_kind_name(node));
  return false;
}

// A key of the user's own (`x-…`, as in Docker Compose): a place at the top
// of a session for anchors to reuse (`x-vocal-chain: &vox [...]`).
static bool
is_extension_key(const MdYNode* key)
{
  return !strncmp(key->text, "x-", 2U);
}

// Checks that every key of `map` is one of `allowed` (or, with
// `allow_extensions`, an `x-` key); suggests the nearest.
void
md_check_keys_of(MdValidator* v, const MdYNode* map, const char* where, const char* const* allowed,
                 size_t n_allowed, bool allow_extensions)
{
  for (size_t i = 0U; i < map->n_items; ++i) {
    const MdYNode* key = map->items[2U * i];
    if (key->kind != MD_YNODE_SCALAR) {
      md_report_error(v, key, "keys must be names, not %s", md_ynode_kind_name(key));
      continue;
    }
    if (allow_extensions && is_extension_key(key)) {
      continue;
    }
    bool known = false;
    for (size_t j = 0U; j < n_allowed && !known; ++j) {
      known = !strcmp(key->text, allowed[j]);
    }
    for (size_t j = 0U; j < i && known; ++j) {
      const MdYNode* other = map->items[2U * j];
      if (other->kind == MD_YNODE_SCALAR && !strcmp(other->text, key->text)) {
        md_report_error(v, key, "`%s` is given twice in %s (first at line %u)", key->text, where,
                        other->line);
        known = true;
        break;
      }
    }
    if (known) {
      continue;
    }
    const char* near = md_suggest(key->text, allowed, n_allowed);
    if (near) {
      md_report_error(v, key, "unknown key `%s` in %s (did you mean `%s`?)", key->text, where, near);
    } else {
      char   list[512] = "";
      size_t used      = 0U;
      for (size_t j = 0U; j < n_allowed && used < sizeof list - 64U; ++j) {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "", allowed[j]);
      }
      if (allow_extensions) {
        snprintf(list + used, sizeof list - used, ", or x-… of your own for anchors");
      }
      md_report_error(v, key, "unknown key `%s` in %s (valid keys: %s)", key->text, where, list);
    }
  }
}

void
md_check_keys(MdValidator* v, const MdYNode* map, const char* where, const char* const* allowed,
              size_t n_allowed)
{
  md_check_keys_of(v, map, where, allowed, n_allowed, false);
}

void
md_check_key_set(MdValidator* v, const MdYNode* map, const MdKeySet* set)
{
  const char* names[MD_KEY_SET_MAX];
  md_check_keys(v, map, set->where, names, md_key_names(set, names, MD_KEY_SET_MAX));
}

static void
format_range(char* out, size_t size, double min, double max, const char* unit)
{
  snprintf(out, size, "%.10g … %.10g%s%s", min, max, unit && unit[0] ? " " : "", unit ? unit : "");
}

bool
md_read_number(MdValidator* v, const MdYNode* node, const char* key, double min, double max,
               const char* unit, double* out)
{
  char range[96];
  format_range(range, sizeof range, min, max, unit);
  double x = 0.0;
  if (!md_ynode_number(node, &x)) {
    if (node->kind == MD_YNODE_SCALAR) {
      md_report_error(v, node, "`%s` must be a number (%s), not `%s`", key, range, node->text);
    } else {
      md_report_error(v, node, "`%s` must be a number (%s), not %s", key, range, md_ynode_kind_name(node));
    }
    return false;
  }
  if (md_range_check(x, min, max, MD_RANGE_REFUSE, &x) != MD_RANGE_INSIDE) {
    md_report_error(v, node, "`%s` is %.10g, out of range: valid range is %s", key, x, range);
    return false;
  }
  *out = x;
  return true;
}

bool
md_read_table_number(MdValidator* v, const MdYNode* node, const MdParam* p, double* out)
{
  return md_read_number(v, node, p->info.name, p->info.min, p->info.max, p->info.unit, out);
}

// True, false, or 1 and 0 (as a mute envelope takes 0 … 1).  Quoted text
// is a string, never a boolean; the words are YAML 1.1's, in any case.
bool
md_read_bool(MdValidator* v, const MdYNode* node, const char* key, bool* out)
{
  static const char* const yes[] = {"true", "yes", "on"};
  static const char* const no[]  = {"false", "no", "off"};
  double                   x     = 0.0;
  if (md_ynode_number(node, &x) && (x == 0.0 || x == 1.0)) {
    *out = x == 1.0;
    return true;
  }
  for (size_t i = 0U; node->kind == MD_YNODE_SCALAR && !node->quoted && i < 3U; ++i) {
    if (!strcasecmp(node->text, yes[i]) || !strcasecmp(node->text, no[i])) {
      *out = !strcasecmp(node->text, yes[i]);
      return true;
    }
  }
  md_report_error(v, node, "`%s` must be true or false (or 1 or 0), not %s%s%s", key,
                  node->kind == MD_YNODE_SCALAR ? "`" : "", node->kind == MD_YNODE_SCALAR ? node->text : md_ynode_kind_name(node),
                  node->kind == MD_YNODE_SCALAR ? "`" : "");
  return false;
}

bool
md_read_string(MdValidator* v, const MdYNode* node, const char* key, const char** out)
{
  if (node->kind != MD_YNODE_SCALAR || md_ynode_is_null(node)) {
    md_report_error(v, node, "`%s` must be a name or path, not %s", key,
                    node->kind == MD_YNODE_SCALAR ? "empty" : md_ynode_kind_name(node));
    return false;
  }
  *out = node->text;
  return true;
}

// A choice: one of a NULL-terminated list; numeric choices match by value
// (`pan_law: -3.0` is `-3`).  Stores the index.
bool
md_read_choice(MdValidator* v, const MdYNode* node, const char* key, const char* const* choices,
               double* index)
{
  if (node->kind == MD_YNODE_SCALAR) {
    double x = 0.0;
    for (size_t i = 0U; choices[i]; ++i) {
      char* end = NULL;
      if (!strcmp(node->text, choices[i]) ||
          (md_ynode_number(node, &x) && x == strtod(choices[i], &end) && !*end)) {
        *index = (double)i;
        return true;
      }
    }
  }
  char   list[256] = "";
  size_t n         = 0U;
  size_t used      = 0U;
  for (; choices[n]; ++n) {
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", n ? ", " : "", choices[n]);
  }
  const char* near = node->kind == MD_YNODE_SCALAR ? md_suggest(node->text, choices, n) : NULL;
  if (near) {
    md_report_error(v, node, "`%s` cannot be `%s` (did you mean `%s`? valid: %s)", key, node->text, near, list);
  } else {
    md_report_error(v, node, "`%s` must be one of: %s", key, list);
  }
  return false;
}
