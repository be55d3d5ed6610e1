// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The progress bar of render and analyze, on stderr.

#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double
now_seconds(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// "[#####.....]  42%  normalising mix.wav, pass 2  ETA 0:12", redrawn in
// place; it never runs back and ends at 100 %.
void
cli_show_progress(void* user_data, const char* stage, double fraction)
{
  CliProgress* p       = user_data;
  const int percent = (int)(fraction * 100.0 + 1e-9);
  if (percent <= p->last_percent && !strcmp(stage, p->last_stage)) {
    return;
  }
  p->last_percent = percent > p->last_percent ? percent : p->last_percent;
  snprintf(p->last_stage, sizeof p->last_stage, "%s", stage);
  p->shown = true;
  char bar[41];
  const int filled = p->last_percent * 40 / 100;
  for (int i = 0; i < 40; ++i) {
    bar[i] = i < filled ? '#' : '.';
  }
  bar[40] = '\0';
  char         eta[32] = "";
  const double elapsed = now_seconds() - p->started_s;
  if (p->last_percent >= 2 && p->last_percent < 100 && elapsed > 1.0) {
    const double left = elapsed * (100.0 - p->last_percent) / p->last_percent;
    snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)(left / 60.0), (int)fmod(left, 60.0));
  }
  fprintf(stderr, "\r[%s] %3d%%  %-40.40s%-12s", bar, p->last_percent, stage, eta);
  fflush(stderr);
}

CliProgress
cli_progress_start(void)
{
  return (CliProgress){.last_percent = -1, .started_s = now_seconds()};
}
