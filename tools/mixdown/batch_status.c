// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown batch status` (what is done, missing, failed; the shards to
// rerun in Slurm's --array= syntax) and `mixdown batch collect` (every
// sidecar as one JSON Lines file).  Both read sidecars only: nothing is
// opened or rendered, so they are cheap on a login node.

#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char status_usage[] =
  "usage: mixdown batch status MANIFEST --shards N [--out DIR] [--json]\n"
  "\n"
  "Counts the items done (OUTPUT and OUTPUT.json there), failed (OUTPUT.failed.json\n"
  "there) and missing (neither), and names the shards of N holding anything not done,\n"
  "in Slurm's --array= syntax.  Prints exactly:\n"
  "  items M\n  done D\n  missing S\n  failed F\n  array LIST      (e.g. 3,7-9; empty when all is done)\n"
  "and on stderr one line per item not done.  --json prints one object instead:\n"
  "  {\"items\": M, \"done\": D, \"missing\": S, \"failed\": F, \"shards\": [3, 7, 8, 9], \"array\": \"3,7-9\"}\n"
  "Exit codes: 0 all done, 1 something is missing or failed, 2 a usage or manifest error.\n";

static const char collect_usage[] =
  "usage: mixdown batch collect MANIFEST [-o RESULTS.jsonl] [--out DIR]\n"
  "\n"
  "Every item's sidecar (OUTPUT.json), in manifest order, one JSON object per line,\n"
  "to RESULTS.jsonl (written atomically) or stdout.  Items not done are left out and\n"
  "named on stderr.  Exit codes: 0 every item is there, 1 some are not, 2 usage.\n";

typedef enum { ITEM_DONE, ITEM_MISSING, ITEM_FAILED } ItemState;

static bool
exists(const char* path)
{
  return path && access(path, F_OK) == 0;
}

static ItemState
item_state(const BatchItem* item)
{
  char*     failed  = batch_sidecar_path(item->output_path, ".failed.json");
  char*     sidecar = batch_sidecar_path(item->output_path, ".json");
  ItemState state   = exists(failed) ? ITEM_FAILED
                      : exists(sidecar) && exists(item->output_path) ? ITEM_DONE
                                                                     : ITEM_MISSING;
  free(failed);
  free(sidecar);
  return state;
}

// "3,7-9" from a sorted list of shard numbers.
static void
append_array(char** text, size_t* used, size_t first, size_t last)
{
  char part[48];
  const int n = first == last ? snprintf(part, sizeof part, "%s%zu", *used ? "," : "", first)
                              : snprintf(part, sizeof part, "%s%zu-%zu", *used ? "," : "", first, last);
  char* grown = realloc(*text, *used + (size_t)n + 1U);
  if (grown) {
    memcpy(grown + *used, part, (size_t)n + 1U);
    *text = grown;
    *used += (size_t)n;
  }
}

static char*
slurm_array(const size_t* shards, size_t n)
{
  char*  text = calloc(1U, 1U);
  size_t used = 0U;
  for (size_t i = 0U; text && i < n;) {
    size_t j = i;
    while (j + 1U < n && shards[j + 1U] == shards[j] + 1U) {
      ++j;
    }
    append_array(&text, &used, shards[i], shards[j]);
    i = j + 1U;
  }
  return text;
}

typedef struct {
  size_t  counts[3];
  size_t* shards; ///< Shards holding anything not done, ascending
  size_t  n_shards;
} Status;

static void
tally(const BatchManifest* m, size_t n_shards, Status* s)
{
  for (size_t k = 0U; k < n_shards; ++k) {
    const BatchSlice slice  = batch_shard(k, n_shards, m->n_items);
    bool             behind = false;
    for (size_t i = slice.first; i < slice.end; ++i) {
      const ItemState state = item_state(&m->items[i]);
      ++s->counts[state];
      behind = behind || state != ITEM_DONE;
      if (state != ITEM_DONE) {
        fprintf(stderr, "%s %s (line %u, shard %zu)\n", state == ITEM_FAILED ? "failed" : "missing",
                m->items[i].id, m->items[i].line, k);
      }
    }
    if (behind) {
      s->shards[s->n_shards++] = k;
    }
  }
}

static void
print_status(const BatchManifest* m, const Status* s, const char* array, bool as_json)
{
  if (!as_json) {
    printf("items %zu\ndone %zu\nmissing %zu\nfailed %zu\narray %s\n", m->n_items, s->counts[ITEM_DONE],
           s->counts[ITEM_MISSING], s->counts[ITEM_FAILED], array);
    return;
  }
  json_t* shards = json_array();
  for (size_t i = 0U; i < s->n_shards; ++i) {
    json_array_append_new(shards, json_integer((json_int_t)s->shards[i]));
  }
  json_t* out = json_pack("{s:I, s:I, s:I, s:I, s:o, s:s}", "items", (json_int_t)m->n_items, "done",
                          (json_int_t)s->counts[ITEM_DONE], "missing", (json_int_t)s->counts[ITEM_MISSING], "failed",
                          (json_int_t)s->counts[ITEM_FAILED], "shards", shards, "array", array);
  json_dumpf(out, stdout, 0);
  putchar('\n');
  json_decref(out);
}

