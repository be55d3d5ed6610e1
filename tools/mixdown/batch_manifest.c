// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The manifest of `mixdown batch`: JSON Lines, one item per line
// (docs/batch.md).  Every line is checked and every bad one reported as
// `FILE:LINE: error: …`, so a user fixes them all in one go; nothing runs
// while any is bad.

#include "batch.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* const item_keys[] = {"id", "session", "output", "set", "loudness", "bits", "rate", "stems"};
enum { N_ITEM_KEYS = sizeof item_keys / sizeof item_keys[0] };

static size_t
edit_distance(const char* a, const char* b)
{
  const size_t nb = strlen(b);
  size_t       row[nb + 1U];
  for (size_t j = 0U; j <= nb; ++j) {
    row[j] = j;
  }
  for (size_t i = 1U; a[i - 1U]; ++i) {
    size_t diagonal = row[0];
    row[0]          = i;
    for (size_t j = 1U; j <= nb; ++j) {
      const size_t above = row[j];
      const size_t cost  = a[i - 1U] == b[j - 1U] ? 0U : 1U;
      size_t       best  = diagonal + cost;
      best               = row[j] + 1U < best ? row[j] + 1U : best;
      best               = row[j - 1U] + 1U < best ? row[j - 1U] + 1U : best;
      row[j]             = best;
      diagonal           = above;
    }
  }
  return row[nb];
}

const char*
batch_nearest(const char* name, const char* const* names, size_t n)
{
  const char* best          = NULL;
  size_t      best_distance = SIZE_MAX;
  size_t      best_prefix   = 0U;
  for (size_t i = 0U; i < n; ++i) {
    const size_t d      = edit_distance(name, names[i]);
    size_t       prefix = 0U;
    while (name[prefix] && name[prefix] == names[i][prefix]) {
      ++prefix;
    }
    // Ties go to the longer shared start: `gain` means gain_db, not pan.
    if (d < best_distance || (d == best_distance && prefix > best_prefix)) {
      best          = names[i];
      best_distance = d;
      best_prefix   = prefix;
    }
  }
  return best;
}

char*
batch_join(const char* dir, const char* path)
{
  if (path[0] == '/' || !strcmp(dir, ".")) {
    return strdup(path);
  }
  const size_t n   = strlen(dir) + strlen(path) + 2U;
  char*        out = malloc(n);
  if (out) {
    snprintf(out, n, "%s/%s", dir, path);
  }
  return out;
}

