// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/pool.h"

#include "platform/fpu.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
  MdPool*   pool;
  uint32_t  index;
  pthread_t thread;
} Helper;

struct MdPool {
  pthread_mutex_t lock;
  pthread_cond_t  wake;     ///< A new round (or quit)
  pthread_cond_t  finished; ///< The last helper of a round is done
  uint64_t        round;
  uint32_t        busy;     ///< Helpers still working in this round
  bool            quit;
  MdPoolJob       job;
  void*           context;
  uint32_t        n_helpers;
  Helper*         helpers;
};

static void*
helper_main(void* arg)
{
  Helper*          self = arg;
  MdPool*          pool = self->pool;
  const MdFpuState fpu  = md_fpu_enter_ftz();
  uint64_t         seen = 0U;
  pthread_mutex_lock(&pool->lock);
  for (;;) {
    while (!pool->quit && pool->round == seen) {
      pthread_cond_wait(&pool->wake, &pool->lock);
    }
    if (pool->quit) {
      break;
    }
    seen = pool->round;
    pthread_mutex_unlock(&pool->lock);
    pool->job(pool->context, self->index);
    pthread_mutex_lock(&pool->lock);
    if (--pool->busy == 0U) {
      pthread_cond_signal(&pool->finished);
    }
  }
  pthread_mutex_unlock(&pool->lock);
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
  for (uint32_t i = 0U; i < helpers; ++i) {
    pool->helpers[i] = (Helper){pool, i + 1U, 0};
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
  pool->quit = true;
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
md_pool_run(MdPool* pool, MdPoolJob job, void* context)
{
  pthread_mutex_lock(&pool->lock);
  pool->job     = job;
  pool->context = context;
  pool->busy    = pool->n_helpers;
  ++pool->round;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  job(context, 0U);
  pthread_mutex_lock(&pool->lock);
  while (pool->busy) {
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
