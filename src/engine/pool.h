// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A fixed pool of worker threads, created once and reused every block:
// md_pool_run() runs one job on the calling thread (worker 0) and on every
// helper (workers 1 … helpers) and returns when all have finished.  Jobs
// share out their work themselves (an atomic counter), so which worker
// does what never changes the result.  Helpers run with denormals flushed.
// Thread: new and free on the control thread; run, start and join from
// the thread that pulls the engine (offline only: a live engine has none).

#ifndef MD_POOL_H
#define MD_POOL_H

#include <stdint.h>

typedef struct MdPool MdPool;

typedef void (*MdPoolJob)(void* context, uint32_t worker);

/// A pool with `helpers` threads besides the caller; NULL when a thread or
/// memory cannot be had.
MdPool* md_pool_new(uint32_t helpers);
void    md_pool_free(MdPool* pool);

void md_pool_run(MdPool* pool, MdPoolJob job, void* context);

/// md_pool_run() in two halves, so that the caller can do other work while
/// the helpers start: md_pool_start() sets the helpers going;
/// md_pool_join() runs the job on the caller too and returns when all are
/// done.  Every start needs its join before the next start (or free).
void md_pool_start(MdPool* pool, MdPoolJob job, void* context);
void md_pool_join(MdPool* pool);

/// The number of online CPU cores (at least 1).
uint32_t md_pool_cores(void);

#endif
