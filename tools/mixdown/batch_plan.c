// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown batch plan SPEC -o jobs.jsonl [--seed S]`: a manifest from a
// spec (docs/batch.md, "Plans").  The spec is YAML: `seed`, and either
// `items:` (manifest items, written out resolved) or a `template:` session
// with a `count`, an `output` pattern and `vary:` distributions over
// addresses.  Each drawn value comes from batch_random.c keyed by (seed,
// id, address), is rounded to 6 significant digits and clamped to the
// parameter's range as the session's tables declare it.  Every error is
// `FILE:LINE:COLUMN: error: …`, exit 2, nothing written.

#include "batch.h"
#include "batch_random.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#define PLAN_MAX_COUNT 10000000UL

typedef struct {
  const char*     path;
  char*           dir; ///< The spec's folder
  yaml_document_t doc;
  bool            loaded;
  int             errors;
} Spec;

typedef enum { VARY_UNIFORM, VARY_NORMAL, VARY_CHOICE } VaryKind;

typedef struct {
  const char*             address;
  VaryKind                kind;
  double                  a, b;    ///< uniform [a, b); normal mean a, deviation b
  yaml_node_t*            choices; ///< The choice list
  bool                    clamped; ///< The parameter's range is known
  bool                    probed;  ///< Found by asking the editor: every draw is checked with it
  double                  min, max;
  yaml_node_t*            at;      ///< The address in the spec
} Vary;

/* ------------------------------------------------------------------------ */
/* The spec's YAML                                                           */

static void
spec_error(Spec* s, const yaml_node_t* at, const char* fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "%s:%zu:%zu: error: ", s->path, at ? at->start_mark.line + 1U : 1U,
          at ? at->start_mark.column + 1U : 1U);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  ++s->errors;
}

static bool
spec_load(Spec* s, const char* path)
{
  memset(s, 0, sizeof *s);
  s->path    = path;
  FILE* file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "%s: error: cannot read the spec: %s\n", path, strerror(errno));
    return false;
  }
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_file(&parser, file);
  s->loaded = yaml_parser_load(&parser, &s->doc) != 0;
  if (!s->loaded) {
    fprintf(stderr, "%s:%zu:%zu: error: not YAML: %s\n", path, parser.problem_mark.line + 1U,
            parser.problem_mark.column + 1U, parser.problem ? parser.problem : "unreadable");
  }
  yaml_parser_delete(&parser);
  fclose(file);
  const char* slash = strrchr(path, '/');
  s->dir            = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
  return s->loaded && s->dir;
}

static void
spec_free(Spec* s)
{
  if (s->loaded) {
    yaml_document_delete(&s->doc);
  }
  free(s->dir);
}

static yaml_node_t*
node(Spec* s, int index)
{
  return yaml_document_get_node(&s->doc, index);
}

static const char*
scalar(const yaml_node_t* n)
{
  return n && n->type == YAML_SCALAR_NODE ? (const char*)n->data.scalar.value : NULL;
}

// The value of `key` in mapping `map`, or NULL.
static yaml_node_t*
map_get(Spec* s, yaml_node_t* map, const char* key)
{
  if (!map || map->type != YAML_MAPPING_NODE) {
    return NULL;
  }
  for (yaml_node_pair_t* p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; ++p) {
    const char* k = scalar(node(s, p->key));
    if (k && !strcmp(k, key)) {
      return node(s, p->value);
    }
  }
  return NULL;
}

// Every key of `map` must be one of `known` (NULL-terminated).
static void
check_keys(Spec* s, yaml_node_t* map, const char* const* known, const char* where)
{
  size_t n = 0U;
  while (known[n]) {
    ++n;
  }
  for (yaml_node_pair_t* p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; ++p) {
    yaml_node_t* key  = node(s, p->key);
    const char*  name = scalar(key);
    bool         ok   = false;
    for (size_t i = 0U; name && i < n && !ok; ++i) {
      ok = !strcmp(name, known[i]);
    }
    if (!ok) {
      const char* near = name ? batch_nearest(name, known, n) : NULL;
      spec_error(s, key, "unknown key `%s` in %s%s%s%s", name ? name : "?", where, near ? " (did you mean `" : "",
                 near ? near : "", near ? "`?)" : "");
    }
  }
}

// A whole number in [lo, hi] at `n`; false (reported) otherwise.
static bool
whole_number(Spec* s, yaml_node_t* n, const char* what, unsigned long long lo, unsigned long long hi,
             unsigned long long* out)
{
  const char* text = scalar(n);
  char*       end  = NULL;
  errno            = 0;
  const unsigned long long v = text && *text != '-' ? strtoull(text, &end, 10) : 0ULL;
  if (!text || end == text || *end || errno || v < lo || v > hi) {
    spec_error(s, n, "`%s` is a whole number of %llu … %llu (got `%s`)", what, lo, hi, text ? text : "a list");
    return false;
  }
  *out = v;
  return true;
}

// A finite number at `n`; false (reported) otherwise.
static bool
real_number(Spec* s, yaml_node_t* n, const char* what, double* out)
{
  const char* text = scalar(n);
  char*       end  = NULL;
  const double v   = text ? strtod(text, &end) : NAN;
  if (!text || end == text || *end || !isfinite(v)) {
    spec_error(s, n, "%s is a finite number (got `%s`)", what, text ? text : "a list");
    return false;
  }
  *out = v;
  return true;
}

