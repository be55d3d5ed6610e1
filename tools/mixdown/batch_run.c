// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown batch run`: a slice of the manifest, J items at once, each
// render with a share of the cores; failures are listed and do not stop
// the others; a signal cancels the renders and leaves nothing partial.

#include "batch.h"

#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
  "usage: mixdown batch run MANIFEST (--index I | --shard K/N | --range A:B) [options]\n"
  "\n"
  "Render a slice of MANIFEST (JSON Lines, docs/batch.md): each output written\n"
  "atomically with a sidecar OUTPUT.json; an item whose sidecar carries the same\n"
  "recipe (and whose output exists) is skipped, so a rerun only does what is missing.\n"
  "\n"
  "  --index I         item I alone (items count from 0; blank and # lines are not items)\n"
  "  --shard K/N       shard K of N: items floor(K*M/N) … floor((K+1)*M/N)-1 of M\n"
  "  --range A:B       items A … B-1\n"
  "  --all             every item\n"
  "  --jobs J          J items at once (default 1), each render on cores/J threads\n"
  "  --cache DIR       the render cache (may be shared by many runs and machines)\n"
  "  --cache-limit B   keep the cache under B bytes (or 500M, 8G; 0: no limit)\n"
  "  --out DIR         outputs and stems relative to DIR (default: the manifest's folder)\n"
  "  -q, --quiet       no progress line, no summary\n"
  "\n"
  "Exit codes: 0 the whole slice is done, 1 an item failed, 2 a usage or manifest\n"
  "error (nothing run), 128+N stopped by signal N (nothing partial left).\n";

typedef struct {
  const char* manifest;
  const char* out_dir;
  const char* slice_option;
  const char* slice_value;
  size_t      jobs;
  bool        quiet;
  BatchRunConfig config;
} RunArgs;

static volatile int          cancelled  = 0;
static volatile sig_atomic_t stopped_by = 0;

static void
on_signal(int signum)
{
  stopped_by = signum;
  cancelled  = 1;
}

static void
catch_signals(void)
{
  struct sigaction action = {0};
  action.sa_handler       = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGHUP, &action, NULL);
  signal(SIGPIPE, SIG_IGN); // a closed stderr must not kill a render mid-write
}

static bool
is_slice_option(const char* a)
{
  return !strcmp(a, "--index") || !strcmp(a, "--shard") || !strcmp(a, "--range");
}

static int
usage_error(const char* format, const char* value)
{
  fputs("mixdown batch run: ", stderr);
  fprintf(stderr, format, value);
  fputs(" (see mixdown batch run --help)\n", stderr);
  return CLI_USAGE;
}

// BYTES, or with K, M, G or T (powers of 1024), as render's --cache-limit;
// 0 is no limit (UINT64_MAX).
static bool
parse_size(const char* text, uint64_t* bytes)
{
  static const char units[] = "KMGT";
  size_t            digits  = strspn(text, "0123456789");
  char              number[24];
  size_t            count = 0U;
  const char*       unit  = text[digits] && !text[digits + 1] ? strchr(units, toupper((unsigned char)text[digits])) : NULL;
  if (!digits || digits >= sizeof number || (text[digits] && !unit)) {
    return false;
  }
  memcpy(number, text, digits);
  number[digits] = '\0';
  if (!batch_parse_count(number, &count)) {
    return false;
  }
  const unsigned shift = unit ? 10U * (unsigned)(unit - units + 1) : 0U;
  if (count && (uint64_t)count > (UINT64_MAX >> shift) / 2U) {
    return false;
  }
  *bytes = count ? (uint64_t)count << shift : UINT64_MAX;
  return true;
}

static int
parse_value_option(const char* a, const char* value, RunArgs* args)
{
  if (is_slice_option(a)) {
    if (args->slice_option) {
      return usage_error("one of --index, --shard, --range, --all (`%s` is a second)", a);
    }
    args->slice_option = a;
    args->slice_value  = value;
  } else if (!strcmp(a, "--jobs")) {
    if (!batch_parse_count(value, &args->jobs) || args->jobs < 1U || args->jobs > 256U) {
      return usage_error("--jobs must be 1 … 256, not `%s`", value);
    }
  } else if (!strcmp(a, "--cache")) {
    args->config.cache_dir = value;
  } else if (!strcmp(a, "--cache-limit")) {
    if (!parse_size(value, &args->config.cache_limit_bytes)) {
      return usage_error("--cache-limit must be a size such as 500M, 8G or 0 (no limit), not `%s`", value);
    }
  } else if (!strcmp(a, "--out")) {
    args->out_dir = value;
  } else {
    return usage_error("unknown option `%s`", a);
  }
  return CLI_OK;
}