static char*
folder_of(const char* path)
{
  const char* slash = strrchr(path, '/');
  if (!slash) {
    return strdup(".");
  }
  return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* ------------------------------------------------------------------------ */
/* One line                                                                  */

typedef struct {
  const char* file;
  unsigned    line;
  int         errors;
} LineCheck;

static void
line_error(LineCheck* c, const char* format, ...) __attribute__((format(printf, 2, 3)));

static void
line_error(LineCheck* c, const char* format, ...)
{
  va_list args;
  va_start(args, format);
  if (c->line) {
    fprintf(stderr, "%s:%u: error: ", c->file, c->line);
  } else { // a place of its own (batch plan: SPEC:LINE:COLUMN)
    fprintf(stderr, "%s: error: ", c->file);
  }
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  ++c->errors;
}

static const char*
json_kind(const json_t* value)
{
  switch (json_typeof(value)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "a list";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  default: return "null";
  }
}

static const char*
required_string(LineCheck* c, const json_t* object, const char* key)
{
  const json_t* value = json_object_get(object, key);
  if (!value) {
    line_error(c, "missing key `%s` (id, session and output are required)", key);
    return NULL;
  }
  if (!json_is_string(value) || !json_string_length(value)) {
    line_error(c, "`%s` must be a non-empty string, not %s", key, json_kind(value));
    return NULL;
  }
  return json_string_value(value);
}

static void
check_keys(LineCheck* c, const json_t* object)
{
  const char* key = NULL;
  json_t*     value;
  json_object_foreach((json_t*)object, key, value)
  {
    bool known = false;
    for (size_t i = 0U; i < N_ITEM_KEYS; ++i) {
      known = known || !strcmp(key, item_keys[i]);
    }
    if (!known) {
      line_error(c, "unknown key `%s` (did you mean `%s`?)", key, batch_nearest(key, item_keys, N_ITEM_KEYS));
    }
  }
}

static void
check_bits(LineCheck* c, const json_t* value, BatchItem* item)
{
  const json_int_t bits = json_is_integer(value) ? json_integer_value(value) : 0;
  if (bits == 16 || bits == 24 || bits == 32) {
    item->format = bits == 16 ? MIXDOWN_FORMAT_PCM_16 : bits == 24 ? MIXDOWN_FORMAT_PCM_24 : MIXDOWN_FORMAT_PCM_32;
  } else if (json_is_string(value) && !strcmp(json_string_value(value), "float")) {
    item->format = MIXDOWN_FORMAT_FLOAT;
  } else {
    line_error(c, "`bits` must be 16, 24, 32 or \"float\", not %s", json_is_integer(value) ? "that number"
                                                                                          : json_kind(value));
  }
}

static void
check_rate(LineCheck* c, const json_t* value, BatchItem* item)
{
  const json_int_t rate = json_is_integer(value) ? json_integer_value(value) : 0;
  if (rate < 8000 || rate > 384000) {
    line_error(c, "`rate` must be a whole number of Hz, 8000 … 384000, not %s",
               json_is_integer(value) ? "that" : json_kind(value));
    return;
  }
  item->rate_hz = (uint32_t)rate;
}

static void
check_preset(LineCheck* c, const char* name, BatchItem* item)
{
  if (mixdown_loudness_preset(name, &item->target_lufs, &item->true_peak_db) == MIXDOWN_SUCCESS) {
    return;
  }
  const char* names[32];
  size_t      n = 0U;
  for (uint32_t i = 0U; n < 32U && mixdown_loudness_preset_name(i); ++i) {
    names[n++] = mixdown_loudness_preset_name(i);
  }
  line_error(c, "unknown loudness preset `%s` (did you mean `%s`?)", name, batch_nearest(name, names, n));
}

// {"target_lufs": -14, "true_peak_db": -1} (true_peak_db optional: -1).
static void
check_loudness_object(LineCheck* c, const json_t* value, BatchItem* item)
{
  static const char* const keys[] = {"target_lufs", "true_peak_db"};
  const char*              key    = NULL;
  json_t*                  field;
  item->true_peak_db = -1.0;
  item->target_lufs  = NAN;
  json_object_foreach((json_t*)value, key, field)
  {
    const bool target = !strcmp(key, "target_lufs");
    if (!target && strcmp(key, "true_peak_db")) {
      line_error(c, "unknown key `loudness.%s` (did you mean `%s`?)", key, batch_nearest(key, keys, 2U));
      continue;
    }
    const double x = json_is_number(field) ? json_number_value(field) : NAN;
    if (target ? !(x >= -70.0 && x <= -5.0) : !(x >= -20.0 && x <= 0.0)) {
      line_error(c, "`loudness.%s` must be a number, %s, not %s", key, target ? "-70 … -5 LUFS" : "-20 … 0 dBTP",
                 json_is_number(field) ? "that one" : json_kind(field));
      continue;
    }
    *(target ? &item->target_lufs : &item->true_peak_db) = x;
  }
  if (isnan(item->target_lufs)) {
    line_error(c, "`loudness` needs `target_lufs` (or is a preset name such as \"streaming\")");
  }
}

static void
check_loudness(LineCheck* c, const json_t* value, BatchItem* item)
{
  item->normalize = true;
  if (json_is_string(value)) {
    check_preset(c, json_string_value(value), item);
  } else if (json_is_object(value)) {
    check_loudness_object(c, value, item);
  } else {
    line_error(c, "`loudness` must be a preset name or {\"target_lufs\": …, \"true_peak_db\": …}, not %s",
               json_kind(value));
  }
}

static void
check_set(LineCheck* c, const json_t* value, BatchItem* item)
{
  if (!json_is_object(value)) {
    line_error(c, "`set` must be an object of ADDRESS: VALUE, not %s", json_kind(value));
    return;
  }
  const char* address = NULL;
  json_t*     v;
  json_object_foreach((json_t*)value, address, v)
  {
    if (address[0] != '/') {
      line_error(c, "`set`: `%s` is not an address (they start with `/`, as /track/NAME/gain_db)", address);
    } else if (!json_is_number(v) && !json_is_boolean(v) && !json_is_string(v)) {
      line_error(c, "`set`: %s must be a number, a boolean or a string, not %s", address, json_kind(v));
    }
  }
  item->set = value;
}

static void
check_stems(LineCheck* c, const json_t* value, const BatchManifest* m, BatchItem* item)
{
  if (!json_is_string(value) || !json_string_length(value)) {
    line_error(c, "`stems` must be a folder name, not %s", json_kind(value));
    return;
  }
  item->stems_dir = batch_join(m->out_dir, json_string_value(value));
}

static void
check_session_exists(LineCheck* c, const char* given, const char* resolved)
{
  struct stat st;
  if (stat(resolved, &st) != 0) {
    line_error(c, "session `%s` (%s): %s", given, resolved, strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    line_error(c, "session `%s` (%s) is not a file", given, resolved);
  }
}

// Checks one parsed line and fills `item`; its errors are counted in `c`.
static void
check_item(LineCheck* c, json_t* object, const BatchManifest* m, BatchItem* item)
{
  item->json = object;
  check_keys(c, object);
  item->id                = required_string(c, object, "id");
  const char* session     = required_string(c, object, "session");
  const char* output      = required_string(c, object, "output");
  item->session_path      = session ? batch_join(m->dir, session) : NULL;
  item->output_path       = output ? batch_join(m->out_dir, output) : NULL;
  const json_t* set       = json_object_get(object, "set");
  const json_t* loudness  = json_object_get(object, "loudness");
  const json_t* bits      = json_object_get(object, "bits");
  const json_t* rate      = json_object_get(object, "rate");
  const json_t* stems     = json_object_get(object, "stems");
  if (session) {
    check_session_exists(c, session, item->session_path);
  }
  if (set) {
    check_set(c, set, item);
  }
  if (loudness) {
    check_loudness(c, loudness, item);
  }
  if (bits) {
    check_bits(c, bits, item);
  }
  if (rate) {
    check_rate(c, rate, item);
  }
  if (stems) {
    check_stems(c, stems, m, item);
  }
}

static void
item_clear(BatchItem* item)
{
  json_decref(item->json);
  free(item->session_path);
  free(item->output_path);
  free(item->stems_dir);
  memset(item, 0, sizeof *item);
}

int
batch_item_check(json_t* object, const char* where, const char* dir)
{
  LineCheck     c    = {where, 0U, 0};
  BatchManifest m    = {.dir = strdup(dir), .out_dir = strdup(dir)};
  BatchItem     item = {0};
  if (m.dir && m.out_dir) {
    check_item(&c, json_incref(object), &m, &item);
    item_clear(&item);
  }
  const int errors = m.dir && m.out_dir ? c.errors : 1;
  free(m.dir);
  free(m.out_dir);
  return errors;
}

void
batch_manifest_free(BatchManifest* m)
{
  for (size_t i = 0U; i < m->n_items; ++i) {
    item_clear(&m->items[i]);
  }
  free(m->items);
  free(m->dir);
  free(m->out_dir);
  memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------------ */
/* Across lines: ids and outputs unique                                      */

static int
compare_by_key(const void* a, const void* b)
{
  const char* const* x = a;
  const char* const* y = b;
  const int          d = strcmp(x[0], y[0]);
  return d ? d : (x[1] > y[1]) - (x[1] < y[1]);
}

// Pairs (key, item) sorted by key: equal keys side by side, first line first.
static int
check_unique(const BatchManifest* m, const char* what)
{
  const char** pairs  = calloc(2U * (m->n_items + 1U), sizeof *pairs);
  int          errors = 0;
  size_t       n      = 0U;
  for (size_t i = 0U; pairs && i < m->n_items; ++i) {
    const char* key = m->items[i].id;
    if (key) {
      pairs[2U * n]      = key;
      pairs[2U * n + 1U] = (const char*)&m->items[i];
      ++n;
    }
  }
  if (pairs) {
    qsort(pairs, n, 2U * sizeof *pairs, compare_by_key);
  }
  for (size_t i = 1U; pairs && i < n; ++i) {
    if (!strcmp(pairs[2U * i], pairs[2U * (i - 1U)])) {
      const BatchItem* first = (const BatchItem*)pairs[2U * (i - 1U) + 1U];
      const BatchItem* again = (const BatchItem*)pairs[2U * i + 1U];
      fprintf(stderr, "%s:%u: error: duplicate %s `%s` (line %u has it too)\n", m->path, again->line, what,
              pairs[2U * i], first->line);
      ++errors;
    }
  }
  free(pairs);
  return errors;
}

// The absolute `path` with `.`, `..` and repeated slashes taken out, as
// text (the folders need not exist yet); malloc'd.
static char*
lexically_normal(const char* path)
{
  char*  out = malloc(strlen(path) + 2U);
  size_t n   = 0U;
  for (const char* p = path; out && *p;) {
    while (*p == '/') {
      ++p;
    }
    const size_t length = strcspn(p, "/");
    if (length == 2U && !strncmp(p, "..", 2U)) {
      while (n > 0U && out[--n] != '/') {
      }
    } else if (length && !(length == 1U && *p == '.')) {
      out[n++] = '/';
      memcpy(out + n, p, length);
      n += length;
    }
    p += length;
  }
  if (out) {
    if (!n) {
      out[n++] = '/';
    }
    out[n] = '\0';
  }
  return out;
}

// `path` as one spelling: absolute and lexically normal, its folder
// through realpath() when it exists (symbolic links followed); malloc'd.
static char*
canonical_path(const char* path)
{
  char  cwd[4096];
  char* absolute = path[0] == '/' ? strdup(path) : getcwd(cwd, sizeof cwd) ? batch_join(cwd, path) : NULL;
  char* normal   = absolute ? lexically_normal(absolute) : NULL;
  free(absolute);
  char* slash = normal ? strrchr(normal, '/') : NULL;
  if (!slash || slash == normal) {
    return normal;
  }
  *slash     = '\0';
  char* real = realpath(normal, NULL);
  char* out  = batch_join(real ? real : normal, slash + 1);
  free(real);
  free(normal);
  return out;
}

static char* const* sorted_writes; // compare_writes' table (one thread: the manifest is read before any run)

static int
compare_writes(const void* a, const void* b)
{
  const size_t x = *(const size_t*)a, y = *(const size_t*)b;
  const int    d = strcmp(sorted_writes[x], sorted_writes[y]);
  return d ? d : (x > y) - (x < y);
}

static int
compare_strings_at(const void* a, const void* b)
{
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

// Writes that would land on something else of the run: two items' outputs
// or stems folders however spelt (`mix/a.wav`, `./mix/a.wav`), or an
// output, a sidecar or a stems folder on the manifest or on a session.
static int
check_outputs(const BatchManifest* m)
{
  enum { OUTPUT, SIDECAR, FAILED, STEMS, KINDS };
  static const char* const kind_name[KINDS] = {"output", "sidecar", "failure record", "stems folder"};
  const size_t n      = m->n_items;
  char**       writes = calloc(KINDS * n + 1U, sizeof *writes);
  char**       reads  = calloc(n + 2U, sizeof *reads);
  int          errors = 0;
  for (size_t i = 0U; writes && reads && i < n; ++i) {
    const BatchItem* it = &m->items[i];
    char* sidecar       = it->output_path ? batch_sidecar_path(it->output_path, ".json") : NULL;
    char* failed        = it->output_path ? batch_sidecar_path(it->output_path, ".failed.json") : NULL;
    writes[KINDS * i + OUTPUT]  = it->output_path ? canonical_path(it->output_path) : NULL;
    writes[KINDS * i + SIDECAR] = sidecar ? canonical_path(sidecar) : NULL;
    writes[KINDS * i + FAILED]  = failed ? canonical_path(failed) : NULL;
    writes[KINDS * i + STEMS]   = it->stems_dir ? canonical_path(it->stems_dir) : NULL;
    reads[i]                    = it->session_path ? realpath(it->session_path, NULL) : NULL;
    free(sidecar);
    free(failed);
  }
  if (reads) {
    reads[n] = realpath(m->path, NULL);
  }
  // Sorted, so that a catalogue of 100 000 items costs a sort, not 10^10 comparisons.
  size_t* order = calloc(KINDS * n + 1U, sizeof *order);
  size_t  n_w   = 0U;
  for (size_t a = 0U; order && a < KINDS * n; ++a) {
    if (writes[a]) {
      order[n_w++] = a;
    }
  }
  sorted_writes = writes;
  if (order) {
    qsort(order, n_w, sizeof *order, compare_writes);
  }
  for (size_t k = 1U; order && k < n_w; ++k) {
    const size_t a = order[k - 1U], b = order[k];
    if (!strcmp(writes[a], writes[b]) && a / KINDS != b / KINDS) {
      const size_t first = a < b ? a : b, again = a < b ? b : a;
      fprintf(stderr, "%s:%u: error: the %s %s is line %u's %s too\n", m->path, m->items[again / KINDS].line,
              kind_name[again % KINDS], writes[again], m->items[first / KINDS].line, kind_name[first % KINDS]);
      ++errors;
    }
  }
  char** known = calloc(n + 2U, sizeof *known); // the reads there are, sorted
  size_t n_r   = 0U;
  for (size_t r = 0U; known && reads && r <= n; ++r) {
    if (reads[r]) {
      known[n_r++] = reads[r];
    }
  }
  if (known) {
    qsort(known, n_r, sizeof *known, compare_strings_at);
  }
  char* manifest = realpath(m->path, NULL);
  for (size_t a = 0U; known && a < KINDS * n; ++a) {
    if (writes[a] && bsearch(&writes[a], known, n_r, sizeof *known, compare_strings_at)) {
      const bool is_manifest = manifest && !strcmp(writes[a], manifest);
      fprintf(stderr, "%s:%u: error: the %s %s would replace %s: nothing may overwrite what the run reads\n", m->path,
              m->items[a / KINDS].line, kind_name[a % KINDS], writes[a],
              is_manifest ? "the manifest" : "a session of the manifest");
      ++errors;
    }
  }
  free(manifest);
  free(known);
  free(order);
  for (size_t i = 0U; writes && i < KINDS * n; ++i) {
    free(writes[i]);
  }
  for (size_t i = 0U; reads && i <= n; ++i) {
    free(reads[i]);
  }
  free(writes);
  free(reads);
  return errors;
}

/* ------------------------------------------------------------------------ */
/* Addresses: each session opened once                                      */

typedef struct {
  char**  names;
  size_t  n;
  size_t  capacity;
} AddressList;

static int
collect_address(void* user_data, const char* address)
{
  AddressList* list = user_data;
  if (list->n == list->capacity) {
    const size_t capacity = list->capacity ? 2U * list->capacity : 256U;
    char**       grown    = realloc(list->names, capacity * sizeof *grown);
    if (!grown) {
      return 1;
    }
    list->names    = grown;
    list->capacity = capacity;
  }
  list->names[list->n] = strdup(address);
  list->n += list->names[list->n] != NULL;
  return 0;
}


static void
address_list_free(AddressList* list)
{
  for (size_t i = 0U; i < list->n; ++i) {
    free(list->names[i]);
  }
  free(list->names);
}

// The addresses of the session at `path` (sorted), or an empty list when
// it does not open: that item then fails when it runs, with the reason.
// The editor stays open in *editor (the caller frees it).
static AddressList
session_addresses(const char* path, MixdownEditor** editor)
{
  AddressList list = {0};
  if (mixdown_editor_open(path, NULL, NULL, editor) == MIXDOWN_SUCCESS) {
    mixdown_editor_addresses(*editor, collect_address, &list);
    qsort(list.names, list.n, sizeof *list.names, compare_strings_at);
  }
  return list;
}

// The list holds every value's address in its numbered form; the editor
// also takes the other spellings (`insert/eq/…` by type, as plan may write).
static bool
has_address(const AddressList* list, MixdownEditor* editor, const char* address)
{
  if (bsearch(&address, list->names, list->n, sizeof *list->names, compare_strings_at)) {
    return true;
  }
  char*       value = NULL;
  const char* unit  = NULL;
  const bool  found = editor && mixdown_editor_get(editor, address, &value, &unit) == MIXDOWN_SUCCESS;
  free(value);
  return found;
}

static int
check_item_addresses(const BatchManifest* m, const BatchItem* item, const AddressList* list, MixdownEditor* editor)
{
  int         errors  = 0;
  const char* address = NULL;
  json_t*     value;
  if (!item->set || !list->n) {
    return 0;
  }
  json_object_foreach((json_t*)item->set, address, value)
  {
    if (!has_address(list, editor, address)) {
      fprintf(stderr, "%s:%u: error: `set`: %s names nothing in %s (did you mean %s?)\n", m->path, item->line,
              address, item->session_path, batch_nearest(address, (const char* const*)list->names, list->n));
      ++errors;
    }
  }
  return errors;
}

// Items sharing a session are checked against one opening of it.
static int
check_addresses(const BatchManifest* m)
{
  int          errors = 0;
  const char** done   = calloc(m->n_items + 1U, sizeof *done);
  size_t       n_done = 0U;
  for (size_t i = 0U; done && i < m->n_items; ++i) {
    const char* path = m->items[i].session_path;
    bool        seen = false;
    for (size_t j = 0U; path && j < n_done && !seen; ++j) {
      seen = !strcmp(done[j], path);
    }
    if (!path || seen || !m->items[i].set) {
      continue;
    }
    done[n_done++]   = path;
    MixdownEditor* editor = NULL;
    AddressList    list   = session_addresses(path, &editor);
    for (size_t k = i; k < m->n_items; ++k) {
      if (m->items[k].session_path && !strcmp(m->items[k].session_path, path)) {
        errors += check_item_addresses(m, &m->items[k], &list, editor);
      }
    }
    address_list_free(&list);
    mixdown_editor_free(editor);
  }
  free(done);
  return errors;
}

/* ------------------------------------------------------------------------ */
/* The file                                                                  */

static bool
is_skipped_line(const char* text)
{
  text += strspn(text, " \t\r\n");
  return !*text || *text == '#';
}

static int
parse_line(BatchManifest* m, const char* text, unsigned line)
{
  LineCheck    c = {m->path, line, 0};
  json_error_t error;
  json_t*      object = json_loads(text, JSON_REJECT_DUPLICATES, &error);
  if (!object) {
    fprintf(stderr, "%s:%u: error: not JSON: %s (column %d)\n", m->path, line, error.text,
            error.column > 0 ? error.column : (int)strcspn(text, "\r\n") + 1);
    return 1;
  }
  if (!json_is_object(object)) {
    line_error(&c, "an item is a JSON object ({\"id\": …, \"session\": …, \"output\": …}), not %s",
               json_kind(object));
    json_decref(object);
    return 1;
  }
  BatchItem* item = &m->items[m->n_items++];
  memset(item, 0, sizeof *item);
  item->line = line;
  check_item(&c, object, m, item);
  return c.errors;
}

static int
read_lines(FILE* f, BatchManifest* m)
{
  char*    text     = NULL;
  size_t   size     = 0U;
  size_t   capacity = 0U;
  unsigned line     = 0U;
  int      errors   = 0;
  while (getline(&text, &size, f) >= 0) {
    ++line;
    if (is_skipped_line(text)) {
      continue;
    }
    if (m->n_items == capacity) {
      capacity         = capacity ? 2U * capacity : 64U;
      BatchItem* grown = realloc(m->items, capacity * sizeof *grown);
      if (!grown) {
        fprintf(stderr, "%s: error: out of memory\n", m->path);
        ++errors;
        break;
      }
      m->items = grown;
    }
    errors += parse_line(m, text, line);
  }
  free(text);
  return errors;
}

int
batch_manifest_read(const char* path, const char* out_dir, bool check_sessions, BatchManifest* m)
{
  memset(m, 0, sizeof *m);
  m->path    = path;
  m->dir     = folder_of(path);
  m->out_dir = strdup(out_dir ? out_dir : m->dir);
  FILE* f    = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
    batch_manifest_free(m);
    return CLI_USAGE;
  }
  int errors = read_lines(f, m);
  fclose(f);
  errors += check_unique(m, "id");
  errors += check_outputs(m);
  if (check_sessions) {
    errors += check_addresses(m);
  }
  if (errors) {
    fprintf(stderr, "%s: %d error%s: nothing run\n", path, errors, errors == 1 ? "" : "s");
    batch_manifest_free(m);
    return CLI_USAGE;
  }
  return CLI_OK;
}
