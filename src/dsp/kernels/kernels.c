// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Chooses the kernel variant once, from the CPU's features (or the
// reference, when mixdown_set_kernels() asked for it before the choice).

#include "dsp/kernels/kernels.h"

#include "mixdown.h"

#include <pthread.h>
#include <stdatomic.h>

static const MdKernels* chosen = &md_kernels_reference;
static pthread_once_t   chosen_once = PTHREAD_ONCE_INIT;
static atomic_int       wanted      = MIXDOWN_KERNELS_FASTEST; // mixdown_set_kernels()

static int
cpu_has_avx2(void) // and FMA
{
#ifdef MD_KERNELS_HAVE_AVX2
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

// The fastest variant this CPU runs.
static const MdKernels*
fastest(void)
{
#ifdef MD_KERNELS_HAVE_AVX2
  if (cpu_has_avx2()) {
    return &md_kernels_avx2;
  }
#endif
  return &md_kernels_reference;
}

static const MdKernels*
variant(MixdownKernels which)
{
  return which == MIXDOWN_KERNELS_REFERENCE ? &md_kernels_reference : fastest();
}

static void
choose(void)
{
  chosen = variant((MixdownKernels)atomic_load(&wanted));
}

MixdownStatus
mixdown_set_kernels(MixdownKernels which)
{
  if (which != MIXDOWN_KERNELS_FASTEST && which != MIXDOWN_KERNELS_REFERENCE) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  atomic_store(&wanted, (int)which);
  // The first call decides for the life of the process: processors keep
  // the table they were built with, so a later switch would mix variants.
  return md_kernels() == variant(which) ? MIXDOWN_SUCCESS : MIXDOWN_ERR_BAD_ARG;
}

const MdKernels*
md_kernels(void)
{
  pthread_once(&chosen_once, choose);
  return chosen;
}

const MdKernels* const*
md_kernels_all(size_t* count)
{
  static const MdKernels* all[2];
  size_t                  n = 0U;
  all[n++]                  = &md_kernels_reference;
#ifdef MD_KERNELS_HAVE_AVX2
  if (cpu_has_avx2()) {
    all[n++] = &md_kernels_avx2;
  }
#endif
  *count = n;
  return all;
}
