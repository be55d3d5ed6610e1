// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/pool.h"

#include "platform/fpu.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
  MdPool*   pool;
  uint32_t  index;
  pthread_t thread;
  int       spin_rounds; ///< How long this helper spins before it sleeps (adapted)
} Helper;

// A round lasts a block (~20 ms of audio, often well under a millisecond of
// work), so waking through the kernel every time would cost more than the
// work on small sessions: waiters first spin a little (at most about 50 µs),
// then sleep on the condition variable.  The spin adapts, as an adaptive
// mutex's does: a wait that had to sleep anyway halves the next spin, one
// that ended while spinning doubles it.  When the caller's own work between
// rounds is longer than the spin (few tracks, sources to decode, a machine
// shared with other work), spinning only burned a core: an hour of two
// voice tracks took 18.7 s of CPU with two threads against 4.2 s with one.
#define SPIN_ROUNDS     2000
#define SPIN_ROUNDS_MIN 16

static int
adapt_spin(int spin_rounds, bool slept)
{
  if (slept) {
    return spin_rounds / 2 > SPIN_ROUNDS_MIN ? spin_rounds / 2 : SPIN_ROUNDS_MIN;
  }
  return spin_rounds * 2 < SPIN_ROUNDS ? spin_rounds * 2 : SPIN_ROUNDS;
}

struct MdPool {
  pthread_mutex_t  lock;
  pthread_cond_t   wake;     ///< A new round (or quit)
  pthread_cond_t   finished; ///< The last helper of a round is done
  _Atomic uint64_t round;
  _Atomic uint32_t busy;     ///< Helpers still working in this round
  _Atomic bool     quit;
  MdPoolJob        job;
  void*            context;
  uint32_t         n_helpers;
  Helper*          helpers;
  int              join_spin_rounds; ///< The caller's spin in md_pool_join (adapted)
};

static inline void
relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Until the pool moves past round `seen` (or quits); adapts the helper's spin.
static void
wait_for_round(MdPool* pool, uint64_t seen, int* spin_rounds)
{
  for (int spin = 0; spin < *spin_rounds; ++spin) {
    if (atomic_load(&pool->round) != seen || atomic_load(&pool->quit)) {
      *spin_rounds = adapt_spin(*spin_rounds, false);
      return;
    }
    relax();
  }
  *spin_rounds = adapt_spin(*spin_rounds, true);
  pthread_mutex_lock(&pool->lock);
  while (atomic_load(&pool->round) == seen && !atomic_load(&pool->quit)) {
    pthread_cond_wait(&pool->wake, &pool->lock);
  }
  pthread_mutex_unlock(&pool->lock);
}

static void*
helper_main(void* arg)
{
  Helper*          self = arg;
  MdPool*          pool = self->pool;
  const MdFpuState fpu  = md_fpu_enter_ftz();
  uint64_t         seen = 0U;
  for (;;) {
    wait_for_round(pool, seen, &self->spin_rounds);
    if (atomic_load(&pool->quit)) {
      break;
    }
    seen = atomic_load(&pool->round);
    pool->job(pool->context, self->index);
    if (atomic_fetch_sub(&pool->busy, 1U) == 1U) {
      pthread_mutex_lock(&pool->lock);
      pthread_cond_signal(&pool->finished);
      pthread_mutex_unlock(&pool->lock);
    }
  }
  md_fpu_leave(fpu);
  return NULL;
}

MdPool*
md_pool_new(uint32_t helpers)
{
  MdPool* pool = calloc(1U, sizeof(MdPool));
  if (!pool) {
    return NULL;
  }
  pool->helpers = calloc(helpers ? helpers : 1U, sizeof(Helper));
  if (!pool->helpers) {
    free(pool);
    return NULL;
  }
  pthread_mutex_init(&pool->lock, NULL);
  pthread_cond_init(&pool->wake, NULL);
  pthread_cond_init(&pool->finished, NULL);
  pool->join_spin_rounds = SPIN_ROUNDS;
  for (uint32_t i = 0U; i < helpers; ++i) {
    pool->helpers[i] = (Helper){pool, i + 1U, 0, SPIN_ROUNDS};
    if (pthread_create(&pool->helpers[i].thread, NULL, helper_main, &pool->helpers[i])) {
      md_pool_free(pool);
      return NULL;
    }
    pool->n_helpers = i + 1U;
  }
  return pool;
}

void
md_pool_free(MdPool* pool)
{
  if (!pool) {
    return;
  }
  pthread_mutex_lock(&pool->lock);
  atomic_store(&pool->quit, true);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  for (uint32_t i = 0U; i < pool->n_helpers; ++i) {
    pthread_join(pool->helpers[i].thread, NULL);
  }
  pthread_cond_destroy(&pool->finished);
  pthread_cond_destroy(&pool->wake);
  pthread_mutex_destroy(&pool->lock);
  free(pool->helpers);
  free(pool);
}

void
md_pool_start(MdPool* pool, MdPoolJob job, void* context)
{
  pool->job     = job;
  pool->context = context;
  atomic_store(&pool->busy, pool->n_helpers);
  pthread_mutex_lock(&pool->lock);
  atomic_fetch_add(&pool->round, 1U); // publishes job and context to the helpers
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
}

void
md_pool_run(MdPool* pool, MdPoolJob job, void* context)
{
  md_pool_start(pool, job, context);
  md_pool_join(pool);
}

void
md_pool_join(MdPool* pool)
{
  pool->job(pool->context, 0U);
  int spin = 0;
  while (spin < pool->join_spin_rounds && atomic_load(&pool->busy)) {
    relax();
    ++spin;
  }
  pool->join_spin_rounds = adapt_spin(pool->join_spin_rounds, atomic_load(&pool->busy) != 0U);
  pthread_mutex_lock(&pool->lock);
  while (atomic_load(&pool->busy)) {
    pthread_cond_wait(&pool->finished, &pool->lock);
  }
  pthread_mutex_unlock(&pool->lock);
}

uint32_t
md_pool_cores(void)
{
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (uint32_t)n : 1U;
}