// A YAML value as JSON: plain scalars that read as numbers or booleans
// become those, quoted ones stay strings.
static json_t*
yaml_json(Spec* s, yaml_node_t* n)
{
  if (!n) {
    return json_null();
  }
  if (n->type == YAML_SEQUENCE_NODE) {
    json_t* array = json_array();
    for (yaml_node_item_t* i = n->data.sequence.items.start; i < n->data.sequence.items.top; ++i) {
      json_array_append_new(array, yaml_json(s, node(s, *i)));
    }
    return array;
  }
  if (n->type == YAML_MAPPING_NODE) {
    json_t* object = json_object();
    for (yaml_node_pair_t* p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; ++p) {
      const char* key = scalar(node(s, p->key));
      json_object_set_new(object, key ? key : "", yaml_json(s, node(s, p->value)));
    }
    return object;
  }
  const char* text = scalar(n);
  if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
    if (!strcmp(text, "true") || !strcmp(text, "false")) {
      return json_boolean(!strcmp(text, "true"));
    }
    char*        end = NULL;
    const double v   = strtod(text, &end);
    if (*text && end != text && !*end && isfinite(v)) {
      return v == floor(v) && fabs(v) < 9007199254740992.0 && !strpbrk(text, ".eE") ? json_integer((json_int_t)v)
                                                                                     : json_real(v);
    }
  }
  return json_string(text);
}

/* ------------------------------------------------------------------------ */
/* Patterns: {id}, {index}, {index:0N}                                       */

// The width N of `{index:0N}` at `p` (0 for `{index}`), or -1 when `p`
// holds neither; `*end` is past its `}`.
static int
index_width(const char* p, const char** end)
{
  if (!strncmp(p, "{index}", 7)) {
    *end = p + 7;
    return 0;
  }
  if (strncmp(p, "{index:0", 8) || p[8] < '0' || p[8] > '9') {
    return -1;
  }
  char*      close = NULL;
  const long width = strtol(p + 8, &close, 10);
  if (*close != '}' || width > 12) {
    return -1;
  }
  *end = close + 1;
  return (int)width;
}

// `pattern` with its placeholders filled; malloc'd, NULL (reported) on a bad one.
static char*
fill_pattern(Spec* s, yaml_node_t* at, const char* pattern, const char* id, unsigned long index)
{
  size_t n_open = 0U;
  for (const char* p = pattern; (p = strchr(p, '{')); ++p) {
    ++n_open;
  }
  // each placeholder fills at most its id or a 20-digit index
  const size_t cap = strlen(pattern) + n_open * ((id ? strlen(id) : 0U) + 24U) + 1U;
  char*        out = malloc(cap);
  size_t       n   = 0U;
  for (const char* p = pattern; out && *p;) {
    const char* end   = NULL;
    int         width = -1;
    if (*p != '{') {
      out[n++] = *p++;
    } else if (id && !strncmp(p, "{id}", 4)) {
      n += (size_t)snprintf(out + n, cap - n, "%s", id);
      p += 4;
    } else if ((width = index_width(p, &end)) >= 0) {
      n += (size_t)snprintf(out + n, cap - n, "%0*lu", width, index);
      p = end;
    } else {
      spec_error(s, at, "`%s`: placeholders are %s{index} and {index:0N} (as {index:04}, N ≤ 12)", pattern,
                 id ? "{id}, " : "");
      free(out);
      return NULL;
    }
  }
  if (out) {
    out[n] = '\0';
  }
  return out;
}

/* ------------------------------------------------------------------------ */
/* The template and its parameters' ranges                                   */

typedef struct {
  char message[512];
} Heard;

static void
hear(void* user, const MixdownDiagnostic* d)
{
  Heard* h = user;
  if (!h->message[0]) {
    snprintf(h->message, sizeof h->message, "%s", d->message);
  }
}

static int
processor_index(const char* type)
{
  for (uint32_t i = 0U; i < mixdown_processor_count(); ++i) {
    if (!strcmp(mixdown_processor_name(i), type)) {
      return (int)i;
    }
  }
  return -1;
}

static const MixdownParamInfo*
find_param(const MixdownParamInfo* (*get)(uint32_t), uint32_t count, const char* name)
{
  for (uint32_t i = 0U; i < count; ++i) {
    const MixdownParamInfo* info = get(i);
    if (info && !strcmp(info->name, name)) {
      return info;
    }
  }
  return NULL;
}

// The type of the insert at `prefix` (`/track/x/insert/2`, or
// `/track/x/insert/eq`: named by its type) in `editor`, or -1.
static int
insert_type(MixdownEditor* editor, const char* prefix)
{
  const int named = processor_index(strrchr(prefix, '/') + 1);
  if (named >= 0) {
    return named;
  }
  // (an insert is not a value of its own: its strip's `inserts` list is)
  const char* number = strrchr(prefix, '/') + 1;
  char        list[600];
  snprintf(list, sizeof list, "%.*ss", (int)(number - 1 - prefix), prefix);
  char*       text  = NULL;
  const char* unit  = NULL;
  int         index = -1;
  const long  k     = strtol(number, NULL, 10);
  if (k >= 1 && mixdown_editor_get_json(editor, list, &text, &unit) == MIXDOWN_SUCCESS) {
    json_t*     inserts = json_loads(text, JSON_DECODE_ANY, NULL);
    const char* type    = json_string_value(json_object_get(json_array_get(inserts, (size_t)k - 1U), "type"));
    index               = type ? processor_index(type) : -1;
    json_decref(inserts);
  }
  free(text);
  return index;
}

// The table entry of a parameter of an insert's type: `PARAM`, or a list
// field `LIST/K/FIELD`.
static const MixdownParamInfo*
insert_param(int type, const char* rest)
{
  const char* slash = strchr(rest, '/');
  for (uint32_t p = 0U; p < mixdown_processor_param_count((uint32_t)type); ++p) {
    const MixdownParamInfo* info = mixdown_processor_param((uint32_t)type, p);
    if (!slash && !strcmp(info->name, rest)) {
      return info;
    }
    const size_t length = slash ? (size_t)(slash - rest) : 0U;
    const char*  field  = slash ? strchr(slash + 1, '/') : NULL;
    if (slash && field && strlen(info->name) == length && !strncmp(info->name, rest, length)) {
      uint32_t max_items = 0U;
      for (uint32_t f = 0U; f < mixdown_processor_param_field_count((uint32_t)type, p, &max_items); ++f) {
        const MixdownParamInfo* fi = mixdown_processor_param_field((uint32_t)type, p, f);
        if (fi && !strcmp(fi->name, field + 1)) {
          return fi;
        }
      }
    }
  }
  return strcmp(rest, "bypass") ? NULL : find_param(mixdown_insert_param, mixdown_insert_param_count(), rest);
}

