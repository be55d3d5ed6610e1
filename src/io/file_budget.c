// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/file_budget.h"

#include <stdatomic.h>
#include <sys/resource.h>

static atomic_long held; // slots taken now, by every engine of the process

// The slots: the soft limit as it is now (the CLI raises it to the hard
// limit first), less the reserve.
static long
slots(void)
{
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) || limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > 1L << 30) {
    return 1L << 30;
  }
  const long soft    = (long)limit.rlim_cur;
  const long reserve = 64L + soft / 8L;
  return soft > reserve ? soft - reserve : 0L;
}

bool
md_file_budget_take(void)
{
  const long limit = slots();
  long       now   = atomic_load(&held);
  while (now < limit) {
    if (atomic_compare_exchange_weak(&held, &now, now + 1L)) {
      return true;
    }
  }
  return false;
}

void
md_file_budget_give(void)
{
  atomic_fetch_sub(&held, 1L);
}
