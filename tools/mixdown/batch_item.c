// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// One item of `mixdown batch run`: the session opened in an editor, the
// item's `set` applied in memory (the user's file is never written), its
// recipe hashed, then skipped (same recipe, output there) or rendered and
// its sidecar written.

#include "batch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

// The first error the library reports (a source that does not decode, a
// refused value), kept for the item's failure.
typedef struct {
  char text[400];
} FirstError;

static void
keep_first_error(void* user_data, const MixdownDiagnostic* d)
{
  FirstError* e = user_data;
  if (d->severity == MIXDOWN_SEVERITY_ERROR && !e->text[0]) {
    if (d->line) {
      snprintf(e->text, sizeof e->text, "%s:%u:%u: %s", d->file, d->line, d->column, d->message);
    } else {
      snprintf(e->text, sizeof e->text, "%s: %s", d->file, d->message);
    }
  }
}

static MixdownStatus
apply_one(MixdownEditor* editor, const char* address, const json_t* value)
{
  if (json_is_number(value)) {
    return mixdown_editor_set_number(editor, address, json_number_value(value));
  }
  if (json_is_boolean(value)) {
    return mixdown_editor_set(editor, address, json_is_true(value) ? "true" : "false");
  }
  // A JSON string is a YAML double-quoted scalar: any text reads back as itself.
  char* quoted = json_dumps(value, JSON_ENCODE_ANY);
  if (!quoted) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const MixdownStatus st = mixdown_editor_set(editor, address, quoted);
  free(quoted);
  return st;
}

static bool
apply_set(MixdownEditor* editor, const BatchItem* item, FirstError* error)
{
  const char* address = NULL;
  json_t*     value;
  json_object_foreach((json_t*)item->set, address, value)
  {
    const MixdownStatus st = apply_one(editor, address, value);
    if (st != MIXDOWN_SUCCESS) {
      if (!error->text[0]) {
        snprintf(error->text, sizeof error->text, "set %s: %s", address, mixdown_strerror(st));
      }
      return false;
    }
  }
  return true;
}

/* ------------------------------------------------------------------------ */
/* The recipe                                                                */
/* The public API lists no sources, so every value of the session that      */
/* names an existing file (clips' `file`, impulse responses …) counts as    */
/* one: its path, size and modification time go into the hash.  Outputs are */
/* not sources.                                                              */

typedef struct {
  MixdownEditor*  editor;
  XXH3_state_t*   hash;
  const char*     session_dir;
} RecipeWalk;

static void
hash_bytes(XXH3_state_t* hash, const void* bytes, size_t n)
{
  const uint64_t length = n; // length first: no two sequences of fields hash alike
  XXH3_128bits_update(hash, &length, sizeof length);
  XXH3_128bits_update(hash, bytes, n);
}

static void
hash_source(RecipeWalk* w, const char* path)
{
  char*       full = batch_join(w->session_dir, path);
  struct stat st;
  if (full && stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
    const int64_t facts[3] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec, (int64_t)st.st_mtim.tv_nsec};
    // The path as the session writes it, not as found from here: the same
    // item has the same recipe however the manifest's path was typed
    // (`jobs.jsonl`, `$PWD/jobs.jsonl`) and after the tree moves.
    hash_bytes(w->hash, path, strlen(path));
    hash_bytes(w->hash, facts, sizeof facts);
  }
  free(full);
}

static int
visit_address(void* user_data, const char* address)
{
  RecipeWalk* w = user_data;
  if (!strncmp(address, "/output", 7U)) {
    return 0;
  }
  char*       value = NULL;
  const char* unit  = NULL;
  if (mixdown_editor_get_json(w->editor, address, &value, &unit) == MIXDOWN_SUCCESS && value && value[0] == '"') {
    json_t* text = json_loads(value, JSON_DECODE_ANY, NULL);
    if (json_is_string(text) && json_string_length(text)) {
      hash_source(w, json_string_value(text));
    }
    json_decref(text);
  }
  free(value);
  return 0;
}