// The `k`th slash of `address` (the leading one is 1), or NULL.
static const char*
nth_slash(const char* address, int k)
{
  for (const char* p = address; *p; ++p) {
    if (*p == '/' && --k == 0) {
      return p;
    }
  }
  return NULL;
}

// Whether component `k` (from 1) of `address` is `word`.
static bool
component_is(const char* address, int k, const char* word)
{
  const char*  start = nth_slash(address, k);
  const size_t n     = strlen(word);
  return start && !strncmp(start + 1, word, n) && (start[1 + n] == '/' || !start[1 + n]);
}

// The table entry of `address` — a strip's parameter (`/track/NAME/PARAM`,
// `/bus/NAME/PARAM`, `/master/PARAM`), an insert's, a list item's field —
// or NULL when no public table describes it (a send's level, a clip's
// value, a session key): probe_range() then asks the editor.
static const MixdownParamInfo*
address_param(MixdownEditor* editor, const char* address)
{
  const int strip = component_is(address, 1, "master")                                   ? 1
                    : component_is(address, 1, "track") || component_is(address, 1, "bus") ? 2
                                                                                           : 0;
  const char* param = strip ? nth_slash(address, strip + 1) : NULL; // the slash before PARAM or `insert`
  if (!param) {
    return NULL;
  }
  if (!strchr(param + 1, '/')) {
    return find_param(mixdown_strip_param, mixdown_strip_param_count(), param + 1);
  }
  const char* rest = nth_slash(address, strip + 3); // after `insert/N`
  if (!component_is(address, strip + 1, "insert") || !rest) {
    return NULL;
  }
  char prefix[512];
  snprintf(prefix, sizeof prefix, "%.*s", (int)(rest - address), address);
  const int type = insert_type(editor, prefix);
  return type < 0 ? NULL : insert_param(type, rest + 1);
}

// Whether the editor takes `value` at `address` (the template's editor is
// a scratch copy: nothing is saved).
static bool
editor_takes(MixdownEditor* editor, Heard* heard, const char* address, double value)
{
  heard->message[0] = '\0';
  return mixdown_editor_set_number(editor, address, value) == MIXDOWN_SUCCESS;
}

// The edge of the range at `address` between `inside` (taken) and `far`
// (towards it): bisection to 1e-9 of the value, then the fewest digits
// that are still taken and no nearer `inside` (-6 dB, not -6.0000000004).
static double
probe_edge(MixdownEditor* editor, Heard* heard, const char* address, double inside, double far)
{
  if (editor_takes(editor, heard, address, far)) {
    return far > inside ? INFINITY : -INFINITY;
  }
  double in = inside, out = far;
  for (int i = 0; i < 400 && fabs(out - in) > 1e-9 * fmax(1.0, fabs(in)); ++i) {
    const double mid = in + (out - in) / 2.0;
    *(editor_takes(editor, heard, address, mid) ? &in : &out) = mid;
  }
  for (int digits = 1; digits <= 17; ++digits) {
    char text[40];
    snprintf(text, sizeof text, "%.*g", digits, in);
    const double edge = strtod(text, NULL);
    if ((edge - in) * (out - in) >= 0.0 && editor_takes(editor, heard, address, edge)) {
      return edge;
    }
  }
  return in;
}

// The range of numbers the editor takes at `address`, for addresses no
// public table describes (there is no public table of a send's or a
// clip's parameters, nor of session keys): false when it takes none.
static bool
probe_range(MixdownEditor* editor, Heard* heard, const char* address, double* min, double* max)
{
  char*       text  = NULL;
  const char* unit  = NULL;
  double      start = 0.0;
  if (mixdown_editor_get_json(editor, address, &text, &unit) == MIXDOWN_SUCCESS) {
    json_t* value = json_loads(text, JSON_DECODE_ANY, NULL);
    start         = json_is_number(value) ? json_number_value(value) : 0.0;
    json_decref(value);
  }
  free(text);
  // A value it takes to start from: the session's own, or one of a few
  // magnitudes (a key the file does not write may read null).
  static const double tries[] = {0.0, 1.0, -1.0, 10.0, 100.0, 1000.0, 1e4, 1e5, -10.0, -100.0};
  size_t              k       = 0U;
  bool                taken   = editor_takes(editor, heard, address, start);
  char                first[sizeof heard->message];
  snprintf(first, sizeof first, "%s", heard->message);
  for (; !taken && k < sizeof tries / sizeof *tries; ++k) {
    taken = editor_takes(editor, heard, address, start = tries[k]);
  }
  if (!taken) {
    snprintf(heard->message, sizeof heard->message, "%s", first);
    return false;
  }
  const double far = 1e15; // beyond any unit's range
  *max             = probe_edge(editor, heard, address, start, far);
  *min             = probe_edge(editor, heard, address, start, -far);
  editor_takes(editor, heard, address, start);
  return true;
}

/* ------------------------------------------------------------------------ */
/* vary:                                                                     */

