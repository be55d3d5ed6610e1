// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Session files → the validated model.  Every problem is reported with the
// line and column it was found at, the valid range or the nearest valid
// name; validation goes on after an error so that one run shows them all.

#include "session/session.h"

#include "dsp/registry.h"
#include "host/lv2.h"
#include "dsp/strip.h"
#include "session/yamltree.h"
#include "io/formats.h"
#include "util/attributes.h"
#include "util/checked_number.h"
#include "util/name_index.h"
#include "util/nearest_file.h"
#include "util/suggest.h"

#include <sndfile.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MD_MAX_ERRORS 50U
// Times and lengths stop at a day: a longer mix is a mistake, and its
// render would run for hours.
#define MD_MAX_TIME_S 86400.0
// More tracks and buses than this is a generated session gone wrong.
#define MD_MAX_NODES 100000U

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
  MdLv2World*           lv2;   ///< Loaded at the first `type: lv2` insert
  MdHeldDiagnostic*     held;  ///< Validation goes in model order, not the file's
  size_t                n_held;
  size_t                held_capacity;
} MdValidator;

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

// Keeps a diagnostic for flush_diagnostics(); given at once when it cannot
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
static void
flush_diagnostics(MdValidator* v)
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

static void MD_PRINTF(4, 5)
report_at(MdValidator* v, unsigned line, unsigned column, const char* fmt, ...)
{
  char    message[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  ++v->n_errors;
  hold(v, line, column, message, MIXDOWN_SEVERITY_ERROR);
}

#define report(v, node, ...) report_at((v), (node)->line, (node)->column, __VA_ARGS__)

// A warning: the session stays valid.
static void MD_PRINTF(3, 4)
warn(MdValidator* v, const MdYNode* node, const char* fmt, ...)
{
  char    message[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  hold(v, node->line, node->column, message, MIXDOWN_SEVERITY_WARNING);
}

/* ------------------------------------------------------------------------ */
/* Reading scalars                                                           */

static const MdYNode*
map_get(const MdYNode* map, const char* key)
{
  if (!map || map->kind != MD_YNODE_MAPPING) {
    return NULL;
  }
  for (size_t i = 0U; i < map->n_items; ++i) {
    const MdYNode* k = map->items[2U * i];
    if (k->kind == MD_YNODE_SCALAR && !strcmp(k->text, key)) {
      return map->items[2U * i + 1U];
    }
  }
  return NULL;
}

static bool
is_null(const MdYNode* node)
{
  return node->kind == MD_YNODE_SCALAR && !node->quoted &&
         (!strcmp(node->text, "null") || !strcmp(node->text, "~") || !node->text[0]);
}

// Strict number syntax: the whole scalar, finite, unquoted.
static bool
scalar_number(const MdYNode* node, double* out)
{
  if (node->kind != MD_YNODE_SCALAR || node->quoted || !node->text[0]) {
    return false;
  }
  char* end = NULL;
  errno     = 0;
  double x  = strtod(node->text, &end);
  if (*end || errno == ERANGE || !isfinite(x)) {
    return false;
  }
  *out = x;
  return true;
}

static bool
expect_kind(MdValidator* v, const MdYNode* node, MdYNodeKind kind, const char* what,
            const char* key)
{
  if (node->kind == kind) {
    return true;
  }
  const char* want = kind == MD_YNODE_MAPPING ? "a mapping" : kind == MD_YNODE_SEQUENCE ? "a list" : "a value";
  report(v, node, "`%s` must be %s (%s), not %s", key, want, what, md_ynode_kind_name(node));
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
static void
check_keys_of(MdValidator* v, const MdYNode* map, const char* where, const char* const* allowed,
              size_t n_allowed, bool allow_extensions)
{
  for (size_t i = 0U; i < map->n_items; ++i) {
    const MdYNode* key = map->items[2U * i];
    if (key->kind != MD_YNODE_SCALAR) {
      report(v, key, "keys must be names, not %s", md_ynode_kind_name(key));
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
        report(v, key, "`%s` is given twice in %s (first at line %u)", key->text, where,
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
      report(v, key, "unknown key `%s` in %s (did you mean `%s`?)", key->text, where, near);
    } else {
      char   list[512] = "";
      size_t used      = 0U;
      for (size_t j = 0U; j < n_allowed && used < sizeof list - 64U; ++j) {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "", allowed[j]);
      }
      if (allow_extensions) {
        snprintf(list + used, sizeof list - used, ", or x-… of your own for anchors");
      }
      report(v, key, "unknown key `%s` in %s (valid keys: %s)", key->text, where, list);
    }
  }
}

static void
check_keys(MdValidator* v, const MdYNode* map, const char* where, const char* const* allowed,
           size_t n_allowed)
{
  check_keys_of(v, map, where, allowed, n_allowed, false);
}

static void
format_range(char* out, size_t size, double min, double max, const char* unit)
{
  snprintf(out, size, "%.10g … %.10g%s%s", min, max, unit && unit[0] ? " " : "", unit ? unit : "");
}

static bool
read_number(MdValidator* v, const MdYNode* node, const char* key, double min, double max,
            const char* unit, double* out)
{
  char range[96];
  format_range(range, sizeof range, min, max, unit);
  double x = 0.0;
  if (!scalar_number(node, &x)) {
    if (node->kind == MD_YNODE_SCALAR) {
      report(v, node, "`%s` must be a number (%s), not `%s`", key, range, node->text);
    } else {
      report(v, node, "`%s` must be a number (%s), not %s", key, range, md_ynode_kind_name(node));
    }
    return false;
  }
  if (md_checked_number_in_range(x, min, max)) {
    report(v, node, "`%s` is %.10g, out of range: valid range is %s", key, x, range);
    return false;
  }
  *out = x;
  return true;
}

// True, false, or 1 and 0 (as a mute envelope takes 0 … 1).  Quoted text
// is a string, never a boolean; the words are YAML 1.1's, in any case.
static bool
read_bool(MdValidator* v, const MdYNode* node, const char* key, bool* out)
{
  static const char* const yes[] = {"true", "yes", "on"};
  static const char* const no[]  = {"false", "no", "off"};
  double                   x     = 0.0;
  if (scalar_number(node, &x) && (x == 0.0 || x == 1.0)) {
    *out = x == 1.0;
    return true;
  }
  for (size_t i = 0U; node->kind == MD_YNODE_SCALAR && !node->quoted && i < 3U; ++i) {
    if (!strcasecmp(node->text, yes[i]) || !strcasecmp(node->text, no[i])) {
      *out = !strcasecmp(node->text, yes[i]);
      return true;
    }
  }
  report(v, node, "`%s` must be true or false (or 1 or 0), not %s%s%s", key,
         node->kind == MD_YNODE_SCALAR ? "`" : "", node->kind == MD_YNODE_SCALAR ? node->text : md_ynode_kind_name(node),
         node->kind == MD_YNODE_SCALAR ? "`" : "");
  return false;
}

static bool
read_string(MdValidator* v, const MdYNode* node, const char* key, const char** out)
{
  if (node->kind != MD_YNODE_SCALAR || is_null(node)) {
    report(v, node, "`%s` must be a name or path, not %s", key,
           node->kind == MD_YNODE_SCALAR ? "empty" : md_ynode_kind_name(node));
    return false;
  }
  *out = node->text;
  return true;
}

// A choice: one of a NULL-terminated list; numeric choices match by value
// (`pan_law: -3.0` is `-3`).  Stores the index.
static bool
read_choice(MdValidator* v, const MdYNode* node, const char* key, const char* const* choices,
            double* index)
{
  if (node->kind == MD_YNODE_SCALAR) {
    double x = 0.0;
    for (size_t i = 0U; choices[i]; ++i) {
      char* end = NULL;
      if (!strcmp(node->text, choices[i]) ||
          (scalar_number(node, &x) && x == strtod(choices[i], &end) && !*end)) {
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
    report(v, node, "`%s` cannot be `%s` (did you mean `%s`? valid: %s)", key, node->text, near, list);
  } else {
    report(v, node, "`%s` must be one of: %s", key, list);
  }
  return false;
}

/* ------------------------------------------------------------------------ */
/* Times and envelopes                                                       */

// Seconds, or "BAR:BEAT[.FRACTION]" when the session has a tempo.
static bool
read_time(MdValidator* v, const MdYNode* node, const char* key, double* seconds)
{
  const MixdownSession* s = v->session;
  double                x = 0.0;
  if (scalar_number(node, &x)) {
    if (x < 0.0 || x > MD_MAX_TIME_S) {
      report(v, node, "`%s` is %g s, out of range: valid range is 0 … %g s (24 hours)", key, x, MD_MAX_TIME_S);
      return false;
    }
    *seconds = x;
    return true;
  }
  if (node->kind == MD_YNODE_SCALAR && strchr(node->text, ':')) {
    double                 beats  = 0.0;
    const MdPositionStatus status = md_position_parse(node->text, s->beats_per_bar, &beats);
    if (status == MD_POSITION_NOT_POSITION) {
      report(v, node, "`%s`: `%s` is not a BAR:BEAT position (for example \"17:1\" or \"17:2.5\")",
             key, node->text);
      return false;
    }
    if (s->tempo_bpm <= 0.0) {
      report(v, node, "`%s`: the musical position `%s` needs a `tempo` at the top of the session", key,
             node->text);
      return false;
    }
    if (status == MD_POSITION_OUT_OF_RANGE) {
      report(v, node, "`%s`: `%s` is out of range: bars count from 1, beats from 1 to %u.999", key,
             node->text, s->beats_per_bar);
      return false;
    }
    *seconds = beats * 60.0 / s->tempo_bpm;
    if (*seconds > MD_MAX_TIME_S) {
      report(v, node, "`%s`: `%s` is %g s, past the 24-hour limit", key, node->text, *seconds);
      return false;
    }
    return true;
  }
  report(v, node, "`%s` must be a time in seconds%s, not %s%s%s", key,
         s->tempo_bpm > 0.0 ? " or \"BAR:BEAT\"" : "", node->kind == MD_YNODE_SCALAR ? "`" : "",
         node->kind == MD_YNODE_SCALAR ? node->text : md_ynode_kind_name(node),
         node->kind == MD_YNODE_SCALAR ? "`" : "");
  return false;
}

static const char* const curve_names[] = {"linear", "exponential", "smooth", "step", NULL};

static MdEnvelope*
read_envelope(MdValidator* v, const MdYNode* node, const MdParam* param)
{
  static const char* const keys[] = {"points", "curve"};
  const char*              name   = param->info.name;
  check_keys(v, node, "an envelope", keys, 2U);
  const MdYNode* points = map_get(node, "points");
  const MdYNode* curve  = map_get(node, "curve");
  double         curve_index = 0.0;
  if (curve && !read_choice(v, curve, "curve", curve_names, &curve_index)) {
    return NULL;
  }
  if (!points) {
    report(v, node, "the envelope of `%s` needs `points: [[TIME, VALUE], …]`", name);
    return NULL;
  }
  if (!expect_kind(v, points, MD_YNODE_SEQUENCE, "of [TIME, VALUE] pairs", "points")) {
    return NULL;
  }
  if (points->n_items == 0U) {
    report(v, points, "the envelope of `%s` has no points", name);
    return NULL;
  }
  MdEnvelope* env = calloc(1U, sizeof(MdEnvelope));
  if (!env || !(env->points = calloc(points->n_items, sizeof(MdEnvPoint)))) {
    free(env);
    report(v, node, "out of memory");
    return NULL;
  }
  env->curve   = (MdCurve)curve_index;
  bool ok      = true;
  for (size_t i = 0U; i < points->n_items; ++i) {
    const MdYNode* pair = points->items[i];
    if (pair->kind != MD_YNODE_SEQUENCE || pair->n_items != 2U) {
      report(v, pair, "each envelope point must be [TIME, VALUE]");
      ok = false;
      continue;
    }
    MdEnvPoint* p = &env->points[env->n_points];
    if (!read_time(v, pair->items[0], "time", &p->time_s) ||
        !read_number(v, pair->items[1], name, param->info.min, param->info.max, param->info.unit,
                     &p->value)) {
      ok = false;
      continue;
    }
    if (env->n_points && p->time_s < env->points[env->n_points - 1U].time_s) {
      report(v, pair->items[0], "envelope points must be in time order: %g s comes after %g s",
             p->time_s, env->points[env->n_points - 1U].time_s);
      ok = false;
      continue;
    }
    ++env->n_points;
  }
  if (!ok) {
    free(env->points);
    free(env);
    return NULL;
  }
  return env;
}

// A numeric parameter: a number, or an envelope mapping.
static bool
read_value(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* out)
{
  if (node->kind == MD_YNODE_MAPPING) {
    out->envelope = read_envelope(v, node, param);
    if (out->envelope) {
      out->value = out->envelope->points[0].value;
    }
    return out->envelope != NULL;
  }
  return read_number(v, node, param->info.name, param->info.min, param->info.max, param->info.unit,
                     &out->value);
}

// Any kind of parameter from its table entry; numbers may be envelopes.
static bool
read_param(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* out)
{
  bool flag = false;
  switch (param->info.kind) {
  case MIXDOWN_PARAM_NUMBER: return read_value(v, node, param, out);
  case MIXDOWN_PARAM_BOOL:
    if (!read_bool(v, node, param->info.name, &flag)) {
      return false;
    }
    out->value = flag ? 1.0 : 0.0;
    return true;
  case MIXDOWN_PARAM_CHOICE: return read_choice(v, node, param->info.name, param->info.choices, &out->value);
  case MIXDOWN_PARAM_LIST:
  case MIXDOWN_PARAM_NODE:
  case MIXDOWN_PARAM_NOTE:
  case MIXDOWN_PARAM_FILE: break; // read by read_insert(); never nested
  }
  return false;
}

/* ------------------------------------------------------------------------ */
/* Names and routing                                                         */

static const char*
node_name_of(const MdYNode* entry)
{
  const MdYNode* name = map_get(entry, "name");
  return name && name->kind == MD_YNODE_SCALAR ? name->text : NULL;
}

// Index of the bus (or master) called `name`; reports an unknown name with
// the nearest real one.
static bool
find_destination(MdValidator* v, const MdYNode* node, const char* key, uint32_t self,
                 uint32_t* index)
{
  const MixdownSession* s = v->session;
  if (node->kind != MD_YNODE_SCALAR) {
    report(v, node, "`%s` must name a bus or `master`", key);
    return false;
  }
  const uint32_t found = md_name_index_find(&v->names, node->text);
  if (found == self) {
    report(v, node, "`%s`: `%s` cannot feed itself", key, node->text);
    return false;
  }
  if (found != MD_NAME_NONE && found >= s->n_tracks) {
    *index = found;
    return true;
  }
  if (found != MD_NAME_NONE) {
    report(v, node, "`%s`: `%s` is a track; audio can only go to a bus or `master`", key, node->text);
    return false;
  }
  const char* names[4096];
  size_t      n = 0U;
  for (size_t i = s->n_tracks; i < s->n_nodes && n < 4096U; ++i) {
    names[n++] = s->nodes[i].name;
  }
  const char* near = md_suggest(node->text, names, n);
  if (near) {
    report(v, node, "`%s`: no bus called `%s` (did you mean `%s`?)", key, node->text, near);
  } else {
    report(v, node, "`%s`: no bus called `%s` (buses are declared under `buses:`; `master` is the master bus)",
           key, node->text);
  }
  return false;
}

/* ------------------------------------------------------------------------ */
/* Sources                                                                   */

static char*
resolve_path(const MdValidator* v, const char* path)
{
  if (path[0] == '/' || !v->base_dir || !v->base_dir[0] || !strcmp(v->base_dir, ".")) {
    return strdup(path);
  }
  const size_t n   = strlen(v->base_dir) + strlen(path) + 2U;
  char*        out = malloc(n);
  if (out) {
    snprintf(out, n, "%s/%s", v->base_dir, path);
  }
  return out;
}

// Does the end of the audio the header promises decode?  A FLAC cut short
// (a copy interrupted) opens fine, its header counting every frame, and
// failed mid-render with "flac decoder" and no line.  Seeking to the last
// 4096 frames and decoding them costs, per 10 s source, 0.6 ms in FLAC,
// 1.2 ms in Ogg Vorbis, 7 ms in Opus (its seek decodes a pre-roll), near
// nothing in WAV (whose frame count comes from its size, so that a cut WAV
// reads to its end anyway).  Mono or stereo only.
static bool
source_end_decodes(SNDFILE* file, const SF_INFO* info)
{
  if (info->frames <= 0 || !info->seekable || (info->format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG) {
    return true; // an MP3's frame count is an estimate: its end may fall short of it
  }
  const sf_count_t tail = info->frames < 4096 ? info->frames : 4096;
  if (sf_seek(file, info->frames - tail, SEEK_SET) < 0) {
    return false;
  }
  float block[2 * 1024];
  for (sf_count_t left = tail; left > 0;) {
    const sf_count_t got = sf_readf_float(file, block, left < 1024 ? left : 1024);
    if (got <= 0) {
      return false;
    }
    left -= got;
  }
  return sf_error(file) == SF_ERR_NO_ERROR;
}

// Opens the source to learn its format; reports a missing or unreadable file.
static bool
probe_source(MdValidator* v, const MdYNode* node, MdClip* clip)
{
  struct stat st;
  if (stat(clip->path, &st) != 0) {
    const int error = errno;
    char*     near  = error == ENOENT || error == ENOTDIR ? md_nearest_file(v->base_dir, node->text) : NULL;
    if (near) {
      report(v, node, "cannot open source `%s`: %s (did you mean `%s`?)", node->text, strerror(error), near);
    } else {
      report(v, node, "cannot open source `%s`: %s", node->text, strerror(error));
    }
    free(near);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    report(v, node, "source `%s` is not a regular file", node->text);
    return false;
  }
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(clip->path, SFM_READ, &info);
  if (!file) {
    report(v, node, "cannot decode source `%s`: %s", node->text, sf_strerror(NULL));
    return false;
  }
  const bool whole = info.channels < 1 || info.channels > 2 || source_end_decodes(file, &info);
  sf_close(file);
  if (info.channels < 1 || info.channels > 2) {
    report(v, node, "source `%s` has %d channels; mixdown takes mono or stereo sources", node->text,
           info.channels);
    return false;
  }
  const double promised_s = (double)info.frames / (info.samplerate > 0 ? info.samplerate : 1);
  if (!whole && promised_s <= MD_MAX_TIME_S) {
    report(v, node, "source `%s` is cut short or damaged: its header says %.3f s, but its last frames do not decode",
           node->text, promised_s);
    return false;
  }
  if (!whole) { // a cut Ogg file: libsndfile finds no last page and no length
    report(v, node, "source `%s` is cut short or damaged: its end does not decode", node->text);
    return false;
  }
  if (info.samplerate < 1000 || info.samplerate > 768000) {
    report(v, node, "source `%s` has an unsupported sample rate of %d Hz", node->text, info.samplerate);
    return false;
  }
  clip->channels = (uint32_t)info.channels;
  clip->rate     = (uint32_t)info.samplerate;
  clip->frames   = (int64_t)info.frames;
  if (info.frames <= 0) {
    warn(v, node, "source `%s` holds no audio; its clip is silent", node->text);
  }
  return true;
}

static bool
read_clip(MdValidator* v, const MdYNode* node, MdClip* clip)
{
  static const char* const keys[] = {"file", "start", "offset", "length", "gain_db", "fade_in", "fade_out"};
  if (!expect_kind(v, node, MD_YNODE_MAPPING, "{file, start, offset, length, gain_db, fade_in, fade_out}", "clips")) {
    return false;
  }
  check_keys(v, node, "a clip", keys, sizeof keys / sizeof keys[0]);
  const unsigned errors_before = v->n_errors;
  clip->length_s               = -1.0;
  const MdYNode* file          = map_get(node, "file");
  const char*    path          = NULL;
  if (!file) {
    report(v, node, "a clip needs `file`");
  } else if (read_string(v, file, "file", &path)) {
    clip->path = resolve_path(v, path);
    if (clip->path) {
      probe_source(v, file, clip);
    }
  }
  const MdYNode* item = NULL;
  if ((item = map_get(node, "start"))) {
    read_time(v, item, "start", &clip->start_s);
  }
  if ((item = map_get(node, "offset"))) {
    read_number(v, item, "offset", 0.0, 1e9, "s", &clip->offset_s);
  }
  if ((item = map_get(node, "length"))) {
    read_number(v, item, "length", 0.0, MD_MAX_TIME_S, "s", &clip->length_s);
  }
  if ((item = map_get(node, "gain_db"))) {
    read_number(v, item, "gain_db", md_clip_gain_param.info.min, md_clip_gain_param.info.max, "dB",
                &clip->gain_db);
  }
  if ((item = map_get(node, "fade_in"))) {
    read_number(v, item, "fade_in", 0.0, 3600.0, "s", &clip->fade_in_s);
  }
  if ((item = map_get(node, "fade_out"))) {
    read_number(v, item, "fade_out", 0.0, 3600.0, "s", &clip->fade_out_s);
  }
  if (v->n_errors != errors_before || !clip->rate) {
    return false;
  }
  const double source_s = (double)clip->frames / clip->rate;
  if (clip->offset_s >= source_s && clip->frames > 0) {
    report(v, map_get(node, "offset"), "`offset` is %g s, past the end of `%s` (%g s long)",
           clip->offset_s, path, source_s);
    return false;
  }
  const double available = source_s - clip->offset_s;
  if (clip->length_s > available + 0.5 / clip->rate) {
    warn(v, map_get(node, "length"), "`length` is %g s but `%s` has only %g s from the offset; the clip stops there",
         clip->length_s, path, available);
  }
  if (clip->length_s < 0.0 || clip->length_s > available) {
    clip->length_s = available > 0.0 ? available : 0.0; // a clip never plays past its source
  }
  if (clip->fade_in_s + clip->fade_out_s > clip->length_s + 1e-9) {
    report(v, node, "fade_in + fade_out (%g s) is longer than the clip (%g s)",
           clip->fade_in_s + clip->fade_out_s, clip->length_s);
    return false;
  }
  return true;
}

static void
read_clips(MdValidator* v, const MdYNode* entry, MdNode* track)
{
  const MdYNode* file  = map_get(entry, "file");
  const MdYNode* clips = map_get(entry, "clips");
  if (file && clips) {
    report(v, file, "give either `file` (one clip at 0 s) or `clips`, not both");
    return;
  }
  if (!file && !clips) {
    return; // a silent track is valid (it may host sends later)
  }
  if (clips && !expect_kind(v, clips, MD_YNODE_SEQUENCE, "of clips", "clips")) {
    return;
  }
  const size_t n = file ? 1U : clips->n_items;
  track->clips   = calloc(n ? n : 1U, sizeof(MdClip));
  if (!track->clips) {
    report(v, entry, "out of memory");
    return;
  }
  if (file) {
    const char* path = NULL;
    MdClip*     clip = &track->clips[0];
    clip->length_s   = -1.0;
    if (read_string(v, file, "file", &path) && (clip->path = resolve_path(v, path)) &&
        probe_source(v, file, clip)) {
      clip->length_s = (double)clip->frames / clip->rate;
    }
    track->n_clips = 1U;
    return;
  }
  for (size_t i = 0U; i < n; ++i) {
    read_clip(v, clips->items[i], &track->clips[i]);
    track->n_clips = i + 1U;
  }
}

/* ------------------------------------------------------------------------ */
/* Inserts and sends                                                         */

// A list parameter (EQ bands …): a list of mappings, each checked against
// the field table; values land in the list's slots, item by item.
static void
read_list(MdValidator* v, const MdYNode* node, const MdParam* param, MdValue* slots)
{
  if (!expect_kind(v, node, MD_YNODE_SEQUENCE, "of mappings", param->info.name)) {
    return;
  }
  if (node->n_items > param->max_items) {
    report(v, node, "`%s` holds at most %u items, not %zu", param->info.name, param->max_items,
           node->n_items);
    return;
  }
  const char* keys[32];
  uint32_t    n_keys = 0U;
  for (uint32_t f = 0U; f < param->n_fields && n_keys < 32U; ++f) {
    keys[n_keys++] = param->fields[f].info.name;
  }
  char where[96];
  snprintf(where, sizeof where, "an item of `%s`", param->info.name);
  slots[0].value = (double)node->n_items;
  for (size_t i = 0U; i < node->n_items; ++i) {
    const MdYNode* item = node->items[i];
    if (param->n_fields == 1U && item->kind == MD_YNODE_SCALAR) {
      // Items of one field may be written bare: `notes: [A, C, E]`.
      read_param(v, item, &param->fields[0], &slots[1U + i]);
      continue;
    }
    if (!expect_kind(v, item, MD_YNODE_MAPPING, where, param->info.name)) {
      continue;
    }
    check_keys(v, item, where, keys, n_keys);
    for (uint32_t f = 0U; f < param->n_fields; ++f) {
      const MdYNode* value = map_get(item, param->fields[f].info.name);
      if (value) {
        read_param(v, value, &param->fields[f], &slots[1U + i * param->n_fields + f]);
      }
    }
  }
}

// A note value with the session tempo ("1/8", dotted "1/8.", triplet
// "1/8t") sets the milliseconds of the parameter it names.  A beat is the
// time signature's note value and lasts 60 / tempo seconds.
static void
read_note(MdValidator* v, const MdYNode* node, const MdProcessorClass* cls, const MdParam* param,
          MdValue* values)
{
  const MixdownSession* s    = v->session;
  const MdParam*        ms   = &cls->params[param->note_target];
  unsigned              num  = 0U, den = 0U;
  char                  kind = '\0', extra = '\0';
  const int             got  = node->kind == MD_YNODE_SCALAR ? sscanf(node->text, "%u/%u%c%c", &num, &den, &kind, &extra) : 0;
  if (got < 2 || got > 3 || num < 1U || den < 1U || den > 128U || (got == 3 && kind != '.' && kind != 't')) {
    report(v, node, "`%s` must be a note value like \"1/4\", \"1/8.\" (dotted) or \"1/8t\" (triplet)",
           param->info.name);
    return;
  }
  if (s->tempo_bpm <= 0.0) {
    report(v, node, "`%s`: a note value needs a `tempo` at the top of the session (or give `%s`)",
           param->info.name, ms->info.name);
    return;
  }
  double beats = (double)num / den * s->beat_unit;
  beats *= got == 3 ? (kind == '.' ? 1.5 : 2.0 / 3.0) : 1.0;
  const double value = beats * 60000.0 / s->tempo_bpm;
  if (value < ms->info.min || value > ms->info.max) {
    report(v, node, "`%s`: %s at %g BPM is %g ms, out of range: valid range is %g … %g ms", param->info.name,
           node->text, s->tempo_bpm, value, ms->info.min, ms->info.max);
    return;
  }
  values[md_processor_value_offset(cls, param->note_target)].value = value;
}

static char* resolve_path(const MdValidator* v, const char* path);
static bool  probe_source(MdValidator* v, const MdYNode* node, MdClip* clip);

// An audio file a processor loads (an impulse response): mono or stereo,
// any rate, at most a minute.
static void
read_file_param(MdValidator* v, const MdYNode* node, const MdParam* param, MdInsert* insert, MdValue* slot)
{
  const char* path = NULL;
  if (!read_string(v, node, param->info.name, &path)) {
    return;
  }
  MdClip probe = {0};
  if (!(probe.path = resolve_path(v, path))) {
    report(v, node, "out of memory");
    return;
  }
  if (!probe_source(v, node, &probe)) {
    free(probe.path);
    return;
  }
  if ((double)probe.frames / probe.rate > 60.0) {
    report(v, node, "`%s`: `%s` is %.1f s long; at most 60 s", param->info.name, path,
           (double)probe.frames / probe.rate);
    free(probe.path);
    return;
  }
  insert->file = probe.path;
  slot->value  = 1.0;
}

// A track or bus named as a sidechain key.
static bool
find_key(MdValidator* v, const MdYNode* node, const char* key, uint32_t self, uint32_t* index)
{
  const MixdownSession* s = v->session;
  if (node->kind != MD_YNODE_SCALAR) {
    report(v, node, "`%s` must name a track or bus", key);
    return false;
  }
  const uint32_t found = md_name_index_find(&v->names, node->text);
  if (found == self) {
    report(v, node, "`%s`: `%s` cannot key itself", key, node->text);
    return false;
  }
  if (found != MD_NAME_NONE && found != md_session_master(s)) {
    *index = found;
    return true;
  }
  const char* names[4096];
  size_t      n = 0U;
  for (size_t i = 0U; i < md_session_master(s) && n < 4096U; ++i) {
    names[n++] = s->nodes[i].name;
  }
  const char* near = md_suggest(node->text, names, n);
  if (near) {
    report(v, node, "`%s`: no track or bus called `%s` (did you mean `%s`?)", key, node->text, near);
  } else {
    report(v, node, "`%s`: no track or bus called `%s`", key, node->text);
  }
  return false;
}

// `{type: lv2, uri: URI, params: {SYMBOL: value, …}, preset: NAME}`: the
// plugin's control ports are its parameter table, checked like any other.
static void
read_lv2_insert(MdValidator* v, const MdYNode* node, MdInsert* insert)
{
  static const char* const keys[] = {"type", "uri", "params", "preset"};
  check_keys(v, node, "an `lv2` insert", keys, 4U);
  const MdYNode* uri = map_get(node, "uri");
  const char*    text = NULL;
  if (!uri) {
    report(v, node, "an `lv2` insert needs `uri:` (see `mixdown plugins`)");
    return;
  }
  if (!read_string(v, uri, "uri", &text)) {
    return;
  }
  if (!v->lv2 && !(v->lv2 = md_lv2_world_new())) {
    report(v, uri, "cannot load the LV2 plugin index");
    return;
  }
  char                    message[768] = "";
  const MdProcessorClass* cls          = md_lv2_class_new(v->lv2, text, v->session->sample_rate, message, sizeof message);
  if (!cls) {
    report(v, uri, "%s", message);
    return;
  }
  insert->cls    = cls;
  insert->values = calloc(cls->n_params ? cls->n_params : 1U, sizeof(MdValue));
  double* preset = calloc(cls->n_params ? cls->n_params : 1U, sizeof(double));
  if (!insert->values || !preset) {
    free(preset);
    report(v, node, "out of memory");
    return;
  }
  for (uint32_t k = 0U; k < cls->n_params; ++k) {
    preset[k] = cls->params[k].info.default_value;
  }
  const MdYNode* item = map_get(node, "preset");
  const char*    name = NULL;
  if (item && read_string(v, item, "preset", &name) && !md_lv2_apply_preset(cls, name, preset, message, sizeof message)) {
    report(v, item, "%s", message);
  }
  for (uint32_t k = 0U; k < cls->n_params; ++k) {
    insert->values[k].value = preset[k];
  }
  free(preset);
  const MdYNode* params = map_get(node, "params");
  if (!params || !expect_kind(v, params, MD_YNODE_MAPPING, "{SYMBOL: value, …}", "params")) {
    return;
  }
  const char* symbols[256];
  uint32_t    n = 0U;
  for (uint32_t k = 0U; k < cls->n_params && n < 256U; ++k) {
    symbols[n++] = cls->params[k].info.name;
  }
  char where[160];
  snprintf(where, sizeof where, "the parameters of LV2 plugin <%s>", text);
  check_keys(v, params, where, symbols, n);
  for (uint32_t k = 0U; k < cls->n_params; ++k) {
    if ((item = map_get(params, cls->params[k].info.name))) {
      read_param(v, item, &cls->params[k], &insert->values[k]);
    }
  }
}

static void
read_insert(MdValidator* v, const MdYNode* node, MdInsert* insert, uint32_t self)
{
  insert->key = MD_NO_NODE;
  if (!expect_kind(v, node, MD_YNODE_MAPPING, "{type: NAME, …parameters}", "inserts")) {
    return;
  }
  const MdYNode* type = map_get(node, "type");
  if (!type || type->kind != MD_YNODE_SCALAR) {
    report(v, node, "an insert needs `type:` (see `mixdown describe`)");
    return;
  }
  if (!strcmp(type->text, "lv2")) {
    read_lv2_insert(v, node, insert);
    return;
  }
  const MdProcessorClass* cls = md_registry_find(type->text);
  if (!cls) {
    const char* names[65];
    uint32_t    n = md_registry_count() < 64U ? md_registry_count() : 64U;
    for (uint32_t i = 0U; i < n; ++i) {
      names[i] = md_registry_at(i)->name;
    }
    names[n++] = "lv2";
    const char* near = md_suggest(type->text, names, n);
    char        list[512] = "";
    size_t      used      = 0U;
    for (uint32_t i = 0U; i < n; ++i) {
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    }
    if (near) {
      report(v, type, "unknown insert type `%s` (did you mean `%s`?)", type->text, near);
    } else {
      report(v, type, "unknown insert type `%s` (available: %s)", type->text, list);
    }
    return;
  }
  const uint32_t n_values = md_processor_value_count(cls);
  insert->values          = calloc(n_values ? n_values : 1U, sizeof(MdValue));
  if (!insert->values) {
    report(v, node, "out of memory");
    return;
  }
  insert->cls = cls;
  for (uint32_t slot = 0U; slot < n_values; ++slot) {
    insert->values[slot].value = md_processor_slot_param(cls, slot)->info.default_value;
  }
  const char* keys[65] = {"type"};
  size_t      n_keys   = 1U;
  for (uint32_t i = 0U; i < cls->n_params && n_keys < 65U; ++i) {
    keys[n_keys++] = cls->params[i].info.name;
  }
  char where[96];
  snprintf(where, sizeof where, "a `%s` insert", cls->name);
  check_keys(v, node, where, keys, n_keys);
  for (uint32_t i = 0U; i < cls->n_params; ++i) {
    const MdParam* param = &cls->params[i];
    const MdYNode* item  = map_get(node, param->info.name);
    MdValue*       slots = &insert->values[md_processor_value_offset(cls, i)];
    if (!item) {
      continue;
    }
    if (param->info.kind == MIXDOWN_PARAM_LIST) {
      read_list(v, item, param, slots);
    } else if (param->info.kind == MIXDOWN_PARAM_NOTE) {
      read_note(v, item, cls, param, insert->values);
    } else if (param->info.kind == MIXDOWN_PARAM_FILE) {
      read_file_param(v, item, param, insert, slots);
    } else if (param->info.kind == MIXDOWN_PARAM_NODE) {
      if (find_key(v, item, param->info.name, self, &insert->key)) {
        slots[0].value = 1.0; // the processor keys on the external signal
      }
    } else {
      read_param(v, item, param, slots);
    }
  }
}

static void
read_inserts(MdValidator* v, const MdYNode* entry, MdNode* target, uint32_t self)
{
  const MdYNode* inserts = map_get(entry, "inserts");
  if (!inserts || !expect_kind(v, inserts, MD_YNODE_SEQUENCE, "of {type: …} entries", "inserts")) {
    return;
  }
  target->inserts = calloc(inserts->n_items ? inserts->n_items : 1U, sizeof(MdInsert));
  if (!target->inserts) {
    report(v, inserts, "out of memory");
    return;
  }
  for (size_t i = 0U; i < inserts->n_items; ++i) {
    read_insert(v, inserts->items[i], &target->inserts[i], self);
    target->n_inserts = i + 1U;
  }
}

static void
read_sends(MdValidator* v, const MdYNode* entry, MdNode* target, uint32_t self)
{
  static const char* const keys[] = {"to", "level_db", "pre_fader"};
  const MdYNode*           sends  = map_get(entry, "sends");
  if (!sends || !expect_kind(v, sends, MD_YNODE_SEQUENCE, "of {to, level_db, pre_fader}", "sends")) {
    return;
  }
  target->sends = calloc(sends->n_items ? sends->n_items : 1U, sizeof(MdSend));
  if (!target->sends) {
    report(v, sends, "out of memory");
    return;
  }
  for (size_t i = 0U; i < sends->n_items; ++i) {
    const MdYNode* send = sends->items[i];
    if (!expect_kind(v, send, MD_YNODE_MAPPING, "{to, level_db, pre_fader}", "sends")) {
      continue;
    }
    check_keys(v, send, "a send", keys, 3U);
    MdSend*        out = &target->sends[target->n_sends];
    const MdYNode* to  = map_get(send, "to");
    const MdYNode* item = NULL;
    if (!to) {
      report(v, send, "a send needs `to: BUS`");
      continue;
    }
    if (!find_destination(v, to, "to", self, &out->target)) {
      continue;
    }
    if ((item = map_get(send, "level_db")) && !read_value(v, item, &md_send_level_param, &out->level_db)) {
      continue;
    }
    if ((item = map_get(send, "pre_fader")) && !read_bool(v, item, "pre_fader", &out->pre_fader)) {
      continue;
    }
    ++target->n_sends;
  }
}

/* ------------------------------------------------------------------------ */
/* Tracks, buses, master                                                     */

static void
strip_defaults(MdNode* n)
{
  n->gain_db.value = md_strip_params[MD_STRIP_GAIN_DB].info.default_value;
  n->pan.value     = md_strip_params[MD_STRIP_PAN].info.default_value;
  n->pan_law_db    = -3.0;
}

static const double pan_law_values[] = {0.0, -3.0, -4.5, -6.0};

static void
read_strip(MdValidator* v, const MdYNode* entry, MdNode* n)
{
  const MdYNode* item = NULL;
  MdValue        tmp  = {0};
  if ((item = map_get(entry, "gain_db"))) {
    read_value(v, item, &md_strip_params[MD_STRIP_GAIN_DB], &n->gain_db);
  }
  if ((item = map_get(entry, "pan"))) {
    read_value(v, item, &md_strip_params[MD_STRIP_PAN], &n->pan);
  }
  if ((item = map_get(entry, "pan_law")) &&
      read_param(v, item, &md_strip_params[MD_STRIP_PAN_LAW], &tmp)) {
    n->pan_law_db = pan_law_values[(size_t)tmp.value];
  }
  bool muted = false;
  if ((item = map_get(entry, "mute")) && item->kind == MD_YNODE_MAPPING) {
    read_value(v, item, &md_mute_envelope_param, &n->mute);
  } else if (item && read_bool(v, item, "mute", &muted)) {
    n->mute.value = muted ? 1.0 : 0.0;
  }
  if ((item = map_get(entry, "solo"))) {
    read_bool(v, item, "solo", &n->solo);
  }
  if ((item = map_get(entry, "invert"))) {
    read_bool(v, item, "invert", &n->invert);
  }
}

static const char* const track_keys[] = {"name", "file", "clips", "gain_db", "pan", "pan_law",
                                         "mute", "solo", "invert", "output", "sends", "inserts"};
static const char* const bus_keys[]   = {"name", "gain_db", "pan", "mute", "solo",
                                         "invert", "output", "sends", "inserts"};
static const char* const master_keys[] = {"gain_db", "inserts", "loudness"};

// First pass: names, so that routing can refer to buses declared later.
static void
declare_nodes(MdValidator* v, const MdYNode* list, MdNodeKind kind, size_t* next)
{
  MixdownSession* s = v->session;
  for (size_t i = 0U; list && i < list->n_items; ++i) {
    const MdYNode* entry = list->items[i];
    MdNode*        n     = &s->nodes[(*next)++];
    n->kind              = kind;
    n->output            = MD_NO_NODE;
    strip_defaults(n);
    const char* what = kind == MD_NODE_TRACK ? "track" : "bus";
    if (entry->kind != MD_YNODE_MAPPING) {
      report(v, entry, "each %s must be a mapping with at least `name`", what);
      n->name = strdup("");
      continue;
    }
    const MdYNode* name = map_get(entry, "name");
    if (!name || name->kind != MD_YNODE_SCALAR || !name->text[0] || is_null(name)) {
      report(v, entry, "this %s needs a `name`", what);
      n->name = strdup("");
      continue;
    }
    n->name = strdup(name->text);
    if (!strcmp(name->text, "master")) {
      report(v, name, "`master` is the master bus; give this %s another name", what);
      continue;
    }
    const uint32_t first = md_name_index_add(&v->names, n->name, (uint32_t)(*next - 1U));
    if (first != MD_NAME_NONE) {
      report(v, name, "the name `%s` is used twice (tracks and buses need unique names)", name->text);
    }
  }
}

static void
read_node(MdValidator* v, const MdYNode* entry, uint32_t index)
{
  MdNode* n = &v->session->nodes[index];
  if (entry->kind != MD_YNODE_MAPPING) {
    return; // reported by declare_nodes
  }
  if (n->kind == MD_NODE_TRACK) {
    check_keys(v, entry, "a track", track_keys, sizeof track_keys / sizeof track_keys[0]);
    read_clips(v, entry, n);
  } else {
    check_keys(v, entry, "a bus", bus_keys, sizeof bus_keys / sizeof bus_keys[0]);
  }
  read_strip(v, entry, n);
  const MdYNode* output = map_get(entry, "output");
  n->output             = (uint32_t)md_session_master(v->session);
  if (output) {
    find_destination(v, output, "output", index, &n->output);
  }
  read_sends(v, entry, n, index);
  read_inserts(v, entry, n, index);
}

// `loudness: NAME` (a preset), or {preset, target_lufs, true_peak_db}.
static void
read_loudness(MdValidator* v, const MdYNode* node, MdLoudness* l)
{
  static const char* const keys[] = {"preset", "target_lufs", "true_peak_db"};
  const MdYNode*           preset = node->kind == MD_YNODE_SCALAR ? node : NULL;
  l->true_peak_db                 = -1.0;
  if (node->kind == MD_YNODE_MAPPING) {
    check_keys(v, node, "loudness", keys, 3U);
    preset = map_get(node, "preset");
  } else if (node->kind != MD_YNODE_SCALAR) {
    report(v, node, "`loudness` must be a preset name or {target_lufs, true_peak_db}");
    return;
  }
  bool have_target = false;
  if (preset) {
    const char* names[16];
    size_t      n = 0U;
    while (n < 16U && (names[n] = mixdown_loudness_preset_name((uint32_t)n))) {
      ++n;
    }
    double index = 0.0;
    names[n]     = NULL;
    if (!read_choice(v, preset, "preset", names, &index)) {
      return;
    }
    mixdown_loudness_preset(names[(size_t)index], &l->target_lufs, &l->true_peak_db);
    have_target = true;
  }
  const MdYNode* item = NULL;
  if (node->kind == MD_YNODE_MAPPING && (item = map_get(node, "target_lufs"))) {
    have_target = read_number(v, item, "target_lufs", -70.0, -5.0, "LUFS", &l->target_lufs);
  }
  if (node->kind == MD_YNODE_MAPPING && (item = map_get(node, "true_peak_db"))) {
    read_number(v, item, "true_peak_db", -20.0, 0.0, "dBTP", &l->true_peak_db);
  }
  if (!have_target) {
    report(v, node, "`loudness` needs `target_lufs` or a `preset`");
    return;
  }
  l->enabled = true;
}

static void
read_master(MdValidator* v, const MdYNode* master)
{
  MixdownSession* s = v->session;
  MdNode*         n = &s->nodes[md_session_master(s)];
  n->kind           = MD_NODE_MASTER;
  n->name           = strdup("master");
  n->output         = MD_NO_NODE;
  strip_defaults(n);
  if (!master || !expect_kind(v, master, MD_YNODE_MAPPING, "{gain_db, inserts}", "master")) {
    return;
  }
  check_keys(v, master, "master", master_keys, sizeof master_keys / sizeof master_keys[0]);
  const MdYNode* item = map_get(master, "gain_db");
  if (item) {
    read_value(v, item, &md_strip_params[MD_STRIP_GAIN_DB], &n->gain_db);
  }
  if ((item = map_get(master, "loudness"))) {
    read_loudness(v, item, &v->session->loudness);
  }
  read_inserts(v, master, n, (uint32_t)md_session_master(s));
}

// Routing must be a DAG: audio flows along outputs and sends, and a
// sidechain key must be rendered before the insert it keys.  A depth-first
// search over both names the first cycle found, at the key that closes it.
// The search keeps its own stack (`path`, with the next edge to follow of
// each node on it), so that a chain of 100 000 buses needs no C stack: a
// recursion per bus overflowed a musl thread's 128 KiB at ~1 500 buses.
typedef struct {
  const MdYNode* const* entries;   // YAML entry per node (for marks)
  uint8_t*              state;     // 0 new, 1 on the path, 2 done
  uint32_t*             path;      // the nodes on the path, root first
  size_t*               next_edge; // per place on the path: the edge to follow next
  size_t                depth;
  uint32_t*             key_start; // CSR: hosts keyed by node i are
  uint32_t*             key_hosts; //   key_hosts[key_start[i] .. key_start[i+1])
} MdCycleSearch;

static const MdYNode*
scalar_named(const MdYNode* node, const char* name)
{
  return node && node->kind == MD_YNODE_SCALAR && !strcmp(node->text, name) ? node : NULL;
}

// Where the edge from → to is written: an output or send in `from`'s entry,
// or a `sidechain:` naming `from` in `to`'s entry.
static const MdYNode*
edge_mark(const MdCycleSearch* c, const MixdownSession* s, uint32_t from, uint32_t to)
{
  const MdYNode* mark = scalar_named(map_get(c->entries[from], "output"), s->nodes[to].name);
  const MdYNode* sends = map_get(c->entries[from], "sends");
  for (size_t i = 0U; !mark && sends && sends->kind == MD_YNODE_SEQUENCE && i < sends->n_items; ++i) {
    mark = scalar_named(map_get(sends->items[i], "to"), s->nodes[to].name);
  }
  const MdYNode* inserts = map_get(c->entries[to], "inserts");
  for (size_t i = 0U; !mark && inserts && inserts->kind == MD_YNODE_SEQUENCE && i < inserts->n_items; ++i) {
    mark = scalar_named(map_get(inserts->items[i], "sidechain"), s->nodes[from].name);
  }
  return mark ? mark : c->entries[from];
}

// Edge `e` out of `node`: its output (0), its sends (1 …), then the hosts
// whose inserts it keys.  False past the last.  The target may be
// MD_NO_NODE (the master's output).
static bool
edge_at(const MixdownSession* s, const MdCycleSearch* c, uint32_t node, size_t e, uint32_t* to)
{
  const MdNode* n = &s->nodes[node];
  if (e == 0U) {
    *to = n->output;
    return true;
  }
  if (e - 1U < n->n_sends) {
    *to = n->sends[e - 1U].target;
    return true;
  }
  const size_t key = c->key_start[node] + (e - 1U - n->n_sends);
  if (key < c->key_start[node + 1U]) {
    *to = c->key_hosts[key];
    return true;
  }
  return false;
}

// Reports the cycle that the edge from → to closes (`to` is on the path).
static void
report_cycle(MdValidator* v, const MdCycleSearch* c, uint32_t from, uint32_t to)
{
  const MixdownSession* s = v->session;
  char                  names[1024];
  size_t                used  = 0U;
  size_t                start = 0U;
  while (c->path[start] != to) {
    ++start;
  }
  for (size_t i = start; i < c->depth && used < sizeof names - 80U; ++i) {
    used += (size_t)snprintf(names + used, sizeof names - used, "%s → ", s->nodes[c->path[i]].name);
  }
  snprintf(names + used, sizeof names - used, "%s", s->nodes[to].name);
  report(v, edge_mark(c, s, from, to), "routing cycle: %s", names);
}

// Depth-first from `root`; true (and reported) when a cycle is found.
static bool
find_cycle(MdValidator* v, MdCycleSearch* c, uint32_t root)
{
  c->state[root]   = 1U;
  c->path[0]       = root;
  c->next_edge[0]  = 0U;
  c->depth         = 1U;
  while (c->depth) {
    const uint32_t node = c->path[c->depth - 1U];
    uint32_t       to   = MD_NO_NODE;
    if (!edge_at(v->session, c, node, c->next_edge[c->depth - 1U]++, &to)) {
      c->state[node] = 2U; // every edge followed
      --c->depth;
      continue;
    }
    if (to == MD_NO_NODE || c->state[to] == 2U) {
      continue;
    }
    if (c->state[to] == 1U) {
      report_cycle(v, c, node, to);
      return true;
    }
    c->state[to]             = 1U;
    c->path[c->depth]        = to;
    c->next_edge[c->depth++] = 0U;
  }
  return false;
}

// Lists, for every node, the nodes whose inserts it keys.
static bool
index_keys(const MixdownSession* s, MdCycleSearch* c)
{
  size_t n_links = 0U;
  c->key_start   = calloc(s->n_nodes + 1U, sizeof(uint32_t));
  for (size_t i = 0U; c->key_start && i < s->n_nodes; ++i) {
    for (size_t j = 0U; j < s->nodes[i].n_inserts; ++j) {
      if (s->nodes[i].inserts[j].key != MD_NO_NODE) {
        ++c->key_start[s->nodes[i].inserts[j].key + 1U];
        ++n_links;
      }
    }
  }
  c->key_hosts = calloc(n_links ? n_links : 1U, sizeof(uint32_t));
  uint32_t* fill = calloc(s->n_nodes + 1U, sizeof(uint32_t));
  const bool ok  = c->key_start && c->key_hosts && fill;
  for (size_t i = 0U; ok && i < s->n_nodes; ++i) {
    c->key_start[i + 1U] += c->key_start[i];
  }
  for (size_t i = 0U; ok && i < s->n_nodes; ++i) {
    for (size_t j = 0U; j < s->nodes[i].n_inserts; ++j) {
      const uint32_t key = s->nodes[i].inserts[j].key;
      if (key != MD_NO_NODE) {
        c->key_hosts[c->key_start[key] + fill[key]++] = (uint32_t)i;
      }
    }
  }
  free(fill);
  return ok;
}

static void
check_routing(MdValidator* v, const MdYNode* const* entries)
{
  MixdownSession* s = v->session;
  MdCycleSearch   c = {entries, calloc(s->n_nodes, 1U), calloc(s->n_nodes, sizeof(uint32_t)),
                       calloc(s->n_nodes, sizeof(size_t)), 0U, NULL, NULL};
  if (!c.state || !c.path || !c.next_edge || !index_keys(s, &c)) {
    report_at(v, 1U, 1U, "out of memory");
  } else {
    for (size_t i = 0U; i < s->n_nodes; ++i) {
      if (!c.state[i] && find_cycle(v, &c, (uint32_t)i)) {
        break;
      }
    }
  }
  free(c.state);
  free(c.path);
  free(c.next_edge);
  free(c.key_start);
  free(c.key_hosts);
}

/* ------------------------------------------------------------------------ */
/* Top level                                                                 */

static const char* const top_keys[] = {"mixdown", "sample_rate", "tempo", "time_signature", "length",
                                       "tracks",  "buses",       "master", "output", "outputs"};

static void
read_time_signature(MdValidator* v, const MdYNode* node)
{
  MixdownSession* s     = v->session;
  unsigned        num   = 0U;
  unsigned        den   = 0U;
  char            extra = 0;
  if (node->kind != MD_YNODE_SCALAR || sscanf(node->text, "%u/%u%c", &num, &den, &extra) != 2 ||
      num < 1U || num > 64U || (den != 1U && den != 2U && den != 4U && den != 8U && den != 16U && den != 32U)) {
    report(v, node, "`time_signature` must look like 4/4 or 6/8 (1 … 64 beats of 1, 2, 4, 8, 16 or 32)");
    return;
  }
  s->beats_per_bar = num;
  s->beat_unit     = den;
}

static const char* const format_names[] = {"16", "24", "32", "float", NULL};

const char* const md_tag_keys[MD_N_TAGS] = {"title", "artist", "album", "date",
                                            "genre", "comment", "copyright", "track"};

// The folder an output goes into: an existing folder, or one that render
// will create (a warning, so that `check` says so).  A path through a file
// can never be created: an error at `file`.
static void
check_output_folder(MdValidator* v, const MdYNode* item, const char* path)
{
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  char* slash = strrchr(dir, '/');
  if (!slash) {
    return; // the session's folder, which exists
  }
  *slash = '\0';
  struct stat st;
  char        probe[PATH_MAX];
  snprintf(probe, sizeof probe, "%s", dir[0] ? dir : "/");
  // The deepest part of the folder that exists must be a folder.
  while (stat(probe, &st) != 0) {
    char* up = strrchr(probe, '/');
    if (!up) {
      snprintf(probe, sizeof probe, ".");
      continue;
    }
    *up = up == probe ? (up[1] = '\0', '/') : '\0';
  }
  if (!S_ISDIR(st.st_mode)) {
    report(v, item, "`file`: cannot write `%s`: `%s` is a file, not a folder", item->text, probe);
  } else if (strcmp(probe, dir[0] ? dir : "/") != 0) {
    warn(v, item, "the folder of `%s` does not exist yet; render will create it", item->text);
  }
}

// `file:` of an output: a supported extension, never the session itself
// and never a file that is not audio.
static void
read_output_file(MdValidator* v, const MdYNode* item, MdOutput* out)
{
  const char* path = NULL;
  if (!read_string(v, item, "file", &path)) {
    return;
  }
  out->line   = item->line;
  out->column = item->column;
  if (!md_file_format_for_path(path)) {
    const char* dot = strrchr(path, '.');
    report(v, item, "`file`: `%s` %s; mixdown writes %s", path,
           dot && !strchr(dot, '/') ? "has an extension mixdown does not write" : "has no extension",
           md_file_format_list());
    return;
  }
  if (!(out->path = resolve_path(v, path))) {
    report(v, item, "out of memory");
    return;
  }
  check_output_folder(v, item, out->path);
}

// The keys of `output:` (and, with `loudness`, of an `outputs:` item).
static void
read_output_into(MdValidator* v, const MdYNode* node, MdOutput* out, bool is_item)
{
  static const char* const keys[] = {"file",   "bits",  "dither",  "rate",      "quality", "title",
                                     "artist", "album", "date",    "genre",     "comment", "copyright",
                                     "track",  "loudness"};
  static const char* const dithers[] = {"tpdf", "shaped", "none", NULL}; // MdDither order
  out->format  = MIXDOWN_FORMAT_PCM_24;
  out->dither  = MD_DITHER_TPDF;
  out->quality = -1.0;
  const char* where = is_item ? "an `outputs` item" : "output";
  if (!expect_kind(v, node, MD_YNODE_MAPPING, "{file, bits, dither, rate}", where)) {
    return;
  }
  check_keys(v, node, where, keys, sizeof keys / sizeof keys[0] - (is_item ? 0U : 1U));
  for (size_t t = 0U; t < MD_N_TAGS; ++t) {
    const MdYNode* tag  = map_get(node, md_tag_keys[t]);
    const char*    text = NULL;
    if (tag && read_string(v, tag, md_tag_keys[t], &text) && !(out->tags[t] = strdup(text))) {
      report(v, tag, "out of memory");
    }
  }
  const MdYNode* item  = NULL;
  double         index = 0.0;
  if ((item = map_get(node, "file"))) {
    read_output_file(v, item, out);
  } else if (is_item) {
    report(v, node, "every `outputs` item needs a `file`");
  }
  const MdFileFormat* format = out->path ? md_file_format_for_path(out->path) : NULL;
  if ((item = map_get(node, "bits")) && read_choice(v, item, "bits", format_names, &index)) {
    out->format = (MixdownSampleFormat)(MIXDOWN_FORMAT_PCM_16 + (int)index);
    char holds[64];
    if (format && format->lossy) {
      report(v, item, "%s is encoded (lossy): `bits` does not apply; use `quality` (0 … 1)", format->name);
    } else if (format && !md_file_format_holds(format, out->format)) {
      md_file_format_bits_list(format, holds, sizeof holds);
      report(v, item, "%s holds %s bits, not %s", format->name, holds, item->text);
    }
  }
  if ((item = map_get(node, "quality"))) {
    read_number(v, item, "quality", 0.0, 1.0, "", &out->quality);
  }
  if ((item = map_get(node, "dither")) && read_choice(v, item, "dither", dithers, &index)) {
    out->dither = (MdDither)index;
  }
  double rate = 0.0;
  if ((item = map_get(node, "rate")) && read_number(v, item, "rate", 8000.0, 384000.0, "Hz", &rate)) {
    out->rate = (uint32_t)rate;
  }
  // A rate the encoder refuses (FLAC at 383999 Hz) failed only when the
  // mix was rendered, with libsndfile's words.
  const uint32_t written = format ? md_file_format_rate(format, out->rate ? out->rate : v->session->sample_rate) : 0U;
  char           valid[200];
  if (format && !md_file_format_rate_ok(format, written, valid, sizeof valid)) {
    const MdYNode* at = item ? item : map_get(node, "file");
    report(v, at, "cannot write `%s` at %u Hz: %s", at == item ? map_get(node, "file")->text : at->text, written, valid);
  }
  if (is_item && (item = map_get(node, "loudness"))) {
    read_loudness(v, item, &out->loudness);
  }
}

static void
read_output(MdValidator* v, const MdYNode* node)
{
  MixdownSession* s = v->session;
  s->output.format  = MIXDOWN_FORMAT_PCM_24;
  s->output.dither  = MD_DITHER_TPDF;
  s->output.quality = -1.0;
  if (node) {
    read_output_into(v, node, &s->output, false);
  }
}

// `outputs:` — several files from one mix, each finished to its own target.
static void
read_outputs(MdValidator* v, const MdYNode* root)
{
  MixdownSession* s    = v->session;
  const MdYNode*  list = map_get(root, "outputs");
  if (!list || !expect_kind(v, list, MD_YNODE_SEQUENCE, "of files ({file, bits, loudness, …})", "outputs")) {
    return;
  }
  if (map_get(root, "output")) {
    report(v, list, "give `output` (one file) or `outputs` (a list), not both");
    return;
  }
  if (list->n_items == 0U || list->n_items > MIXDOWN_MAX_OUTPUTS) {
    report(v, list, "`outputs` takes 1 … %u files", MIXDOWN_MAX_OUTPUTS);
    return;
  }
  if (!(s->outputs = calloc(list->n_items, sizeof(MdOutput)))) {
    report(v, list, "out of memory");
    return;
  }
  s->n_outputs = list->n_items;
  for (size_t i = 0U; i < list->n_items; ++i) {
    read_output_into(v, list->items[i], &s->outputs[i], true);
  }
}

static void
read_top(MdValidator* v, const MdYNode* root)
{
  MixdownSession* s    = v->session;
  const MdYNode*  item = NULL;
  double          x    = 0.0;
  check_keys_of(v, root, "the session", top_keys, sizeof top_keys / sizeof top_keys[0], true);
  if (!(item = map_get(root, "mixdown"))) {
    report_at(v, root->line, root->column, "the session needs `mixdown: 1` (the format version) at the top");
  } else if (read_number(v, item, "mixdown", 1.0, 1.0, "", &x) && x != 1.0) {
    report(v, item, "unsupported format version %g (this mixdown reads version 1)", x);
  }
  s->sample_rate = 48000U;
  if ((item = map_get(root, "sample_rate")) && read_number(v, item, "sample_rate", 8000.0, 384000.0, "Hz", &x)) {
    if (x != floor(x)) {
      report(v, item, "`sample_rate` must be a whole number of Hz, not %g", x);
    }
    s->sample_rate = (uint32_t)x;
  }
  s->beats_per_bar = 4U;
  s->beat_unit     = 4U;
  if ((item = map_get(root, "time_signature"))) {
    read_time_signature(v, item);
  }
  if ((item = map_get(root, "tempo"))) {
    read_number(v, item, "tempo", 10.0, 999.0, "BPM", &s->tempo_bpm);
  }
  s->length_s = -1.0;
  if ((item = map_get(root, "length")) &&
      !(item->kind == MD_YNODE_SCALAR && !strcmp(item->text, "auto"))) {
    if (scalar_number(item, &x)) {
      read_number(v, item, "length", 0.001, MD_MAX_TIME_S, "s", &s->length_s);
    } else {
      read_time(v, item, "length", &s->length_s);
    }
  }
  read_output(v, map_get(root, "output"));
  read_outputs(v, root);
}

static void
read_session(MdValidator* v, const MdYNode* root)
{
  MixdownSession* s = v->session;
  if (is_null(root)) { // `---` alone, or `~`
    report(v, root, "the session is empty");
    return;
  }
  if (root->kind != MD_YNODE_MAPPING) {
    report(v, root, "a session is a mapping (mixdown: 1, tracks: …), not %s", md_ynode_kind_name(root));
    return;
  }
  read_top(v, root);
  const MdYNode* tracks = map_get(root, "tracks");
  const MdYNode* buses  = map_get(root, "buses");
  if (tracks && !expect_kind(v, tracks, MD_YNODE_SEQUENCE, "of tracks", "tracks")) {
    tracks = NULL;
  }
  if (buses && !expect_kind(v, buses, MD_YNODE_SEQUENCE, "of buses", "buses")) {
    buses = NULL;
  }
  if (!map_get(root, "tracks") || (tracks && tracks->n_items == 0U)) {
    // (`tracks` that is not a list has had its error, at its own line)
    report(v, tracks ? tracks : root, "the session has no tracks (add `tracks:` with at least one track)");
  }
  const size_t n_tracks = tracks ? tracks->n_items : 0U;
  const size_t n_buses  = buses ? buses->n_items : 0U;
  s->n_tracks           = n_tracks;
  s->n_nodes            = n_tracks + n_buses + 1U;
  if (s->n_nodes > MD_MAX_NODES) { // before the nodes are allocated
    report(v, root, "the session has %zu tracks and buses; mixdown takes at most %u", s->n_nodes - 1U,
           MD_MAX_NODES);
    s->n_nodes = 0U;
    return;
  }
  s->nodes              = calloc(s->n_nodes, sizeof(MdNode));
  const MdYNode** entries = calloc(s->n_nodes, sizeof(MdYNode*));
  if (!s->nodes || !entries) {
    free(entries);
    report(v, root, "out of memory");
    s->n_nodes = 0U;
    return;
  }
  if (!md_name_index_init(&v->names, s->n_nodes)) {
    report(v, root, "out of memory");
    free(entries);
    return;
  }
  size_t next = 0U;
  declare_nodes(v, tracks, MD_NODE_TRACK, &next);
  declare_nodes(v, buses, MD_NODE_BUS, &next);
  read_master(v, map_get(root, "master"));
  md_name_index_add(&v->names, s->nodes[md_session_master(s)].name, (uint32_t)md_session_master(s));
  entries[md_session_master(s)] = map_get(root, "master") ? map_get(root, "master") : root;
  for (size_t i = 0U; i < n_tracks; ++i) {
    entries[i] = tracks->items[i];
    read_node(v, tracks->items[i], (uint32_t)i);
  }
  for (size_t i = 0U; i < n_buses; ++i) {
    entries[n_tracks + i] = buses->items[i];
    read_node(v, buses->items[i], (uint32_t)(n_tracks + i));
  }
  if (!v->n_errors) {
    check_routing(v, entries);
  }
  free(entries);
  md_name_index_free(&v->names);
  md_lv2_world_unref(v->lv2); // the plugin classes keep what they need
}

/* ------------------------------------------------------------------------ */
/* Public entry points                                                       */

static void
free_value(MdValue* value)
{
  if (value->envelope) {
    free(value->envelope->points);
    free(value->envelope);
  }
}

void
mixdown_session_free(MixdownSession* s)
{
  if (!s) {
    return;
  }
  for (size_t i = 0U; i < s->n_nodes; ++i) {
    MdNode* n = &s->nodes[i];
    for (size_t j = 0U; j < n->n_clips; ++j) {
      free(n->clips[j].path);
    }
    for (size_t j = 0U; j < n->n_inserts; ++j) {
      for (uint32_t k = 0U; n->inserts[j].values && k < md_processor_value_count(n->inserts[j].cls); ++k) {
        free_value(&n->inserts[j].values[k]);
      }
      free(n->inserts[j].values);
      free(n->inserts[j].file);
      if (n->inserts[j].cls && n->inserts[j].cls->release) {
        n->inserts[j].cls->release(n->inserts[j].cls);
      }
    }
    for (size_t j = 0U; j < n->n_sends; ++j) {
      free_value(&n->sends[j].level_db);
    }
    free_value(&n->gain_db);
    free_value(&n->pan);
    free_value(&n->mute);
    free(n->clips);
    free(n->inserts);
    free(n->sends);
    free(n->name);
  }
  free(s->nodes);
  for (size_t o = 0U; o <= s->n_outputs; ++o) {
    MdOutput* out = o < s->n_outputs ? &s->outputs[o] : &s->output;
    free(out->path);
    for (size_t t = 0U; t < MD_N_TAGS; ++t) {
      free(out->tags[t]);
    }
  }
  free(s->outputs);
  free(s->file_name);
  free(s);
}

static void
report_too_large(const char* path, MixdownDiagnosticFunc on_diagnostic, void* user_data)
{
  char message[160];
  snprintf(message, sizeof message, "the session is larger than %u MiB; a session file is text, far smaller",
           MD_SESSION_MAX_BYTES >> 20);
  if (on_diagnostic) {
    const MixdownDiagnostic d = {path, 0U, 0U, message, MIXDOWN_SEVERITY_ERROR};
    on_diagnostic(user_data, &d);
  }
}

MixdownStatus
mixdown_session_open_string(const char* text, size_t length, const char* name, const char* base_dir,
                            MixdownDiagnosticFunc on_diagnostic, void* user_data,
                            MixdownSession** session)
{
  if (!session) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *session = NULL;
  if (!text) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  name               = name ? name : "<string>";
  if (length > MD_SESSION_MAX_BYTES) {
    report_too_large(name, on_diagnostic, user_data);
    return MIXDOWN_ERR_SESSION;
  }
  MdValidator v      = {.file_name = name, .base_dir = base_dir, .on_diagnostic = on_diagnostic, .user_data = user_data};
  char        error[512];
  unsigned    line   = 0U;
  unsigned    column = 0U;
  MdYNode*    root   = md_yaml_parse(text, length, error, sizeof error, &line, &column);
  if (!root) {
    report_at(&v, line, column, "%s", error);
    flush_diagnostics(&v);
    return MIXDOWN_ERR_SESSION;
  }
  v.session = calloc(1U, sizeof(MixdownSession));
  if (!v.session || !(v.session->file_name = strdup(name))) {
    free(v.session);
    md_ynode_free(root);
    return MIXDOWN_ERR_NO_MEM;
  }
  read_session(&v, root);
  md_ynode_free(root);
  flush_diagnostics(&v);
  if (v.n_errors) {
    mixdown_session_free(v.session);
    return MIXDOWN_ERR_SESSION;
  }
  *session = v.session;
  return MIXDOWN_SUCCESS;
}

static void
report_file_error(const char* path, const char* what, MixdownDiagnosticFunc on_diagnostic, void* user_data)
{
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(errno));
  if (on_diagnostic) {
    const MixdownDiagnostic d = {path, 0U, 0U, message, MIXDOWN_SEVERITY_ERROR};
    on_diagnostic(user_data, &d);
  }
}

// Reads all of `file` into a NUL-terminated buffer (the caller frees
// *text), up to MD_SESSION_MAX_BYTES: MIXDOWN_ERR_SESSION past it.
// Reading stops early at a NUL byte in text that is not UTF-16 (which
// holds NULs), so that `check /dev/zero` ends at once: the parser then
// names the NUL's line and column.
static MixdownStatus
read_text(FILE* file, char** text, size_t* length)
{
  size_t capacity = 0U;
  bool   utf16    = false;
  *text           = NULL;
  *length         = 0U;
  for (;;) {
    if (*length + 65536U > capacity && capacity <= MD_SESSION_MAX_BYTES) {
      capacity = capacity ? capacity * 2U : 65536U;
      capacity = capacity > MD_SESSION_MAX_BYTES + 1U ? MD_SESSION_MAX_BYTES + 1U : capacity; // one byte past: too large
      char* grown = realloc(*text, capacity + 1U);
      if (!grown) {
        return MIXDOWN_ERR_NO_MEM;
      }
      *text = grown;
    }
    const size_t got  = fread(*text + *length, 1U, capacity - *length, file);
    const char*  from = *text + *length;
    *length += got;
    if (*length >= 2U) {
      const unsigned char* p = (const unsigned char*)*text;
      utf16                  = (p[0] == 0xFFU && p[1] == 0xFEU) || (p[0] == 0xFEU && p[1] == 0xFFU);
    }
    if (*length > MD_SESSION_MAX_BYTES) {
      return MIXDOWN_ERR_SESSION;
    }
    if (got == 0U || (!utf16 && memchr(from, '\0', got))) {
      break;
    }
  }
  (*text)[*length] = '\0';
  return ferror(file) ? MIXDOWN_ERR_IO : MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_session_open_file(const char* path, MixdownDiagnosticFunc on_diagnostic, void* user_data,
                          MixdownSession** session)
{
  if (!session) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *session = NULL;
  if (!path) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  FILE* file = fopen(path, "rb");
  if (!file) {
    report_file_error(path, "cannot open session", on_diagnostic, user_data);
    return MIXDOWN_ERR_IO;
  }
  struct stat st;
  const bool  regular = fstat(fileno(file), &st) == 0 && S_ISREG(st.st_mode);
  if (regular && (uint64_t)st.st_size > MD_SESSION_MAX_BYTES) {
    fclose(file);
    report_too_large(path, on_diagnostic, user_data);
    return MIXDOWN_ERR_SESSION;
  }
  char*               text   = NULL;
  size_t              length = 0U;
  const MixdownStatus got    = read_text(file, &text, &length);
  if (got == MIXDOWN_ERR_IO) {
    report_file_error(path, "cannot read session", on_diagnostic, user_data);
  } else if (got == MIXDOWN_ERR_SESSION) {
    report_too_large(path, on_diagnostic, user_data);
  }
  fclose(file);
  if (got) {
    free(text);
    return got;
  }
  // Relative paths (sources, outputs) are taken from the session file's
  // folder; a session read from a pipe or through a descriptor's name
  // (/dev/stdin even when redirected from a file, /dev/fd/N, <(…),
  // /proc/self/fd/N) has none: from the current folder then, never /dev.
  const bool  stream = !regular || !strncmp(path, "/dev/", 5U) || !strncmp(path, "/proc/", 6U);
  char*       base   = strdup(path);
  char*       slash  = base && !stream ? strrchr(base, '/') : NULL;
  const char* dir   = ".";
  if (slash) {
    *slash = '\0';
    dir    = slash == base ? "/" : base;
  }
  const MixdownStatus status =
    base ? mixdown_session_open_string(text, length, path, dir, on_diagnostic, user_data, session)
         : MIXDOWN_ERR_NO_MEM;
  free(base);
  free(text);
  return status;
}

uint32_t
mixdown_session_sample_rate(const MixdownSession* session)
{
  return session ? session->sample_rate : 0U;
}

const char*
mixdown_session_output_path(const MixdownSession* session)
{
  return !session ? NULL : session->n_outputs ? session->outputs[0].path : session->output.path;
}

double
mixdown_session_loudness_target(const MixdownSession* session)
{
  return session && session->loudness.enabled ? session->loudness.target_lufs : NAN;
}
