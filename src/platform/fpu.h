// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Flush-to-zero / denormals-are-zero for the thread that renders, restored
// afterwards: decaying filter and envelope states turn subnormal on silence,
// and subnormal arithmetic is up to 100x slower on x86.

#ifndef MD_FPU_H
#define MD_FPU_H

#include "util/realtime.h"

#include <stdint.h>

typedef struct {
  uint64_t saved;
} MdFpuState;

MD_REALTIME MdFpuState md_fpu_enter_ftz(void);
MD_REALTIME void       md_fpu_leave(MdFpuState state);

#endif