// Every choice of `v` is a value the editor takes at its address (a
// number in range, a switch, one of a choice's names): reported otherwise.
static bool
check_choices(Spec* s, MixdownEditor* editor, Heard* heard, const Vary* v)
{
  bool ok = true;
  for (yaml_node_item_t* i = v->choices->data.sequence.items.start; i < v->choices->data.sequence.items.top; ++i) {
    json_t* value = yaml_json(s, node(s, *i));
    char*   text  = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT); // JSON is YAML's flow style
    heard->message[0] = '\0';
    if (!text || mixdown_editor_set(editor, v->address, text) != MIXDOWN_SUCCESS) {
      spec_error(s, node(s, *i), "`%s`: the choice %s is refused: %s", v->address, text ? text : "?",
                 heard->message[0] ? heard->message : "not a value of it");
      ok = false;
    }
    free(text);
    json_decref(value);
  }
  return ok;
}

static bool
parse_distribution(Spec* s, MixdownEditor* editor, Heard* heard, yaml_node_t* at, yaml_node_t* spec, Vary* v)
{
  memset(v, 0, sizeof *v);
  v->address = scalar(at);
  v->at      = at;
  const char* address = v->address;
  static const char* const kinds[] = {"uniform", "normal", "choice", NULL};
  if (!spec || spec->type != YAML_MAPPING_NODE || spec->data.mapping.pairs.top - spec->data.mapping.pairs.start != 1) {
    spec_error(s, spec, "`%s`: one of {uniform: [A, B]}, {normal: [MEAN, SD]}, {choice: [V, …]}", address);
    return false;
  }
  check_keys(s, spec, kinds, "a distribution");
  yaml_node_pair_t* p    = spec->data.mapping.pairs.start;
  const char*       kind = scalar(node(s, p->key));
  yaml_node_t*      args = node(s, p->value);
  if (!kind || (strcmp(kind, "uniform") && strcmp(kind, "normal") && strcmp(kind, "choice"))) {
    return false; // reported by check_keys
  }
  const size_t n = args && args->type == YAML_SEQUENCE_NODE
                       ? (size_t)(args->data.sequence.items.top - args->data.sequence.items.start)
                       : 0U;
  if (!strcmp(kind, "choice")) {
    v->kind    = VARY_CHOICE;
    v->choices = args;
    if (!n) {
      spec_error(s, args, "`%s`: choice takes a list of one value or more", address);
    }
    return n > 0U && check_choices(s, editor, heard, v);
  }
  v->kind = strcmp(kind, "uniform") ? VARY_NORMAL : VARY_UNIFORM;
  if (n != 2U) {
    spec_error(s, args, "`%s`: %s takes [%s]", address, kind, v->kind == VARY_UNIFORM ? "A, B" : "MEAN, SD");
    return false;
  }
  yaml_node_t* first  = node(s, args->data.sequence.items.start[0]);
  yaml_node_t* second = node(s, args->data.sequence.items.start[1]);
  if (!real_number(s, first, kind, &v->a) || !real_number(s, second, kind, &v->b)) {
    return false;
  }
  if (v->kind == VARY_UNIFORM && !(v->a < v->b)) {
    spec_error(s, args, "`%s`: uniform [A, B] needs A < B (got %g, %g)", address, v->a, v->b);
    return false;
  }
  if (v->kind == VARY_NORMAL && !(v->b > 0.0)) {
    spec_error(s, second, "`%s`: normal [MEAN, SD] needs SD > 0 (got %g)", address, v->b);
    return false;
  }
  const MixdownParamInfo* info = address_param(editor, address);
  if (info && (info->kind == MIXDOWN_PARAM_BOOL || info->kind == MIXDOWN_PARAM_CHOICE)) {
    spec_error(s, spec, "`%s` is %s: vary it with {choice: […]}", address,
               info->kind == MIXDOWN_PARAM_BOOL ? "true or false" : "a choice");
    return false;
  }
  v->clamped = true;
  v->min     = info ? info->min : 0.0;
  v->max     = info ? info->max : 0.0;
  if (!info) {
    v->probed = true;
    if (!probe_range(editor, heard, address, &v->min, &v->max)) {
      spec_error(s, spec, "`%s` takes no number (%s): vary it with {choice: […]}", address,
                 heard->message[0] ? heard->message : "refused");
      return false;
    }
    if (v->min == v->max) {
      spec_error(s, spec, "`%s` takes only %g as a number here: vary it with {choice: […]}", address, v->min);
      return false;
    }
  }
  return true;
}

// The addresses of `vary:`, each checked against the template.
static Vary*
parse_vary(Spec* s, MixdownEditor* editor, Heard* heard, yaml_node_t* vary, size_t* n_vary)
{
  *n_vary = 0U;
  if (!vary) {
    return NULL;
  }
  if (vary->type != YAML_MAPPING_NODE) {
    spec_error(s, vary, "`vary` maps addresses to distributions");
    return NULL;
  }
  const size_t n = (size_t)(vary->data.mapping.pairs.top - vary->data.mapping.pairs.start);
  Vary*        v = calloc(n ? n : 1U, sizeof *v);
  for (size_t i = 0U; v && i < n; ++i) {
    yaml_node_pair_t* p       = vary->data.mapping.pairs.start + i;
    yaml_node_t*      key     = node(s, p->key);
    const char*       address = scalar(key);
    char*             value   = NULL;
    const char*       unit    = NULL;
    // (the editor reports to the callback it was opened with: `heard` has what it said)
    heard->message[0] = '\0';
    if (!address || mixdown_editor_get(editor, address, &value, &unit) != MIXDOWN_SUCCESS) {
      spec_error(s, key, "%s", heard->message[0] ? heard->message : "not an address of the template");
      continue;
    }
    free(value);
    bool again = false; // (YAML takes a key twice, the last one winning: a spec should not)
    for (size_t k = 0U; k < *n_vary && !again; ++k) {
      again = !strcmp(v[k].address, address);
    }
    if (again) {
      spec_error(s, key, "`%s` is varied twice", address);
      continue;
    }
    if (parse_distribution(s, editor, heard, key, node(s, p->value), &v[*n_vary])) {
      ++*n_vary;
    }
  }
  return v;
}