static int
parse_status_args(int argc, char** argv, const char** manifest, const char** out_dir, size_t* n_shards,
                  bool* as_json)
{
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (!strcmp(a, "--json")) {
      *as_json = true;
    } else if ((!strcmp(a, "--shards") || !strcmp(a, "--out")) && i + 1 < argc) {
      const char* v = argv[++i];
      if (a[2] == 'o') {
        *out_dir = v;
      } else if (!batch_parse_count(v, n_shards) || *n_shards < 1U || *n_shards > BATCH_MAX_SHARDS) {
        fprintf(stderr, "mixdown batch status: --shards must be a whole number of 1 … %u, not `%s`\n",
                BATCH_MAX_SHARDS, v);
        return CLI_USAGE;
      }
    } else if (a[0] != '-' && !*manifest) {
      *manifest = a;
    } else {
      fprintf(stderr, "mixdown batch status: unexpected `%s` (see mixdown batch status --help)\n", a);
      return CLI_USAGE;
    }
  }
  if (!*manifest || !*n_shards) {
    fprintf(stderr, "mixdown batch status: give MANIFEST and --shards N (see mixdown batch status --help)\n");
    return CLI_USAGE;
  }
  return CLI_OK;
}

int
cmd_batch_status(int argc, char** argv)
{
  if (argc > 1 && cli_is_help(argv[1])) {
    fputs(status_usage, stdout);
    return CLI_OK;
  }
  const char*   path = NULL;
  const char*   out  = NULL;
  size_t        n    = 0U;
  bool          json = false;
  BatchManifest m;
  int           rc = parse_status_args(argc, argv, &path, &out, &n, &json);
  if (rc != CLI_OK || (rc = batch_manifest_read(path, out, false, &m)) != CLI_OK) {
    return rc;
  }
  Status s = {{0}, calloc(n, sizeof(size_t)), 0U};
  char*  array = NULL;
  if (s.shards) {
    tally(&m, n, &s);
    array = slurm_array(s.shards, s.n_shards);
  }
  if (array) {
    print_status(&m, &s, array, json);
  }
  rc = !array ? CLI_FAILED : s.counts[ITEM_DONE] == m.n_items ? CLI_OK : CLI_FAILED;
  free(array);
  free(s.shards);
  batch_manifest_free(&m);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* collect                                                                   */

// Appends item `item`'s sidecar as one line to `*text`; false when it is
// not done (as status counts: a failure after an older success is not done).
static bool
append_sidecar(const BatchItem* item, char** text, size_t* used)
{
  char*   path    = batch_sidecar_path(item->output_path, ".json");
  json_t* sidecar = path && item_state(item) == ITEM_DONE ? batch_sidecar_read(path) : NULL;
  char*   line    = sidecar ? json_dumps(sidecar, JSON_COMPACT) : NULL;
  const size_t n  = line ? strlen(line) : 0U;
  char*   grown   = line ? realloc(*text, *used + n + 2U) : NULL;
  if (grown) {
    memcpy(grown + *used, line, n);
    memcpy(grown + *used + n, "\n", 2U);
    *text = grown;
    *used += n + 1U;
  }
  free(line);
  json_decref(sidecar);
  free(path);
  return grown != NULL;
}

int
cmd_batch_collect(int argc, char** argv)
{
  if (argc > 1 && cli_is_help(argv[1])) {
    fputs(collect_usage, stdout);
    return CLI_OK;
  }
  const char* path = NULL;
  const char* out  = NULL;
  const char* dest = NULL;
  for (int i = 1; i < argc; ++i) {
    const bool valued = !strcmp(argv[i], "-o") || !strcmp(argv[i], "--output") || !strcmp(argv[i], "--out");
    if (valued && i + 1 < argc) {
      *(strcmp(argv[i], "--out") ? &dest : &out) = argv[i + 1];
      ++i;
    } else if (argv[i][0] != '-' && !path) {
      path = argv[i];
    } else {
      fprintf(stderr, "mixdown batch collect: unexpected `%s` (see mixdown batch collect --help)\n", argv[i]);
      return CLI_USAGE;
    }
  }
  if (!path) {
    fprintf(stderr, "mixdown batch collect: which manifest? (see mixdown batch collect --help)\n");
    return CLI_USAGE;
  }
  BatchManifest m;
  if (batch_manifest_read(path, out, false, &m) != CLI_OK) {
    return CLI_USAGE;
  }
  char*  text    = calloc(1U, 1U);
  size_t used    = 0U;
  size_t missing = 0U;
  for (size_t i = 0U; text && i < m.n_items; ++i) {
    if (!append_sidecar(&m.items[i], &text, &used)) {
      fprintf(stderr, "mixdown batch collect: %s (line %u) is not done\n", m.items[i].id, m.items[i].line);
      ++missing;
    }
  }
  char message[300] = "out of memory";
  bool written      = text && (dest ? batch_write_atomic(dest, text, message, sizeof message)
                                    : fwrite(text, 1U, used, stdout) == used);
  if (!written) {
    fprintf(stderr, "mixdown batch collect: %s\n", dest ? message : "cannot write to stdout");
  }
  free(text);
  batch_manifest_free(&m);
  return written && !missing ? CLI_OK : CLI_FAILED;
}
