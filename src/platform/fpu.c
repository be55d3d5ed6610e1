// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "platform/fpu.h"

#if defined(__SSE__) || defined(__x86_64__)
#  include <xmmintrin.h>
#  define MD_CSR_FTZ_DAZ 0x8040U // FTZ (bit 15) | DAZ (bit 6)

MdFpuState
md_fpu_enter_ftz(void)
{
  const MdFpuState state = {_mm_getcsr()};
  _mm_setcsr((unsigned)state.saved | MD_CSR_FTZ_DAZ);
  return state;
}

void
md_fpu_leave(MdFpuState state)
{
  _mm_setcsr((unsigned)state.saved);
}

#elif defined(__aarch64__)

MdFpuState
md_fpu_enter_ftz(void)
{
  uint64_t fpcr = 0U;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  __asm__ volatile("msr fpcr, %0" ::"r"(fpcr | (1ULL << 24))); // FZ
  const MdFpuState state = {fpcr};
  return state;
}

void
md_fpu_leave(MdFpuState state)
{
  __asm__ volatile("msr fpcr, %0" ::"r"(state.saved));
}

#else

MdFpuState
md_fpu_enter_ftz(void)
{
  const MdFpuState state = {0U};
  return state; // processors flush their own state as well
}

void
md_fpu_leave(MdFpuState state)
{
  (void)state;
}

#endif