// A drawn number: 6 significant digits, then the parameter's range.
static double
tidy(const Vary* v, double x)
{
  char text[32];
  snprintf(text, sizeof text, "%.6g", x);
  x = strtod(text, NULL);
  if (v->clamped) {
    x = x < v->min ? v->min : x > v->max ? v->max : x;
  }
  return x == 0.0 ? 0.0 : x; // no -0
}

// A drawn number; one whose range was probed is checked with the editor
// (a range with holes, as a choice of whole numbers, is refused there).
static json_t*
drawn_number(Spec* s, const Vary* v, MixdownEditor* editor, Heard* heard, const char* id, double x)
{
  if (v->probed && !editor_takes(editor, heard, v->address, x)) {
    spec_error(s, v->at, "`%s`: the value %g drawn for `%s` is refused (%s): vary it with {choice: […]}", v->address, x,
               id, heard->message[0] ? heard->message : "out of range");
    return NULL;
  }
  return json_real(x);
}

static json_t*
draw(Spec* s, const Vary* v, MixdownEditor* editor, Heard* heard, uint64_t seed, const char* id)
{
  const BatchRandom key = batch_random_key(seed, id, v->address);
  switch (v->kind) {
  case VARY_UNIFORM:
    return drawn_number(s, v, editor, heard, id, tidy(v, v->a + (v->b - v->a) * batch_random_uniform(key, 0U)));
  case VARY_NORMAL: return drawn_number(s, v, editor, heard, id, tidy(v, v->a + v->b * batch_random_normal(key)));
  case VARY_CHOICE: {
    const size_t n = (size_t)(v->choices->data.sequence.items.top - v->choices->data.sequence.items.start);
    size_t       k = (size_t)(batch_random_uniform(key, 0U) * (double)n);
    k              = k < n ? k : n - 1U;
    return yaml_json(s, node(s, v->choices->data.sequence.items.start[k]));
  }
  }
  return json_null();
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                     */

// Splits an absolute path into its components (in place): their count.
static size_t
components(char* path, char** parts, size_t max)
{
  size_t n     = 0U;
  char*  saved = NULL;
  for (char* part = strtok_r(path, "/", &saved); part && n < max; part = strtok_r(NULL, "/", &saved)) {
    parts[n++] = part;
  }
  return n;
}

// `path` relative to the folder `from` (both absolute, as realpath gives
// them); malloc'd.
static char*
relative_to(const char* from, const char* path)
{
  enum { MAX_PARTS = 256 };
  char*  f = strdup(from);
  char*  p = strdup(path);
  char*  fp[MAX_PARTS];
  char*  pp[MAX_PARTS];
  char*  out = NULL;
  if (f && p) {
    const size_t nf = components(f, fp, MAX_PARTS), np = components(p, pp, MAX_PARTS);
    size_t       k  = 0U;
    while (k < nf && k < np && !strcmp(fp[k], pp[k])) {
      ++k;
    }
    size_t length = strlen(path) + 3U * (nf - k) + 1U;
    out           = malloc(length);
    if (out) {
      out[0] = '\0';
      for (size_t i = k; i < nf; ++i) {
        strcat(out, "../");
      }
      for (size_t i = k; i < np; ++i) {
        strcat(out, pp[i]);
        strcat(out, i + 1U < np ? "/" : "");
      }
    }
  }
  free(f);
  free(p);
  return out;
}

// The session `name` (relative to the spec's folder) as the manifest names
// it: relative to the manifest's folder `out_dir` (both made absolute).
static char*
session_for_manifest(const Spec* s, const char* name, const char* out_dir)
{
  char* joined = batch_join(s->dir, name);
  char* abs    = joined ? realpath(joined, NULL) : NULL;
  char* dir    = realpath(out_dir, NULL);
  if (!dir) { // the manifest's folder is made only when the manifest is written
    char cwd[PATH_MAX];
    dir = out_dir[0] == '/' ? strdup(out_dir) : getcwd(cwd, sizeof cwd) ? batch_join(cwd, out_dir) : NULL;
  }
  char* out    = abs && dir ? relative_to(dir, abs) : NULL;
  free(joined);
  free(abs);
  free(dir);
  return out;
}

/* ------------------------------------------------------------------------ */
/* The items                                                                 */

typedef struct {
  json_t** items;
  size_t   n, capacity;
} Items;

static bool
items_add(Items* list, json_t* item)
{
  if (list->n == list->capacity) {
    const size_t capacity = list->capacity ? 2U * list->capacity : 64U;
    json_t**     grown    = realloc(list->items, capacity * sizeof *grown);
    if (!grown) {
      json_decref(item);
      return false;
    }
    list->items    = grown;
    list->capacity = capacity;
  }
  list->items[list->n++] = item;
  return true;
}

static void
items_free(Items* list)
{
  for (size_t i = 0U; i < list->n; ++i) {
    json_decref(list->items[i]);
  }
  free(list->items);
}

// Items of one session together (a shard's renders share its sources in
// the cache), then by id.
static int
compare_items(const void* a, const void* b)
{
  const json_t* x = *(json_t* const*)a;
  const json_t* y = *(json_t* const*)b;
  const int     d = strcmp(json_string_value(json_object_get(x, "session")), json_string_value(json_object_get(y, "session")));
  return d ? d : strcmp(json_string_value(json_object_get(x, "id")), json_string_value(json_object_get(y, "id")));
}

// The deliverable keys a spec may give every item (docs/batch.md).
static const char* const deliverable_keys[] = {"loudness", "bits", "rate", NULL};

// `item` checked as `batch run` will check its line (bits, rate, loudness,
// stems …), faults reported at `at`; `session` is the spec's name for it.
static void
check_as_manifest(Spec* s, json_t* item, yaml_node_t* at, const char* session)
{
  char*   path = batch_join(s->dir, session);
  json_t* copy = json_copy(item); // the session as the spec's folder finds it: the manifest's may not exist yet
  char    where[1024];
  snprintf(where, sizeof where, "%s:%zu:%zu", s->path, at->start_mark.line + 1U, at->start_mark.column + 1U);
  if (path && copy) {
    json_object_set_new(copy, "session", json_string(path));
    s->errors += batch_item_check(copy, where, ".");
  }
  json_decref(copy);
  free(path);
}

// A key of an item and where the spec gives it (for the duplicate check).
typedef struct {
  const char*  value;
  yaml_node_t* at;
} Given;

static int
compare_given(const void* a, const void* b)
{
  const Given* x = a;
  const Given* y = b;
  const int    d = strcmp(x->value, y->value);
  return d ? d : (x->at->start_mark.index > y->at->start_mark.index) - (x->at->start_mark.index < y->at->start_mark.index);
}

// Every id (and every output) once: two items with one id would share a
// sidecar, two with one output would overwrite each other.
static void
check_unique(Spec* s, Given* given, size_t n, const char* what)
{
  qsort(given, n, sizeof *given, compare_given);
  for (size_t i = 1U; i < n; ++i) {
    if (!strcmp(given[i - 1U].value, given[i].value)) {
      spec_error(s, given[i].at, "the %s `%s` is given twice (first at line %zu)", what, given[i].value,
                 given[i - 1U].at->start_mark.line + 1U);
    }
  }
}

// Every value of an item's `set` is one its session takes (as `mixdown
// set` would): reported at its address otherwise.  `editor` holds the
// last session opened (items of one session are usually together).
static void
check_item_set(Spec* s, yaml_node_t* set, const char* session, char** opened, MixdownEditor** editor, Heard* heard)
{
  if (!set || set->type != YAML_MAPPING_NODE) {
    if (set) {
      spec_error(s, set, "`set` maps addresses to values, as {/track/vocal/gain_db: -3}");
    }
    return;
  }
  char* path = batch_join(s->dir, session);
  // (`heard` outlives the editor: the editor reports into it on every later call)
  heard->message[0] = '\0';
  if (path && (!*opened || strcmp(*opened, path))) {
    mixdown_editor_free(*editor);
    *editor = NULL;
    free(*opened);
    *opened = strdup(path);
    if (mixdown_editor_open(path, hear, heard, editor) != MIXDOWN_SUCCESS) {
      spec_error(s, set, "the session `%s` does not open: %s", session, heard->message[0] ? heard->message : "unreadable");
    }
  }
  for (yaml_node_pair_t* p = set->data.mapping.pairs.start; *editor && p < set->data.mapping.pairs.top; ++p) {
    const char* address = scalar(node(s, p->key));
    json_t*     value   = yaml_json(s, node(s, p->value));
    char*       text    = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT); // JSON is YAML's flow style
    // (the editor reports to the callback it was opened with)
    heard->message[0] = '\0';
    if (!address || !text || mixdown_editor_set(*editor, address, text) != MIXDOWN_SUCCESS) {
      spec_error(s, node(s, p->key), "%s", heard->message[0] ? heard->message : "not an address of the session");
    }
    free(text);
    json_decref(value);
  }
  free(path);
}

