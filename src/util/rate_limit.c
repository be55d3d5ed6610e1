// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "util/rate_limit.h"

MdRateLimit
md_rate_limit_init(uint32_t max_per_s)
{
  return (MdRateLimit){.max_per_s = max_per_s};
}

bool
md_rate_limit_allow(MdRateLimit* limit, double now_s, uint32_t* suppressed)
{
  *suppressed = md_rate_limit_flush(limit, now_s, false);
  if (!limit->started || now_s - limit->window_start_s >= 1.0 || now_s < limit->window_start_s) {
    limit->started        = true;
    limit->window_start_s = now_s;
    limit->in_window      = 0U;
  }
  if (limit->in_window < limit->max_per_s) {
    ++limit->in_window;
    return true;
  }
  ++limit->suppressed;
  return false;
}

uint32_t
md_rate_limit_flush(MdRateLimit* limit, double now_s, bool final)
{
  if (!limit->suppressed || (!final && now_s - limit->window_start_s < 1.0 && now_s >= limit->window_start_s)) {
    return 0U;
  }
  const uint32_t n  = limit->suppressed;
  limit->suppressed = 0U;
  return n;
}
