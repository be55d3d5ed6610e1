// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void
cli_print_diagnostic(void* user_data, const MixdownDiagnostic* d)
{
  (void)user_data;
  const char* kind = d->severity == MIXDOWN_SEVERITY_WARNING ? "warning" : "error";
  if (d->line) {
    fprintf(stderr, "%s:%u:%u: %s: %s\n", d->file, d->line, d->column, kind, d->message);
  } else {
    fprintf(stderr, "%s: %s: %s\n", d->file, kind, d->message);
  }
}

int
cli_open_session(const char* path, MixdownSession** session)
{
  const MixdownStatus st = mixdown_session_open_file(path, cli_print_diagnostic, NULL, session);
  if (st == MIXDOWN_SUCCESS) {
    return CLI_OK;
  }
  if (st != MIXDOWN_ERR_SESSION && st != MIXDOWN_ERR_IO) {
    fprintf(stderr, "%s: error: %s\n", path, mixdown_strerror(st));
  }
  return CLI_USAGE;
}

bool
cli_is_help(const char* arg)
{
  return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

const char*
cli_db(double db, char* buffer, unsigned size)
{
  if (!isfinite(db) || db < -999.0) {
    snprintf(buffer, size, "-inf");
  } else {
    snprintf(buffer, size, "%.2f", db);
  }
  return buffer;
}