static int
parse_args(int argc, char** argv, RunArgs* args)
{
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (a[0] != '-') {
      if (args->manifest) {
        return usage_error("one manifest at a time (`%s` is a second)", a);
      }
      args->manifest = a;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      args->quiet = true;
    } else if (!strcmp(a, "--all")) {
      args->slice_option = args->slice_option ? "" : a;
      if (!args->slice_option[0]) {
        return usage_error("one of --index, --shard, --range, --all (`%s` is a second)", a);
      }
    } else if (i + 1 >= argc) {
      return usage_error("%s needs a value", a);
    } else if (parse_value_option(a, argv[++i], args) != CLI_OK) {
      return CLI_USAGE;
    }
  }
  if (!args->manifest) {
    return usage_error("which manifest?%s", "");
  }
  if (!args->slice_option) {
    return usage_error("which items? give --index I, --shard K/N, --range A:B or --all%s", "");
  }
  return CLI_OK;
}

// The slice named by the options, checked against the manifest's length.
static int
resolve_slice(const RunArgs* args, size_t n_items, BatchSlice* slice)
{
  const char* o = args->slice_option;
  const char* v = args->slice_value;
  size_t      a = 0U, b = 0U;
  if (!strcmp(o, "--all")) {
    *slice = (BatchSlice){0U, n_items};
  } else if (!strcmp(o, "--index")) {
    if (!batch_parse_count(v, &a) || a >= n_items) {
      fprintf(stderr, "mixdown batch run: --index must be 0 … %zu (the manifest has %zu items), not `%s`\n",
              n_items ? n_items - 1U : 0U, n_items, v);
      return CLI_USAGE;
    }
    *slice = (BatchSlice){a, a + 1U};
  } else if (!strcmp(o, "--shard")) {
    if (!batch_parse_shard(v, &a, &b)) {
      return usage_error("--shard must be K/N with 0 ≤ K < N ≤ 4000001, not `%s`", v);
    }
    *slice = batch_shard(a, b, n_items);
  } else {
    if (!batch_parse_range(v, &a, &b) || b > n_items) {
      fprintf(stderr, "mixdown batch run: --range must be A:B with 0 ≤ A < B ≤ %zu, not `%s`\n", n_items, v);
      return CLI_USAGE;
    }
    *slice = (BatchSlice){a, b};
  }
  return CLI_OK;
}

/* ------------------------------------------------------------------------ */
/* The workers                                                               */

typedef struct {
  const BatchManifest*  manifest;
  const BatchRunConfig* config;
  BatchSlice            slice;
  pthread_mutex_t       lock;
  size_t                next;
  size_t                finished;
  size_t                rendered;
  size_t                skipped;
  size_t                failed;
  char**                errors; ///< Per item of the slice: why it failed, or NULL
  bool                  show_progress;
  double                started_s;
} Run;

static double
now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// "batch: 7/12 done, 1 failed, ETA 0:42" redrawn in place (under the lock).
static void
show_progress(const Run* run)
{
  const size_t total   = run->slice.end - run->slice.first;
  const double elapsed = now_s() - run->started_s;
  const double eta_s   = run->finished ? elapsed / (double)run->finished * (double)(total - run->finished) : 0.0;
  fprintf(stderr, "\rbatch: %zu/%zu done, %zu failed, ETA %d:%02d  ", run->finished, total, run->failed,
          (int)(eta_s / 60.0), (int)eta_s % 60);
}

static void
record(Run* run, size_t index, BatchOutcome outcome, const char* message)
{
  pthread_mutex_lock(&run->lock);
  run->finished += outcome != BATCH_INTERRUPTED;
  run->rendered += outcome == BATCH_RENDERED;
  run->skipped += outcome == BATCH_SKIPPED;
  if (outcome == BATCH_FAILED) {
    ++run->failed;
    run->errors[index - run->slice.first] = strdup(message);
  }
  if (run->show_progress) {
    show_progress(run);
  }
  pthread_mutex_unlock(&run->lock);
}

