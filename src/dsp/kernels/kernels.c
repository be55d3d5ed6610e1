// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Chooses the kernel variant once, from the CPU's features.

#include "dsp/kernels/kernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const MdKernels* chosen = &md_kernels_reference;
static pthread_once_t   chosen_once = PTHREAD_ONCE_INIT;

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

static void
choose(void)
{
  const char* forced = getenv("MIXDOWN_KERNELS");
  if (forced && !strcmp(forced, "c")) {
    return;
  }
#ifdef MD_KERNELS_HAVE_AVX2
  if (cpu_has_avx2()) {
    chosen = &md_kernels_avx2;
  }
#endif
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