// `items:` — each a manifest item; its session made relative to the
// manifest, its `set` checked against the session.
static void
plan_items(Spec* s, yaml_node_t* list, const char* out_dir, Items* out)
{
  static const char* const item_keys[] = {"id", "session", "output", "set", "loudness", "bits", "rate", "stems", NULL};
  if (list->type != YAML_SEQUENCE_NODE) {
    spec_error(s, list, "`items` is a list of manifest items");
    return;
  }
  const size_t   n_items = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
  Given*         ids     = calloc(n_items ? n_items : 1U, sizeof *ids);
  Given*         outputs = calloc(n_items ? n_items : 1U, sizeof *outputs);
  size_t         n_given = 0U;
  char*          opened  = NULL;
  MixdownEditor* editor  = NULL;
  Heard          heard   = {""}; // what the editor says, for as long as it is open
  for (yaml_node_item_t* i = list->data.sequence.items.start; ids && outputs && i < list->data.sequence.items.top; ++i) {
    yaml_node_t* item = node(s, *i);
    if (item->type != YAML_MAPPING_NODE) {
      spec_error(s, item, "an item is a mapping: {id: …, session: …, output: …}");
      continue;
    }
    check_keys(s, item, item_keys, "an item");
    const char* id      = scalar(map_get(s, item, "id"));
    const char* session = scalar(map_get(s, item, "session"));
    const char* output  = scalar(map_get(s, item, "output"));
    if (!id || !session || !output) {
      spec_error(s, item, "an item needs `id`, `session` and `output`");
      continue;
    }
    char* path = session_for_manifest(s, session, out_dir);
    if (!path) {
      spec_error(s, map_get(s, item, "session"), "cannot open the session `%s`: %s", session, strerror(errno));
      continue;
    }
    check_item_set(s, map_get(s, item, "set"), session, &opened, &editor, &heard);
    ids[n_given]       = (Given){id, map_get(s, item, "id")};
    outputs[n_given++] = (Given){output, map_get(s, item, "output")};
    json_t* object = json_object();
    json_object_set_new(object, "id", json_string(id));
    json_object_set_new(object, "session", json_string(path));
    free(path);
    for (yaml_node_pair_t* p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; ++p) {
      const char* key = scalar(node(s, p->key));
      if (key && strcmp(key, "id") && strcmp(key, "session")) {
        json_object_set_new(object, key, yaml_json(s, node(s, p->value)));
      }
    }
    check_as_manifest(s, object, item, session);
    items_add(out, object);
  }
  if (ids && outputs) {
    check_unique(s, ids, n_given, "id");
    check_unique(s, outputs, n_given, "output");
  }
  mixdown_editor_free(editor);
  free(opened);
  free(ids);
  free(outputs);
}