static void*
worker(void* user_data)
{
  Run* run = user_data;
  char message[600];
  for (;;) {
    pthread_mutex_lock(&run->lock);
    const size_t index = run->next++;
    pthread_mutex_unlock(&run->lock);
    if (index >= run->slice.end || cancelled) {
      return NULL;
    }
    const BatchItem*   item    = &run->manifest->items[index];
    const BatchOutcome outcome = batch_item_run(item, run->config, message, sizeof message);
    record(run, index, outcome, message);
  }
}

static void
run_workers(Run* run, size_t jobs)
{
  pthread_t threads[256];
  size_t    started = 0U;
  (void)batch_build(); // its text made once, before the workers read it
  for (size_t j = 0U; j < jobs; ++j) {
    started += pthread_create(&threads[started], NULL, worker, run) == 0;
  }
  if (!started) {
    worker(run); // no thread to be had: this one does it all
  }
  for (size_t j = 0U; j < started; ++j) {
    pthread_join(threads[j], NULL);
  }
}

static void
report_failures(const Run* run, const char* manifest)
{
  for (size_t i = run->slice.first; i < run->slice.end; ++i) {
    const char* error = run->errors[i - run->slice.first];
    if (error) {
      const BatchItem* item = &run->manifest->items[i];
      fprintf(stderr, "mixdown batch: %s:%u: %s failed: %s\n", manifest, item->line, item->id, error);
    }
  }
}

static int
finish(const Run* run, const RunArgs* args)
{
  const size_t total = run->slice.end - run->slice.first;
  if (run->show_progress) {
    fputc('\n', stderr);
  }
  report_failures(run, args->manifest);
  if (!args->quiet) {
    fprintf(stderr, "batch: items %zu … %zu: %zu rendered, %zu already done, %zu failed, %zu not run (%.1f s)\n",
            run->slice.first, run->slice.end ? run->slice.end - 1U : 0U, run->rendered, run->skipped, run->failed,
            total - run->finished, now_s() - run->started_s);
  }
  if (stopped_by) {
    return 128 + (int)stopped_by;
  }
  return run->finished == total && !run->failed ? CLI_OK : CLI_FAILED;
}

static uint32_t
threads_per_render(size_t jobs)
{
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  const long share = cores > 0 ? cores / (long)jobs : 1;
  return share > 1 ? (uint32_t)share : 1U;
}

int
cmd_batch_run(int argc, char** argv)
{
  if (argc > 1 && cli_is_help(argv[1])) {
    fputs(usage, stdout);
    return CLI_OK;
  }
  RunArgs args = {.jobs = 1U};
  BatchManifest manifest;
  BatchSlice    slice;
  int           rc = parse_args(argc, argv, &args);
  if (rc != CLI_OK || (rc = batch_manifest_read(args.manifest, args.out_dir, true, &manifest)) != CLI_OK) {
    return rc;
  }
  if ((rc = resolve_slice(&args, manifest.n_items, &slice)) != CLI_OK) {
    batch_manifest_free(&manifest);
    return rc;
  }
  const size_t jobs   = args.jobs < slice.end - slice.first ? args.jobs : (slice.end - slice.first);
  args.config.threads = threads_per_render(args.jobs);
  args.config.cancel  = &cancelled;
  catch_signals();
  Run run = {.manifest = &manifest, .config = &args.config, .slice = slice, .next = slice.first,
             .show_progress = !args.quiet && isatty(STDERR_FILENO), .started_s = now_s()};
  pthread_mutex_init(&run.lock, NULL);
  run.errors = calloc(slice.end - slice.first + 1U, sizeof *run.errors);
  if (run.errors) {
    run_workers(&run, jobs ? jobs : 1U);
  }
  rc = run.errors ? finish(&run, &args) : CLI_FAILED;
  for (size_t i = 0U; run.errors && i < slice.end - slice.first; ++i) {
    free(run.errors[i]);
  }
  free(run.errors);
  pthread_mutex_destroy(&run.lock);
  batch_manifest_free(&manifest);
  return rc;
}
