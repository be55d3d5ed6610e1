// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown batch`: what its parts share.  The manifest (batch_manifest.c),
// the slice rule (batch_slice.c), one item's render (batch_item.c), the
// sidecars and atomic writes (batch_sidecar.c), run (batch_run.c), status
// and collect (batch_status.c), plan (batch_plan.c).  docs/batch.md is the
// contract.

#ifndef MIXDOWN_BATCH_H
#define MIXDOWN_BATCH_H

#include "cli.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/// `mixdown batch plan SPEC -o jobs.jsonl [--seed S]` (batch_plan.c).
int cmd_batch_plan(int argc, char** argv);
int cmd_batch_run(int argc, char** argv);
int cmd_batch_status(int argc, char** argv);
int cmd_batch_collect(int argc, char** argv);

/// One manifest line, checked and resolved.
typedef struct {
  unsigned            line;         ///< 1-based line of the manifest
  json_t*             json;         ///< The item as given (owned)
  const char*         id;           ///< Borrowed from `json`
  char*               session_path; ///< Resolved against the manifest's folder
  char*               output_path;  ///< Resolved against --out
  char*               stems_dir;    ///< Resolved against --out, or NULL
  const json_t*       set;          ///< Address → value, or NULL (borrowed)
  MixdownSampleFormat format;       ///< `bits`, or DEFAULT
  uint32_t            rate_hz;      ///< `rate`, or 0
  bool                normalize;    ///< `loudness` given
  double              target_lufs;
  double              true_peak_db;
} BatchItem;

typedef struct {
  const char* path;    ///< As given
  char*       dir;     ///< The manifest's folder
  char*       out_dir; ///< --out, or the manifest's folder
  BatchItem*  items;   ///< In manifest order (blank and # lines are not items)
  size_t      n_items;
} BatchManifest;

/// Reads and checks every line of `path` (docs/batch.md), printing
/// `FILE:LINE: error: …` for each bad one.  With `check_addresses`, every
/// session is opened (once) and every `set` address checked against it.
/// Returns CLI_OK, or CLI_USAGE when anything is wrong (the manifest is
/// then empty).
int  batch_manifest_read(const char* path, const char* out_dir, bool check_addresses, BatchManifest* manifest);
void batch_manifest_free(BatchManifest* manifest);

/// Checks one item as a manifest line is checked (its session resolved
/// against `dir`), printing `WHERE: error: …` for each fault; their count.
/// (batch plan checks what it writes, so that `batch run` takes it.)
int batch_item_check(json_t* object, const char* where, const char* dir);

/// The nearest of `n` names to `name` (edit distance), or NULL.
const char* batch_nearest(const char* name, const char* const* names, size_t n);

/// Items [first, end) of the manifest.
typedef struct {
  size_t first;
  size_t end;
} BatchSlice;

/// The most shards a slice or a status may name (Slurm's MaxArraySize is at most 4 000 001).
#define BATCH_MAX_SHARDS 4000001U

/// Shard `k` of `n_shards` over `n_items` items: contiguous blocks, shard k
/// holding items [floor(k·M/N), floor((k+1)·M/N)).
BatchSlice batch_shard(size_t k, size_t n_shards, size_t n_items);

/// Parses `K/N` (K < N); false when it is not one.
bool batch_parse_shard(const char* text, size_t* k, size_t* n_shards);

/// Parses `A:B` (A < B); false when it is not one.
bool batch_parse_range(const char* text, size_t* first, size_t* end);

/// Parses a whole non-negative decimal number.
bool batch_parse_count(const char* text, size_t* out);

/// Joins `dir` and `path` (`path` alone when absolute or `dir` is "."); malloc'd.
char* batch_join(const char* dir, const char* path);

/// `OUTPUT.json` (suffix ".json") or `OUTPUT.failed.json`; malloc'd.
char* batch_sidecar_path(const char* output_path, const char* suffix);

/// Writes `text` to `path` atomically (a temporary name in its folder,
/// then rename).  False with errno's message in `message` on failure.
bool batch_write_atomic(const char* path, const char* text, char* message, size_t message_size);

/// Creates the folders on the way to the file `path` (mkdir -p of its folder).
bool batch_make_parents(const char* path, char* message, size_t message_size);

/// Reads a sidecar, or NULL when it is missing or not a JSON object.
json_t* batch_sidecar_read(const char* path);

/// "mixdown VERSION": the build the sidecars name.
const char* batch_build(void);

/// What running one item came to.
typedef enum {
  BATCH_RENDERED,    ///< Rendered now, sidecar written
  BATCH_SKIPPED,     ///< Its sidecar carries the same recipe and its output exists
  BATCH_FAILED,      ///< The error is in `message` and in OUTPUT.failed.json
  BATCH_INTERRUPTED, ///< Cancelled: nothing written
} BatchOutcome;

/// How every item of a run renders.
typedef struct {
  uint32_t      threads;           ///< Per render
  const char*   cache_dir;         ///< Or NULL
  uint64_t      cache_limit_bytes; ///< 0: the library's default
  volatile int* cancel;
} BatchRunConfig;

/// Renders `item` (or skips it), writing its sidecar; `message` says why it failed.
BatchOutcome batch_item_run(const BatchItem* item, const BatchRunConfig* config, char* message,
                            size_t message_size);

#endif