static void
hash_deliverable(XXH3_state_t* hash, const BatchItem* item)
{
  const double numbers[5] = {(double)item->format, (double)item->rate_hz, item->normalize ? 1.0 : 0.0,
                             item->normalize ? item->target_lufs : 0.0, item->normalize ? item->true_peak_db : 0.0};
  hash_bytes(hash, numbers, sizeof numbers);
  // As the item gives them: the same recipe whatever --out is called.
  const char* output = json_string_value(json_object_get(item->json, "output"));
  const char* stems  = json_string_value(json_object_get(item->json, "stems"));
  hash_bytes(hash, output, strlen(output));
  hash_bytes(hash, stems ? stems : "", stems ? strlen(stems) : 0U);
  hash_bytes(hash, batch_build(), strlen(batch_build()));
}

// 32 hex digits of XXH3-128 over the edited text, the sources, the
// deliverable and the build.
static bool
recipe_of(MixdownEditor* editor, const BatchItem* item, char recipe[33])
{
  XXH3_state_t* hash = XXH3_createState();
  char*         dir  = strdup(item->session_path);
  if (!hash || !dir) {
    XXH3_freeState(hash);
    free(dir);
    return false;
  }
  char* slash = strrchr(dir, '/');
  if (slash) {
    slash[slash == dir ? 1 : 0] = '\0';
  }
  XXH3_128bits_reset(hash);
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(editor, &length);
  hash_bytes(hash, "mixdown-batch-recipe-1", 22U);
  hash_bytes(hash, text, length);
  RecipeWalk walk = {editor, hash, slash ? dir : "."};
  mixdown_editor_addresses(editor, visit_address, &walk);
  hash_deliverable(hash, item);
  const XXH128_hash_t h = XXH3_128bits_digest(hash);
  snprintf(recipe, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
  XXH3_freeState(hash);
  free(dir);
  return true;
}

/* ------------------------------------------------------------------------ */
/* Skip, render, sidecars                                                    */

static bool
already_done(const BatchItem* item, const char* recipe)
{
  char*       path    = batch_sidecar_path(item->output_path, ".json");
  json_t*     sidecar = path ? batch_sidecar_read(path) : NULL;
  const char* had     = json_string_value(json_object_get(sidecar, "recipe"));
  const bool  same    = had && !strcmp(had, recipe) && access(item->output_path, F_OK) == 0;
  json_decref(sidecar);
  free(path);
  return same;
}

static double
now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static MixdownStatus
render(const MixdownSession* session, const BatchItem* item, const BatchRunConfig* config,
       MixdownRenderReport* report)
{
  MixdownRenderOptions options = {0};
  options.size                 = sizeof options;
  options.output_path          = item->output_path;
  options.format               = item->format;
  options.output_rate          = item->rate_hz;
  options.threads              = config->threads;
  options.cancel               = config->cancel;
  options.normalize            = item->normalize;
  options.target_lufs          = item->target_lufs;
  options.true_peak_db         = item->true_peak_db;
  options.stems_dir            = item->stems_dir;
  options.cache_dir            = config->cache_dir;
  options.cache_limit_bytes    = config->cache_limit_bytes;
  options.temp_dir             = cli_temp_dir();
  memset(report, 0, sizeof *report);
  report->size = sizeof *report;
  return mixdown_render(session, &options, report);
}

// JSON has no infinity: silence measures null.
static json_t*
json_measure(double x)
{
  return isfinite(x) ? json_real(x) : json_null();
}

static bool
write_sidecar(const BatchItem* item, const char* recipe, const MixdownRenderReport* report, double seconds,
              char* message, size_t message_size)
{
  json_t* sidecar = json_object();
  json_object_set(sidecar, "item", item->json);
  json_object_set_new(sidecar, "recipe", json_string(recipe));
  json_object_set_new(sidecar, "loudness_lufs", json_measure(report->loudness_lufs));
  json_object_set_new(sidecar, "true_peak_dbtp", json_measure(report->true_peak_dbtp));
  json_object_set_new(sidecar, "peak_dbfs", json_measure(report->peak_dbfs));
  json_object_set_new(sidecar, "length_s", json_real(report->length_s));
  json_object_set_new(sidecar, "seconds", json_real(seconds));
  json_object_set_new(sidecar, "build", json_string(batch_build()));
  char* text = json_dumps(sidecar, JSON_INDENT(2));
  char* path = batch_sidecar_path(item->output_path, ".json");
  bool  ok   = text && path;
  if (ok) {
    const size_t n    = strlen(text);
    char*        line = realloc(text, n + 2U);
    text              = line ? line : text;
    ok                = line && (memcpy(line + n, "\n", 2U), batch_write_atomic(path, line, message, message_size));
  }
  free(text);
  free(path);
  json_decref(sidecar);
  return ok;
}

// OUTPUT.failed.json: the item, the error and the build; removed once the
// item succeeds.  Where even that cannot be written, stderr says so.
static void
write_failure(const BatchItem* item, const char* error)
{
  json_t* failure = json_object();
  json_object_set(failure, "item", item->json);
  json_object_set_new(failure, "error", json_string(error));
  json_object_set_new(failure, "build", json_string(batch_build()));
  char* text = json_dumps(failure, JSON_INDENT(2));
  char* path = batch_sidecar_path(item->output_path, ".failed.json");
  char  message[300];
  if (text && path && (!batch_make_parents(path, message, sizeof message) ||
                       !batch_write_atomic(path, text, message, sizeof message))) {
    fprintf(stderr, "mixdown batch: %s: %s\n", item->id, message);
  }
  free(text);
  free(path);
  json_decref(failure);
}

static void
remove_failure(const BatchItem* item)
{
  char* path = batch_sidecar_path(item->output_path, ".failed.json");
  if (path) {
    unlink(path); // usually there is none
  }
  free(path);
}

static BatchOutcome
render_and_record(MixdownEditor* editor, const BatchItem* item, const BatchRunConfig* config,
                  const char* recipe, char* message, size_t message_size)
{
  if (!batch_make_parents(item->output_path, message, message_size)) {
    return BATCH_FAILED;
  }
  MixdownRenderReport* report  = malloc(sizeof *report);
  const double         started = now_s();
  const MixdownStatus  st      = report ? render(mixdown_editor_session(editor), item, config, report)
                                        : MIXDOWN_ERR_NO_MEM;
  BatchOutcome outcome = BATCH_RENDERED;
  if (st == MIXDOWN_ERR_INTERRUPTED) {
    outcome = BATCH_INTERRUPTED;
  } else if (st != MIXDOWN_SUCCESS) {
    snprintf(message, message_size, "%s", report && report->message[0] ? report->message : mixdown_strerror(st));
    outcome = BATCH_FAILED;
  } else if (!write_sidecar(item, recipe, report, now_s() - started, message, message_size)) {
    outcome = BATCH_FAILED;
  }
  free(report);
  return outcome;
}

BatchOutcome
batch_item_run(const BatchItem* item, const BatchRunConfig* config, char* message, size_t message_size)
{
  FirstError     error  = {{0}};
  MixdownEditor* editor = NULL;
  char           recipe[33];
  BatchOutcome   outcome = BATCH_FAILED;
  message[0]             = '\0';
  if (mixdown_editor_open(item->session_path, keep_first_error, &error, &editor) != MIXDOWN_SUCCESS ||
      (item->set && !apply_set(editor, item, &error))) {
    snprintf(message, message_size, "%s", error.text[0] ? error.text : "the session does not open");
  } else if (!recipe_of(editor, item, recipe)) {
    snprintf(message, message_size, "out of memory");
  } else if (already_done(item, recipe)) {
    outcome = BATCH_SKIPPED;
  } else {
    outcome = render_and_record(editor, item, config, recipe, message, message_size);
  }
  mixdown_editor_free(editor);
  if (outcome == BATCH_FAILED) {
    write_failure(item, message);
  } else if (outcome != BATCH_INTERRUPTED) {
    remove_failure(item);
  }
  return outcome;
}