// The deliverable keys of the spec, copied into every item.
static void
add_deliverable(Spec* s, yaml_node_t* root, json_t* item)
{
  for (size_t k = 0U; deliverable_keys[k]; ++k) {
    yaml_node_t* value = map_get(s, root, deliverable_keys[k]);
    if (value) {
      json_object_set_new(item, deliverable_keys[k], yaml_json(s, value));
    }
  }
}

typedef struct {
  const char*  session; ///< As the manifest names it
  const char*  output;  ///< Pattern
  const char*  stems;   ///< Pattern, or NULL
  const char*  id;      ///< Pattern
  yaml_node_t *output_node, *stems_node, *id_node;
  const Vary*  vary;
  size_t       n_vary;
  uint64_t     seed;
  MixdownEditor* editor; ///< The template's (a scratch copy: checks drawn values)
  Heard*         heard;
} Template;

// Item `index` (from 1) of a template.
static json_t*
template_item(Spec* s, yaml_node_t* root, const Template* t, unsigned long index)
{
  char* id     = fill_pattern(s, t->id_node, t->id, NULL, index);
  char* output = id ? fill_pattern(s, t->output_node, t->output, id, index) : NULL;
  char* stems  = output && t->stems ? fill_pattern(s, t->stems_node, t->stems, id, index) : NULL;
  json_t* item = NULL;
  if (output && (!t->stems || stems)) {
    item = json_object();
    json_object_set_new(item, "id", json_string(id));
    json_object_set_new(item, "session", json_string(t->session));
    json_object_set_new(item, "output", json_string(output));
    json_t* set = json_object();
    for (size_t k = 0U; k < t->n_vary; ++k) {
      json_t* value = draw(s, &t->vary[k], t->editor, t->heard, t->seed, id);
      if (!value) {
        break;
      }
      json_object_set_new(set, t->vary[k].address, value);
    }
    json_object_set_new(item, "set", set);
    add_deliverable(s, root, item);
    if (stems) {
      json_object_set_new(item, "stems", json_string(stems));
    }
  }
  free(id);
  free(output);
  free(stems);
  return item;
}

// The deliverable keys are every item's: checked once, each as `batch run`
// will check it, reported where the spec gives it.
static void
check_deliverable(Spec* s, yaml_node_t* root, const json_t* item, const char* session)
{
  static const char* const keys[] = {"loudness", "bits", "rate", "stems"};
  for (size_t k = 0U; k < sizeof keys / sizeof *keys; ++k) {
    yaml_node_t* at = map_get(s, root, keys[k]);
    json_t*      one = at ? json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(item, "id"), "session",
                                      json_object_get(item, "session"), "output", json_object_get(item, "output"),
                                      keys[k], json_object_get(item, keys[k]))
                          : NULL;
    if (one) {
      check_as_manifest(s, one, at, session);
    }
    json_decref(one);
  }
}

static bool
has_placeholder(const char* pattern)
{
  return strstr(pattern, "{id}") || strstr(pattern, "{index");
}

// `template:` — `count` items of one session with `vary:` drawn for each.
static void
plan_template(Spec* s, yaml_node_t* root, uint64_t seed, const char* out_dir, Items* out)
{
  yaml_node_t*       template_node = map_get(s, root, "template");
  yaml_node_t*       count_node    = map_get(s, root, "count");
  Template           t             = {.seed = seed, .id = "mix{index:04}"};
  unsigned long long count         = 0ULL;
  t.output_node                    = map_get(s, root, "output");
  t.stems_node                     = map_get(s, root, "stems");
  t.id_node                        = map_get(s, root, "id");
  t.output                         = scalar(t.output_node);
  t.stems                          = scalar(t.stems_node);
  t.id                             = t.id_node ? scalar(t.id_node) : t.id;
  if (!count_node) {
    spec_error(s, root, "a template needs `count` (how many items)");
  } else {
    whole_number(s, count_node, "count", 1ULL, PLAN_MAX_COUNT, &count);
  }
  if (!t.output || !has_placeholder(t.output)) {
    spec_error(s, t.output_node ? t.output_node : root,
               "a template needs `output` with {id} or {index} in it (every item its own file), as mix/{id}.wav");
  }
  if (!t.id || !strstr(t.id, "{index")) {
    spec_error(s, t.id_node, "`id` needs {index} (as mix{index:04}): every item its own id");
  }
  const char*    name    = scalar(template_node);
  char*          path    = name ? batch_join(s->dir, name) : NULL;
  char*          session = name ? session_for_manifest(s, name, out_dir) : NULL;
  Heard          heard   = {""};
  MixdownEditor* editor  = NULL;
  if (!session || mixdown_editor_open(path, hear, &heard, &editor) != MIXDOWN_SUCCESS) {
    spec_error(s, template_node, "the template `%s` does not open: %s", name ? name : "?",
               heard.message[0] ? heard.message : strerror(errno));
  }
  Vary* vary = editor ? parse_vary(s, editor, &heard, map_get(s, root, "vary"), &t.n_vary) : NULL;
  t.vary     = vary;
  t.session  = session;
  t.editor   = editor;
  t.heard    = &heard;
  for (unsigned long i = 1UL; !s->errors && i <= count; ++i) {
    json_t* item = template_item(s, root, &t, i);
    if (item && i == 1UL) {
      check_deliverable(s, root, item, name);
    }
    if (!item || !items_add(out, item)) {
      break;
    }
  }
  free(vary);
  mixdown_editor_free(editor);
  free(session);
  free(path);
}

/* ------------------------------------------------------------------------ */
/* The command                                                               */

