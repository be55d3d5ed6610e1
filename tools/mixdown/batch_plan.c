// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A stand-in for `mixdown batch plan` until its own file lands (another
// helper writes it): the build needs the symbol.

#include "batch.h"

#include <stdio.h>

int
cmd_batch_plan(int argc, char** argv)
{
  (void)argc;
  (void)argv;
  fputs("mixdown batch plan: not in this build yet\n", stderr);
  return CLI_USAGE;
}