static const char plan_usage[] =
  "usage: mixdown batch plan SPEC -o MANIFEST [--seed S]\n"
  "  A manifest (JSON Lines, one item per line) from a spec (YAML): `items:` written out, or a\n"
  "  `template:` session, `count`, an `output` pattern ({id}, {index}, {index:04}) and `vary:`\n"
  "  distributions over addresses ({uniform: [A, B]}, {normal: [MEAN, SD]}, {choice: [V, …]}),\n"
  "  drawn from (seed, id, address) alone and clamped to each parameter's range.\n"
  "  --seed S   overrides the spec's `seed` (default 0)\n"
  "See docs/batch.md, \"Plans\".\n";

// The manifest's text: one compact JSON object per line.
static char*
manifest_text(const Items* items)
{
  size_t length = 0U, capacity = 4096U;
  char*  text   = malloc(capacity);
  for (size_t i = 0U; text && i < items->n; ++i) {
    char* line = json_dumps(items->items[i], JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(10));
    const size_t n = line ? strlen(line) : 0U;
    if (line && length + n + 2U > capacity) {
      capacity   = 2U * (length + n + 2U);
      char* more = realloc(text, capacity);
      if (!more) {
        free(text);
      }
      text = more;
    }
    if (!line) { // a line lost is a manifest wrong: none at all
      free(text);
      text = NULL;
    }
    if (text) {
      memcpy(text + length, line, n);
      length += n;
      text[length++] = '\n';
    }
    free(line);
  }
  if (text) {
    text[length] = '\0';
  }
  return text;
}

static int
parse_plan_args(int argc, char** argv, const char** spec, const char** out, const char** seed)
{
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(plan_usage, stdout);
      return -1;
    }
    if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--seed")) && i + 1 < argc) {
      *(argv[i][1] == 'o' ? out : seed) = argv[i + 1];
      ++i;
    } else if (argv[i][0] != '-' && !*spec) {
      *spec = argv[i];
    } else {
      fprintf(stderr, "mixdown batch plan: unexpected `%s`\n%s", argv[i], plan_usage);
      return CLI_USAGE;
    }
  }
  if (!*spec || !*out) {
    fprintf(stderr, "mixdown batch plan: %s\n%s", !*spec ? "which spec?" : "where to? (-o MANIFEST)", plan_usage);
    return CLI_USAGE;
  }
  return CLI_OK;
}

static bool
parse_seed(const char* text, uint64_t* seed)
{
  char* end = NULL;
  errno     = 0;
  *seed     = text && *text != '-' ? strtoull(text, &end, 10) : 0ULL;
  return text && end != text && !*end && !errno;
}

int
cmd_batch_plan(int argc, char** argv)
{
  const char* spec_path = NULL;
  const char* out_path  = NULL;
  const char* seed_text = NULL;
  const int   args      = parse_plan_args(argc, argv, &spec_path, &out_path, &seed_text);
  if (args) {
    return args < 0 ? CLI_OK : args;
  }
  uint64_t seed = 0U;
  if (seed_text && !parse_seed(seed_text, &seed)) {
    fprintf(stderr, "mixdown batch plan: --seed takes a whole number of 0 … 18446744073709551615 (got `%s`)\n",
            seed_text);
    return CLI_USAGE;
  }
  Spec  s;
  Items items = {0};
  if (!spec_load(&s, spec_path)) {
    spec_free(&s);
    return CLI_USAGE;
  }
  static const char* const top_keys[] = {"seed", "items", "template", "count", "output", "id", "stems", "vary",
                                         "loudness", "bits", "rate", NULL};
  yaml_node_t* root = yaml_document_get_root_node(&s.doc);
  char         message[512];
  char*        out_dir = NULL;
  if (!root || root->type != YAML_MAPPING_NODE) {
    spec_error(&s, root, "a spec is a mapping: seed, and items or template (docs/batch.md, \"Plans\")");
  } else {
    const char* slash = strrchr(out_path, '/');
    out_dir           = slash ? strndup(out_path, (size_t)(slash - out_path) + (slash == out_path)) : strdup(".");
    check_keys(&s, root, top_keys, "the spec");
    yaml_node_t*       seed_node = map_get(&s, root, "seed");
    unsigned long long spec_seed = 0ULL;
    if (!seed_text && seed_node && whole_number(&s, seed_node, "seed", 0ULL, ULLONG_MAX, &spec_seed)) {
      seed = spec_seed;
    }
    yaml_node_t* list = map_get(&s, root, "items");
    if (list && map_get(&s, root, "template")) {
      spec_error(&s, list, "a spec has `items` or `template`, not both");
    } else if (list) {
      plan_items(&s, list, out_dir, &items);
    } else if (map_get(&s, root, "template")) {
      plan_template(&s, root, seed, out_dir, &items);
    } else {
      spec_error(&s, root, "a spec needs `items` (a list of manifest items) or `template` (a session to vary)");
    }
  }
  if (!s.errors) {
    qsort(items.items, items.n, sizeof *items.items, compare_items);
  }
  char* text = s.errors ? NULL : manifest_text(&items);
  int   rc   = s.errors ? CLI_USAGE : CLI_OK;
  if (text && (!batch_make_parents(out_path, message, sizeof message) ||
               !batch_write_atomic(out_path, text, message, sizeof message))) {
    fprintf(stderr, "%s: error: %s\n", out_path, message);
    rc = CLI_FAILED;
  } else if (text) {
    fprintf(stderr, "%s: %zu items (seed %llu)\n", out_path, items.n, (unsigned long long)seed);
  } else if (!s.errors) {
    fprintf(stderr, "%s: error: out of memory: nothing written\n", out_path);
    rc = CLI_FAILED;
  }
  free(text);
  free(out_dir);
  items_free(&items);
  spec_free(&s);
  return rc;
}
